"""Send outbox replies through the Bot API, and keep sending while the bot runs.

`deliver_due` is synchronous and runs in a worker thread; each Bot API call is a coroutine run
on the application's event loop. Telegram's errors become the outbox's: 429 and network
trouble are retried later, a blocked bot or an unknown chat is given up (kept as failed).

A sent message is remembered as "<chat id>:<message id>": Telegram numbers messages per chat,
so the message id alone would mix up the replies of different chats. Sealed messages (to the
employee of a confidential case) are remembered without it.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from telegram import Bot, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot.telegram.normalize import PLATFORM
from bot.telegram.render import keyboard, render_chunks
from handlers.types import Reply
from storage.crypto import Cipher
from storage.db import session_scope
from storage.models import OutboxMessage
from storage.outbox import RetryLater, Undeliverable, deliver_due

log = logging.getLogger(__name__)

CALL_TIMEOUT_S = 60.0


def message_key(chat_id: str | int, message_id: int) -> str:
    """How a sent Telegram message is stored as platform_message_id."""
    return f"{chat_id}:{message_id}"


def anchor_message(engine: Engine, chat_id: str, tag: str) -> int | None:
    """The first delivered message with `tag` in this chat: what a reply in that thread answers."""
    with session_scope(engine) as session:
        keys = session.execute(
            select(OutboxMessage.platform_message_id).where(
                OutboxMessage.platform == PLATFORM, OutboxMessage.tag == tag,
                OutboxMessage.status == "delivered", OutboxMessage.platform_message_id.is_not(None),
                OutboxMessage.platform_message_id.startswith(f"{chat_id}:"),
            ).order_by(OutboxMessage.id).limit(1)).scalars().all()
    if not keys:
        return None
    _, _, message_id = keys[0].rpartition(":")
    return int(message_id) if message_id.isdigit() else None


def _seconds(value: int | float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramSender:
    """The `send` function of the outbox for platform "telegram", bound to a bot and its loop."""

    def __init__(self, bot: Bot, loop: asyncio.AbstractEventLoop, engine: Engine) -> None:
        self.bot = bot
        self.loop = loop
        self.engine = engine

    def _call(self, coro: Coroutine[Any, Any, Message]) -> Message:
        """Run one Bot API call on the loop; translate its failure for the outbox."""
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(timeout=CALL_TIMEOUT_S)
        except RetryAfter as exc:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                retry_after = _seconds(exc.retry_after)
            raise RetryLater("Telegram flood control (429)", retry_after=retry_after) from exc
        except Forbidden as exc:  # the user blocked the bot, or never started it
            raise Undeliverable(f"Telegram: {exc.message}") from exc
        except ChatMigrated as exc:
            raise Undeliverable(f"Telegram: group moved to chat {exc.new_chat_id}") from exc
        except BadRequest as exc:  # chat not found, or a request Telegram will never accept
            raise Undeliverable(f"Telegram: {exc.message}") from exc
        except NetworkError as exc:  # includes TimedOut
            raise RetryLater(f"Telegram network error: {exc.message}") from exc
        except TimeoutError as exc:
            future.cancel()
            raise RetryLater("Telegram call did not finish in time") from exc

    def send(self, reply: Reply) -> str | None:
        """Send one reply (in several messages if long); return the first message's key.

        A sealed reply (to the employee of a confidential case) keeps no key: "<chat>:<id>" in
        clear would show who talks to a trusted person.
        """
        chat_id = reply.to.chat or reply.to.user
        anchor = anchor_message(self.engine, chat_id, reply.thread) if reply.thread else None
        chunks = render_chunks(reply)
        markup = keyboard(reply)
        first: int | None = None
        for i, chunk in enumerate(chunks):
            last = i == len(chunks) - 1
            sent = self._call(self.bot.send_message(
                chat_id=chat_id, text=chunk, parse_mode=ParseMode.HTML,
                reply_markup=markup if last else None,
                reply_parameters=ReplyParameters(anchor, allow_sending_without_reply=True)
                if anchor is not None and i == 0 else None))
            first = sent.message_id if first is None else first
        assert first is not None
        return None if (reply.tag or "").startswith("sealed:") else message_key(chat_id, first)


class OutboxPump:
    """Delivers due Telegram replies: at once when woken after an update, else every `interval`."""

    def __init__(self, sender: TelegramSender, cipher: Cipher | None, interval: float = 1.0) -> None:
        self.sender = sender
        self.cipher = cipher
        self.interval = interval
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """New replies were queued (call on the event loop)."""
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="telegram-outbox")

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                sent = await asyncio.to_thread(deliver_due, self.sender.engine, PLATFORM, self.sender.send,
                                               self.cipher)
            except Exception:  # the database is away: try again next round
                log.exception("telegram outbox round failed")
                sent = 0
            if sent and not self._stopping:
                continue  # there may be more due
            try:
                await asyncio.wait_for(self._wake.wait(), self.interval)
            except TimeoutError:
                pass

    async def stop(self) -> None:
        """Finish the round in progress (nothing half-sent), then stop."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            await self._task
