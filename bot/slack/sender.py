"""The outbox sender for Slack: one stored Reply → one Slack message, with the errors classified.

Where a reply goes:
- Address.chat "ephemeral:<channel>" (a slash command's answer): visible to the user only,
  through the command's response_url while we have it, else chat.postEphemeral, else a DM.
- A private reply (confidential, tagged for a case, or about talking to a trusted person)
  for a shared channel goes to the user's DM instead (the listener tells them so, see app.py).
- Otherwise Address.chat, or the user's DM (conversations.open) when there is no chat.
A Reply.thread is posted in the thread of the first delivered message with that tag there.

Errors: 429 → RetryLater(Retry-After); network and Slack-side errors → RetryLater; a user or
channel that is gone → Undeliverable. The outbox does the retrying (storage/outbox.py).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
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
from storage.outbox import RetryLater, Undeliverable, deliver_due

log = logging.getLogger(__name__)

GONE = {"user_not_found", "account_inactive", "channel_not_found", "is_archived", "cannot_dm_bot",
        "user_disabled", "users_not_found", "team_access_not_granted", "not_in_channel",
        "method_not_supported_for_channel_type", "restricted_action"}
SLACK_SIDE = {"internal_error", "fatal_error", "service_unavailable", "request_timeout"}
RESPONSE_URL_TTL_S = 25 * 60  # Slack accepts a response_url for 30 minutes


class SlackSender:
    """Sends stored replies through the Web API; `drain()` delivers everything that is due."""

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
        """Deliver every Slack reply that is due; the number delivered."""
        return deliver_due(self.engine, PLATFORM, self.send, self.cipher)

    # --- one reply -------------------------------------------------------------------------

    def send(self, reply: Reply) -> str | None:
        """Post one reply; return "channel:ts" as the stored message key.

        None for ephemeral messages (no ts) and for sealed replies to the employee of a
        confidential case: their DM channel in clear would link the sealed rows to the person.
        """
        key = self._send(reply)
        return None if (reply.tag or "").startswith("sealed:") else key

    def _send(self, reply: Reply) -> str | None:
        chat = reply.to.chat
        if reply.ephemeral and chat and not chat.startswith(EPHEMERAL) and not is_dm(chat):
            chat = f"{EPHEMERAL}{chat}"  # a handler asked for "only this user sees it"
        if chat and chat.startswith(EPHEMERAL):
            channel = chat[len(EPHEMERAL):]
            if is_private(reply) and not is_dm(channel):
                return self._post(self._dm_channel(reply.to.user), reply)
            return self._ephemeral(reply, channel)
        if chat and not is_dm(chat) and is_private(reply):
            chat = None
        return self._post(chat or self._dm_channel(reply.to.user), reply)

    def _post(self, channel: str, reply: Reply) -> str:
        kwargs: dict[str, Any] = {"channel": channel, "text": notification_text(reply),
                                  "blocks": reply_blocks(reply), "unfurl_links": False, "unfurl_media": False}
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

    def _ephemeral(self, reply: Reply, channel: str) -> str | None:
        """Only the user sees it: response_url first, then chat.postEphemeral, then a DM."""
        blocks, text = reply_blocks(reply), notification_text(reply)
        url = self._fresh_response_url(reply.to.user, channel)
        if url:
            try:
                resp = WebhookClient(url, timeout=10).send(
                    text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
            except (URLError, OSError) as exc:
                raise RetryLater(f"response_url: {type(exc).__name__}") from exc
            if resp.status_code == 200:
                return None
            log.info("response_url refused (%s); trying chat.postEphemeral", resp.status_code)
        try:
            _call(self.client.chat_postEphemeral, channel=channel, user=reply.to.user, text=text,
                  blocks=blocks)
            return None
        except Undeliverable:  # the bot is not in that channel: the answer goes to the DM
            return self._post(self._dm_channel(reply.to.user), reply)

    def _fresh_response_url(self, user: str, channel: str) -> str | None:
        with self._lock:
            found = self._response_urls.get((user, channel))
            if found and self.clock() - found[1] < RESPONSE_URL_TTL_S:
                return found[0]
            self._response_urls.pop((user, channel), None)
        return None


def _call(method: Callable[..., Any], **kwargs: Any) -> Any:
    """A Web API call with its failures sorted into retry-later and give-up."""
    try:
        return method(**kwargs)
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "") if exc.response is not None else ""
        status = exc.response.status_code if exc.response is not None else 0
        if status == 429 or error == "ratelimited":
            raise RetryLater("rate limited", _retry_after(exc.response.headers)) from exc
        if error in GONE:
            raise Undeliverable(error) from exc
        if status >= 500 or error in SLACK_SIDE:
            raise RetryLater(f"slack error {status} {error}") from exc
        log.error("Slack refused a call: %s (status %s)", error, status)
        raise RetryLater(f"slack error {status} {error}") from exc
    except (URLError, OSError, TimeoutError) as exc:
        raise RetryLater(f"network: {type(exc).__name__}") from exc


def _retry_after(headers: dict[str, Any] | None) -> float | None:
    for key, value in (headers or {}).items():
        if key.lower() == "retry-after":
            try:
                return max(0.0, float(value[0] if isinstance(value, list) else value))
            except (TypeError, ValueError):
                return None
    return None
