"""`/healthz` and `/metrics` over HTTP, the way a monitoring system reads them."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import build_core
from bot.observability import ObservabilityServer, start_observability
from bot.reminder_service import ReminderService, reminder_config
from bot.settings import Settings
from handlers.dispatcher import Core
from handlers.types import Address, IncomingMessage
from storage.errors import StartupError
from storage.models import utcnow
from storage.outbox import deliver_due
from tests.confide_support import ORG, Chat, open_case, register


def _get(server: ObservabilityServer, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}{path}", timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def _value(metrics: str, name: str, **labels: str) -> float:
    """One sample of the Prometheus text format (0 when absent)."""
    want = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    pattern = re.escape(name) + (r"\{" + re.escape(want) + r"\}" if labels else "") + r" (\S+)$"
    for line in metrics.splitlines():
        m = re.match(pattern, line)
        if m:
            return float(m.group(1))
    return 0.0


@pytest.fixture
def reminders(core: Core, settings: Settings) -> ReminderService:
    return ReminderService(core.services, reminder_config(settings))


@pytest.fixture
def server(core: Core, reminders: ReminderService):  # type: ignore[no-untyped-def]
    srv = ObservabilityServer(core, "127.0.0.1", 0, reminders, service="test")
    yield srv
    srv.close()


def test_metrics_count_messages_answers_and_the_outbox_without_text_or_user_ids(
        core: Core, server: ObservabilityServer) -> None:
    before = _get(server, "/metrics")[1]
    question = "Mag ik een fles wijn van € 80 van leverancier Geheimhouder aannemen?"
    core.handle(IncomingMessage(address=Address("console", "user-7f3a9"), org="ommen", text=question))
    status, after = _get(server, "/metrics")
    assert status == 200

    def grew(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert grew("integritybot_messages_in_total", platform="console") == 1
    assert grew("integritybot_answers_total", intent="rule", topic="gifts") == 1
    assert grew("integritybot_messages_out_total", platform="console") >= 1
    assert _value(after, "integritybot_outbox_backlog", platform="console") >= 1
    assert _value(after, "integritybot_outbox_oldest_undelivered_age_seconds") >= 0
    assert _value(after, "integritybot_database_up") == 1
    assert "Geheimhouder" not in after and "user-7f3a9" not in after and "wijn" not in after

    deliver_due(core.services.engine, "console", lambda r: None, core.services.cipher, limit=100)
    delivered = _get(server, "/metrics")[1]
    assert _value(delivered, "integritybot_outbox_backlog", platform="console") == 0


def test_open_confidential_cases_are_counted_per_organisation(core: Core, server: ObservabilityServer) -> None:
    register(core, "anna", name="Anna de Vries")
    open_case(Chat(core), "jan")
    metrics = _get(server, "/metrics")[1]
    assert _value(metrics, "integritybot_confidential_cases_open", org=ORG) == 1
    assert "jan" not in re.sub(r"^#.*$", "", metrics, flags=re.M)


def test_healthz_reports_the_database_the_outbox_and_the_reminder_clock(
        core: Core, reminders: ReminderService, server: ObservabilityServer) -> None:
    status, body = _get(server, "/healthz")
    assert status == 200
    report = json.loads(body)
    assert report["status"] == "ok" and report["database"] == "ok" and report["reminders"] == "starting"
    core.handle(IncomingMessage(address=Address("console", "u1"), org="ommen", text="Wat zijn onze kernwaarden?"))
    reminders.tick()
    report = json.loads(_get(server, "/healthz")[1])
    assert report["outbox_backlog"] >= 1 and report["oldest_undelivered_seconds"] >= 0
    assert report["reminders"] == "ok" and report["last_reminder_tick_seconds_ago"] >= 0
    metrics = _get(server, "/metrics")[1]
    assert _value(metrics, "integritybot_reminder_last_tick_timestamp_seconds") > 1.7e9


def test_a_stopped_reminder_clock_makes_the_process_unhealthy(
        reminders: ReminderService, server: ObservabilityServer) -> None:
    reminders.tick()
    reminders.last_tick_at = utcnow() - timedelta(hours=1)  # as if the clock thread died an hour ago
    status, body = _get(server, "/healthz")
    assert status == 503
    report = json.loads(body)
    assert report["status"] == "unhealthy" and "no reminder tick" in report["reminders"]


def test_a_database_that_does_not_answer_makes_the_process_unhealthy(tmp_path: Path, kb) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "data"
    home.mkdir()
    core = build_core(Settings(database_url=f"sqlite:///{home / 'bot.db'}", _env_file=None), kb)  # type: ignore[call-arg]
    srv = ObservabilityServer(core, "127.0.0.1", 0)
    try:
        assert _get(srv, "/healthz")[0] == 200
        core.services.engine.dispose()
        home.rename(tmp_path / "moved")  # the database file is gone from where the bot looks
        status, body = _get(srv, "/healthz")
        assert status == 503 and json.loads(body)["database"].startswith("error")
        assert _value(_get(srv, "/metrics")[1], "integritybot_database_up") == 0
        assert _get(srv, "/nothing")[0] == 404
    finally:
        srv.close()


def test_it_is_off_unless_a_port_is_set_and_a_taken_port_is_a_clear_start_up_error(
        core: Core, server: ObservabilityServer) -> None:
    assert start_observability(core, Settings(_env_file=None)) is None  # type: ignore[call-arg]
    taken = Settings(health_host="127.0.0.1", health_port=server.port, _env_file=None)  # type: ignore[call-arg]
    with pytest.raises(StartupError) as refused:
        start_observability(core, taken)
    assert str(server.port) in str(refused.value) and "INTEGRITY_HEALTH_PORT" in str(refused.value)
