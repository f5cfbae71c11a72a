"""The Telegram bot end to end: real python-telegram-bot, long polling, a fake Bot API on 127.0.0.1.

Each test asserts what the user would see: the texts (HTML) and keyboards sent to their chat.
"""

from __future__ import annotations

import asyncio
import html
import json
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from handlers.dispatcher import Core
from handlers.types import Address, Reply
from storage.db import session_scope
from storage.models import OutboxMessage
from storage.outbox import enqueue
from storage.roles import add_role
from tests.telegram_fake import BOT_USERNAME, FakeBotApi, button_press, edited, message
from tests.telegram_harness import buttons, running, texts, until

ALICE = 1001
BOB = 1002
GROUP = -100777


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    api = FakeBotApi().start()
    yield api
    api.close()


def _statuses(core: Core) -> list[str]:
    with session_scope(core.services.engine) as session:
        return list(session.execute(select(OutboxMessage.status)).scalars().all())


def plain(text: str) -> str:
    """What the user reads of an HTML text."""
    for tag in ("<b>", "</b>", "<i>", "</i>"):
        text = text.replace(tag, "")
    return html.unescape(text)


def test_the_command_menu_is_registered_in_dutch_and_english_and_for_trusted_persons(
        core: Core, fake: FakeBotApi) -> None:
    with session_scope(core.services.engine) as session:
        add_role(session, "ommen", "trusted_person", "telegram", str(BOB), "Bob")

    async def scenario() -> None:
        async with running(core, fake) as username:
            assert username == BOT_USERNAME
    asyncio.run(scenario())

    registered = fake.called("setMyCommands")
    menus = {(r.get("language_code"), json.dumps(r.get("scope"), sort_keys=True) if r.get("scope") else None):
             {c["command"]: c["description"] for c in r["commands"]} for r in registered}
    dutch, english = menus[(None, None)], menus[("en", None)]
    assert list(dutch) == ["start", "help", "vraag", "melden", "vertrouwenspersoon", "stop", "herinneringen"]
    assert "vertrouwenspersoon" in dutch["vertrouwenspersoon"].lower()
    assert "beëindigen" in dutch["stop"] and "coördinatoren" in dutch["herinneringen"]
    assert "trustedperson" in english and "confidential" in english["stop"]
    bob = json.dumps({"type": "chat", "chat_id": BOB}, sort_keys=True)
    assert "gesprekken" in menus[(None, bob)] and "antwoord" in menus[("en", bob)]
    assert "gesprekken" not in dutch  # only in the trusted person's own chat


def test_start_gives_welcome_privacy_and_help(core: Core, fake: FakeBotApi) -> None:
    async def scenario() -> None:
        async with running(core, fake):
            fake.push(message(ALICE, "/start"))
            await until(lambda: len(fake.sent(ALICE)) >= 2, "welcome and help")
    asyncio.run(scenario())

    welcome, help_ = fake.sent(ALICE)
    assert welcome["parse_mode"] == "HTML"
    assert "Privacy in drie regels" in welcome["text"]
    assert welcome["text"].count("•") == 3
    assert "Ik ben de Integriteitsbot van Gemeente Ommen" in plain(help_["text"])


def test_a_question_gets_a_keyboard_and_the_button_gives_the_verdict(core: Core, fake: FakeBotApi) -> None:
    async def scenario() -> None:
        async with running(core, fake):
            fake.push(message(ALICE, "Mag ik een fles wijn van een leverancier aannemen?"))
            clarify = (await until(lambda: fake.sent(ALICE), "the clarifying question"))[0]
            assert "Wat is het ongeveer waard?" in clarify["text"]
            assert buttons(clarify) == [("€ 50 of minder", "value:le:50"), ("meer dan € 50", "value:gt:50"),
                                        ("weet ik niet", "value:unknown")]
            fake.push(button_press(ALICE, "value:le:50", on_message=clarify["_message_id"]))
            await until(lambda: len(fake.sent(ALICE)) >= 2, "the verdict")
    asyncio.run(scenario())

    answered = fake.called("answerCallbackQuery")
    assert len(answered) == 1 and answered[0]["callback_query_id"].startswith("cq")
    verdict = fake.sent(ALICE)[1]
    first_line = verdict["text"].split("\n")[0]
    assert first_line.startswith("<b>") and first_line[3] in "🟢🟠🔴⚪"  # the traffic light, bold
    assert "<i>📄 Bron:" in verdict["text"]  # the source, in italics
    assert verdict["parse_mode"] == "HTML"


def test_commands_become_questions_the_core_answers(core: Core, fake: FakeBotApi) -> None:
    async def scenario() -> None:
        async with running(core, fake):
            fake.push(message(ALICE, "/vraag"))
            await until(lambda: len(fake.sent(ALICE)) >= 1, "the /vraag prompt")
            fake.push(message(ALICE, "/vraag Mag ik een fles wijn van een leverancier aannemen?"))
            await until(lambda: len(fake.sent(ALICE)) >= 2, "the answer to /vraag")
            fake.push(message(ALICE, "/melden"))
            await until(lambda: len(fake.sent(ALICE)) >= 3, "the answer to /melden")
            fake.push(message(ALICE, f"/help@{BOT_USERNAME}"))
            await until(lambda: len(fake.sent(ALICE)) >= 4, "the answer to /help")
    asyncio.run(scenario())

    prompt, question, report, help_ = fake.sent(ALICE)
    assert "Typ je vraag na /vraag" in prompt["text"]
    assert "Wat is het ongeveer waard?" in question["text"]
    assert "Waar gaat je melding over?" in report["text"]
    assert ("Ongewenst gedrag door een collega", "report:unwanted_behaviour") in buttons(report)
    assert "Ik ben de Integriteitsbot" in help_["text"]


def test_group_chat_gets_no_conversation_but_a_private_chat_link(core: Core, fake: FakeBotApi) -> None:
    async def scenario() -> None:
        async with running(core, fake):
            fake.push(message(ALICE, "Gewoon groepsgeklets, niet voor de bot", chat_id=GROUP))
            fake.push(message(ALICE, "/vertrouwenspersoon", chat_id=GROUP))
            await until(lambda: fake.sent(GROUP), "the refusal in the group")
            fake.push(message(BOB, f"@{BOT_USERNAME} mag ik een cadeau aannemen?", chat_id=GROUP))
            await until(lambda: len(fake.sent(GROUP)) >= 2, "the refusal of a mention")
    asyncio.run(scenario())

    sent = fake.sent(GROUP)
    assert len(sent) == 2  # the chatter not addressed to the bot got nothing
    for reply in sent:
        assert "In een groep voer ik geen gesprekken" in reply["text"]
        assert f"https://t.me/{BOT_USERNAME}" in reply["text"]
    assert fake.sent(ALICE) == [] and fake.sent(BOB) == []  # nothing started in private either


def test_the_same_update_after_a_restart_is_answered_once(core: Core, fake: FakeBotApi) -> None:
    update = message(ALICE, "Mag ik een fles wijn van een leverancier aannemen?")

    async def scenario() -> None:
        async with running(core, fake):
            fake.push(update)
            await until(lambda: fake.sent(ALICE), "the first answer")
        # Telegram lost the confirmation: the restarted bot gets the same update again
        fake.push(update)
        fake.push(message(ALICE, "/help"))
        async with running(core, fake):
            # updates are handled and replies sent in order: a second answer would come before this
            await until(lambda: any("Ik ben de Integriteitsbot" in t for t in texts(fake.sent(ALICE))),
                        "the answer to the message after the redelivered one")
    asyncio.run(scenario())

    sent = texts(fake.sent(ALICE))
    assert len(sent) == 2
    assert "Wat is het ongeveer waard?" in sent[0] and "Ik ben de Integriteitsbot" in sent[1]


def test_429_is_retried_after_retry_after(core: Core, fake: FakeBotApi) -> None:
    fake.fail_429, fake.retry_after = 2, 1

    async def scenario() -> None:
        async with running(core, fake):
            fake.push(message(ALICE, "/help"))
            await until(lambda: fake.sent(ALICE), "the answer after two 429s")
    asyncio.run(scenario())

    attempts = [p for p in fake.called("sendMessage") if int(p["chat_id"]) == ALICE]
    assert len(attempts) == 3 and len(fake.sent(ALICE)) == 1
    assert "Ik ben de Integriteitsbot" in fake.sent(ALICE)[0]["text"]
    with session_scope(core.services.engine) as session:
        row = session.execute(select(OutboxMessage).where(OutboxMessage.platform == "telegram")).scalar_one()
        assert row.status == "delivered" and row.attempts == 1  # a 429 spends no attempt


def test_a_network_error_is_retried_with_backoff(core: Core, fake: FakeBotApi) -> None:
    fake.fail_502 = 1

    async def scenario() -> None:
        async with running(core, fake):
            fake.push(message(ALICE, "/help"))
            await until(lambda: fake.sent(ALICE), "the answer after a 502")
    asyncio.run(scenario())

    attempts = [p for p in fake.called("sendMessage") if int(p["chat_id"]) == ALICE]
    assert len(attempts) == 2 and "Ik ben de Integriteitsbot" in fake.sent(ALICE)[0]["text"]


def test_a_long_message_is_split_under_telegrams_limit(core: Core, fake: FakeBotApi) -> None:
    paragraph = "Een lange alinea met <tekens> & leestekens die ge-escaped moeten worden. " * 20
    long_text = "\n".join(f"{i}. {paragraph.strip()}" for i in range(1, 8))
    assert len(long_text) > 2 * 4096
    fake.has_started(ALICE)  # she pressed Start once: the bot may write to her
    with session_scope(core.services.engine) as session:
        enqueue(session, Reply(to=Address("telegram", str(ALICE)), text=long_text), core.services.cipher)

    async def scenario() -> None:
        async with running(core, fake):
            await until(lambda: _statuses(core) == ["delivered"], "the long message delivered")
    asyncio.run(scenario())

    parts = fake.sent(ALICE)
    assert len(parts) in (3, 4)  # escaping makes the text longer than it reads
    assert all(len(p["text"]) <= 4096 for p in parts)
    assert "\n".join(plain(p["text"]) for p in parts) == long_text  # split between lines, nothing lost


def test_stickers_photos_files_and_edits_get_a_text_only_reply(core: Core, fake: FakeBotApi) -> None:
    sticker = {"sticker": {"file_id": "s1", "file_unique_id": "u1", "width": 512, "height": 512,
                           "is_animated": False, "is_video": False, "type": "regular"}}
    photo = {"photo": [{"file_id": "p1", "file_unique_id": "u2", "width": 90, "height": 90}],
             "caption": "kijk, een cadeau"}
    document = {"document": {"file_id": "d1", "file_unique_id": "u3", "file_name": "melding.pdf"}}

    async def scenario() -> None:
        async with running(core, fake):
            fake.push(message(ALICE, **sticker))
            fake.push(message(ALICE, **photo))
            fake.push(message(ALICE, **document))
            fake.push(edited(ALICE, "Mag ik een fles wijn aannemen?"))
            fake.push(message(BOB, lang="en", **sticker))
            await until(lambda: len(fake.sent(ALICE)) >= 4 and fake.sent(BOB), "the text-only replies")
    asyncio.run(scenario())

    sticker_r, photo_r, document_r, edit_r = texts(fake.sent(ALICE))
    for reply in (sticker_r, photo_r, document_r):
        assert reply.startswith("Ik kan alleen tekst lezen")
    assert edit_r.startswith("Ik kan alleen tekst lezen die je nieuw stuurt")
    assert texts(fake.sent(BOB))[0].startswith("I can only read text")
    with session_scope(core.services.engine) as session:  # none of it reached a conversation
        rows = session.execute(select(OutboxMessage.payload)).scalars().all()
    assert not any("kijk, een cadeau" in p for p in rows)


def test_a_user_who_blocked_the_bot_is_given_up_without_stopping_others(core: Core, fake: FakeBotApi) -> None:
    fake.blocked.add(BOB)

    async def scenario() -> None:
        async with running(core, fake):
            fake.push(message(BOB, "/help"))
            fake.push(message(ALICE, "/help"))
            await until(lambda: fake.sent(ALICE), "the answer to the other user")
    asyncio.run(scenario())

    assert fake.sent(BOB) == []
    with session_scope(core.services.engine) as session:
        statuses = sorted(session.execute(select(OutboxMessage.status)).scalars().all())
        errors = session.execute(select(OutboxMessage.last_error).where(
            OutboxMessage.status == "failed")).scalars().all()
    assert statuses == ["delivered", "failed"]
    assert "blocked" in errors[0] and str(BOB) not in errors[0]
