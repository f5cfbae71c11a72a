"""What Telegram users do every day, through the real python-telegram-bot against the fake Bot API:
pressing buttons (also old ones), opening the bot from a deep link, being written to first.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from handlers.dispatcher import Core
from handlers.types import Address, Reply
from storage.db import session_scope
from storage.models import OutboxMessage
from storage.outbox import enqueue
from storage.roles import add_role
from tests.telegram_fake import FakeBotApi, button_press, html_error, message
from tests.telegram_harness import buttons, running, until

ALICE, BOB, CAROL = 4001, 4002, 4003


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    api = FakeBotApi().start()
    yield api
    api.close()


def plain(text: str) -> str:
    for tag in ("<b>", "</b>", "<i>", "</i>"):
        text = text.replace(tag, "")
    return html.unescape(text)


def test_a_press_spends_the_keyboard_and_an_old_button_answers_with_a_toast(core: Core, fake: FakeBotApi) -> None:
    async def scenario() -> None:
        async with running(core, fake):
            fake.push(message(ALICE, "Mag ik een cadeau van een leverancier aannemen?"))
            question = await until(lambda: fake.sent(ALICE), "the value question")
            question = question[0]
            low = next(data for label, data in buttons(question) if "50 of minder" in label)
            fake.push(button_press(ALICE, low, on_message=question["_message_id"],
                                   reply_markup=question["reply_markup"]))
            await until(lambda: len(fake.sent(ALICE)) >= 2, "the verdict")
            await until(lambda: fake.called("editMessageReplyMarkup"), "the keyboard replaced")
            fake.push(button_press(ALICE, low, on_message=question["_message_id"],
                                   reply_markup=question["reply_markup"]))  # the same old button
            await until(lambda: len(fake.called("answerCallbackQuery")) >= 2, "the second press answered")
    asyncio.run(scenario())

    [edit, *_] = fake.called("editMessageReplyMarkup")
    [[spent]] = edit["reply_markup"]["inline_keyboard"]
    assert spent["text"] == "✔️ Je koos: € 50 of minder"
    first, second = fake.called("answerCallbackQuery")[:2]
    assert not first.get("text")  # an accepted press: just the spinner stopped
    assert "eerder gesprek" in second["text"]  # the refusal as a toast …
    assert not [m for m in fake.sent(ALICE) if "eerder gesprek" in m["text"]]  # … not a lasting message


def test_a_spent_button_says_so(core: Core, fake: FakeBotApi) -> None:
    async def scenario() -> None:
        async with running(core, fake):
            fake.push(button_press(ALICE, "spent"))
            await until(lambda: fake.called("answerCallbackQuery"), "the press answered")
    asyncio.run(scenario())
    [answer] = fake.called("answerCallbackQuery")
    assert answer["text"] == "Je hebt hier al gekozen."
    assert not fake.sent(ALICE)


def test_one_bot_serves_two_organisations_through_deep_links(core: Core, fake: FakeBotApi) -> None:
    async def scenario() -> None:
        async with running(core, fake, org="ommen"):
            fake.push(message(ALICE, "/start haarlem"))
            fake.push(message(BOB, "/start"))
            await until(lambda: len(fake.sent(ALICE)) >= 2 and len(fake.sent(BOB)) >= 2, "both welcomed")
            fake.push(message(ALICE, "/help"))
            fake.push(message(BOB, "/help"))
            await until(lambda: len(fake.sent(ALICE)) >= 3 and len(fake.sent(BOB)) >= 3, "both helped")
    asyncio.run(scenario())
    assert "Haarlem" in plain(fake.sent(ALICE)[1]["text"]) and "Haarlem" in plain(fake.sent(ALICE)[2]["text"])
    assert "Ommen" in plain(fake.sent(BOB)[2]["text"])  # no deep link: the bot's own organisation


def test_a_deep_link_starts_the_confidential_conversation(core: Core, fake: FakeBotApi) -> None:
    with session_scope(core.services.engine) as session:
        add_role(session, "haarlem", "trusted_person", "telegram", "4999", "Vertrouwenspersoon Haarlem")

    async def scenario() -> None:
        async with running(core, fake):
            fake.push(message(CAROL, "/start haarlem-vertrouwenspersoon"))
            await until(lambda: any(buttons(m) for m in fake.sent(CAROL)), "the consent question")
    asyncio.run(scenario())
    consent = next(m for m in fake.sent(CAROL) if buttons(m))
    assert any("Ja, ga verder" in label for label, _ in buttons(consent))
    assert "Haarlem" in plain(consent["text"])


def test_a_user_who_never_pressed_start_cannot_be_written_to_and_is_given_up(core: Core, fake: FakeBotApi) -> None:
    with session_scope(core.services.engine) as session:
        enqueue(session, Reply(to=Address("telegram", str(BOB)), text="Herinnering"), core.services.cipher)

    def statuses() -> list[str]:
        with session_scope(core.services.engine) as session:
            return list(session.execute(select(OutboxMessage.status)).scalars())

    async def scenario() -> None:
        async with running(core, fake):
            await until(lambda: statuses() and statuses()[0] != "pending", "the reply settled")
    asyncio.run(scenario())
    assert statuses() == ["failed"] and not fake.sent(BOB)


def test_the_fake_reads_html_like_telegram() -> None:
    assert html_error("<b>Vet</b> &amp; <i>schuin</i>") is None
    assert "Unsupported start tag" in (html_error("<p>alinea</p>") or "")
    assert "end tag" in (html_error("<b>open") or "")
    assert html_error("P&O") is not None  # a bare & is an error in Telegram's HTML


def test_when_one_trusted_person_takes_a_case_the_others_copy_loses_its_button(core: Core, fake: FakeBotApi) -> None:
    tp1, tp2 = 4101, 4102
    with session_scope(core.services.engine) as session:
        add_role(session, "ommen", "trusted_person", "telegram", str(tp1), "Eerste")
        add_role(session, "ommen", "trusted_person", "telegram", str(tp2), "Tweede")
    fake.has_started(tp1, tp2)

    def press(user: int, label: str) -> None:
        for sent in reversed(fake.sent(user)):
            for text, data in buttons(sent):
                if label.lower() in text.lower():
                    fake.push(button_press(user, data, on_message=sent["_message_id"],
                                           reply_markup=sent["reply_markup"]))
                    return
        raise AssertionError(f"no button {label!r} for {user}")

    async def scenario() -> None:
        async with running(core, fake):
            fake.push(message(ALICE, "/vertrouwenspersoon"))
            await until(lambda: any(buttons(m) for m in fake.sent(ALICE)), "the consent question")
            press(ALICE, "Ja, ga verder")
            await until(lambda: len(fake.sent(ALICE)) >= 2, "the kind question")
            press(ALICE, "Ongewenst gedrag")
            await until(lambda: len(fake.sent(ALICE)) >= 3, "the first-message question")
            fake.push(message(ALICE, "Mijn leidinggevende schreeuwt tegen me."))
            await until(lambda: fake.sent(tp1) and fake.sent(tp2), "both handoffs")
            press(tp1, "Oppakken")
            await until(lambda: [e for e in fake.called("editMessageReplyMarkup") if int(e["chat_id"]) == tp2],
                        "the other copy updated")
    asyncio.run(scenario())
    [edit] = [e for e in fake.called("editMessageReplyMarkup") if int(e["chat_id"]) == tp2]
    assert int(edit["message_id"]) == fake.sent(tp2)[0]["_message_id"]
    assert edit["reply_markup"]["inline_keyboard"][0][0]["text"] == "✔️ Opgepakt door een vertrouwenspersoon"
