"""Database engine and sessions: SQLite by default, any SQLAlchemy URL by setting.

The same code runs on SQLite and PostgreSQL; SQLite gets WAL and a busy timeout so several
processes (a Slack and a Telegram bot) can share one file. Opening the database checks its
schema version (`storage.schema`); faults an administrator fixes (a wrong URL, a server that
does not answer) become a `StartupError` naming the fix, without the password.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, exc, make_url
from sqlalchemy.engine import URL, Engine
from sqlmodel import Session, create_engine

from storage import (
    answer_counts,  # noqa: F401 - registers the answer counts of the coordinator's page
    cases,  # noqa: F401 - registers the confidential-case tables
    models,  # noqa: F401 - registers the tables
    reminders,  # noqa: F401 - registers the reminder tables
    report_settings,  # noqa: F401 - registers the annual-report figures and settings
    teams,  # noqa: F401 - registers the Teams conversation references and tenants
    web_login,  # noqa: F401 - registers the login links and sessions of the web page
)
from storage.errors import StartupError
from storage.schema import ensure_schema

URL_EXAMPLE = "postgresql+psycopg://gebruiker:wachtwoord@host:5432/integritybot"


class DatabaseUrlError(StartupError):
    """INTEGRITY_DATABASE_URL cannot be used (malformed, unknown kind, driver missing)."""


class DatabaseUnreachable(StartupError):
    """The database server does not answer or refuses the login."""


def private_sqlite_file(path: Path) -> None:
    """Make the database's directory (0700 when we create it) and file (0600) private to the
    bot's user: the file holds confidential (encrypted) data and its activity. SQLite gives its
    -wal and -shm files the database file's permissions."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
        os.chmod(path.parent, 0o700)  # mkdir's mode is reduced by the umask
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    for suffix in ("", "-wal", "-shm"):
        part = path.with_name(path.name + suffix)
        if part.exists() and part.stat().st_mode & 0o077 and part.stat().st_uid == os.getuid():
            os.chmod(part, 0o600)


def sqlite_url(path: Path) -> str:
    private_sqlite_file(path)
    return f"sqlite:///{path}"


def _sqlite_path(url: str) -> Path | None:
    """The file of a sqlite:/// URL (None for in-memory databases)."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def make_engine(url: str, auto_upgrade: bool = False) -> Engine:
    """An engine for `url` whose schema is the newest (an empty database is created; see
    `storage.schema.ensure_schema` for an older one); raises a StartupError naming the fix."""
    engine = open_engine(url)
    try:
        ensure_schema(engine, auto_upgrade)
    except (exc.OperationalError, exc.InterfaceError) as error:
        engine.dispose()
        raise DatabaseUnreachable(_unreachable(engine.url, error)) from None
    return engine


def open_engine(url: str) -> Engine:
    """An engine for `url` without looking at the schema (for `integrity-bot db`)."""
    try:
        return _create(url)
    except exc.NoSuchModuleError:
        kind = url.split(":", 1)[0]
        raise DatabaseUrlError(f"INTEGRITY_DATABASE_URL: onbekend soort database '{kind}'. "
                               f"Gebruik sqlite:///pad/naar/bestand.db of {URL_EXAMPLE}") from None
    except exc.ArgumentError:
        raise DatabaseUrlError("INTEGRITY_DATABASE_URL is geen geldige database-URL. "
                               f"Voorbeeld: {URL_EXAMPLE}") from None
    except ModuleNotFoundError as error:
        fix = ("installeer integrity-bot[postgres] (pip install 'integrity-bot[postgres]')"
               if (error.name or "").startswith("psycopg") else "gebruik PostgreSQL (postgresql+psycopg://…) of SQLite")
        raise DatabaseUrlError(f"De databasedriver {error.name} voor INTEGRITY_DATABASE_URL ontbreekt: "
                               f"{fix}.") from None


def _unreachable(url: URL, error: exc.DBAPIError) -> str:
    """Where the database is and why it does not answer (the driver's words on a line of their own,
    they are English); never the password."""
    reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
    if url.password:
        reason = reason.replace(str(url.password), "***")
    if url.get_backend_name() == "sqlite":
        return (f"Kan het databasebestand {url.database} niet openen: bestaat de map en mag de bot erin schrijven? "
                f"(INTEGRITY_DATABASE_URL, INTEGRITY_DATA_DIR)\n  sqlite: {reason}")
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    return (f"De database op {where} (database {url.database or '?'}, gebruiker {url.username or '?'}) is niet "
            f"bereikbaar: controleer INTEGRITY_DATABASE_URL en of de databaseserver draait.\n"
            f"  {url.get_driver_name()}: {reason}")


def _create(url: str) -> Engine:
    make_url(url)  # raises ArgumentError for a malformed URL before a driver is looked for
    if url.startswith("sqlite"):
        path = _sqlite_path(url)
        if path is not None:
            try:
                private_sqlite_file(path)
            except OSError as error:
                raise DatabaseUnreachable(
                    f"Kan het databasebestand {path} niet aanmaken ({error.strerror}). Bestaat de map en mag "
                    "de bot erin schrijven? (INTEGRITY_DATABASE_URL / INTEGRITY_DATA_DIR)") from None
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA secure_delete=ON")  # erased and purged rows are overwritten, not left in free pages
            cur.close()
    else:
        engine = create_engine(url, pool_pre_ping=True)
    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
