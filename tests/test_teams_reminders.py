"""Reminders reach Teams users as proactive cards with their buttons; a removed app is an unreachable person.

The reminder clock enqueues (at a travelled-to moment); the running Teams process delivers through
the fake Bot Connector with the stored conversation reference, as it would at 09:00.
"""

from __future__ import annotations

from sqlalchemy import select

from handlers.dispatcher import Core
from storage.db import session_scope
from storage.models import OutboxMessage
from storage.reminders import Reminder
from tests.reminders_support import at, inbox, register, service, to
from tests.slack_fake import wait_until
from tests.teams_fake import FakeTeams, TeamsClient, buttons_of, card_texts

pytest_plugins = ["tests.teams_fixtures"]  # fixtures: fake, endpoint, teams

COORDINATOR = "aad-coordinator-1"
CHAT = f"a:personal-29:{COORDINATOR}"


def test_a_reminder_arrives_as_a_card_with_buttons_that_work(core: Core, fake: FakeTeams,
                                                              teams: TeamsClient) -> None:
    register(core, "coordinator", COORDINATOR, platform="teams")
    teams.message(COORDINATOR, "hallo")  # the bot learns how to reach them
    fake.wait_for(1, CHAT)
    svc = service(core)
    with at(2026, 2, 20, 10, 0):
        svc.tick()
    with at(2026, 3, 2, 9, 0):
        assert len(svc.tick().sent) == 1
    reminder = fake.wait_for(2, CHAT)[1]  # proactive: nobody wrote to the bot just now
    assert "agenda" in card_texts(reminder)
    titles = [b["title"] for b in buttons_of(reminder)]
    assert "Gedaan" in titles and any("week" in t for t in titles)
    assert teams.press(COORDINATOR, reminder, "Gedaan")[0] == 200
    confirmation = fake.wait_for(3, CHAT)[2]
    assert confirmation.conversation == CHAT and card_texts(confirmation)
    assert wait_until(lambda: any("Gekozen: Gedaan" in card_texts(u) for u in fake.updates()))


def test_a_reminder_to_someone_who_removed_the_app_reaches_the_administrator(core: Core, fake: FakeTeams,
                                                                             teams: TeamsClient) -> None:
    register(core, "coordinator", COORDINATOR, platform="teams", name="Oud-coördinator")
    register(core, "admin", "root")
    teams.message(COORDINATOR, "hallo")
    fake.wait_for(1, CHAT)
    fake.remove_app(CHAT)  # from now on the Bot Connector answers 403 BotNotInConversationRoster
    svc = service(core)
    with at(2026, 2, 20, 10, 0):
        svc.tick()
    with at(2026, 3, 2, 9, 0):
        svc.tick()
    assert wait_until(lambda: _failed(core))  # given up at once: a 403 is not worth retrying
    with at(2026, 3, 2, 9, 1):
        assert svc.tick().notices == 1
        [notice] = to(inbox(core), "root")
    assert "Oud-coördinator (teams-gebruiker aad-coordinator-1)" in notice.text
    with session_scope(core.services.engine) as session:
        mine = session.query(Reminder).filter(Reminder.platform == "teams", Reminder.user_id == COORDINATOR).all()
        assert mine and all(not r.active and r.note == "unreachable" for r in mine)


def _failed(core: Core) -> bool:
    with session_scope(core.services.engine) as session:
        return session.execute(select(OutboxMessage.id).where(
            OutboxMessage.platform == "teams", OutboxMessage.status == "failed")).first() is not None
