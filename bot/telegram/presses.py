"""A press on an inline button: handled by the core, answered with a toast, keyboard spent.

Telegram shows a spinner until the press is answered (answerCallbackQuery). The core runs
first (milliseconds), so the answer can carry a refusal as a toast ("that button belongs to an
earlier conversation") instead of a lasting message in the chat; then the keyboard is replaced
by one button that says what was chosen (editMessageReplyMarkup), so it cannot be pressed
again by accident.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.pressed import note, spent_note
from bot.telegram.normalize import user_lang
from handlers.dispatcher import Core
from handlers.types import STALE_BUTTON, IncomingMessage

log = logging.getLogger(__name__)

SPENT = "spent"  # callback data of the button that replaces a used keyboard
TOAST_MAX = 200  # Telegram's limit on an answerCallbackQuery text


def pressed_label(query: CallbackQuery) -> str:
    """The label of the button that was pressed, from the message's keyboard."""
    markup = query.message.reply_markup if query.message is not None else None  # type: ignore[union-attr]
    for row in markup.inline_keyboard if markup else ():
        for b in row:
            if b.callback_data == query.data:
                return b.text
    return ""


async def answer_press(core: Core, query: CallbackQuery, msg: IncomingMessage | None) -> None:
    """Run the press through the core, then answer it and spend the keyboard."""
    lang = user_lang(query.from_user)
    if query.data == SPENT or msg is None:
        await _answer(query, note("spent", lang) if query.data == SPENT else None)
        return
    replies = await asyncio.to_thread(core.handle, msg)
    stale = [r for r in replies if r.tag == STALE_BUTTON and r.to == msg.address]
    lang = next((r.answer.lang for r in replies if r.answer), lang)
    await _answer(query, stale[0].text[:TOAST_MAX] if stale else None)
    label = spent_note(query.data or "", pressed_label(query), bool(stale), lang)
    try:
        await query.edit_message_reply_markup(
            InlineKeyboardMarkup([[InlineKeyboardButton(label[:64], callback_data=SPENT)]]))
    except TelegramError as exc:  # too old to edit, or already spent
        log.info("keyboard not replaced: %s", exc.message)


async def _answer(query: CallbackQuery, toast: str | None) -> None:
    try:
        await query.answer(text=toast, show_alert=False)
    except TelegramError as exc:  # too old to answer: the press still counts
        log.info("callback query not answered: %s", exc.message)
