"""The storage code runs unchanged on PostgreSQL: the same conversation on a real server."""

from __future__ import annotations

from bot.app import build_core
from bot.settings import Settings
from handlers.types import Address, IncomingMessage
from knowledge.engine import KnowledgeBase
from storage.crypto import Cipher


def test_clarification_and_dedupe_on_postgresql(pg_fresh_url: str, kb: KnowledgeBase) -> None:
    settings = Settings(database_url=pg_fresh_url, encryption_keys=Cipher.new_key(), _env_file=None)  # type: ignore[call-arg]
    core = build_core(settings, kb)
    user = Address("console", "pg-user")
    first = core.handle(IncomingMessage(user, "ommen", "Mag ik een kerstpakket van een aannemer aannemen?",
                                        event_id="e1"))
    assert first[0].answer is not None and first[0].answer.intent == "clarify"
    again = core.handle(IncomingMessage(user, "ommen", "Mag ik een kerstpakket van een aannemer aannemen?",
                                        event_id="e1"))
    assert again == []  # the same platform event is answered once
    # a restart: a new core on the same database still knows the pending question
    core2 = build_core(settings, kb)
    second = core2.handle(IncomingMessage(user, "ommen", "ongeveer 85 euro", event_id="e2"))
    assert second[0].answer is not None and second[0].answer.verdict == "not_allowed"
