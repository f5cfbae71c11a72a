"""The python-telegram-bot Application: built from the settings, with one handler for every update.

The handler normalises the update, hands it to the core in a worker thread, and wakes the
outbox sender; a button press is answered right after the core (presses.py).
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import select
from sqlalchemy.engine import Engine
from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.links import Links
from bot.telegram.inbound import process
from bot.telegram.normalize import PLATFORM, normalise
from bot.telegram.presses import answer_press
from bot.telegram.render import use_links
from bot.telegram.sender import OutboxPump
from bot.telegram.settings import TelegramSettings
from bot.telegram.texts import command_menu
from handlers.dispatcher import Core
from handlers.types import IncomingMessage
from storage.conversations import stored_org as stored_state_org
from storage.crypto import Cipher
from storage.db import session_scope
from storage.keys import keyring_of
from storage.models import RoleAssignment
from storage.outbox import tag_of_sent_message

log = logging.getLogger(__name__)

ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]


def build_application(tg: TelegramSettings) -> Application:  # type: ignore[type-arg]
    """An Application talking to `tg.base_url` (Telegram, or a fake in tests)."""
    builder = ApplicationBuilder().token(tg.bot_token).base_url(tg.base_url)
    if tg.base_url != TelegramSettings.model_fields["base_url"].default:
        builder = builder.base_file_url(tg.base_url.replace("/bot", "/file/bot"))
    return builder.build()


def install_handlers(app: Application, core: Core, org: str, pump: OutboxPump) -> None:  # type: ignore[type-arg]
    """Route every update through the core; log errors without message text.

    `org` is the organisation of users who have not chosen one; a deep link
    (t.me/<bot>?start=<org>) chooses one, remembered in the user's conversation state.
    """
    orgs = set(core.services.kb.organisations)
    use_links(Links(core.services.kb, core.services.engine))

    def thread_of(chat_id: str, message_id: int) -> str | None:
        return tag_of_sent_message(core.services.engine, PLATFORM, f"{chat_id}:{message_id}")

    def org_of(user_id: int | None) -> str:
        if user_id is None:
            return org
        stored = stored_org(core.services.engine, core.services.cipher, f"{PLATFORM}:{user_id}")
        return stored if stored in orgs else org

    async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        bot = context.bot
        user = update.effective_user
        user_org = await asyncio.to_thread(org_of, user.id if user else None)
        items = await asyncio.to_thread(normalise, update, user_org, bot.username, bot.id, thread_of, orgs)
        if update.callback_query is not None:
            msg = next((i for i in items if isinstance(i, IncomingMessage)), None)
            await answer_press(core, update.callback_query, msg)
            pump.wake()
            return
        if items:
            unsent = await asyncio.to_thread(process, core, items)
            for reply in unsent:  # the database is away: the failure notice goes out directly
                try:
                    await bot.send_message(chat_id=reply.to.chat or reply.to.user, text=reply.text)
                except TelegramError as exc:
                    log.error("telling a user their message failed did not work either: %s", exc.message)
            pump.wake()

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        err = context.error
        log.error("telegram update failed: %s", type(err).__name__, exc_info=err)

    app.add_handler(TypeHandler(Update, on_update))
    app.add_error_handler(on_error)


async def register_commands(app: Application, core: Core | None = None) -> None:  # type: ignore[type-arg]
    """The command menu in the user's language (Dutch, English for English Telegram apps), and
    for each registered trusted person a menu of their own in their chat."""
    for lang, code in (("nl", None), ("en", "en")):
        await app.bot.set_my_commands(commands(lang), language_code=code)
    if core is None:
        return
    for user_id in await asyncio.to_thread(telegram_trusted_persons, core.services.engine):
        if not user_id.lstrip("-").isdigit():
            continue
        scope = BotCommandScopeChat(int(user_id))
        try:
            for lang, code in (("nl", None), ("en", "en")):
                await app.bot.set_my_commands(commands(lang, trusted=True), scope=scope, language_code=code)
        except TelegramError as exc:  # the person never started the bot: their menu comes later
            log.info("no command menu for a trusted person's chat: %s", exc.message)


def commands(lang: str, trusted: bool = False) -> list[BotCommand]:
    return [BotCommand(name, description) for name, description in command_menu(lang, trusted)]


def stored_org(engine: Engine, cipher: Cipher | None, user_key: str) -> str | None:
    """The organisation a user's conversation belongs to (chosen by a deep link), if any; the state
    is found by the keyed hash of the user's key (storage.conversations)."""
    with session_scope(engine) as session:
        return stored_state_org(session, keyring_of(cipher), user_key)


def telegram_trusted_persons(engine: Engine) -> list[str]:
    """Telegram user ids of everyone registered as a trusted person, of any organisation."""
    with session_scope(engine) as session:
        return sorted(set(session.execute(select(RoleAssignment.user_id).where(
            RoleAssignment.platform == PLATFORM, RoleAssignment.role == "trusted_person")).scalars()))
