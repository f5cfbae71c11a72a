"""`integrity-bot db upgrade | current | revision`: the database schema's version.

`upgrade` is what an administrator runs after installing a new release (after a backup);
`current` shows where the database stands; `revision` is for developers who change a table.
"""

from __future__ import annotations

import argparse

from bot.settings import Settings
from storage.db import open_engine
from storage.schema import UPGRADE_COMMAND, new_revision, status, upgrade


def _describe(revision: str | None) -> str:
    return revision or "geen (leeg, of gemaakt vóór de migraties)"


def cmd_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    engine = open_engine(settings.resolved_database_url())
    before, head = upgrade(engine)
    if before == head:
        print(f"De database is al bij de nieuwste schemaversie ({head}).")
    else:
        print(f"Database bijgewerkt: schemaversie {_describe(before)} → {head}.")
    return 0


def cmd_current(args: argparse.Namespace, settings: Settings) -> int:
    current, head, has_tables = status(open_engine(settings.resolved_database_url()))
    print(f"Schemaversie van de database: {_describe(current)}")
    print(f"Nieuwste schemaversie van deze bot: {head}")
    if current == head:
        print("De database is bijgewerkt.")
        return 0
    if current is None and not has_tables:
        print("De database is leeg: de bot maakt de tabellen bij de eerste start.")
        return 0
    print(f"De database moet worden bijgewerkt: maak een back-up en voer uit: {UPGRADE_COMMAND}")
    return 1


def cmd_revision(args: argparse.Namespace, settings: Settings) -> int:
    for path in new_revision(args.message):
        print(f"Written: {path}")
    print("Read it through (autogenerate is a draft), then run the tests: tests/test_migrations.py.")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    db = sub.add_parser("db", help="the database schema: upgrade after installing a new release, show its version")
    cmds = db.add_subparsers(dest="db_command", required=True)
    p = cmds.add_parser("upgrade", help="upgrade the database to this release's schema (make a backup first)")
    p.set_defaults(func=cmd_upgrade)
    p = cmds.add_parser("current", help="show the database's schema version and whether it must be upgraded")
    p.set_defaults(func=cmd_current)
    p = cmds.add_parser("revision", help="developers: write a new migration for changed tables (autogenerate)")
    p.add_argument("-m", "--message", required=True, help="what changed, e.g. 'outbox: lease columns'")
    p.set_defaults(func=cmd_revision)
