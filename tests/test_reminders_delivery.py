"""A reminder whose send fails is retried through the outbox; an unreachable recipient is
reported to the administrator once. The platform is a send function that fails the way the
Slack and Telegram senders report failures (RetryLater / Undeliverable)."""

from __future__ import annotations

from datetime import timedelta

from handlers.dispatcher import Core
from handlers.types import Reply
from storage.db import session_scope
from storage.outbox import RetryLater, Undeliverable, deliver_due
from storage.reminders import reminders_of
from tests.reminders_support import at, inbox, register, service, to


class FlakyPlatform:
    """Fails the first `failures` sends with `error`, then delivers; records what arrived."""

    def __init__(self, error: Exception, failures: int) -> None:
        self.error, self.failures = error, failures
        self.attempts = 0
        self.delivered: list[Reply] = []

    def send(self, reply: Reply) -> str:
        self.attempts += 1
        if self.attempts <= self.failures:
            raise self.error
        self.delivered.append(reply)
        return f"m{self.attempts}"


def test_a_failed_send_is_retried_and_delivered_once(core: Core) -> None:
    register(core, "coordinator", "U1", platform="slack")
    svc = service(core)
    slack = FlakyPlatform(RetryLater("HTTP 429", retry_after=30), failures=1)
    with at(2026, 2, 20, 10, 0):
        svc.tick()
    with at(2026, 3, 2, 9, 0):
        assert len(svc.tick().sent) == 1
        assert deliver_due(core.services.engine, "slack", slack.send, core.services.cipher) == 0
        assert deliver_due(core.services.engine, "slack", slack.send, core.services.cipher) == 0  # backoff
        svc.tick()
    with at(2026, 3, 2, 9, 1):
        assert deliver_due(core.services.engine, "slack", slack.send, core.services.cipher) == 1
        svc.tick()
        svc.tick()
        assert deliver_due(core.services.engine, "slack", slack.send, core.services.cipher) == 0
    assert slack.attempts == 2
    assert len(slack.delivered) == 1 and "zet integriteit op de agenda" in slack.delivered[0].text


def test_an_unreachable_recipient_is_reported_to_the_administrator_once(core: Core) -> None:
    register(core, "coordinator", "U2", platform="slack", name="Oud-coördinator")
    register(core, "admin", "root")
    svc = service(core, report_date="03-02")  # agenda and report reminders on the same morning
    gone = FlakyPlatform(Undeliverable("user_not_found"), failures=100)
    with at(2026, 2, 20, 10, 0):
        svc.tick()
    with at(2026, 3, 2, 9, 0):
        assert len(svc.tick().sent) >= 2
        deliver_due(core.services.engine, "slack", gone.send, core.services.cipher)
        first = svc.tick()
        assert first.notices == 1
        [notice] = to(inbox(core), "root")
    assert notice.text.startswith("⚠️ Een herinnering (")
    assert "Oud-coördinator (slack-gebruiker U2)" in notice.text
    assert "integrity-bot reminders seed --org ommen" in notice.text
    with session_scope(core.services.engine) as session:
        mine = reminders_of(session, "ommen", "slack", "U2")
        assert mine and all(not r.active and r.note == "unreachable" for r in mine)
    # Later ticks, and a reminder that was re-activated and fails again, tell nobody twice.
    with at(2026, 3, 2, 9, 5):
        with session_scope(core.services.engine) as session:
            for r in reminders_of(session, "ommen", "slack", "U2"):
                r.active, r.next_due_at = True, r.next_due_at and (r.next_due_at - timedelta(days=365))
                session.add(r)
        svc.tick()
        deliver_due(core.services.engine, "slack", gone.send, core.services.cipher)
        assert svc.tick().notices == 0
        assert to(inbox(core), "root") == []
    assert gone.delivered == []


def test_without_an_administrator_the_failure_is_logged(core: Core, caplog) -> None:  # type: ignore[no-untyped-def]
    register(core, "coordinator", "U3", platform="telegram")
    svc = service(core)
    with at(2026, 2, 20, 10, 0):
        svc.tick()
    with at(2026, 3, 2, 9, 0):
        svc.tick()
        deliver_due(core.services.engine, "telegram", FlakyPlatform(Undeliverable("blocked"), 9).send,
                    core.services.cipher)
        with caplog.at_level("WARNING"):
            assert svc.tick().notices == 0
    assert "no administrator is registered" in caplog.text
    assert "U3" not in caplog.text
