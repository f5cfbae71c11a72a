"""Insert-if-new, the one primitive behind every exactly-once claim (events, deliveries, cases).

`INSERT … ON CONFLICT DO NOTHING RETURNING id` decides atomically, also between processes, who
was first. No savepoint is used: on SQLite (pysqlite) a SAVEPOINT that opens the transaction
commits it on release, and psycopg reports rowcount -1 here, hence RETURNING.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel


def insert_new(session: Session, table: type[SQLModel], values: dict[str, Any]) -> Any | None:
    """Insert the row unless a unique key already exists; the new primary key, or None.

    Runs in the caller's transaction, so a rollback takes the claim back too.
    """
    key = inspect(table).primary_key[0]
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        ins = sqlite.insert if dialect == "sqlite" else postgresql.insert
        stmt = ins(table).values(**values).on_conflict_do_nothing().returning(key)
        return session.execute(stmt).scalar_one_or_none()
    try:  # other databases: a savepoint is the portable way
        with session.begin_nested():
            return session.execute(insert(table).values(**values).returning(key)).scalar_one()
    except IntegrityError:
        return None
