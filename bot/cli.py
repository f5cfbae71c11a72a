"""The `integrity-bot` command: chat, kb check, and the platform and admin commands.

Help texts are English; what the commands say is Dutch (one language per line). A fault of the
deployment — a wrong setting, a database that does not answer — ends in one or two plain lines
and exit code 2, never a traceback (`StartupError`, see storage/errors.py).
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from pydantic import ValidationError

from bot.settings import Settings
from bot.startup import org_slug, require_org, settings_problem
from knowledge.loader import KnowledgeBaseError, load
from storage.errors import StartupError

Command = Callable[[argparse.Namespace, Settings], int]


def _setup_logging(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _load_core(settings: Settings, org: str | None):  # type: ignore[no-untyped-def]
    """The core, or a printed explanation and None when the KB or the org is wrong."""
    from bot.app import build_core

    try:
        core = build_core(settings)
    except KnowledgeBaseError as exc:
        print("De kennisbank bevat fouten:", file=sys.stderr)
        for err in exc.errors:
            print(f"  {err}", file=sys.stderr)
        return None
    if org is not None:
        require_org(core.services.kb.organisations, org, "--org ORG")
    return core


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console import run_interactive, run_jsonl

    core = _load_core(settings, None)
    if core is None:
        return 2
    org = require_org(core.services.kb.organisations, args.org or settings.default_org,
                      "--org ORG (bijv. --org ommen) of zet INTEGRITY_DEFAULT_ORG")
    for stream, errors in ((sys.stdin, "surrogateescape"), (sys.stdout, "backslashreplace")):
        if hasattr(stream, "reconfigure"):  # bad bytes in: refused per line; never a crash on the way out
            stream.reconfigure(errors=errors)
    if args.jsonl:
        run_jsonl(core, org)
    else:
        if core.services.cipher is None:
            print("Let op: zonder INTEGRITY_ENCRYPTION_KEYS start geen vertrouwelijk gesprek "
                  "(maak een sleutel met: integrity-bot admin keygen).", file=sys.stderr)
        run_interactive(core, org, args.user or getpass.getuser())
    return 0


def cmd_kb_check(args: argparse.Namespace, settings: Settings) -> int:
    result = load(Path(args.dir) if args.dir else settings.kb_dir, settings.contacts_file)
    if result.errors:
        for err in result.errors:
            print(err)
        print(f"\n{len(result.errors)} fout(en) gevonden.")
        return 1
    from bot.kb_cli import check_quotes
    from knowledge.nlu.check import check_examples

    problems, notes = check_examples(result)
    for line in [*problems, *notes]:
        print(line)
    if problems:
        print(f"\n{len(problems)} fout(en) in de voorbeelden.")
        return 1
    quotes_ok, quotes_line = check_quotes(result, getattr(args, "seeds", None))
    if not quotes_ok:
        return 1
    n_rules = sum(len(t.situations) for o in result.organisations.values() for t in o.topics.values())
    print(f"OK: {len(result.organisations)} organisaties ({', '.join(sorted(result.organisations))}), "
          f"{n_rules} regels, {sum(len(o.routes) for o in result.organisations.values())} meldroutes; "
          f"{quotes_line}.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="integrity-bot", description="Integriteitsbot")
    parser.add_argument("--version", action="version", version=version_line(),
                        help="show the version and the database schema it needs, then exit")
    sub = parser.add_subparsers(dest="command", required=True)
    chat = sub.add_parser("chat", help="chat in the console (interactive, or --jsonl for scripts)")
    chat.add_argument("--org", type=org_slug, help="organisation slug, e.g. ommen (default: INTEGRITY_DEFAULT_ORG)")
    chat.add_argument("--jsonl", action="store_true", help="JSON lines in and out (CONTRACT.md)")
    chat.add_argument("--user", help="console user id (default: your login name)")
    chat.set_defaults(func=cmd_chat)
    kb = sub.add_parser("kb", help="knowledge base tools")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    check = kb_sub.add_parser("check", help="validate every YAML file and report all errors")
    check.add_argument("--dir", help="also check this directory of organisation files")
    check.add_argument("--seeds", help="directory of the source documents "
                       "(default: $INTEGRITY_SEEDS_DIR or ../shared/seeds)")
    check.set_defaults(func=cmd_kb_check)
    from bot.kb_cli import register_kb_tools

    register_kb_tools(kb_sub)
    for register in _extensions():
        register(sub)
    return parser


def version_line() -> str:
    """'integrity-bot 0.1.0 (schema 0001)': the release and the database schema it needs."""
    from storage.schema import head_revision

    try:
        release = metadata.version("integrity-bot")
    except metadata.PackageNotFoundError:  # running from a checkout that was never installed
        release = "unknown"
    return f"integrity-bot {release} (schema {head_revision()})"


def _extensions() -> list[Callable[[argparse._SubParsersAction], None]]:
    """Subcommands of the platform and admin modules (each registers its own)."""
    found = []
    for module in ("bot.admin_cli", "bot.db_cli", "bot.nlu_cli", "bot.reminders_cli", "bot.slack.cli",
                   "bot.telegram.cli", "bot.teams.cli", "bot.web.cli"):
        try:
            mod = __import__(module, fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name and module.startswith(exc.name):
                continue
            raise
        found.append(mod.register)
    return found


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        print(settings_problem(exc), file=sys.stderr)
        return 2
    _setup_logging(settings)
    try:
        return int(args.func(args, settings) or 0)
    except StartupError as exc:  # a deployment fault: its message names the fix, no traceback
        print(str(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
