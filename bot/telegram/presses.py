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

from sqlalchemy import select
from sqlalchemy.engine import Engine
from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.pressed import note, spent_note
from bot.telegram.normalize import PLATFORM, user_lang
from handlers.dispatcher import Core
from handlers.types import STALE_BUTTON, IncomingMessage
from storage.db import session_scope
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

SPENT = "spent"  # callback data of the button that replaces a used keyboard
TOAST_MAX = 200  # Telegram's limit on an answerCallbackQuery text
TAKE = "confide:tp:take:"


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
    replies, stored = await asyncio.to_thread(core.handle_or_tell, msg)  # handled, or the user is told
    if not stored:  # not even the notice could be stored: it is the toast
        await _answer(query, replies[0].text[:TOAST_MAX] if replies else None)
        return
    stale = [r for r in replies if r.tag == STALE_BUTTON and r.to == msg.address]
    lang = next((r.answer.lang for r in replies if r.answer), lang)
    await _answer(query, stale[0].text[:TOAST_MAX] if stale else None)
    label = spent_note(query.data or "", pressed_label(query), bool(stale), lang)
    try:
        await query.edit_message_reply_markup(spent_keyboard(label))
    except TelegramError as exc:  # too old to edit, or already spent
        log.info("keyboard not replaced: %s", exc.message)
    if (query.data or "").startswith(TAKE) and not stale:
        await _spend_other_handoffs(core, query, (query.data or "").removeprefix(TAKE).split(":")[0])


def spent_keyboard(label: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label[:64], callback_data=SPENT)]])


async def _spend_other_handoffs(core: Core, query: CallbackQuery, case_id: str) -> None:
    """The other trusted persons' copies of a handoff that was just taken lose their button."""
    pressed = f"{query.message.chat.id}:{query.message.message_id}" if query.message else ""  # type: ignore[union-attr]
    keys = await asyncio.to_thread(_handoff_keys, core.services.engine, case_id)
    for key in keys:
        chat_id, _, message_id = key.rpartition(":")
        if key == pressed or not message_id.isdigit():
            continue
        try:
            await query.get_bot().edit_message_reply_markup(
                chat_id=chat_id, message_id=int(message_id), reply_markup=spent_keyboard(note("taken", "nl")))
        except TelegramError as exc:
            log.info("another trusted person's handoff not updated: %s", exc.message)


def _handoff_keys(engine: Engine, case_id: str) -> list[str]:
    with session_scope(engine) as session:
        return [str(k) for k in session.execute(select(OutboxMessage.platform_message_id).where(
            OutboxMessage.platform == PLATFORM, OutboxMessage.tag == f"handoff:{case_id}",
            OutboxMessage.status == "delivered", OutboxMessage.platform_message_id.is_not(None))).scalars()]


async def _answer(query: CallbackQuery, toast: str | None) -> None:
    try:
        await query.answer(text=toast, show_alert=False)
    except TelegramError as exc:  # too old to answer: the press still counts
        log.info("callback query not answered: %s", exc.message)
