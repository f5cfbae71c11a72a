"""`integrity-bot admin ...`: roles, availability, encryption keys, retention purge, statistics.

Run by an administrator on the machine of the bot (it uses the same settings and database).
Nothing here prints message content or an employee's identity.
"""

from __future__ import annotations

import argparse
import sys

from cryptography.fernet import InvalidToken

from bot.settings import Settings
from bot.startup import check_keys, org_slug
from storage import cases as store
from storage import roles
from storage.crypto import Cipher
from storage.db import make_engine, session_scope
from storage.keys import rotate_index_key, verify_key_check
from storage.models import RoleAssignment, utcnow


def _engine(settings: Settings):  # type: ignore[no-untyped-def]
    return make_engine(settings.resolved_database_url(), settings.database_auto_upgrade)


def _cipher(settings: Settings) -> Cipher | None:
    return check_keys(settings, required=True)


def _check_org(org: str) -> bool:
    from knowledge.engine import KnowledgeBase
    from knowledge.loader import KnowledgeBaseError

    try:
        known = KnowledgeBase.load().organisations
    except KnowledgeBaseError:
        return True  # `integrity-bot kb check` reports that; do not block role administration
    if org not in known:
        print(f"Onbekende organisatie '{org}'. Kies uit: {', '.join(sorted(known))}", file=sys.stderr)
        return False
    return True


def _describe(r: RoleAssignment) -> str:
    name = f" ({r.display_name})" if r.display_name else ""
    available = "" if r.available else "  [niet beschikbaar]"
    return f"{r.org:<22} {r.role:<15} {r.platform}:{r.user_id}{name}{available}"


def cmd_add_role(args: argparse.Namespace, settings: Settings) -> int:
    if not _check_org(args.org):
        return 2
    with session_scope(_engine(settings)) as session:
        row, new = roles.add_role(session, args.org, args.role, args.platform, args.user, args.name)
        print(("Toegevoegd: " if new else "Bestond al (naam bijgewerkt): ") + _describe(row))
    if args.role == roles.TRUSTED and not settings.keys():
        print("Let op: zonder INTEGRITY_ENCRYPTION_KEYS start het vertrouwelijke gesprek niet "
              "(maak een sleutel met: integrity-bot admin keygen).")
    return 0


def cmd_list_roles(args: argparse.Namespace, settings: Settings) -> int:
    with session_scope(_engine(settings)) as session:
        rows = roles.list_roles(session, args.org)
        if not rows:
            print("Geen rollen geregistreerd." + (f" (organisatie {args.org})" if args.org else ""))
        for r in rows:
            print(_describe(r))
    return 0


def cmd_remove_role(args: argparse.Namespace, settings: Settings) -> int:
    with session_scope(_engine(settings)) as session:
        if not roles.remove_role(session, args.org, args.role, args.platform, args.user):
            print("Die rol bestaat niet.", file=sys.stderr)
            return 1
        released = 0
        if args.role == roles.TRUSTED:
            released = store.release_cases(session, args.org, roles.role_key(args.platform, args.user))
        print(f"Verwijderd: {args.role} {args.platform}:{args.user} ({args.org}).")
        if released:
            print(f"{released} open gesprek(ken) van deze vertrouwenspersoon zijn vrijgegeven: een andere "
                  "vertrouwenspersoon kan ze oppakken (/gesprekken).")
    return 0


def cmd_set_available(args: argparse.Namespace, settings: Settings) -> int:
    available = args.state in ("yes", "ja", "on", "aan")
    with session_scope(_engine(settings)) as session:
        n = roles.set_available(session, args.org, args.platform, args.user, available)
    if not n:
        print("Geen rol gevonden voor deze gebruiker in deze organisatie.", file=sys.stderr)
        return 1
    now = "beschikbaar" if available else "niet beschikbaar"
    print(f"{args.platform}:{args.user} ({args.org}) is nu {now}.")
    return 0


def cmd_keygen(args: argparse.Namespace, settings: Settings) -> int:
    key = Cipher.new_key()
    print(key)
    print("\nZet deze sleutel in INTEGRITY_ENCRYPTION_KEYS (bijv. in .env) en bewaar een kopie op een "
          "veilige plek: zonder sleutel is niets van de vertrouwelijke gesprekken meer te lezen.\n"
          "Sleutel wisselen: zet de nieuwe vooraan (NIEUW,OUD), voer 'integrity-bot admin rotate-key' uit en "
          "haal daarna de oude weg.", file=sys.stderr)
    return 0


def cmd_rotate_key(args: argparse.Namespace, settings: Settings) -> int:
    cipher = _cipher(settings)
    if cipher is None:
        return 2
    try:
        counts = store.rotate_keys(_engine(settings), cipher)
    except (ValueError, InvalidToken):  # Cipher.rotate lets Fernet's InvalidToken through
        print("Niet alles kon worden ontsleuteld: staat de oude sleutel nog in INTEGRITY_ENCRYPTION_KEYS "
              "(achter de nieuwe)?", file=sys.stderr)
        return 1
    total = sum(counts.values())
    print(f"Opnieuw versleuteld met de eerste sleutel: {total} waarden "
          f"({', '.join(f'{k}: {v}' for k, v in counts.items())}). De oude sleutel kan nu weg.")
    return 0


def cmd_rotate_index_key(args: argparse.Namespace, settings: Settings) -> int:
    """A new blind-index key: the case lookups are recomputed, conversation states start afresh."""
    cipher = _cipher(settings)
    if cipher is None:
        return 2
    engine = _engine(settings)
    verify_key_check(engine, cipher)  # a key that cannot open this database: KeyCheckError (exit 2)
    counts = rotate_index_key(engine, cipher)
    print(f"Nieuwe indexsleutel: {counts['confide_identity']} gesprekskoppeling(en) opnieuw berekend; "
          f"{counts['conversation_state']} gespreksstand(en) en {counts['processed_event']} gebeurtenis-id('s) "
          "gewist (openstaande vragen beginnen opnieuw). Herstart de botprocessen.")
    return 0


def cmd_purge(args: argparse.Namespace, settings: Settings) -> int:
    days = args.days if args.days is not None else settings.retention_days
    cipher = check_keys(settings, required=False)
    done = store.purge_expired(_engine(settings), cipher, utcnow(), days)
    print(f"Gewist: {done['closed']} afgesloten gesprek(ken) ouder dan {days} dagen, "
          f"{done['drafts']} onafgemaakte start(s). De anonieme tellingen blijven.")
    return 0


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    from handlers.confide.texts import kind_label, outcome_label

    with session_scope(_engine(settings)) as session:
        rows = store.statistics(session, args.org, args.year)
        if not rows:
            print("Nog geen tellingen.")
        for r in rows:
            kind = kind_label(None if r.kind == "unknown" else r.kind)
            print(f"{r.org:<22} {r.year}  {kind:<45} {outcome_label(r.outcome):<50} {r.count}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    admin = sub.add_parser("admin", help="roles, keys, retention, statistics (confidential talks)")
    cmds = admin.add_subparsers(dest="admin_command", required=True)

    def who(p: argparse.ArgumentParser, role: bool = True) -> None:
        p.add_argument("--org", required=True, type=org_slug, help="organisation slug, e.g. ommen")
        if role:
            p.add_argument("--role", default=roles.TRUSTED, choices=roles.ROLES)
        p.add_argument("--platform", required=True, choices=roles.PLATFORMS)
        p.add_argument("--user", required=True,
                       help="platform user id (Slack U…, Telegram numeric id, console name)")

    p = cmds.add_parser("add-role", help="register a trusted person (or other role) with their platform user")
    who(p)
    p.add_argument("--name", help="name shown to employees when this person takes up a conversation")
    p.set_defaults(func=cmd_add_role)
    p = cmds.add_parser("list-roles", help="list the registered roles")
    p.add_argument("--org", type=org_slug)
    p.set_defaults(func=cmd_list_roles)
    p = cmds.add_parser("remove-role", help="remove a role; their open conversations are released")
    who(p)
    p.set_defaults(func=cmd_remove_role)
    p = cmds.add_parser("set-available", help="mark someone (un)available, e.g. during a holiday")
    who(p, role=False)
    p.add_argument("state", choices=("yes", "no", "ja", "nee", "on", "off", "aan", "uit"))
    p.set_defaults(func=cmd_set_available)
    p = cmds.add_parser("keygen", help="print a new encryption key")
    p.set_defaults(func=cmd_keygen)
    p = cmds.add_parser("rotate-key", help="re-encrypt all with the first key of INTEGRITY_ENCRYPTION_KEYS")
    p.set_defaults(func=cmd_rotate_key)
    p = cmds.add_parser("rotate-index-key", help="replace the blind-index key (stop the bot processes first)")
    p.set_defaults(func=cmd_rotate_index_key)
    p = cmds.add_parser("purge", help="erase closed conversations older than the retention period")
    p.add_argument("--days", type=int, help="override INTEGRITY_RETENTION_DAYS for this run")
    p.set_defaults(func=cmd_purge)
    p = cmds.add_parser("stats", help="anonymous counts for the annual report")
    p.add_argument("--org", type=org_slug)
    p.add_argument("--year", type=int)
    p.set_defaults(func=cmd_stats)
