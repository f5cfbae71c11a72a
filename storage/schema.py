"""The database schema's version: check it at every start, upgrade it with Alembic under a lock.

Every process opens the database through `storage.db.make_engine`, which calls `ensure_schema`:
- an empty database is created at the newest revision (there is nothing in it to lose);
- a database at the newest revision is used as it is;
- a database behind it (an older release, or one made before migrations existed) is upgraded
  only when asked — `integrity-bot db upgrade`, or INTEGRITY_DATABASE_AUTO_UPGRADE=true —
  otherwise the start is refused with one line naming that command;
- a database ahead of this release (a newer bot already upgraded it) is refused.

Upgrades run in one transaction holding a PostgreSQL advisory lock, so processes that start
together wait for each other instead of racing to create tables; on SQLite (no transactional
DDL through pysqlite) an exclusive lock on a file beside the database does the same.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import MetaData, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

from storage.errors import StartupError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"
LOCK_KEY = 7_412_553_901  # pg_advisory_xact_lock key of the bot's migrations
UPGRADE_COMMAND = "integrity-bot db upgrade"
_REVISION = re.compile(r"^revision\b[^=]*=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN_REVISION = re.compile(r"^down_revision\b[^=]*=(.*)$", re.M)

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory


class SchemaBehindError(StartupError):
    """The database has an older schema than this release."""


class SchemaAheadError(StartupError):
    """The database was upgraded by a newer release than this one."""


def metadata() -> MetaData:
    """All tables: every module of `storage` is imported, so a new table module counts at once."""
    import storage

    for mod in pkgutil.iter_modules(storage.__path__):
        if mod.name not in ("migrations", "schema"):
            importlib.import_module(f"storage.{mod.name}")
    return SQLModel.metadata


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    cfg.attributes["connection"] = connection
    return cfg


@lru_cache(maxsize=1)
def _script() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest revision this release knows (one head: revisions form a single line).

    Read from the revision files' `revision =` / `down_revision =` lines, so that a start whose
    database is up to date does not import Alembic (a fifth of a second); Alembic decides
    whenever those lines are not plain."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        if path.name == "__init__.py":
            continue
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN_REVISION.search(source)
        if revision is None or down is None:
            return _alembic_head()
        revisions.add(revision.group(1))
        parents.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions else _alembic_head()


def _alembic_head() -> str:
    heads = _script().get_heads()
    if len(heads) != 1:
        raise StartupError(f"De migraties van deze versie hebben {len(heads)} eindpunten ({', '.join(heads)}) "
                           "in plaats van één: dat is een fout in de release.\n"
                           "Developers: set the newer revision's down_revision to the other one.")
    return heads[0]


def current_revision(conn: Connection) -> str | None:
    """The database's revision; None when it has none (empty, or made before migrations)."""
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    found = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    return found[0] if len(found) == 1 else None


def _has_tables(conn: Connection) -> bool:
    return bool(set(inspect(conn).get_table_names()) & set(metadata().tables))


def _known(revision: str) -> bool:
    try:
        return _script().get_revision(revision) is not None
    except Exception:  # alembic raises its own errors for unknown ids
        return False


def status(engine: Engine) -> tuple[str | None, str, bool]:
    """(the database's revision, the newest revision, whether the database has the bot's tables)."""
    with engine.connect() as conn:
        return current_revision(conn), head_revision(), _has_tables(conn)


def ensure_schema(engine: Engine, auto_upgrade: bool = False) -> None:
    """Make sure the schema is the newest; see the module docstring for what happens when not."""
    with engine.connect() as conn:  # the usual start: one read, no lock, no Alembic
        if current_revision(conn) == head_revision():
            return
    with _locked(engine) as conn:  # decide again under the lock: another process may be migrating
        current, head = current_revision(conn), head_revision()
        if current == head:
            return
        if current is not None and not _known(current):
            raise SchemaAheadError(
                f"De database heeft schemaversie {current}, die deze versie van de bot niet kent (nieuwste: "
                f"{head}): installeer de nieuwere versie van de bot die de database heeft bijgewerkt.")
        if current is None and not _has_tables(conn) or auto_upgrade:
            _upgrade(conn)
            return
    found = f"versie {current}" if current else "nog geen schemaversie (gemaakt vóór de migraties)"
    raise SchemaBehindError(f"De database heeft {found}, deze bot heeft {head} nodig: "
                            f"maak een back-up en voer uit: {UPGRADE_COMMAND}")


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Upgrade to the newest revision under the lock; (revision before, revision after)."""
    with _locked(engine) as conn:
        before, head = current_revision(conn), head_revision()
        if before != head:
            _upgrade(conn)
        return before, head


def _upgrade(conn: Connection) -> None:
    from alembic import command

    command.upgrade(alembic_config(conn), "head")


@contextmanager
def _locked(engine: Engine) -> Iterator[Connection]:
    """One transaction holding the migration lock: PostgreSQL's advisory lock (released at commit),
    on SQLite an exclusive lock on '<database>.lock' and a write transaction."""
    with _file_lock(engine), engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        elif conn.dialect.name == "sqlite":
            # pysqlite opens no transaction for DDL by itself: open one, so a migration is all or
            # nothing (and one commit instead of one per statement)
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        yield conn


def differences(engine: Engine) -> list[Any]:
    """What autogenerate finds between the models and a database at the newest revision."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "target_metadata": metadata()})
        return [d for d in compare_metadata(ctx, metadata()) if not _is_version_table(d)]


def _is_version_table(diff: Any) -> bool:
    return isinstance(diff, tuple) and len(diff) > 1 and getattr(diff[1], "name", None) == VERSION_TABLE


@contextmanager
def _file_lock(engine: Engine) -> Iterator[None]:
    """SQLite: an exclusive lock on '<database>.lock' while migrating; elsewhere nothing."""
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if not path or path == ":memory:":
        yield
        return
    try:
        import fcntl
    except ImportError:  # not on Linux or macOS: one process at a time is then the operator's job
        yield
        return
    with open(f"{path}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def new_revision(message: str) -> list[str]:
    """Write a revision with what autogenerate finds between the models and the newest revision
    (compared on a scratch SQLite database); the paths of the files written. For developers."""
    import tempfile

    from alembic import command
    from sqlalchemy import create_engine

    with tempfile.TemporaryDirectory() as scratch:
        engine = create_engine(f"sqlite:///{scratch}/head.db")
        upgrade(engine)
        with engine.begin() as conn:
            written = command.revision(alembic_config(conn), message=message, autogenerate=True)
        engine.dispose()
    _script.cache_clear()
    head_revision.cache_clear()
    scripts = written if isinstance(written, list) else [written]
    return [s.path for s in scripts if s is not None]
