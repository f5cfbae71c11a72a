"""Send outbox replies through the Bot API, and keep sending while the bot runs.

The delivery loop (bot/delivery/) runs in worker threads, several sends in flight for different
chats; each Bot API call is a coroutine run on the application's event loop. Telegram's errors
become the outbox's: 429 → RateLimited (Retry-After, no attempt spent), network trouble →
Transient, a blocked bot / never started / unknown chat → Unreachable, any other refusal
(a text Telegram cannot parse, …) → Permanent. A long reply goes in parts; a retry resumes at
the part that failed. Telegram has no way to look a message up: after a crash between
Telegram's acceptance and our record of it, that part is sent again.

A sent message is remembered as "<chat id>:<message id>": Telegram numbers messages per chat,
so the message id alone would mix up the replies of different chats. Sealed messages (to the
employee of a confidential case) are remembered without it.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Coroutine
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from telegram import Bot, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError, RetryAfter

from bot.delivery.loop import DeliveryLoop
from bot.delivery.pacing import TELEGRAM
from bot.telegram.normalize import PLATFORM
from bot.telegram.render import keyboard, render_chunks
from handlers.types import Reply
from storage.crypto import Cipher
from storage.db import session_scope
from storage.models import OutboxMessage
from storage.outbox import LEASE, Permanent, RateLimited, Transient, Unreachable

log = logging.getLogger(__name__)

CALL_TIMEOUT_S = 60.0
# BadRequest descriptions that mean "this person cannot be reached", not "this message is wrong"
GONE = ("chat not found", "user not found", "bot was blocked", "user is deactivated", "peer_id_invalid",
        "bot can't initiate conversation", "have no rights to send", "bot was kicked", "not enough rights")


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
    """The Telegram transport of the outbox (storage.outbox.Transport), bound to a bot and its loop."""

    platform = PLATFORM

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
            raise RateLimited("Telegram flood control (429)", retry_after=retry_after) from exc
        except Forbidden as exc:  # the user blocked the bot, or never started it
            raise Unreachable(f"Telegram: {exc.message}") from exc
        except ChatMigrated as exc:
            raise Unreachable(f"Telegram: group moved to chat {exc.new_chat_id}") from exc
        except InvalidToken as exc:
            raise Permanent(f"Telegram: {exc.message}") from exc
        except BadRequest as exc:  # chat not found, or a request Telegram will never accept
            if any(g in exc.message.lower() for g in GONE):
                raise Unreachable(f"Telegram: {exc.message}") from exc
            raise Permanent(f"Telegram: {exc.message}") from exc
        except NetworkError as exc:  # includes TimedOut
            raise Transient(f"Telegram network error: {exc.message}") from exc
        except TimeoutError as exc:
            future.cancel()
            raise Transient("Telegram call did not finish in time") from exc

    def parts(self, reply: Reply) -> int:
        return len(render_chunks(reply))

    def send_part(self, reply: Reply, index: int, marker: str) -> str | None:
        """Send part `index` of a reply (the keyboard goes with the last); its "<chat>:<id>"."""
        chat_id = reply.to.chat or reply.to.user
        chunks = render_chunks(reply)
        anchor = anchor_message(self.engine, chat_id, reply.thread) if reply.thread and index == 0 else None
        last = index == len(chunks) - 1
        sent = self._call(self.bot.send_message(
            chat_id=chat_id, text=chunks[index], parse_mode=ParseMode.HTML,
            reply_markup=keyboard(reply) if last else None,
            reply_parameters=ReplyParameters(anchor, allow_sending_without_reply=True)
            if anchor is not None else None))
        return message_key(chat_id, sent.message_id)

    def find_sent(self, reply: Reply, index: int, marker: str, since: datetime) -> str | None:
        return None  # the Bot API cannot list what a bot sent: the part is sent again

    def send(self, reply: Reply) -> str | None:
        """Send a whole reply at once (its first message's key; none for sealed replies)."""
        keys = [self.send_part(reply, i, "") for i in range(self.parts(reply))]
        return None if (reply.tag or "").startswith("sealed:") else keys[0]


class OutboxPump:
    """Delivers due Telegram replies: at once when woken after an update, else every `interval`."""

    def __init__(self, sender: TelegramSender, cipher: Cipher | None, interval: float = 1.0,
                 workers: int = 8, lease: timedelta = LEASE) -> None:
        self.sender = sender
        self.cipher = cipher
        self.loop = DeliveryLoop(sender.engine, sender, cipher, TELEGRAM, workers=workers, interval=interval,
                                 lease=lease)

    def wake(self) -> None:
        """New replies were queued (safe from any thread)."""
        self.loop.wake()

    def start(self) -> None:
        self.loop.start()

    async def stop(self) -> None:
        """Finish the sends in flight (nothing half-sent), then stop; the event loop keeps running
        meanwhile, since the sends need it."""
        await asyncio.to_thread(self.loop.stop)
