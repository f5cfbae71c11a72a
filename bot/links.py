"""What a chat platform can make clickable in an answer: the document's public page, a colleague.

Answers carry their source as (organisation, document title) and their contacts as channels
(knowledge/answer.py, the contract); the transports turn them into links where the data allows:
a document with a `url` in the YAML becomes a link, and a trusted person registered on the
platform becomes a mention. Built once per process from the knowledge base (and, for mentions,
read again from the role table at most every REFRESH_S).
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import select
from sqlalchemy.engine import Engine

from knowledge.answer import Answer
from knowledge.engine import KnowledgeBase
from storage.db import session_scope
from storage.models import RoleAssignment


class Links:
    """Document URLs and registered people of one knowledge base and database."""

    REFRESH_S = 60.0

    def __init__(self, kb: KnowledgeBase | None = None, engine: Engine | None = None) -> None:
        self.engine = engine
        self._urls: dict[tuple[str, str], str] = {}
        for slug, org in (kb.organisations.items() if kb else ()):
            for doc in org.documents:
                if doc.url:
                    self._urls[(slug, doc.title)] = doc.url
        if kb and kb.national:
            for doc in kb.national.documents:
                if doc.url:
                    self._urls[("national", doc.title)] = doc.url
        self._people: dict[tuple[str, str, str], list[str]] = {}
        self._read_at = -self.REFRESH_S
        self._lock = threading.Lock()

    def source_url(self, answer: Answer) -> str | None:
        """The public page of the answer's (first) source document, when it has one."""
        if not answer.sources:
            return None
        src = answer.sources[0]
        return self._urls.get((src.get("org", ""), src.get("document", "")))

    def people(self, platform: str, org: str, channel: str) -> list[str]:
        """User ids on `platform` registered for `channel` (a trusted person, a coordinator) of `org`."""
        if self.engine is None or channel not in ("trusted_person", "coordinator"):
            return []
        with self._lock:
            if time.monotonic() - self._read_at >= self.REFRESH_S:
                try:
                    with session_scope(self.engine) as session:
                        rows = session.execute(select(RoleAssignment).where(
                            RoleAssignment.available.is_(True))).scalars().all()  # type: ignore[attr-defined]
                    people: dict[tuple[str, str, str], list[str]] = {}
                    for r in rows:
                        people.setdefault((r.platform, r.org, r.role), []).append(r.user_id)
                    self._people = people
                except Exception:  # the database is away: keep what we knew
                    pass
                self._read_at = time.monotonic()
            return list(self._people.get((platform, org, channel), []))


NO_LINKS = Links()
