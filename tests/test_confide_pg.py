"""The confidential conversation on PostgreSQL: the same flow, no plaintext in any column, and
two trusted persons pressing "take" at the same moment: exactly one gets the case.
"""

from __future__ import annotations

import threading

import sqlalchemy
from sqlalchemy import inspect

from bot.app import build_core
from bot.settings import Settings
from storage import cases as store
from storage.crypto import Cipher
from storage.db import session_scope
from tests.confide_support import ORG, Chat, button_id, open_case, pseudonym, register, texts, to


def _core(url: str, kb):  # type: ignore[no-untyped-def]
    return build_core(Settings(database_url=url, encryption_keys=Cipher.new_key(), _env_file=None), kb)  # type: ignore[call-arg]


def test_flow_on_postgresql_leaves_no_plaintext(pg_fresh_url: str, kb) -> None:  # type: ignore[no-untyped-def]
    core = _core(pg_fresh_url, kb)
    register(core, "tp-anna")
    register(core, "tp-bob")
    chat = Chat(core)
    name = "Gijsbert Vanderpluim"
    secret_words = ["Eerste-Kwetsbaar-Woord", "Antwoord-Pluk-Woord", "Derde-Hint"]
    r = open_case(chat, "emp-pg-77", first=secret_words[0], display_name=name)
    label = pseudonym(r)
    assert to(r, "tp-anna") and to(r, "tp-bob")
    r = chat.send("tp-bob", action=button_id(r, "tp-bob", "Oppakken"))
    assert "Jij voert nu het gesprek" in texts(r, "tp-bob")
    r = chat.send("tp-bob", f"/antwoord {label} {secret_words[1]}")
    assert secret_words[1] in texts(r, "emp-pg-77")
    r = chat.send("emp-pg-77", secret_words[2], display_name=name)
    assert secret_words[2] in texts(r, "tp-bob")
    r = chat.send("emp-pg-77", "/naam", display_name=name)
    r = chat.press("emp-pg-77", r, "Ja, maak mijn naam bekend", display_name=name)
    assert name in texts(r, "tp-bob")

    # every text column of every table, read without the key: no message, no name
    engine = sqlalchemy.create_engine(pg_fresh_url)
    with engine.connect() as conn:
        dump = []
        for table in inspect(conn).get_table_names():
            for row in conn.execute(sqlalchemy.text(f'SELECT * FROM "{table}"')):
                dump.append(" ".join(str(v) for v in row))
    engine.dispose()
    everything = "\n".join(dump)
    for word in [*secret_words, name]:
        assert word not in everything
    assert "emp-pg-77" not in everything  # not even the conversation state: its key is a keyed hash

    r = chat.send("emp-pg-77", "/stop")
    r = chat.press("tp-bob", r, "Strafbaar feit")
    r = chat.press("tp-bob", r, "gesprek en advies")
    r = chat.send("emp-pg-77", "/verwijder ja")
    assert "Gewist" in texts(r, "emp-pg-77")
    with session_scope(core.services.engine) as s:
        counts = [(x.org, x.kind, x.outcome, x.count) for x in store.statistics(s)]
        assert counts == [(ORG, "crime", "advice", 1)]
        assert s.execute(sqlalchemy.select(store.CaseMessage)).first() is None
    core.services.engine.dispose()


def test_first_taker_wins_under_concurrency(pg_fresh_url: str, kb) -> None:  # type: ignore[no-untyped-def]
    core = _core(pg_fresh_url, kb)
    takers = [f"tp-{i}" for i in range(6)]
    for t in takers:
        register(core, t)
    chat = Chat(core)
    r = open_case(chat, "emp")
    take = button_id(r, takers[0], "Oppakken")
    results: dict[str, str] = {}
    barrier = threading.Barrier(len(takers))

    def press(user: str) -> None:
        barrier.wait(timeout=30)
        results[user] = texts(chat.send(user, action=take), user)

    threads = [threading.Thread(target=press, args=(t,)) for t in takers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    winners = [u for u, text in results.items() if "Jij voert nu het gesprek" in text]
    assert len(results) == len(takers) and len(winners) == 1
    assert all("al opgepakt" in text for u, text in results.items() if u != winners[0])
    core.services.engine.dispose()
