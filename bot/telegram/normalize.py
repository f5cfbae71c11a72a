"""A Telegram update as what the core understands: an IncomingMessage, or a Notice the adapter gives.

Only private chats reach the core. Commands become the texts the handlers know (/vraag X → X,
/melden → a reporting question; /vertrouwenspersoon, /stop and unknown commands pass as typed so
the flows that own them can act). What the bot cannot read (stickers, photos, files, edits),
anything said to it in a group, and /mijnid (a user's id, for the administrator to register
them) get a Notice: a fixed reply that never enters a conversation.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from telegram import Chat, Message, MessageEntity, Update, User

from bot.telegram.texts import REPORT_QUESTION, tg_text
from handlers.types import Address, IncomingMessage

PLATFORM = "telegram"

# (chat id, message id) of the message replied to → the tag of that message, if the bot sent it
ThreadLookup = Callable[[str, int], str | None]


@dataclass(frozen=True)
class Notice:
    """A reply the adapter gives without the core; `event_id` makes a redelivery answer once."""

    address: Address
    text: str
    event_id: str


Item = IncomingMessage | Notice


def user_lang(user: User | None) -> str:
    """English for users whose Telegram app is English, Dutch otherwise."""
    code = (user.language_code or "") if user else ""
    return "en" if code.lower().startswith("en") else "nl"


def _address(user: User, chat: Chat | None) -> Address:
    return Address(PLATFORM, str(user.id), chat=str(chat.id) if chat else str(user.id))


def _command(message: Message, bot_username: str) -> tuple[str, str] | None:
    """(command, arguments) when the message starts with a command for this bot."""
    entities = message.entities or ()
    first = next((e for e in entities if e.type == MessageEntity.BOT_COMMAND and e.offset == 0), None)
    if first is None or not message.text:
        return None
    name = message.text[1:first.length]
    name, _, target = name.partition("@")
    if target and target.lower() != bot_username.lower():
        return None  # a command for another bot in the same group
    return name.lower(), message.text[first.length:].strip()


def _addressed_to_bot(message: Message, bot_username: str, bot_id: int | None) -> bool:
    """In a group: a command, a mention of the bot, or a reply to one of its messages."""
    if _command(message, bot_username) is not None:
        return True
    text = message.text or message.caption or ""
    if bot_username and f"@{bot_username.lower()}" in text.lower():
        return True
    replied = message.reply_to_message
    return bool(replied and replied.from_user and bot_id is not None and replied.from_user.id == bot_id)


def command_text(name: str, args: str, lang: str) -> str | None:
    """What a command means to the core, or None when the adapter answers it (empty /vraag).

    Commands the core understands as typed (/start, /help, /vertrouwenspersoon, /stop, ...) stay
    commands, so a flow that owns the conversation (an open confidential case) sees a command
    and not words the user never wrote.
    """
    if name == "vraag":
        return args or None
    if name == "melden":
        question = REPORT_QUESTION[lang]
        return f"{question}: {args}" if args else question
    return f"/{name} {args}".strip()  # /start, /help, /vertrouwenspersoon, /stop, flow commands


START_CONFIDE = "vertrouwenspersoon"  # t.me/<bot>?start=vertrouwenspersoon (or <org>-vertrouwenspersoon)


def deep_link(payload: str, orgs: Collection[str]) -> tuple[str | None, bool]:
    """(organisation, start the confidential conversation) of a /start payload.

    t.me/<bot>?start=ommen sets the user's organisation; ?start=vertrouwenspersoon starts the
    confidential conversation; ?start=ommen-vertrouwenspersoon does both (a QR code on a poster).
    """
    payload = payload.strip().lower()
    confide = payload == START_CONFIDE or payload.endswith(f"-{START_CONFIDE}")
    slug = payload.removesuffix(START_CONFIDE).removesuffix("-") if confide else payload
    by_lower = {o.lower(): o for o in orgs}
    return by_lower.get(slug), confide


def normalise(update: Update, org: str, bot_username: str, bot_id: int | None,
              thread_of: ThreadLookup, orgs: Collection[str] = ()) -> list[Item]:
    """What this update asks of the bot, in order; [] when it should stay silent.

    `org`: the user's organisation; `orgs`: those a deep link may choose.
    """
    event_id = f"tg:{update.update_id}"
    if update.callback_query is not None:
        return _callback(update, org, event_id, thread_of)
    if update.edited_message is not None:
        edited = update.edited_message
        if edited.chat.type != Chat.PRIVATE or edited.from_user is None or edited.from_user.is_bot:
            return []
        lang = user_lang(edited.from_user)
        return [Notice(_address(edited.from_user, edited.chat), tg_text("edited", lang), event_id)]
    message = update.message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return []  # channel posts, service updates, other bots
    user, chat = message.from_user, message.chat
    lang = user_lang(user)
    address = _address(user, chat)
    if chat.type != Chat.PRIVATE:
        if not _addressed_to_bot(message, bot_username, bot_id):
            return []
        link = f"https://t.me/{bot_username}"
        return [Notice(address, tg_text("group", lang, link=link), event_id)]
    if message.text is None:
        if message.effective_attachment is None and message.caption is None:
            return []  # a service message (pinned, ...): nothing the user said
        return [Notice(address, tg_text("text_only", lang), event_id)]
    thread = None
    if message.reply_to_message is not None:
        thread = thread_of(str(chat.id), message.reply_to_message.message_id)
    text = message.text
    items: list[Item] = []
    command = _command(message, bot_username)
    if command is not None:
        name, args = command
        if name == "mijnid":  # for registering trusted persons and coordinators (admin add-role)
            return [Notice(address, tg_text("my_id", lang, user_id=user.id), event_id)]
        if name == "start":
            items.append(Notice(address, tg_text("privacy", lang), f"{event_id}:welcome"))
            chosen, confide = deep_link(args, orgs)
            org = chosen or org  # remembered in the user's conversation state by the core
            args = ""  # a deep-link payload is not a question
            if confide:
                name = START_CONFIDE
        mapped = command_text(name, args, lang)
        if mapped is None:
            return [Notice(address, tg_text("ask_prompt", lang), event_id)]
        text = mapped
    items.append(IncomingMessage(address=address, org=org, text=text, event_id=event_id, thread=thread,
                                 display_name=user.full_name or None))
    return items


def _callback(update: Update, org: str, event_id: str, thread_of: ThreadLookup) -> list[Item]:
    """A button press: its id as the action, from private chats only."""
    query = update.callback_query
    assert query is not None
    message = query.message
    chat = message.chat if message is not None else None
    if chat is not None and chat.type != Chat.PRIVATE:
        return []
    if not query.data or query.from_user.is_bot:
        return []
    thread = thread_of(str(chat.id), message.message_id) if chat is not None and message is not None else None
    return [IncomingMessage(address=_address(query.from_user, chat), org=org, action=query.data,
                            event_id=event_id, thread=thread, display_name=query.from_user.full_name or None,
                            toast=True)]  # a refusal is shown as a toast (presses.py)
