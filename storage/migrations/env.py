"""Alembic's environment: run on the connection `storage.schema` hands in, inside its transaction.

There is no alembic.ini and no URL here: the caller has already opened the connection (and, on
PostgreSQL, taken the advisory lock in the same transaction), so the migration and the lock
end together.
"""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

from storage.schema import metadata


def _render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """sqlmodel's column types are plain SQL types underneath: write those, so revisions need no sqlmodel."""
    if type_ == "type" and isinstance(obj, AutoString):
        return f"sa.String(length={obj.length})" if obj.length else "sa.String()"
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


connection = context.config.attributes.get("connection")
if connection is None or context.is_offline_mode():
    raise RuntimeError("migrations run through `integrity-bot db upgrade` (storage.schema), with a connection")

context.configure(
    connection=connection,
    target_metadata=metadata(),
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
    render_item=_render_item,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
