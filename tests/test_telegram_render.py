"""Rendering for Telegram and normalising updates: escaping, emphasis, splitting, keyboards, commands."""

from __future__ import annotations

import html

from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import Bot, Update

from bot.telegram.normalize import Notice, command_text, normalise
from bot.telegram.render import keyboard, render_chunks, tg_length
from bot.telegram.settings import TelegramSettings
from handlers.types import Address, Button, IncomingMessage, Reply
from knowledge.answer import Answer
from tests.telegram_fake import BOT_ID, BOT_USERNAME, TOKEN, message

TO = Address("telegram", "5", chat="5")


def unhtml(text: str) -> str:
    for tag in ("<b>", "</b>", "<i>", "</i>"):
        text = text.replace(tag, "")
    return html.unescape(text)


def test_user_text_is_escaped_and_the_structure_emphasised() -> None:
    answer = Answer(intent="rule", verdict="consult", headline="🟠 Overleg eerst",
                    sources=[{"org": "ommen", "document": "Gedragscode", "section": "3.1"}])
    text = "🟠 Overleg eerst\nGeschenken <€ 50> & meer\n👉 Meld het\n📄 Bron: Gedragscode – 3.1"
    (chunk,) = render_chunks(Reply(to=TO, text=text, answer=answer))
    assert chunk == ("<b>🟠 Overleg eerst</b>\nGeschenken &lt;€ 50&gt; &amp; meer\n👉 Meld het\n"
                     "<i>📄 Bron: Gedragscode – 3.1</i>")


def test_a_reply_without_an_answer_is_only_escaped() -> None:
    (chunk,) = render_chunks(Reply(to=TO, text="<b>niet vet</b>\n📄 ook geen bron"))
    assert chunk == "&lt;b&gt;niet vet&lt;/b&gt;\n📄 ook geen bron"


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab <>&\n😀é")), min_size=1, max_size=3000),
       st.integers(min_value=40, max_value=400))
def test_splitting_keeps_every_character_and_respects_the_limit(text: str, limit: int) -> None:
    chunks = render_chunks(Reply(to=TO, text=text), limit=limit)
    assert all(tg_length(c) <= limit for c in chunks)
    rejoined = unhtml("\n".join(chunks))
    if text.strip():
        # splitting happens between lines or at spaces; only those may differ
        assert rejoined.replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(" ", "")


def test_keyboard_one_button_a_row_and_too_long_ids_left_out() -> None:
    reply = Reply(to=TO, text="?", buttons=[Button("value:le:50", "€ 50 of minder"),
                                            Button("x" * 65, "te lang"),
                                            Button("value:unknown", "weet ik niet")])
    markup = keyboard(reply)
    assert markup is not None
    assert [[b.callback_data for b in row] for row in markup.inline_keyboard] == [["value:le:50"],
                                                                                 ["value:unknown"]]
    assert keyboard(Reply(to=TO, text="geen knoppen")) is None


def test_commands_map_to_what_the_core_understands() -> None:
    assert command_text("help", "", "nl") == "/help"
    assert command_text("vraag", "Mag ik een cadeau aannemen?", "nl") == "Mag ik een cadeau aannemen?"
    assert command_text("vraag", "", "nl") is None
    assert command_text("melden", "", "nl") == "Ik wil iets melden"
    assert command_text("melden", "een collega pest mij", "nl") == "Ik wil iets melden: een collega pest mij"
    assert command_text("vertrouwenspersoon", "", "nl") == "/vertrouwenspersoon"
    assert command_text("stop", "", "nl") == "/stop"
    assert command_text("herinneringen", "", "nl") == "/herinneringen"
    assert command_text("antwoord", "K7-Q3 dank je", "nl") == "/antwoord K7-Q3 dank je"


def _update(data: dict) -> Update:  # type: ignore[type-arg]
    return Update.de_json(data, Bot(TOKEN))


def test_reply_to_a_bot_message_carries_its_tag_and_the_event_id() -> None:
    looked_up: list[tuple[str, int]] = []

    def thread_of(chat: str, message_id: int) -> str | None:
        looked_up.append((chat, message_id))
        return "handoff:abc"

    data = message(77, "Ik neem contact op", reply_to=12, update_id=555)
    (item,) = normalise(_update(data), "ommen", BOT_USERNAME, BOT_ID, thread_of)
    assert isinstance(item, IncomingMessage)
    assert item.thread == "handoff:abc" and item.event_id == "tg:555" and item.text == "Ik neem contact op"
    assert item.address == Address("telegram", "77", chat="77")
    assert looked_up == [("77", 12)]


def test_mijnid_tells_the_user_their_id_for_registration() -> None:
    (item,) = normalise(_update(message(987654, "/mijnid")), "ommen", BOT_USERNAME, BOT_ID, lambda c, m: None)
    assert isinstance(item, Notice) and "Je Telegram-gebruikersnummer is 987654" in item.text


def test_a_command_for_another_bot_in_a_group_is_ignored() -> None:
    data = message(77, "/help@andere_bot", chat_id=-5)
    assert normalise(_update(data), "ommen", BOT_USERNAME, BOT_ID, lambda c, m: None) == []
    data = message(77, f"/help@{BOT_USERNAME}", chat_id=-5)
    (item,) = normalise(_update(data), "ommen", BOT_USERNAME, BOT_ID, lambda c, m: None)
    assert isinstance(item, Notice) and item.address.chat == "-5"


def test_webhook_settings_are_checked() -> None:
    tg = TelegramSettings(_env_file=None, bot_token="1:x", mode="webhook")  # type: ignore[call-arg]
    problems = " ".join(tg.problems())
    assert "TELEGRAM_WEBHOOK_URL" in problems and "TELEGRAM_SECRET_TOKEN" in problems
    tg = TelegramSettings(_env_file=None, bot_token="1:x", mode="webhook",  # type: ignore[call-arg]
                          webhook_url="https://bot.example.org/telegram", secret_token="abc_DEF-1")
    assert tg.problems() == []
    assert TelegramSettings(_env_file=None).problems()  # type: ignore[call-arg]
