"""The outbox sender for Teams: one stored Reply → one activity with an Adaptive Card, errors classified.

Where a reply goes:
- Address.chat a team channel (or group chat) the user wrote in, and the reply is not private:
  there, in the same thread (the conversation id carries the thread's message id).
- Otherwise the user's personal chat with the bot, from the stored conversation reference
  (storage/teams.py). A user known only from a channel gets a personal chat opened for them
  (POST /v3/conversations); a user the bot never met cannot be written to (Undeliverable).

`send` runs in the outbox thread; every Bot Connector call is a coroutine of the Teams SDK run on
the endpoint's event loop. Errors: 429 → RetryLater(Retry-After); 5xx, 401 and network →
RetryLater; 403 (app removed, blocked) and 404 (conversation or user gone) → Undeliverable,
as are requests Teams will never accept (400, 413). The outbox does the retrying.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import OrderedDict
from collections.abc import Coroutine
from typing import Any

import httpx
from microsoft_teams.api import Account, CreateConversationParams, MessageActivityInput
from sqlalchemy.engine import Engine

from bot.teams.cards import reply_card, summary
from bot.teams.credentials import TokenError
from bot.teams.normalize import PLATFORM, message_key
from handlers.types import Reply
from storage import teams as refs
from storage.crypto import Cipher
from storage.db import session_scope
from storage.models import OutboxMessage
from storage.outbox import RetryLater, Undeliverable, decode, deliver_due

log = logging.getLogger(__name__)

CALL_TIMEOUT_S = 60.0
RECENT_CARDS = 2000  # cards remembered in memory, to redraw one after a press (sealed ones are not stored)


def is_private(reply: Reply) -> bool:
    """Content that never belongs in a team channel."""
    return bool(reply.confidential or reply.tag
                or (reply.answer is not None and reply.answer.intent == "confide"))


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


class TeamsSender:
    """Sends stored replies through the Teams SDK's API client; `drain()` delivers what is due."""

    def __init__(self, app: Any, loop: asyncio.AbstractEventLoop, engine: Engine, cipher: Cipher | None) -> None:
        self.app = app  # microsoft_teams.apps.App, initialised
        self.loop = loop
        self.engine = engine
        self.cipher = cipher
        self._recent: OrderedDict[str, Reply] = OrderedDict()
        self._lock = threading.Lock()

    def drain(self) -> int:
        """Deliver every Teams reply that is due; the number delivered."""
        return deliver_due(self.engine, PLATFORM, self.send, self.cipher)

    # --- one reply -------------------------------------------------------------------------

    def send(self, reply: Reply) -> str | None:
        """Post one reply; "conversation:activity id" as the stored message key (None when sealed)."""
        conversation, service_url = self._target(reply)
        activity = MessageActivityInput(summary=summary(reply)).add_card(reply_card(reply))
        sent = self._call(self.app.send(conversation, activity, service_url=service_url))
        key = message_key(conversation, sent.id)
        self._remember(key, reply)
        return None if (reply.tag or "").startswith("sealed:") else key

    def _target(self, reply: Reply) -> tuple[str, str]:
        """(conversation id, service URL) the reply goes to."""
        with session_scope(self.engine) as session:
            ref = refs.reference(session, reply.to.user)
        if ref is None:
            raise Undeliverable("Teams: this user never talked to the bot (no conversation reference)")
        chat = reply.to.chat
        if chat and chat != ref.conversation_id and not is_private(reply):
            return chat, ref.service_url  # the channel thread (or group chat) it was asked in
        if ref.conversation_id:
            return ref.conversation_id, ref.service_url
        return self._open_personal_chat(ref), ref.service_url

    def _open_personal_chat(self, ref: refs.ConversationRef) -> str:
        """A personal chat with a user known from a channel; stored for every later message."""
        params = CreateConversationParams(
            members=[Account(id=ref.channel_account_id)], tenant_id=ref.tenant_id,
            channel_data={"tenant": {"id": ref.tenant_id}})
        api = self.app.api.clone(service_url=ref.service_url)
        created = self._call(api.conversations.create(params))
        with session_scope(self.engine) as session:
            refs.remember(session, refs.ConversationRef(
                ref.user_id, ref.tenant_id, ref.service_url, created.id, ref.channel_account_id, ref.bot_id))
        return str(created.id)

    # --- the card after a press --------------------------------------------------------------

    def update_pressed(self, card_key: str, label: str | None, service_url: str) -> None:
        """Redraw a card whose button was pressed: its content, and what was chosen instead of buttons.

        Best effort (the answer to the press is already on its way): a card this process did not
        send and the outbox cannot show is left as it is.
        """
        reply = self._card_reply(card_key)
        if reply is None:
            return
        conversation, _, activity_id = card_key.rpartition(":")
        activity = MessageActivityInput(id=activity_id, summary=summary(reply)).add_card(
            reply_card(reply, chosen=label or ""))
        try:
            self._call(self.app.send(conversation, activity, service_url=service_url))
        except (RetryLater, Undeliverable) as exc:
            log.info("a pressed card could not be redrawn: %s", exc)

    def _card_reply(self, key: str) -> Reply | None:
        with self._lock:
            if key in self._recent:
                return self._recent[key]
        with session_scope(self.engine) as session:
            row = session.query(OutboxMessage).filter(
                OutboxMessage.platform == PLATFORM, OutboxMessage.platform_message_id == key).first()
            if row is None:
                return None
        try:
            return decode(row, self.cipher)
        except Exception:  # an old key is gone: leave the card
            return None

    def _remember(self, key: str, reply: Reply) -> None:
        if not reply.buttons:
            return
        with self._lock:
            self._recent[key] = reply
            while len(self._recent) > RECENT_CARDS:
                self._recent.popitem(last=False)

    # --- calling the SDK ---------------------------------------------------------------------

    def _call(self, coro: Coroutine[Any, Any, Any]) -> Any:
        """Run one SDK call on the endpoint's loop; translate its failure for the outbox."""
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(timeout=CALL_TIMEOUT_S)
        except httpx.HTTPStatusError as exc:
            status = exc.response.status_code
            if status == 429:
                raise RetryLater("Teams: rate limited (429)", _retry_after(exc.response)) from exc
            if status in (403, 404):
                raise Undeliverable(f"Teams: {status} {_error_code(exc.response)}") from exc
            if status in (400, 413):
                log.error("Teams refused a message: %s %s", status, _error_code(exc.response))
                raise Undeliverable(f"Teams: {status} {_error_code(exc.response)}") from exc
            if status == 401:
                log.error("the Bot Connector refused the bot's token (401): check TEAMS_APP_ID and the secret")
            raise RetryLater(f"Teams: {status} {_error_code(exc.response)}") from exc
        except TokenError as exc:
            log.error("Entra ID refused the bot's credentials: %s", exc)
            raise RetryLater(f"Teams: no token: {exc}") from exc
        except (httpx.TransportError, OSError) as exc:
            raise RetryLater(f"Teams: network: {type(exc).__name__}") from exc
        except TimeoutError as exc:
            future.cancel()
            raise RetryLater("Teams: the call did not finish in time") from exc


def _error_code(response: httpx.Response) -> str:
    """The Bot Connector's error code (e.g. BotNotInConversationRoster), never message text."""
    try:
        body = response.json()
    except ValueError:
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    return str(error.get("code") or "")[:80] if isinstance(error, dict) else ""
