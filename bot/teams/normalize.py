"""Teams activities → IncomingMessage: who, which tenant, what, and the id to dedupe on.

Pure functions over the activity JSON the Bot Connector posts. Conventions of the Teams adapter:
- Address.user is the Entra object id (`from.aadObjectId`): stable across chats, and what an
  administrator registers trusted persons with. Address.chat is `conversation.id`: the personal
  chat, or for a channel the thread the message was written in (its id ends in ";messageid=…",
  so a reply there lands in the same thread).
- A button is an Adaptive Card Action.Submit; its `data` carries {"itb": <Button.id>} and the
  press arrives as a message activity with that `value` and `replyToId` = the card's activity.
  A reply typed into a card's text field arrives the same way, with {"itb": "reply"}.
- The dedupe id is the conversation and the activity id: the Bot Connector redelivers an
  activity with the same id.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from handlers.types import Address, IncomingMessage
from storage.teams import ConversationRef

PLATFORM = "teams"
ACTION_KEY = "itb"  # the key of our Action.Submit data
REPLY_ACTION = "reply"  # a card's "answer" field was submitted
REPLY_FIELD = "itb_reply"
PERSONAL = "personal"

TagOf = Callable[[str], str | None]  # "conversation:activity id" of a message we sent → its outbox tag

_TAG = re.compile(r"<[^>]+>")
_AT = re.compile(r"<at[^>]*>(.*?)</at>", re.S | re.I)


@dataclass(frozen=True)
class Inbound:
    """What one activity means for the bot: a message for the core, a reference, the card pressed."""

    message: IncomingMessage | None
    tenant_id: str | None
    ref: ConversationRef | None  # the sender's reference (personal chat id only when this is one)
    pressed_card: str | None = None  # "conversation:activity id" of the card whose button was pressed
    pressed_label: str | None = None
    locale: str = "nl"
    personal: bool = True


def lang_of(activity: dict[str, Any]) -> str:
    """'en' for an English Teams client, else Dutch."""
    locale = str(activity.get("locale") or "").lower()
    return "en" if locale.startswith("en") else "nl"


def tenant_of(activity: dict[str, Any]) -> str | None:
    conversation = activity.get("conversation") or {}
    tenant = conversation.get("tenantId") or ((activity.get("channelData") or {}).get("tenant") or {}).get("id")
    return str(tenant).lower() if tenant else None


def is_personal(activity: dict[str, Any]) -> bool:
    conversation = activity.get("conversation") or {}
    return (conversation.get("conversationType") or PERSONAL) == PERSONAL and not conversation.get("isGroup")


def plain_text(activity: dict[str, Any]) -> str:
    """The text as the person wrote it: the bot's own @mention removed, others' mentions anonymised,
    Teams' HTML markup and entities undone."""
    text = str(activity.get("text") or "")
    bot_id = (activity.get("recipient") or {}).get("id")
    bot_mentions = {str(e.get("text") or "") for e in activity.get("entities") or []
                    if e.get("type") == "mention" and (e.get("mentioned") or {}).get("id") == bot_id}
    for mention in bot_mentions:
        if mention:
            text = text.replace(mention, " ")
    # A colleague's mention must not carry their identity into storage (as on Slack).
    text = _AT.sub(lambda m: " " if m.group(0) in bot_mentions else "een collega", text)
    text = re.sub(r"<br\s*/?>|</p>", "\n", text, flags=re.I)
    text = html.unescape(_TAG.sub("", text)).replace("\xa0", " ")
    return "\n".join(" ".join(line.split()) for line in text.splitlines()).strip()


def case_tag(value: object) -> str | None:
    """The case a card's answer field belongs to, as the card itself carries it.

    Only a case tag is taken; whether this user may answer that case is the core's decision
    (only the trusted person who took it may), exactly as for a tag found in the outbox.
    """
    if isinstance(value, str) and value.split(":", 1)[0] in ("handoff", "case") and len(value) <= 200:
        return value
    return None


def message_key(conversation_id: str, activity_id: str) -> str:
    """How a sent (or received) Teams message is named in the outbox's platform_message_id."""
    return f"{conversation_id}:{activity_id}"


def event_id_of(activity: dict[str, Any]) -> str | None:
    activity_id = activity.get("id")
    if not activity_id:
        return None
    conversation = str((activity.get("conversation") or {}).get("id") or "")
    digest = hashlib.sha256(f"{conversation}\n{activity_id}".encode()).hexdigest()[:40]
    return f"act:{digest}"


def reference_of(activity: dict[str, Any]) -> ConversationRef | None:
    """The sender's conversation reference; the conversation id only when it is their personal chat."""
    sender = activity.get("from") or {}
    user = sender.get("aadObjectId")
    service_url = activity.get("serviceUrl")
    tenant = tenant_of(activity)
    if not user or not service_url or not tenant or not sender.get("id"):
        return None
    conversation_id = (activity.get("conversation") or {}).get("id") if is_personal(activity) else None
    return ConversationRef(user_id=str(user).lower(), tenant_id=tenant, service_url=str(service_url),
                           conversation_id=conversation_id, channel_account_id=str(sender["id"]),
                           bot_id=str((activity.get("recipient") or {}).get("id") or ""))


def inbound(activity: dict[str, Any], org_of: Callable[[str | None], str | None], tag_of: TagOf) -> Inbound:
    """Read one activity. `message` is None for what the core need not see (typing, installs, edits)."""
    tenant = tenant_of(activity)
    ref = reference_of(activity)
    personal = is_personal(activity)
    lang = lang_of(activity)
    base = Inbound(message=None, tenant_id=tenant, ref=ref, locale=lang, personal=personal)
    if activity.get("type") != "message" or ref is None:
        return base
    org = org_of(tenant)
    if org is None:
        return base
    conversation_id = str((activity.get("conversation") or {}).get("id") or "")
    address = Address(PLATFORM, ref.user_id, chat=conversation_id)
    reply_to = activity.get("replyToId")
    card = message_key(conversation_id, str(reply_to)) if reply_to else None
    thread = tag_of(card) if card else None
    value = activity.get("value")
    common: dict[str, Any] = {"address": address, "org": org, "event_id": event_id_of(activity),
                              "thread": thread, "in_group": not personal}
    if isinstance(value, dict) and isinstance(value.get(ACTION_KEY), str):
        action = value[ACTION_KEY]
        if action == REPLY_ACTION:  # the answer field of a card to a trusted person
            text = str(value.get(REPLY_FIELD) or "").strip()
            if not text:
                return base
            if common["thread"] is None:  # the card was sent a moment ago and is not marked delivered yet
                common["thread"] = case_tag(value.get("tag"))
            return Inbound(IncomingMessage(text=text, **common), tenant, ref, card, None, lang, personal)
        label = value.get("label") if isinstance(value.get("label"), str) else None
        return Inbound(IncomingMessage(action=action, **common), tenant, ref, card, label, lang, personal)
    text = plain_text(activity)
    return Inbound(IncomingMessage(text=text, **common), tenant, ref, None, None, lang, personal)
