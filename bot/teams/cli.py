"""`integrity-bot teams`: run the Teams bot; `teams manifest` writes the app package; `teams tenant …`
links Microsoft 365 tenants to organisations."""

from __future__ import annotations

import argparse
import re
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.settings import Settings
from bot.startup import check_keys, org_slug, require_org, settings_problem
from bot.teams.settings import TeamsSettings

GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser("teams", help="run the Microsoft Teams bot (settings TEAMS_*, see .env.example)")
    p.add_argument("--host", help="override TEAMS_HOST")
    p.add_argument("--port", type=int, help="override TEAMS_PORT")
    p.set_defaults(func=cmd_run)
    sub = p.add_subparsers(dest="teams_command")
    m = sub.add_parser("manifest", help="write the Teams app package (zip) for the tenant administrator")
    m.add_argument("--out", default="integriteitsbot-teams.zip", help="file to write (default: %(default)s)")
    m.add_argument("--developer", default="Integriteitsbot", help="developer name shown in Teams")
    m.add_argument("--website", default="https://github.com/integriteitsbot", help="developer website (https)")
    m.add_argument("--privacy-url", help="privacy statement (https; default: the website)")
    m.add_argument("--terms-url", help="terms of use (https; default: the website)")
    m.add_argument("--name", default="Integriteitsbot", help="the app's short name (max 30 characters)")
    m.set_defaults(func=cmd_manifest)
    t = sub.add_parser("tenant", help="which Microsoft 365 tenant belongs to which organisation")
    tsub = t.add_subparsers(dest="tenant_command", required=True)
    add = tsub.add_parser("add", help="link a tenant to an organisation (or move it)")
    add.add_argument("--tenant", required=True, help="Directory (tenant) ID, a GUID")
    add.add_argument("--org", required=True, type=org_slug, help="organisation slug, e.g. ommen")
    add.set_defaults(func=cmd_tenant_add)
    rm = tsub.add_parser("remove", help="unlink a tenant")
    rm.add_argument("--tenant", required=True)
    rm.set_defaults(func=cmd_tenant_remove)
    ls = tsub.add_parser("list", help="the linked tenants")
    ls.set_defaults(func=cmd_tenant_list)


def _teams_settings() -> TeamsSettings | None:
    try:
        return TeamsSettings()
    except ValidationError as exc:
        print(settings_problem(exc, "TEAMS_"), file=sys.stderr)
        return None


def cmd_manifest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.teams.manifest import PackageInfo, write_package

    teams = _teams_settings()
    if teams is None:
        return 2
    if not GUID.fullmatch(teams.app_id.strip()):
        print("TEAMS_APP_ID ontbreekt of is geen GUID: zet eerst de Application (client) ID van de "
              "app-registratie, bijvoorbeeld 00000000-1111-2222-3333-444444444444.", file=sys.stderr)
        return 2
    urls = [args.website, args.privacy_url or args.website, args.terms_url or args.website]
    if not all(u.startswith("https://") for u in urls):
        print("De website-, privacy- en voorwaarden-URL moeten met https:// beginnen.", file=sys.stderr)
        return 2
    info = PackageInfo(app_id=teams.app_id.strip(), developer=args.developer, website_url=urls[0],
                       privacy_url=urls[1], terms_url=urls[2], short_name=args.name)
    path = write_package(info, Path(args.out))
    print(f"Teams-app-pakket geschreven: {path} (app-ID {info.app_id}). Upload het in het Teams-beheercentrum: "
          "Teams-apps > Apps beheren > Uploaden.")
    return 0


def _core(settings: Settings) -> Any:
    from bot.cli import _load_core

    return _load_core(settings, None)


def cmd_tenant_add(args: argparse.Namespace, settings: Settings) -> int:
    from storage import teams as refs
    from storage.db import session_scope

    core = _core(settings)
    if core is None:
        return 2
    org = require_org(core.services.kb.organisations, args.org, "--org ORG")
    tenant = args.tenant.strip()
    if not tenant or len(tenant) > 100 or any(c.isspace() for c in tenant):
        print("--tenant moet de Directory (tenant) ID zijn, bijvoorbeeld 72f988bf-86f1-41af-91ab-2d7cd011db47.",
              file=sys.stderr)
        return 2
    with session_scope(core.services.engine) as session:
        new = refs.set_tenant(session, tenant, org)
    print(f"Tenant {tenant.lower()} {'gekoppeld aan' if new else 'verplaatst naar'} {org}.")
    return 0


def cmd_tenant_remove(args: argparse.Namespace, settings: Settings) -> int:
    from storage import teams as refs
    from storage.db import session_scope

    core = _core(settings)
    if core is None:
        return 2
    with session_scope(core.services.engine) as session:
        removed = refs.remove_tenant(session, args.tenant)
    print(f"Tenant {args.tenant} ontkoppeld." if removed else f"Tenant {args.tenant} was niet gekoppeld.")
    return 0 if removed else 1


def cmd_tenant_list(args: argparse.Namespace, settings: Settings) -> int:
    from storage import teams as refs
    from storage.db import session_scope

    core = _core(settings)
    if core is None:
        return 2
    with session_scope(core.services.engine) as session:
        rows = refs.tenants(session)
    if not rows:
        print("Nog geen tenants gekoppeld (integrity-bot teams tenant add --tenant … --org …).")
    for tenant, org in rows:
        print(f"{tenant}  →  {org}")
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Serve until Ctrl-C / SIGTERM, with the outbox sender and the reminder clock running."""
    teams = _teams_settings()
    if teams is None:
        return 2
    problems = teams.problems()
    if problems:
        print("Kan de Teams-bot niet starten:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    check_keys(settings, required=True)  # employees can ask for a trusted person here
    core = _core(settings)
    if core is None:
        return 2
    if teams.org.strip():
        teams.org = require_org(core.services.kb.organisations, teams.org, "TEAMS_ORG (of laat het leeg)")
    from bot.observability import start_observability
    from bot.reminder_service import start_reminder_service
    from bot.teams.server import TeamsServer

    server = TeamsServer(core, teams, host=args.host, port=args.port)
    try:
        server.start()
    except OSError as exc:
        print(f"Kan de Teams-bot niet starten: {exc}", file=sys.stderr)
        return 1
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    reminders = start_reminder_service(core, settings)
    observability = start_observability(core, settings, reminders, "teams")
    _print_tenants(core, teams)
    print(f"Teams-bot luistert op http://{server.host}:{server.port}{teams.path} (Ctrl-C om te stoppen)",
          file=sys.stderr, flush=True)
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        if observability is not None:
            observability.close()
        reminders.shutdown()
        server.stop()
    return 0


def _print_tenants(core: Any, teams: TeamsSettings) -> None:
    from storage import teams as refs
    from storage.db import session_scope

    with session_scope(core.services.engine) as session:
        rows = refs.tenants(session)
    linked = ", ".join(f"{t} → {o}" for t, o in rows) or "geen"
    rest = f"overige tenants → {teams.org}" if teams.org else "overige tenants worden geweigerd"
    print(f"Gekoppelde tenants: {linked}; {rest}.", file=sys.stderr)
