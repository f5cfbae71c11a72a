"""The counts behind "Wat vragen medewerkers": what the core adds per answer, and what it never keeps."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import text

from bot.web.masking import mask_group, mask_total
from handlers.dispatcher import Core
from handlers.types import Address, IncomingMessage
from storage.answer_counts import week_of
from storage.db import session_scope
from tests.confide_support import Chat, open_case, pseudonym, register


def _rows(core: Core) -> list[tuple]:
    with session_scope(core.services.engine) as s:
        return [tuple(r) for r in s.execute(text(
            "SELECT org, week, intent, topic, verdict, report_type, count FROM answer_count "
            "ORDER BY intent, topic, verdict")).all()]


def test_each_answer_adds_one_to_its_kind_in_its_week_and_nothing_else_is_kept(core: Core) -> None:
    def ask(user: str, question: str, event: str | None = None) -> None:
        core.handle(IncomingMessage(address=Address("slack", user, chat="D1", team="T1"), org="ommen",
                                    text=question, event_id=event))

    ask("U0AAA", "Mag ik een fles wijn van 25 euro van een leverancier aannemen?", "ev-1")
    ask("U0AAA", "Mag ik een fles wijn van 25 euro van een leverancier aannemen?", "ev-1")  # a retry
    ask("U0BBB", "Moet ik mijn bijbaan melden?")
    ask("U0BBB", "xyzzy plover quux")
    rows = _rows(core)
    week = str(week_of(datetime.now(UTC)))
    assert {r[1] for r in rows} == {week}
    by_kind = {(r[2], r[3], r[4]): r[6] for r in rows}
    assert by_kind[("rule", "gifts", "consult")] == 1  # the retried event is counted once
    assert by_kind[("fallback", "", "")] == 1
    assert sum(r[6] for r in rows) == 3
    dump = repr(rows)
    for secret in ("U0AAA", "U0BBB", "slack", "wijn", "bijbaan", "xyzzy", "T1", "D1"):
        assert secret not in dump


def test_the_confidential_conversation_is_never_counted(core: Core) -> None:
    register(core, "tp-bob")
    chat = Chat(core)
    r = open_case(chat, "e1", first="Mijn leidinggevende schreeuwt tegen me.")
    chat.send("tp-bob", f"/oppakken {pseudonym(r)}")
    chat.send("e1", "Het gebeurde weer.")
    chat.send("tp-bob", f"/antwoord {pseudonym(r)} Dank je.")
    assert _rows(core) == []


def test_the_week_is_the_dutch_monday() -> None:
    # Sunday 23:30 UTC in summer is Monday 01:30 in Amsterdam: the next week.
    assert week_of(datetime(2026, 6, 7, 23, 30, tzinfo=UTC)) == date(2026, 6, 8)
    assert week_of(datetime(2026, 6, 7, 21, 30, tzinfo=UTC)) == date(2026, 6, 1)


def test_small_counts_are_hidden_and_cannot_be_worked_out_from_the_total() -> None:
    shown = {k: c.shown for k, c in mask_group({"a": 5, "b": 1, "c": 0, "d": 4}, 3).items()}
    assert shown == {"a": "5", "b": "< 3", "c": "0", "d": "≥ 3"}  # d hidden too: 10 − 5 − 4 = 1
    shown = {k: c.shown for k, c in mask_group({"a": 5, "b": 1, "c": 2}, 3).items()}
    assert shown == {"a": "5", "b": "< 3", "c": "< 3"}
    assert {k: c.shown for k, c in mask_group({"a": 1, "b": 2}, 1).items()} == {"a": "1", "b": "2"}
    assert mask_total(2, 3).shown == "< 3" and mask_total(0, 3).shown == "0" and mask_total(3, 3).shown == "3"
