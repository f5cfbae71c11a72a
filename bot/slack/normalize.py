"""Slack payloads → IncomingMessage: who, which organisation, what, and the Slack id to dedupe on.

Pure functions over the request bodies bolt hands us. Two lookups come in from outside: the
organisation of a workspace and the tag of a message we sent (for thread replies).

Conventions of the Slack adapter:
- Address.chat is the conversation the reply goes to: a DM (D…) or a channel (C…/G…) for a
  mention, "ephemeral:<channel>" for the answer to a slash command or to a button on it.
- Address.team stays None: a Slack user id is unique across workspaces, and roles (trusted
  persons, coordinators) are stored as (platform, user id), so the state key must not depend
  on the workspace.
- The dedupe id of a message is its channel + ts: Slack's retries of one event and the same
  message arriving as `message` and as `app_mention` share it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from handlers.types import Address, IncomingMessage
from knowledge.normalize import detect_language, tokens
from knowledge.normalize import normalize as normalize_text

PLATFORM = "slack"
EPHEMERAL = "ephemeral:"
# Message subtypes that are a person writing something new; edits, deletions, joins, bot posts are not.
PERSON_SUBTYPES = (None, "file_share", "thread_broadcast")

_COLLEAGUE = "\x00colleague\x00"  # placeholder while the language of the text is not known

OrgOf = Callable[[str | None], str]
TagOf = Callable[[str], str | None]  # "channel:ts" of a message we sent → its outbox tag

USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL_LINK = re.compile(r"<#[CG][A-Z0-9]+(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!([a-z]+)(?:\^[^|>]*)?(?:\|([^>]*))?>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")


def is_dm(channel: str | None, channel_type: str | None = None) -> bool:
    """A direct conversation between one person and the bot."""
    return channel_type == "im" or bool(channel and channel.startswith("D"))


def plain_text(text: str, bot_user_id: str | None, names: dict[str, str | None] | None = None) -> str:
    """Slack's markup as a person reads it; the bot's own mention removed.

    Other people's mentions become 'een collega': the core needs no user ids, and the text of
    a question must not carry a colleague's identity into storage. `names` (user id → display
    name) keeps them instead, for the relay of a confidential case (mentions.py).
    """
    def mention(m: re.Match[str]) -> str:
        if m.group(1) == bot_user_id:
            return ""
        name = (names or {}).get(m.group(1))
        return f"@{name}" if name else _COLLEAGUE

    text = USER_MENTION.sub(mention, text or "")
    if _COLLEAGUE in text:  # in the language of the message around it
        rest = text.replace(_COLLEAGUE, " ")
        word = "a colleague" if detect_language(tokens(normalize_text(rest))) == "en" else "een collega"
        text = text.replace(_COLLEAGUE, word)
    text = _CHANNEL_LINK.sub(lambda m: f"#{m.group(1) or 'kanaal'}", text)
    text = _SPECIAL.sub(lambda m: m.group(2) or f"@{m.group(1)}", text)
    text = _LINK.sub(lambda m: m.group(2) or m.group(1).removeprefix("mailto:"), text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(text.split())


def team_of(body: dict[str, Any]) -> str | None:
    """The workspace a request comes from (events, commands and interactions differ)."""
    team = body.get("team_id") or body.get("team")
    if isinstance(team, dict):
        team = team.get("id")
    if not team and isinstance(body.get("event"), dict):
        team = body["event"].get("team")
    if not team and isinstance(body.get("user"), dict):
        team = body["user"].get("team_id")
    return team if isinstance(team, str) else None


def enterprise_of(body: dict[str, Any]) -> str | None:
    """The Enterprise Grid organisation a request comes from, if any."""
    found = body.get("enterprise_id") or body.get("enterprise")
    if isinstance(found, dict):
        found = found.get("id")
    if not found and isinstance(body.get("user"), dict):
        found = body["user"].get("enterprise_id")
    return found if isinstance(found, str) and found else None


def message_event(body: dict[str, Any], bot_user_id: str | None, org_of: OrgOf,
                  tag_of: TagOf) -> IncomingMessage | None:
    """A `message` (DM) or `app_mention` event; None for what the bot must ignore.

    Ignored: messages of bots (our own included), edits and deletions, channel messages that
    do not mention the bot (those arrive as app_mention).
    """
    event = body.get("event") or {}
    kind = event.get("type")
    if kind not in ("message", "app_mention"):
        return None
    if event.get("bot_id") or event.get("bot_profile") or event.get("subtype") not in PERSON_SUBTYPES:
        return None
    user, channel, ts = event.get("user"), event.get("channel"), event.get("ts")
    if not user or not channel or not ts or user == bot_user_id:
        return None
    dm = is_dm(channel, event.get("channel_type"))
    if kind == "message" and not dm:
        return None
    thread_ts = event.get("thread_ts")
    thread = tag_of(f"{channel}:{thread_ts}") if thread_ts and thread_ts != ts else None
    # a mention in a channel is answered in its thread (the one it was made in, or a new one)
    reply_in = None if dm else thread_tag(channel, thread_ts or ts)
    return IncomingMessage(
        address=Address(PLATFORM, user, chat=channel), org=org_of(team_of(body)),
        text=plain_text(event.get("text") or "", bot_user_id), event_id=f"msg:{channel}:{ts}",
        thread=thread, in_group=not dm, reply_in=reply_in)


THREAD_TAG = "ts:"


def thread_tag(channel: str, ts: str) -> str:
    """Reply.thread for 'in the thread of message `ts` in `channel`' (see threads.thread_ts)."""
    return f"{THREAD_TAG}{channel}:{ts}"


def is_question_command(command: str) -> bool:
    """`/integriteit` (also a renamed copy such as /integriteit-test) asks a question."""
    return command.startswith("/integrit")


def slash_command(body: dict[str, Any], org_of: OrgOf) -> IncomingMessage:
    """A slash command.

    `/integriteit [vraag]`: the answer is for the asker only (ephemeral), wherever it was typed.
    Any other command of the app (/vertrouwenspersoon, /stop, /antwoord …) is the text command
    of the same name for the core: Slack takes every message that starts with "/" for a command,
    so these reach the bot only this way. Their answers belong to the ongoing conversation and go
    to the DM with the bot. A command is never said *to* a channel: wherever it was typed, it is
    part of the user's own conversation with the bot (in_group False), so the confidential flow
    and a trusted person's /antwoord work from any channel.
    """
    channel = body.get("channel_id") or ""
    command = (body.get("command") or "").lower()
    args = plain_text(body.get("text") or "", None)
    dm = is_dm(channel) or body.get("channel_name") == "directmessage"
    event_id = body.get("trigger_id") or f"{channel}:{body.get('user_id')}:{command} {args}"
    if is_question_command(command):
        chat: str | None = f"{EPHEMERAL}{channel}" if channel else None
        text = args or "help"
    else:
        chat, text = None, f"{command} {args}".strip()
    del dm  # where it was typed only decides where the pointer goes (app.py)
    return IncomingMessage(address=Address(PLATFORM, body["user_id"], chat=chat), org=org_of(team_of(body)),
                           text=text, event_id=f"cmd:{event_id}")


def block_action(body: dict[str, Any], org_of: OrgOf, tag_of: TagOf) -> IncomingMessage | None:
    """A button press: its value is the Button.id of the reply it was on."""
    actions = body.get("actions") or []
    if not actions:
        return None
    action = actions[0]
    value = action.get("value") or action.get("action_id")
    user = (body.get("user") or {}).get("id")
    if not value or not user:
        return None
    container = body.get("container") or {}
    channel = channel_of_action(body)
    message = body.get("message") or {}
    chat: str | None = channel
    thread = None
    event_id = body.get("trigger_id") or f"{channel}:{user}:{action.get('action_ts')}"
    if value.startswith("confide:") and channel and not is_dm(channel):
        # the confidential conversation continues in the DM, wherever its button was pressed
        return IncomingMessage(address=Address(PLATFORM, user), org=org_of(team_of(body)), action=value,
                               event_id=f"action:{event_id}", toast=True)
    if channel and container.get("is_ephemeral"):
        chat = f"{EPHEMERAL}{channel}"
    elif channel:
        ts = message.get("ts") or container.get("message_ts")
        thread = tag_of(f"{channel}:{ts}") if ts else None
        if thread is None and message.get("thread_ts"):
            thread = tag_of(f"{channel}:{message['thread_ts']}")
    in_group = bool(channel) and not is_dm(channel)
    reply_in = None
    if in_group and not container.get("is_ephemeral") and (message.get("thread_ts") or message.get("ts")):
        reply_in = thread_tag(str(channel), message.get("thread_ts") or message["ts"])  # the answer stays there
    return IncomingMessage(
        address=Address(PLATFORM, user, chat=chat), org=org_of(team_of(body)), action=value,
        event_id=f"action:{event_id}", thread=thread, in_group=in_group, reply_in=reply_in,
        toast=True)  # app.py shows a refusal about the button ephemerally itself


def channel_of_action(body: dict[str, Any]) -> str | None:
    """The conversation a pressed button was in."""
    container = body.get("container") or {}
    return (body.get("channel") or {}).get("id") or container.get("channel_id")
