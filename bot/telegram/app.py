"""The python-telegram-bot Application: built from the settings, with one handler for every update.

The handler answers a button press at once (Telegram shows a spinner until then), normalises
the update, hands it to the core in a worker thread, and wakes the outbox sender.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.telegram.inbound import process
from bot.telegram.normalize import PLATFORM, normalise
from bot.telegram.sender import OutboxPump
from bot.telegram.settings import TelegramSettings
from bot.telegram.texts import COMMANDS
from handlers.dispatcher import Core
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
    """Route every update through the core; log errors without message text."""

    def thread_of(chat_id: str, message_id: int) -> str | None:
        return tag_of_sent_message(core.services.engine, PLATFORM, f"{chat_id}:{message_id}")

    async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.callback_query is not None:
            try:
                await update.callback_query.answer()
            except TelegramError as exc:  # too old to answer: the press still counts
                log.info("callback query not answered: %s", exc.message)
        bot = context.bot
        items = await asyncio.to_thread(normalise, update, org, bot.username, bot.id, thread_of)
        if items:
            await asyncio.to_thread(process, core, items)
            pump.wake()

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        err = context.error
        log.error("telegram update failed: %s", type(err).__name__, exc_info=err)

    app.add_handler(TypeHandler(Update, on_update))
    app.add_error_handler(on_error)


async def register_commands(app: Application) -> None:  # type: ignore[type-arg]
    """The command menu users see, with Dutch descriptions."""
    await app.bot.set_my_commands([BotCommand(name, description) for name, description in COMMANDS])
