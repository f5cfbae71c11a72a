"""Migrations: a database of the last release without them is upgraded with its data, the
revisions match the models, and processes that start together on an empty database do not race.

The old database is made from `tests/data/legacy_schema_<dialect>.sql` — the DDL that release's
`create_all` issued, kept as it was — and filled with rows the way that release wrote them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from bot.app import build_core
from bot.cli import main
from bot.settings import Settings
from handlers.types import Address, IncomingMessage
from storage.db import make_engine, open_engine
from storage.outbox import deliver_due
from storage.schema import LOCK_KEY, SchemaAheadError, SchemaBehindError, differences, head_revision

DATA = Path(__file__).parent / "data"
BOT = Path(sys.executable).parent / "integrity-bot"

PENDING = ('{"need": "value", "topic": "gifts", "facts": {"value_low": null, "value_high": null, "cash": false, '
           '"voucher": false, "sent_home": false, "during_tender": false, "recurring": false, '
           '"shared_openly": false, "manager_involved": false, "giver": "supplier", "value_unknowable": false}, '
           '"lang": "nl", "matched": []}')
QUEUED = ('{"to": {"platform": "console", "user": "piet", "chat": null, "team": null}, "text": "Bericht van voor '
          'de upgrade", "thread": null, "tag": null, "ephemeral": false, "confidential": false, "buttons": [], '
          '"answer": null}')
LEGACY_ROWS = [
    "INSERT INTO conversation_state (user_key, org, lang, pending, flow, flow_data, updated_at) "
    f"VALUES ('console:jan', 'ommen', 'nl', '{PENDING}', NULL, 'null', '2026-11-30 10:00:00+00:00')",
    "INSERT INTO role_assignment (org, role, platform, user_id, display_name, available, created_at) "
    "VALUES ('ommen', 'trusted_person', 'console', 'anna', 'Anna de Vries', TRUE, '2026-11-01 09:00:00+00:00')",
    "INSERT INTO confide_statistic (org, year, kind, channel, outcome, count) "
    "VALUES ('ommen', 2025, 'unknown', 'trusted_person', 'advice', 3)",
    "INSERT INTO outbox (platform, recipient, payload, encrypted, status, attempts, next_attempt_at, created_at) "
    f"VALUES ('console', 'piet', '{QUEUED}', FALSE, 'pending', 0, '2026-11-30 10:00:00+00:00', "
    "'2026-11-30 10:00:00+00:00')",
]


def _make_legacy(url: str) -> None:
    """A database as the last release without migrations left it: its tables and some data."""
    engine = create_engine(url)
    ddl = (DATA / f"legacy_schema_{engine.dialect.name}.sql").read_text()
    statements = [s for s in ("\n".join(line for line in ddl.splitlines() if not line.startswith("--"))).split(";")
                  if s.strip()]
    with engine.begin() as conn:
        for statement in statements + LEGACY_ROWS:
            conn.exec_driver_sql(statement)
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'bot.db'}"
    return request.getfixturevalue("pg_fresh_url")


@pytest.fixture
def cli_env(any_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)  # no .env of a developer
    monkeypatch.setenv("INTEGRITY_DATABASE_URL", any_url)
    monkeypatch.delenv("INTEGRITY_DATABASE_AUTO_UPGRADE", raising=False)
    return any_url


def _settings(url: str, **extra: object) -> Settings:
    return Settings(database_url=url, _env_file=None, **extra)  # type: ignore[call-arg]


def test_an_old_database_is_refused_until_upgraded_then_keeps_its_data(
        cli_env: str, kb, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    _make_legacy(cli_env)
    with pytest.raises(SchemaBehindError) as refused:
        build_core(_settings(cli_env), kb)
    assert "integrity-bot db upgrade" in str(refused.value) and "\n" not in str(refused.value)

    assert main(["db", "current"]) == 1
    assert "integrity-bot db upgrade" in capsys.readouterr().out
    assert main(["db", "upgrade"]) == 0
    assert f"→ {head_revision()}" in capsys.readouterr().out
    assert main(["db", "current"]) == 0

    assert main(["admin", "list-roles", "--org", "ommen"]) == 0
    assert "console:anna (Anna de Vries)" in capsys.readouterr().out
    assert main(["admin", "stats", "--org", "ommen"]) == 0
    assert capsys.readouterr().out.split()[-1] == "3"

    core = build_core(_settings(cli_env), kb)
    sent = []
    deliver_due(core.services.engine, "console", lambda r: sent.append(r.text) or None, None)
    assert sent == ["Bericht van voor de upgrade"]
    # jan's pending question (the value of a Christmas hamper) goes on after the upgrade
    replies = core.handle(IncomingMessage(address=Address("console", "jan"), org="ommen", text="€ 20"))
    answer = [r.answer for r in replies if r.answer][-1]
    assert (answer.intent, answer.topic) == ("rule", "gifts")
    assert differences(core.services.engine) == []


def test_the_setting_lets_every_process_upgrade_itself(any_url: str, kb) -> None:  # type: ignore[no-untyped-def]
    _make_legacy(any_url)
    core = build_core(_settings(any_url, database_auto_upgrade=True), kb)
    with core.services.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head_revision()
        assert conn.execute(text("SELECT count(*) FROM role_assignment")).scalar_one() == 1


def test_the_revisions_create_exactly_the_tables_of_the_models(any_url: str) -> None:
    """Fails when a model changes without a revision: write one with `integrity-bot db revision -m ...`."""
    engine = make_engine(any_url)
    found = differences(engine)
    assert found == [], f"the models differ from the migrations; add a revision: {found}"


def test_the_head_read_from_the_files_is_alembics() -> None:
    from storage.schema import _alembic_head

    assert head_revision() == _alembic_head()


def test_an_up_to_date_start_does_not_import_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    make_engine(url).dispose()
    probe = ("import sys; from storage.db import make_engine; make_engine(sys.argv[1]); "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')))")
    run = subprocess.run([sys.executable, "-c", probe, url], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parents[1])
    assert run.stdout.strip() == "[]"


def test_the_comparison_sees_a_difference(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'bot.db'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP INDEX ix_outbox_tag")
    assert [d[0] for d in differences(engine)] == ["add_index"]


def test_a_database_of_a_newer_release_is_refused(any_url: str) -> None:
    make_engine(any_url).dispose()
    engine = open_engine(any_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'f00dfeed'")
    with pytest.raises(SchemaAheadError) as refused:
        make_engine(any_url)
    assert "f00dfeed" in str(refused.value) and "nieuwere versie" in str(refused.value)


def _env(url: str, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTEGRITY_")}
    env.update(INTEGRITY_DATABASE_URL=url, HOME=str(tmp_path))
    return env


def test_an_old_database_stops_the_console_with_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    _make_legacy(url)
    run = subprocess.run([str(BOT), "chat", "--org", "ommen", "--jsonl"], input="", capture_output=True,
                         text=True, env=_env(url, tmp_path), cwd=tmp_path, timeout=120)
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0 and "integrity-bot db upgrade" in run.stderr
    assert "Traceback" not in run.stderr


def test_processes_starting_together_on_an_empty_database_do_not_race(any_url: str, tmp_path: Path) -> None:
    procs = [subprocess.Popen([str(BOT), "admin", "list-roles"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=_env(any_url, tmp_path), cwd=tmp_path) for _ in range(3)]
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    assert [r[0] for r in results] == [0, 0, 0], results
    assert all("Geen rollen geregistreerd." in r[1] for r in results)
    engine = open_engine(any_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [head_revision()]
    assert "outbox" in inspect(engine).get_table_names()


def test_a_starting_process_waits_for_the_migration_lock(pg_fresh_url: str, tmp_path: Path) -> None:
    """While another holds the PostgreSQL advisory lock, a starting process waits, then goes on."""
    holder = create_engine(pg_fresh_url)
    with holder.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": LOCK_KEY})
        conn.commit()
        proc = subprocess.Popen([str(BOT), "admin", "list-roles"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=_env(pg_fresh_url, tmp_path), cwd=tmp_path)
        waiting = 0
        for _ in range(600):
            waiting = conn.execute(text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                                        "AND NOT granted")).scalar_one()
            conn.commit()
            if waiting or proc.poll() is not None:
                break
            time.sleep(0.1)
        assert waiting == 1 and proc.poll() is None
        conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_KEY})
        conn.commit()
        assert proc.wait(timeout=120) == 0, proc.stderr.read()  # type: ignore[union-attr]
    holder.dispose()
