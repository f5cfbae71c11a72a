"""The confidential conversation on Telegram: handoff to a trusted person, reply-to relayed, sealed.

Employee and trusted person both on Telegram (and once the trusted person on the console): what
each of them reads, the reply to the handoff message routed to the case, and what the database
keeps of the employee's chat.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from handlers.dispatcher import Core
from handlers.types import Address, IncomingMessage
from storage.db import session_scope
from storage.models import OutboxMessage
from storage.outbox import deliver_due
from storage.roles import add_role
from tests.telegram_fake import FakeBotApi, button_press, message
from tests.telegram_harness import buttons, running, until

ORG = "leidschendam-voorburg"
EMPLOYEE = 3001
TRUSTED = 3002


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    api = FakeBotApi().start()
    yield api
    api.close()


def press(fake: FakeBotApi, user: int, label: str) -> None:
    """Press the button labelled `label` on the latest message to `user` that has it."""
    for sent in reversed(fake.sent(user)):
        for text, data in buttons(sent):
            if label.lower() in text.lower():
                fake.push(button_press(user, data, on_message=sent["_message_id"]))
                return
    raise AssertionError(f"no button '{label}' for {user}")


async def next_message(fake: FakeBotApi, user: int, seen: int, contains: str) -> dict[str, Any]:
    """The first message to `user` after the first `seen` ones that contains `contains`."""
    def find() -> dict[str, Any] | None:
        return next((m for m in fake.sent(user)[seen:] if contains in m["text"]), None)
    return await until(find, f"a message to {user} containing {contains!r}")


async def open_case(fake: FakeBotApi) -> dict[str, Any]:
    """The employee asks for a trusted person, consents, picks a kind, writes; returns the handoff."""
    fake.has_started(TRUSTED)  # the trusted person once pressed Start (to learn their id with /mijnid)
    fake.push(message(EMPLOYEE, "/vertrouwenspersoon"))
    await next_message(fake, EMPLOYEE, 0, "schuilnaam")
    press(fake, EMPLOYEE, "Ja, ga verder")
    await next_message(fake, EMPLOYEE, 1, "Waar gaat het")
    press(fake, EMPLOYEE, "Ongewenst gedrag")
    await next_message(fake, EMPLOYEE, 2, "eerste bericht")
    fake.push(message(EMPLOYEE, "Mijn leidinggevende schreeuwt tegen me."))
    return await next_message(fake, TRUSTED, 0, "Nieuw vertrouwelijk gesprek")


def test_handoff_to_a_trusted_person_on_telegram_and_the_reply_to_is_relayed(core: Core,
                                                                           fake: FakeBotApi) -> None:
    with session_scope(core.services.engine) as s:
        add_role(s, ORG, "trusted_person", "telegram", str(TRUSTED), "Anna de Vries")

    async def scenario() -> None:
        async with running(core, fake, org=ORG):
            handoff = await open_case(fake)
            assert "Melder " in handoff["text"] and "Gebruiker3001" not in handoff["text"]
            assert str(EMPLOYEE) not in handoff["text"]
            assert "schreeuwt" not in handoff["text"]  # no content before a trusted person takes it
            press(fake, TRUSTED, "Oppakken")
            await next_message(fake, EMPLOYEE, 0, "Anna de Vries")
            await next_message(fake, TRUSTED, 1, "schreeuwt tegen me")  # the first message, now taken

            # the trusted person answers by replying to the handoff message
            seen = len(fake.sent(EMPLOYEE))
            answer = message(TRUSTED, "Kunnen we morgen om tien uur bellen?", reply_to=handoff["_message_id"])
            fake.push(answer)
            await next_message(fake, EMPLOYEE, seen, "Kunnen we morgen om tien uur bellen?")
            await next_message(fake, TRUSTED, 1, "Afgeleverd")

            # a sticker in the open case is not relayed, the employee is told to type
            seen_tp = len(fake.sent(TRUSTED))
            sticker = {"file_id": "s", "file_unique_id": "u", "width": 1, "height": 1, "is_animated": False,
                       "is_video": False, "type": "regular"}
            fake.push(message(EMPLOYEE, sticker=sticker))
            await next_message(fake, EMPLOYEE, seen, "Ik kan alleen tekst lezen")

            # the employee's next words reach the trusted person as a reply to the handoff
            fake.push(message(EMPLOYEE, "Ja, dat is goed."))
            relayed = await next_message(fake, TRUSTED, seen_tp, "Ja, dat is goed.")
            assert relayed["reply_parameters"]["message_id"] == handoff["_message_id"]
            assert fake.sent(TRUSTED)[seen_tp:] == [relayed]  # the sticker (handled before) reached no one
    asyncio.run(scenario())

    with session_scope(core.services.engine) as s:  # what a copy of the database shows
        rows = s.execute(select(OutboxMessage)).scalars().all()
    employee_rows = [r for r in rows if r.tag and r.tag.startswith("sealed:")]
    assert employee_rows and all(r.encrypted and r.recipient == "" for r in employee_rows)
    assert all(r.platform_message_id is None for r in employee_rows)
    assert not any(str(EMPLOYEE) in (r.platform_message_id or "") + r.recipient for r in rows)
    assert not any("schreeuwt" in r.payload for r in rows)


def test_an_employee_on_telegram_and_a_trusted_person_on_the_console(core: Core, fake: FakeBotApi) -> None:
    with session_scope(core.services.engine) as s:
        add_role(s, ORG, "trusted_person", "console", "tp-anna", "Anna de Vries")

    def console(text: str = "", action: str | None = None, thread: str | None = None) -> None:
        """The trusted person types in the console (another process, as far as Telegram knows)."""
        core.handle(IncomingMessage(address=Address("console", "tp-anna"), org=ORG, text=text, action=action,
                                    thread=thread))
        deliver_due(core.services.engine, "console", lambda r: None, core.services.cipher)

    async def scenario() -> None:
        async with running(core, fake, org=ORG):
            fake.push(message(EMPLOYEE, "/vertrouwenspersoon"))
            await next_message(fake, EMPLOYEE, 0, "schuilnaam")
            press(fake, EMPLOYEE, "Ja, ga verder")
            await next_message(fake, EMPLOYEE, 1, "Waar gaat het")
            press(fake, EMPLOYEE, "Ongewenst gedrag")
            await next_message(fake, EMPLOYEE, 2, "eerste bericht")
            fake.push(message(EMPLOYEE, "Mijn leidinggevende schreeuwt tegen me."))
            await next_message(fake, EMPLOYEE, 3, "Melder ")
            with session_scope(core.services.engine) as s:
                query = select(OutboxMessage.tag).where(OutboxMessage.platform == "console")
                tags = s.execute(query).scalars()
                case_id = next(t for t in tags if t and t.startswith("handoff:")).split(":", 1)[1]
            await asyncio.to_thread(console, action=f"confide:tp:take:{case_id}")
            await next_message(fake, EMPLOYEE, 3, "Anna de Vries")
            seen = len(fake.sent(EMPLOYEE))
            await asyncio.to_thread(console, "Ik ben er voor je. Wanneer schikt het?",
                                    thread=f"handoff:{case_id}")
            # nothing wakes the Telegram sender: its regular round picks the relayed message up
            await next_message(fake, EMPLOYEE, seen, "Ik ben er voor je. Wanneer schikt het?")
    asyncio.run(scenario())
