"""`integrity-bot reminders list | seed | run`: see, create and send the reminders."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from datetime import UTC, datetime
from typing import IO

from bot.settings import Settings
from bot.startup import org_slug
from handlers.reminders.jobs import upcoming_terms
from handlers.reminders.schedule import as_utc, fmt_date
from handlers.reminders.seed import seed_org
from handlers.reminders.texts import describe_schedule, reminder_title, term_line
from handlers.types import Reply
from storage.db import session_scope
from storage.reminders import Reminder, reminders_of


def _core(settings: Settings, org: str | None):  # type: ignore[no-untyped-def]
    from bot.cli import _load_core

    return _load_core(settings, org)


ROLE_NL = {"coordinator": "coördinator", "manager": "leidinggevende", "trusted_person": "vertrouwenspersoon",
           "admin": "beheerder"}


def _status(r: Reminder) -> str:
    if not r.active:
        return {"unreachable": "GESTOPT: niet bereikbaar (de beheerder is ingelicht)",
                "no_role": "gestopt: heeft de rol niet meer"}.get(r.note or "", "uitgezet")
    if r.kind == "case_term":
        return f"aan: bij elke termijn van een gesprek, om {r.time_of_day} op werkdagen"
    status = describe_schedule(r.kind, r.months, r.weekday, r.day, r.time_of_day, r.every_years, "nl")
    if r.next_due_at:
        status += f"; volgende: {fmt_date(r.next_due_at)}"
    if r.snooze_at:
        status += f"; uitgesteld tot {fmt_date(r.snooze_at)}"
    return status


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    core = _core(settings, args.org)
    if core is None:
        return 2
    from bot.reminder_service import reminder_config

    org = core.services.kb.org(args.org)
    now = as_utc(core.services.clock())
    with session_scope(core.services.engine) as session:
        rows = reminders_of(session, args.org)
        terms = upcoming_terms(session, core.services, reminder_config(settings), args.org, now)
    if not rows:
        print(f"Geen herinneringen voor {org.name}. Registreer coördinatoren, leidinggevenden en "
              f"vertrouwenspersonen (integrity-bot admin add-role) en voer uit: "
              f"integrity-bot reminders seed --org {args.org}")
        return 0
    far = datetime.max.replace(tzinfo=UTC)
    rows.sort(key=lambda r: (not r.active, r.next_due_at or far, r.id or 0))
    print(f"Herinneringen van {org.name} (Nederlandse tijd):")
    for r in rows:
        who = r.display_name or r.user_id
        print(f"#{r.id} {reminder_title(r.kind, r.key, org, 'nl')} – {who} "
              f"({r.platform}, {ROLE_NL.get(r.role, r.role)})\n    {_status(r)}")
    if terms:
        print("\nKomende termijnherinneringen (vertrouwelijke gesprekken, alleen pseudoniemen):")
        for u in terms:
            print(f"  {term_line(u, 'nl')} (aan {u.plan.recipient})")
    return 0


def cmd_seed(args: argparse.Namespace, settings: Settings) -> int:
    core = _core(settings, args.org)
    if core is None:
        return 2
    from bot.reminder_service import reminder_config

    config = reminder_config(settings)
    org = core.services.kb.org(args.org)
    with session_scope(core.services.engine) as session:
        created = seed_org(session, org, config, as_utc(core.services.clock()))
    if not created:
        print(f"Niets nieuws: iedereen met een rol in {org.name} heeft de standaardherinneringen al "
              f"(of er zijn geen coördinatoren, leidinggevenden of vertrouwenspersonen geregistreerd).")
    for s in created:
        print(f"+ {reminder_title(s.kind, s.key, org, 'nl')} voor {s.display_name or s.user_id} ({s.platform})")
    if not org.agenda:
        print(f"Let op: de kennisbank van {org.name} noemt geen agendafrequentie; "
              f"standaard {config.agenda_default_times}× per jaar (INTEGRITY_REMINDER_AGENDA_DEFAULT_TIMES).")
    return 0


def _printer(out: IO[str], jsonl: bool, lock: threading.Lock):  # type: ignore[no-untyped-def]
    """Shows reminders for console users: the console's sender in the reminder process."""

    def send(reply: Reply) -> None:
        with lock:
            if jsonl:
                out.write(json.dumps({"replies": [reply.contract()]}, ensure_ascii=False) + "\n")
            else:
                out.write(f"\n[aan {reply.to.platform}:{reply.to.user}]\n{reply.text}\n")
                for b in reply.buttons:
                    out.write(f"  [{b.label}] (actie: {b.id})\n")
            out.flush()

    return send


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    core = _core(settings, None)
    if core is None:
        return 2
    from bot.reminder_service import start_reminder_service

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    service = start_reminder_service(core, settings, _printer(sys.stdout, args.jsonl, threading.Lock()))
    from bot.observability import start_observability

    observability = start_observability(core, settings, service, "reminders")
    print(f"Herinneringen lopen (controle elke {settings.reminder_tick_seconds:g} s); Ctrl-C stopt.",
          file=sys.stderr, flush=True)
    try:
        stop.wait()
    finally:
        if observability is not None:
            observability.close()
        service.shutdown()
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    rem = sub.add_parser("reminders", help="reminders for coordinators and trusted persons")
    rsub = rem.add_subparsers(dest="reminders_command", required=True)
    p = rsub.add_parser("list", help="every reminder of an organisation and when it comes next")
    p.add_argument("--org", required=True, type=org_slug, help="organisation slug, e.g. ommen")
    p.set_defaults(func=cmd_list)
    p = rsub.add_parser("seed", help="create the default reminders from the knowledge base for the "
                                     "registered coordinators, managers and trusted persons")
    p.add_argument("--org", required=True, type=org_slug, help="organisation slug, e.g. ommen")
    p.set_defaults(func=cmd_seed)
    p = rsub.add_parser("run", help="run the reminder clock (also shows reminders for console users)")
    p.add_argument("--jsonl", action="store_true", help="console reminders as JSON lines")
    p.set_defaults(func=cmd_run)
