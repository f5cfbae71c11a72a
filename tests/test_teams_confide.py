"""The confidential conversation across platforms: a trusted person on Teams and an employee on Telegram,
and the other way round.

Both real transports run at once on one database: the Telegram bot against its fake Bot API,
the Teams SDK app against the fake Bot Connector. What is asserted is what each person reads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from handlers.dispatcher import Core
from storage.db import session_scope
from storage.models import OutboxMessage
from storage.roles import add_role
from tests.teams_fake import Call, FakeTeams, TeamsClient, buttons_of, card_texts
from tests.telegram_fake import FakeBotApi, message
from tests.telegram_harness import running, until
from tests.test_telegram_confide import next_message, press

pytest_plugins = ["tests.teams_fixtures"]  # fixtures: fake (Teams), endpoint, teams

ORG = "ommen"
TP_TEAMS = "aad-trusted-1"
EMP_TEAMS = "aad-employee-1"
EMP_TG, TP_TG = 4001, 4002


@pytest.fixture
def tg() -> Iterator[FakeBotApi]:
    api = FakeBotApi().start()
    yield api
    api.close()


def personal(user: str) -> str:
    return f"a:personal-29:{user}"


async def card_to(fake: FakeTeams, user: str, contains: str, seen: int = 0) -> Call:
    """The first card to `user`'s personal chat after the first `seen` that contains `contains`."""
    def find() -> Call | None:
        return next((c for c in fake.sent(personal(user))[seen:] if contains in card_texts(c)), None)
    return await until(find, f"a Teams card to {user} containing {contains!r}")


def test_a_trusted_person_on_teams_and_an_employee_on_telegram(core: Core, fake: FakeTeams, teams: TeamsClient,
                                                                 tg: FakeBotApi) -> None:
    with session_scope(core.services.engine) as s:
        add_role(s, ORG, "trusted_person", "teams", TP_TEAMS.upper(), "Anna de Vries")  # as pasted
    teams.message(TP_TEAMS, "hallo")  # a bot can only write to someone who talked to it (or installed it)
    fake.wait_for(1, personal(TP_TEAMS))

    async def scenario() -> None:
        async with running(core, tg, org=ORG):
            tg.push(message(EMP_TG, "/vertrouwenspersoon"))
            intro = await next_message(tg, EMP_TG, 0, "schuilnaam")
            assert "Telegram" in intro["text"] and "eDiscovery" not in intro["text"]
            press(tg, EMP_TG, "Ja, ga verder")
            await next_message(tg, EMP_TG, 1, "Waar gaat het")
            press(tg, EMP_TG, "Ongewenst gedrag")
            await next_message(tg, EMP_TG, 2, "eerste bericht")
            tg.push(message(EMP_TG, "Mijn leidinggevende schreeuwt tegen me."))

            handoff = await card_to(fake, TP_TEAMS, "Nieuw vertrouwelijk gesprek")
            text = card_texts(handoff)
            assert "Melder " in text and str(EMP_TG) not in text
            assert "schreeuwt" not in text  # no content until a trusted person takes it
            assert any(b["title"] == "Oppakken" for b in buttons_of(handoff))
            assert "Antwoord versturen" in text  # the card has an answer field
            await asyncio.to_thread(teams.press, TP_TEAMS, handoff, "Oppakken")
            await next_message(tg, EMP_TG, 0, "Anna de Vries")
            await card_to(fake, TP_TEAMS, "schreeuwt tegen me")  # the first message, now that it is taken

            # the employee writes: it reaches the trusted person as a card of the case
            seen = len(fake.sent(personal(TP_TEAMS)))
            tg.push(message(EMP_TG, "Kunnen we praten?"))
            relayed = await card_to(fake, TP_TEAMS, "Kunnen we praten?", seen)

            # the trusted person answers in that card's field: the employee reads it on Telegram
            seen_emp = len(tg.sent(EMP_TG))
            await asyncio.to_thread(teams.answer_in_card, TP_TEAMS, relayed, "Natuurlijk. Morgen om tien uur?")
            await next_message(tg, EMP_TG, seen_emp, "Morgen om tien uur?")
            await card_to(fake, TP_TEAMS, "Afgeleverd", seen)

            # or anywhere in the chat with the command
            code = text.split("Melder ", 1)[1].split()[0].strip(")(:,.")
            await asyncio.to_thread(teams.message, TP_TEAMS, f"/antwoord {code} Tot morgen!")
            await next_message(tg, EMP_TG, seen_emp, "Tot morgen!")
    asyncio.run(scenario())

    with session_scope(core.services.engine) as s:  # nothing readable of the case in the database
        rows = s.execute(select(OutboxMessage)).scalars().all()
    assert not any("schreeuwt" in r.payload or "Morgen om tien" in r.payload for r in rows)


def test_an_employee_on_teams_and_a_trusted_person_on_telegram(core: Core, fake: FakeTeams, teams: TeamsClient,
                                                                 tg: FakeBotApi) -> None:
    with session_scope(core.services.engine) as s:
        add_role(s, ORG, "trusted_person", "telegram", str(TP_TG), "Piet Bakker")
    tg.has_started(TP_TG)  # the trusted person once pressed Start (to learn their id with /mijnid)

    def press_teams(label: str) -> None:
        for call in reversed(fake.sent(personal(EMP_TEAMS))):
            if any(label.lower() in b["title"].lower() for b in buttons_of(call)):
                teams.press(EMP_TEAMS, call, label)
                return
        raise AssertionError(f"no button {label!r} for the employee")

    async def scenario() -> None:
        async with running(core, tg, org=ORG):
            await asyncio.to_thread(teams.message, EMP_TEAMS, "Ik wil met een vertrouwenspersoon praten")
            intro = await card_to(fake, EMP_TEAMS, "schuilnaam")
            assert "eDiscovery" in card_texts(intro) and "bewaarbeleid" in card_texts(intro)  # honest about M365
            await asyncio.to_thread(press_teams, "Ja, ga verder")
            await card_to(fake, EMP_TEAMS, "Waar gaat het")
            await asyncio.to_thread(press_teams, "Ongewenst gedrag")
            await card_to(fake, EMP_TEAMS, "eerste bericht")
            await asyncio.to_thread(teams.message, EMP_TEAMS, "Mijn leidinggevende schreeuwt tegen me.")

            handoff = await next_message(tg, TP_TG, 0, "Nieuw vertrouwelijk gesprek")
            assert EMP_TEAMS not in handoff["text"] and "schreeuwt" not in handoff["text"]
            press(tg, TP_TG, "Oppakken")
            await card_to(fake, EMP_TEAMS, "Piet Bakker")
            await next_message(tg, TP_TG, 1, "schreeuwt tegen me")  # the first message, now that it is taken
            seen = len(fake.sent(personal(EMP_TEAMS)))
            tg.push(message(TP_TG, "Dank voor je bericht. Wanneer schikt het?", reply_to=handoff["_message_id"]))
            await card_to(fake, EMP_TEAMS, "Wanneer schikt het?", seen)
            # the pressed consent card was redrawn with the choice (from memory: sealed cards are not stored)
            await until(lambda: any("Gekozen: Ja, ga verder" in card_texts(u) for u in fake.updates()),
                        "the consent card redrawn")
    asyncio.run(scenario())

    with session_scope(core.services.engine) as s:
        rows = s.execute(select(OutboxMessage).where(OutboxMessage.platform == "teams")).scalars().all()
    sealed = [r for r in rows if r.tag and r.tag.startswith("sealed:")]
    assert sealed and all(r.encrypted and r.recipient == "" and r.platform_message_id is None for r in sealed)
    assert not any(EMP_TEAMS in (r.recipient + (r.platform_message_id or "")) for r in sealed)
