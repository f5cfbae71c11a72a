"""Names and languages of Slack users: colleagues named in a DM, and the language of a user's Slack.

Colleagues named in a DM, as the trusted person should read them:

In an ordinary question a mention becomes 'een collega' (normalize.plain_text): the question
needs no names and must not carry a colleague's identity into storage. Inside an open
confidential case who did what is the substance of the report, so the message also carries
`named_text` with each mention as the colleague's display name (users.info), and the
confidential flow relays that one. Only DMs with a mention cost a look-up; names are cached
briefly in memory, never stored.

The Home tab and the forms follow the language of the user's Slack (users.info with its
locale): English for en-*, Dutch otherwise.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.normalize import USER_MENTION, plain_text
from handlers.types import IncomingMessage

log = logging.getLogger(__name__)

CACHE_S = 600.0


class MentionNames:
    """Resolves <@U…> to display names through users.info."""

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._cache: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def resolve(self, msg: IncomingMessage, raw: str, bot_user_id: str | None,
                client: WebClient | None = None) -> IncomingMessage:
        """`msg` with named_text set when the raw text mentions someone other than the bot."""
        users = {u for u in USER_MENTION.findall(raw) if u != bot_user_id}
        if not users:
            return msg
        names = {u: self._name(u, client or self.client) for u in users}
        named = plain_text(raw, bot_user_id, names=names)
        return dataclasses.replace(msg, named_text=named) if named != msg.text else msg

    def lang(self, user: str, client: WebClient | None = None) -> str:
        """'en' when the user's Slack is in English, else 'nl'."""
        key = f"locale:{user}"
        with self._lock:
            hit = self._cache.get(key)
            if hit and time.monotonic() - hit[1] < CACHE_S:
                return hit[0]
        try:
            resp: Any = (client or self.client).users_info(user=user, include_locale=True)
            locale = str((resp.get("user") or {}).get("locale") or "")
        except (SlackApiError, OSError):
            locale = ""
        lang = "en" if locale.lower().startswith("en") else "nl"
        with self._lock:
            self._cache[key] = (lang, time.monotonic())
        return lang

    def _name(self, user: str, client: WebClient) -> str | None:
        with self._lock:
            hit = self._cache.get(user)
            if hit and time.monotonic() - hit[1] < CACHE_S:
                return hit[0]
        try:
            resp: Any = client.users_info(user=user)
        except (SlackApiError, OSError) as exc:
            log.info("users.info failed for a mention: %s", type(exc).__name__)
            return None
        person = resp.get("user") or {}
        profile = person.get("profile") or {}
        name = (profile.get("display_name") or profile.get("real_name") or person.get("real_name")
                or person.get("name") or "")
        name = name.strip() or None
        if name:
            with self._lock:
                self._cache[user] = (name, time.monotonic())
        return name
