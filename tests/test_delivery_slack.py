"""Delivery through the real Slack sender against the fake Web API, under the faults of issue 12:
429 bursts, a slow platform with two senders, order across senders, a crash after Slack
accepted a message, permanent errors."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import time_machine
from slack_sdk import WebClient
from sqlmodel import select

from bot.delivery.loop import DeliveryLoop
from bot.delivery.pacing import UNLIMITED
from bot.settings import Settings
from bot.slack.outbox_loop import OutboxLoop
from bot.slack.sender import SlackSender
from handlers.dispatcher import Core
from handlers.reminders.schedule import TZ
from handlers.types import Address, Reply
from storage.db import session_scope
from storage.models import OutboxMessage, utcnow
from storage.outbox import enqueue
from storage.reminders import reminders_of
from tests.reminders_support import at, inbox, register, service, to
from tests.slack_fake import FakeSlack, wait_until

pytest_plugins = ["tests.slack_fixtures"]  # fixtures: fake, bot
ROOT = Path(__file__).resolve().parent.parent
MARK = re.compile(r"MK\d+")


def sender(core: Core, fake: FakeSlack) -> SlackSender:
    """A sender of its own, as a second bot process would have."""
    return SlackSender(WebClient(token="xoxb-test", base_url=fake.base_url), core.services.engine,
                       core.services.cipher)


def put(core: Core, messages: list[tuple[str, str]]) -> None:
    with session_scope(core.services.engine) as session:
        for user, text in messages:
            enqueue(session, Reply(to=Address("slack", user), text=text), core.services.cipher)


def rows(core: Core) -> list[OutboxMessage]:
    with session_scope(core.services.engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())


def marks(fake: FakeSlack, channel: str | None = None) -> list[str]:
    return [m for p in fake.posted(channel) for m in MARK.findall(p.get("text") or "")]


def settled(core: Core) -> bool:
    return all(r.status in ("delivered", "failed") for r in rows(core))


def test_a_burst_of_429s_loses_nothing_and_spends_no_attempt(core: Core, fake: FakeSlack) -> None:
    fake.ratelimited_until, fake.retry_after = time.time() + 2.5, 1
    sent = [(f"U{i % 6}", f"MK{i:03d} bericht") for i in range(30)]
    put(core, sent)
    loop = OutboxLoop(sender(core, fake), interval=0.1, workers=4).start()
    try:
        left = lambda: [(r.id, r.status, r.last_error) for r in rows(core) if r.status != "delivered"]  # noqa: E731
        assert wait_until(lambda: settled(core), 90), left()
    finally:
        loop.stop()
    assert sorted(marks(fake)) == sorted(m for _u, t in sent for m in MARK.findall(t))  # each once
    assert [r.status for r in rows(core)] == ["delivered"] * 30
    assert {r.attempts for r in rows(core)} == {1}  # the 429s gave their attempts back
    assert any(c.method == "chat.postMessage" for c in fake.calls)


def test_a_429_burst_switches_off_no_reminder_and_alerts_nobody(core: Core, fake: FakeSlack) -> None:
    for i in range(3):
        register(core, "coordinator", f"UC{i}", platform="slack")
    register(core, "admin", "root")
    svc = service(core)
    slack = sender(core, fake)
    fake.fail("chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "30"}, times=40)
    with at(2026, 2, 20, 10, 0):
        svc.tick()
    with at(2026, 3, 2, 9, 0):
        assert len(svc.tick().sent) == 3
    later = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
    for _ in range(60):  # more 429s than the 12 attempts a message has
        later += timedelta(seconds=31)
        with time_machine.travel(later, tick=False):
            slack.drain()
            svc.tick()
    assert len(fake.posted()) == 3, [(p["text"][:60], p["metadata"]) for p in fake.posted()]
    with session_scope(core.services.engine) as session:
        assert all(r.active for r in reminders_of(session, "ommen", "slack"))
    assert to(inbox(core), "root") == []


def test_a_slow_platform_with_two_senders_sends_nothing_twice(core: Core, fake: FakeSlack) -> None:
    fake.latency_s = 3.5  # longer than the lease: only its renewal keeps the other sender off
    put(core, [("U1", "MK1 a"), ("U1", "MK2 b"), ("U2", "MK3 c")])
    lease = timedelta(seconds=3)
    loops = [OutboxLoop(sender(core, fake), interval=0.2, workers=2, lease=lease).start() for _ in range(2)]
    try:
        assert wait_until(lambda: settled(core), 90)
    finally:
        for loop in loops:
            loop.stop()
    assert sorted(marks(fake)) == ["MK1", "MK2", "MK3"]
    assert marks(fake, "DU1") == ["MK1", "MK2"]


def test_two_senders_keep_each_recipients_order(core: Core, fake: FakeSlack) -> None:
    fake.latency_s = 0.02  # slow enough that both senders take part
    users = [f"U{i}" for i in range(6)]
    sent = [(u, f"MK{k:03d} {u}") for k in range(15) for u in users]
    put(core, sent)
    loops = [DeliveryLoop(core.services.engine, sender(core, fake), core.services.cipher, UNLIMITED,
                          workers=4, interval=0.1).start() for _ in range(2)]
    try:
        assert wait_until(lambda: settled(core), 120)
    finally:
        for loop in loops:
            loop.stop()
    for u in users:
        assert marks(fake, f"D{u}") == [f"MK{k:03d}" for k in range(15)]
    assert sum(loop.delivered for loop in loops) == 90  # (how the two shared it depends on the machine)


def test_a_crash_after_slack_accepted_is_found_not_resent(core: Core, fake: FakeSlack, settings: Settings,
                                                          tmp_path: Path) -> None:
    put(core, [("U1", "MK1 eerste"), ("U1", "MK2 tweede")])
    fake.hold_after_accept_s = 20  # Slack took it; the answer never reaches the killed process
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("INTEGRITY_")},
           "INTEGRITY_DATABASE_URL": settings.database_url or "", "INTEGRITY_ENCRYPTION_KEYS": settings.encryption_keys,
           "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "slack_drain_proc.py"), fake.base_url], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_until(lambda: len(fake.posted()) == 1, 60)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    fake.hold_after_accept_s = 0
    [first, second] = rows(core)
    assert first.status == "sending" and second.status == "pending"
    with time_machine.travel(utcnow() + timedelta(seconds=20)):  # the dead sender's lease ran out
        assert sender(core, fake).drain() == 2
    assert marks(fake) == ["MK1", "MK2"]  # found by its metadata marker, not posted again
    assert fake.of("conversations.history")
    [first, second] = rows(core)
    assert first.status == "delivered" and first.platform_message_id == f"DU1:{fake.posted()[0]['ts']}"


def test_permanent_errors_are_given_up_at_once_and_do_not_block_the_queue(core: Core, fake: FakeSlack) -> None:
    fake.fail("chat.postMessage", "invalid_blocks")
    put(core, [("U1", "MK1 kapot"), ("U1", "MK2 daarna")])
    slack = sender(core, fake)
    assert slack.drain() == 1
    first, second = rows(core)
    assert (first.status, first.failure, first.attempts) == ("failed", "permanent", 1)
    assert second.status == "delivered" and marks(fake) == ["MK2"]


def test_a_revoked_token_is_reported_but_stops_no_reminder(core: Core, fake: FakeSlack) -> None:
    register(core, "coordinator", "UC", platform="slack", name="Coördinator")
    register(core, "admin", "root")
    svc = service(core)
    fake.fail("chat.postMessage", "token_revoked")
    with at(2026, 2, 20, 10, 0):
        svc.tick()
    with at(2026, 3, 2, 9, 0):
        svc.tick()
        sender(core, fake).drain()
        assert svc.tick().notices == 1
        [notice] = to(inbox(core), "root")
        assert "weigerde het bericht" in notice.text
    with session_scope(core.services.engine) as session:
        assert all(r.active for r in reminders_of(session, "ommen", "slack", "UC"))
    [failed] = [r for r in rows(core) if r.platform == "slack"]
    assert failed.attempts == 1 and failed.failure == "permanent"
