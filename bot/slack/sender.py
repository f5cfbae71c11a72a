"""The outbox sender for Slack: one stored Reply → one Slack message, with the errors classified.

Where a reply goes:
- Address.chat "ephemeral:<channel>" (a slash command's answer): visible to the user only,
  through the command's response_url while we have it, else chat.postEphemeral, else a DM.
- A private reply (confidential, tagged for a case, or about talking to a trusted person)
  for a shared channel goes to the user's DM instead (the listener tells them so, see app.py).
- Otherwise Address.chat, or the user's DM (conversations.open) when there is no chat.
A Reply.thread is posted in the thread of the first delivered message with that tag there.

Errors (storage/outbox.py does the retrying): 429 → RateLimited(Retry-After), no attempt spent;
network and Slack-side errors → Transient; a user or channel that is gone → Unreachable; any
other refusal (invalid_blocks, token_revoked, missing_scope, …) → Permanent, given up at once.

Every message carries its outbox marker in its metadata. After a crash between Slack's
acceptance and our record of it, `find_sent` looks the message up (conversations.history, or
conversations.replies in a thread, around the time of the attempt) instead of sending it twice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient
from sqlalchemy.engine import Engine

from bot.slack import threads
from bot.slack.blocks import notification_text, reply_blocks
from bot.slack.etiquette import is_private
from bot.slack.normalize import EPHEMERAL, PLATFORM, is_dm
from handlers.types import Reply
from storage.crypto import Cipher
from storage.outbox import Permanent, RateLimited, Transient, Unreachable, deliver_with

log = logging.getLogger(__name__)

GONE = {"user_not_found", "channel_not_found", "is_archived", "cannot_dm_bot",
        "user_disabled", "users_not_found", "not_in_channel",
        "method_not_supported_for_channel_type", "restricted_action"}
SLACK_SIDE = {"internal_error", "fatal_error", "service_unavailable", "request_timeout"}
METADATA_TYPE = "integrity_bot_outbox"  # the event_type of our message metadata (the marker)
RESPONSE_URL_TTL_S = 25 * 60  # Slack accepts a response_url for 30 minutes


class SlackSender:
    """The Slack transport of the outbox (storage.outbox.Transport); `drain()` delivers what is due."""

    platform = PLATFORM

    def __init__(self, client: WebClient, engine: Engine, cipher: Cipher | None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.engine = engine
        self.cipher = cipher
        self.clock = clock
        self._dm: dict[str, str] = {}
        self._response_urls: dict[tuple[str, str], tuple[str, float]] = {}
        self._lock = threading.Lock()

    # --- called by the listeners ---------------------------------------------------------

    def remember_response_url(self, user: str, channel: str, url: str | None) -> None:
        """Keep a slash command's response_url: the way to answer ephemerally in any channel."""
        if url:
            with self._lock:
                self._response_urls[(user, channel)] = (url, self.clock())

    def drain(self) -> int:
        """Deliver every Slack reply that is due, in this thread; the number delivered."""
        return deliver_with(self.engine, self, self.cipher)

    # --- the transport ---------------------------------------------------------------------

    def parts(self, reply: Reply) -> int:
        return 1  # long text becomes several blocks of one message

    def send_part(self, reply: Reply, index: int, marker: str) -> str | None:
        """Post one reply; "channel:ts" (None for ephemeral answers, which have no ts)."""
        return self._send(reply, marker)

    def send(self, reply: Reply) -> str | None:
        """Post one reply without a marker (sealed replies keep no key, see storage/outbox.py)."""
        key = self._send(reply, None)
        return None if (reply.tag or "").startswith("sealed:") else key

    def find_sent(self, reply: Reply, index: int, marker: str, since: datetime) -> str | None:
        """The key of the message with `marker` if Slack has it already, else None (resend)."""
        channel = self._target(reply)
        if channel is None:
            return None  # an only-you answer has no history to look in
        kwargs: dict[str, Any] = {"channel": channel, "oldest": f"{since.timestamp():.6f}", "inclusive": True,
                                  "include_all_metadata": True, "limit": 200}
        root = threads.thread_ts(self.engine, self.cipher, reply.thread, channel) if reply.thread else None
        try:
            if root:
                resp = _call(self.client.conversations_replies, ts=root, **kwargs)
            else:
                resp = _call(self.client.conversations_history, **kwargs)
        except (Permanent, Unreachable) as exc:  # e.g. no im:history scope: resend rather than lose
            log.warning("Slack lookup after a crash impossible (%s): sending again", exc)
            return None
        for message in resp.get("messages") or []:
            meta = message.get("metadata") or {}
            if meta.get("event_type") == METADATA_TYPE and (meta.get("event_payload") or {}).get("m") == marker:
                return f"{channel}:{message.get('ts')}"
        return None

    def _target(self, reply: Reply) -> str | None:
        """The channel a reply is posted in, as `_send` chooses it; None for ephemeral answers."""
        chat = reply.to.chat
        if reply.ephemeral and chat and not chat.startswith(EPHEMERAL) and not is_dm(chat):
            chat = f"{EPHEMERAL}{chat}"
        if chat and chat.startswith(EPHEMERAL):
            channel = chat[len(EPHEMERAL):]
            if is_private(reply) and not is_dm(channel):
                return self._dm_channel(reply.to.user)
            return None
        if chat and not is_dm(chat) and is_private(reply):
            chat = None
        return chat or self._dm_channel(reply.to.user)

    # --- one reply -------------------------------------------------------------------------

    def _send(self, reply: Reply, marker: str | None) -> str | None:
        chat = reply.to.chat
        if reply.ephemeral and chat and not chat.startswith(EPHEMERAL) and not is_dm(chat):
            chat = f"{EPHEMERAL}{chat}"  # a handler asked for "only this user sees it"
        if chat and chat.startswith(EPHEMERAL):
            channel = chat[len(EPHEMERAL):]
            if is_private(reply) and not is_dm(channel):
                return self._post(self._dm_channel(reply.to.user), reply, marker)
            return self._ephemeral(reply, channel, marker)
        if chat and not is_dm(chat) and is_private(reply):
            chat = None
        return self._post(chat or self._dm_channel(reply.to.user), reply, marker)

    def _post(self, channel: str, reply: Reply, marker: str | None = None) -> str:
        kwargs: dict[str, Any] = {"channel": channel, "text": notification_text(reply),
                                  "blocks": reply_blocks(reply), "unfurl_links": False, "unfurl_media": False}
        if marker:
            kwargs["metadata"] = {"event_type": METADATA_TYPE, "event_payload": {"m": marker}}
        if reply.thread:
            root = threads.thread_ts(self.engine, self.cipher, reply.thread, channel)
            if root:
                kwargs["thread_ts"] = root
        resp = _call(self.client.chat_postMessage, **kwargs)
        return f"{resp.get('channel') or channel}:{resp['ts']}"

    def _dm_channel(self, user: str) -> str:
        with self._lock:
            known = self._dm.get(user)
        if known:
            return known
        resp = _call(self.client.conversations_open, users=user)
        channel = resp["channel"]["id"]
        with self._lock:
            self._dm[user] = channel
        return channel

    def _ephemeral(self, reply: Reply, channel: str, marker: str | None = None) -> str | None:
        """Only the user sees it: response_url first, then chat.postEphemeral, then a DM."""
        blocks, text = reply_blocks(reply), notification_text(reply)
        url = self._fresh_response_url(reply.to.user, channel)
        if url:
            try:
                resp = WebhookClient(url, timeout=10).send(
                    text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
            except (URLError, OSError) as exc:
                raise Transient(f"response_url: {type(exc).__name__}") from exc
            if resp.status_code == 200:
                return None
            log.info("response_url refused (%s); trying chat.postEphemeral", resp.status_code)
        try:
            _call(self.client.chat_postEphemeral, channel=channel, user=reply.to.user, text=text,
                  blocks=blocks)
            return None
        except Unreachable:  # the bot is not in that channel: the answer goes to the DM
            return self._post(self._dm_channel(reply.to.user), reply, marker)

    def _fresh_response_url(self, user: str, channel: str) -> str | None:
        with self._lock:
            found = self._response_urls.get((user, channel))
            if found and self.clock() - found[1] < RESPONSE_URL_TTL_S:
                return found[0]
            self._response_urls.pop((user, channel), None)
        return None


def _call(method: Callable[..., Any], **kwargs: Any) -> Any:
    """A Web API call with its failures sorted: rate limit, transient, unreachable, permanent."""
    try:
        return method(**kwargs)
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "") if exc.response is not None else ""
        status = exc.response.status_code if exc.response is not None else 0
        if status == 429 or error == "ratelimited":
            raise RateLimited("rate limited", _retry_after(exc.response.headers)) from exc
        if error in GONE:
            raise Unreachable(error) from exc
        if status >= 500 or error in SLACK_SIDE:
            raise Transient(f"slack error {status} {error}") from exc
        raise Permanent(f"slack refused: {error or status}") from exc
    except (URLError, OSError, TimeoutError) as exc:
        raise Transient(f"network: {type(exc).__name__}") from exc


def _retry_after(headers: dict[str, Any] | None) -> float | None:
    for key, value in (headers or {}).items():
        if key.lower() == "retry-after":
            try:
                return max(0.0, float(value[0] if isinstance(value, list) else value))
            except (TypeError, ValueError):
                return None
    return None
