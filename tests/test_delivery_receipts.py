"""Honest receipts through the real senders: "✓ Afgeleverd" only after the platform accepted;
a failed relay tells the employee; a handoff reaching no trusted person gives the employee the
direct contacts and warns the administrator; a long Telegram reply resumes at the failed part."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from sqlmodel import select

from bot.slack.sender import SlackSender
from handlers.dispatcher import Core
from handlers.types import Address, IncomingMessage, Reply
from storage.db import session_scope
from storage.models import OutboxMessage
from storage.outbox import deliver_due, enqueue
from storage.roles import add_role
from tests.slack_fake import FakeSlack
from tests.telegram_fake import FakeBotApi
from tests.telegram_harness import running, until

ORG = "leidschendam-voorburg"


@pytest.fixture
def slack_api() -> Iterator[FakeSlack]:
    server = FakeSlack()
    yield server
    server.close()


@pytest.fixture
def tg_api() -> Iterator[FakeBotApi]:
    api = FakeBotApi().start()
    yield api
    api.close()


def send(core: Core, user: str, text: str = "", action: str | None = None, platform: str = "console") -> None:
    core.handle(IncomingMessage(address=Address(platform, user), org=ORG, text=text, action=action))


def console_inbox(core: Core) -> dict[str, list[str]]:
    got: dict[str, list[str]] = {}
    deliver_due(core.services.engine, "console", lambda r: got.setdefault(r.to.user, []).append(r.text),
                core.services.cipher, limit=1000)
    return got


def button(core: Core, user: str, prefix: str, platform: str = "console") -> str:
    """The id of the newest button starting with `prefix` in what `user` was sent (from the outbox)."""
    from storage.outbox import decode

    with session_scope(core.services.engine) as session:
        found = session.exec(select(OutboxMessage).order_by(OutboxMessage.id.desc())).all()
    for row in found:
        reply = decode(row, core.services.cipher)
        if reply.to.user == user and reply.to.platform == platform:
            for b in reply.buttons:
                if b.id.startswith(prefix):
                    return b.id
    raise AssertionError(f"no {prefix} button for {user}")


def open_case(core: Core, employee: str = "emp") -> None:
    send(core, employee, "/vertrouwenspersoon")
    send(core, employee, action=button(core, employee, "confide:me:consent:"))
    send(core, employee, action=button(core, employee, "confide:me:kind:"))
    send(core, employee, "Mijn leidinggevende schreeuwt tegen me.")


def test_a_relay_that_slack_refuses_tells_the_employee_and_is_not_called_delivered(
        core: Core, slack_api: FakeSlack) -> None:
    with session_scope(core.services.engine) as s:
        add_role(s, ORG, "trusted_person", "slack", "UTP", "Anna")
    slack = SlackSender(WebClient(token="xoxb-test", base_url=slack_api.base_url), core.services.engine,
                        core.services.cipher)
    open_case(core)
    assert slack.drain() == 1  # the handoff
    assert any("Afgeleverd bij de vertrouwenspersonen" in t for t in console_inbox(core)["emp"])
    send(core, "UTP", action=button(core, "UTP", "confide:tp:take:", "slack"), platform="slack")
    slack.drain()
    console_inbox(core)
    send(core, "emp", "Kunnen we praten?")
    assert not any("Afgeleverd" in t for t in console_inbox(core).get("emp", []))  # not sent yet
    slack_api.fail("chat.postMessage", "channel_not_found")
    slack.drain()
    got = console_inbox(core)["emp"]
    assert len(got) == 1 and got[0].startswith("⚠️ Je bericht kon niet bij de vertrouwenspersoon worden afgeleverd")
    assert "Afgeleverd" not in got[0]
    send(core, "emp", "Nog een keer")
    slack.drain()
    assert console_inbox(core)["emp"] == ["✓ Afgeleverd bij de vertrouwenspersoon."]


def test_a_handoff_no_trusted_person_can_receive_sends_contacts_and_warns_the_admin(
        core: Core, tg_api: FakeBotApi) -> None:
    with session_scope(core.services.engine) as s:
        add_role(s, ORG, "trusted_person", "telegram", "5001", "Blokkeerder")
        add_role(s, ORG, "trusted_person", "telegram", "5002", "Nooit gestart")
        add_role(s, ORG, "admin", "console", "beheer", "Beheer")
    tg_api.has_started(5001)
    tg_api.blocked.add(5001)  # 5002 never pressed Start
    open_case(core)
    assert any(t.startswith("⏳ Je gesprek gaat naar de vertrouwenspersonen") for t in console_inbox(core)["emp"])

    async def scenario() -> None:
        async with running(core, tg_api, org=ORG):
            await until(lambda: _statuses(core, "telegram") == ["failed", "failed"], "both handoffs given up")
    asyncio.run(scenario())

    got = console_inbox(core)
    [told] = got["emp"]
    assert told.startswith("⚠️ Je gesprek kon via de chat bij geen enkele vertrouwenspersoon worden afgeleverd")
    assert "Afgeleverd bij" not in told and len(told.splitlines()) > 1  # with the direct contacts
    [warning] = got["beheer"]
    assert "aan geen enkele vertrouwenspersoon worden afgeleverd" in warning and "Melder" not in warning


def test_a_handoff_that_reaches_one_of_two_is_delivered_once(core: Core, tg_api: FakeBotApi) -> None:
    with session_scope(core.services.engine) as s:
        add_role(s, ORG, "trusted_person", "telegram", "5001", "Blokkeerder")
        add_role(s, ORG, "trusted_person", "telegram", "5003", "Bereikbaar")
        add_role(s, ORG, "trusted_person", "telegram", "5004", "Ook bereikbaar")
        add_role(s, ORG, "admin", "console", "beheer", "Beheer")
    tg_api.has_started(5001, 5003, 5004)
    tg_api.blocked.add(5001)
    open_case(core)
    console_inbox(core)

    async def scenario() -> None:
        async with running(core, tg_api, org=ORG):
            await until(lambda: sorted(_statuses(core, "telegram")) == ["delivered", "delivered", "failed"],
                        "the handoffs settled")
    asyncio.run(scenario())

    got = console_inbox(core)
    assert got["emp"] == ["✅ Afgeleverd bij de vertrouwenspersonen van Gemeente Leidschendam-Voorburg. "
                          "Je krijgt hier bericht zodra iemand je gesprek oppakt."]
    assert "beheer" not in got


def test_a_long_telegram_reply_resumes_at_the_part_that_hit_a_429(core: Core, tg_api: FakeBotApi) -> None:
    long_text = "\n".join(f"{i}. " + "Een regel tekst die de lengte opbouwt. " * 30 for i in range(1, 8))
    with session_scope(core.services.engine) as session:
        enqueue(session, Reply(to=Address("telegram", "4001"), text=long_text), core.services.cipher)
    tg_api.has_started(4001)
    tg_api.fail_429_calls, tg_api.retry_after = {2}, 1  # the second part is refused once

    async def scenario() -> None:
        async with running(core, tg_api, org=ORG):
            await until(lambda: _statuses(core, "telegram") == ["delivered"], "the long reply delivered")
    asyncio.run(scenario())

    parts = [p["text"] for p in tg_api.sent(4001)]
    assert len(parts) >= 3 and len(parts) == len(set(parts))  # no part twice
    assert len(tg_api.called("sendMessage")) == len(parts) + 1  # only the refused part was tried again
    with session_scope(core.services.engine) as session:
        row = session.exec(select(OutboxMessage)).one()
    assert row.attempts == 1 and row.platform_message_id == "4001:1"


def _statuses(core: Core, platform: str) -> list[str]:
    with session_scope(core.services.engine) as session:
        return list(session.exec(select(OutboxMessage.status).where(OutboxMessage.platform == platform)
                                 .order_by(OutboxMessage.id)).all())
