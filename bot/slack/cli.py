"""`integrity-bot slack`: run the Slack app (Socket Mode by default, HTTP mode by setting).

`--check` verifies the tokens and the workspace mapping and exits; `--manifest` prints the
app manifest to paste into api.slack.com.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.settings import Settings
from bot.slack.settings import SlackSettings
from bot.startup import NoOrganisation, check_keys, settings_problem

MANIFEST = Path(__file__).with_name("manifest.yml")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser("slack", help="run the Slack app (settings SLACK_*, see .env.example)")
    p.add_argument("--mode", choices=["socket", "http"], help="override SLACK_MODE")
    p.add_argument("--port", type=int, help="override SLACK_PORT (HTTP mode)")
    p.add_argument("--check", action="store_true",
                   help="check the tokens and the workspace mapping, then exit")
    p.add_argument("--manifest", action="store_true", help="print the app manifest (YAML) and exit")
    p.add_argument("--workspaces", action="store_true",
                   help="list which organisation each Slack workspace belongs to, then exit")
    p.add_argument("--set-workspace", metavar="TEAM=ORG",
                   help="store that workspace TEAM (T…, or E… for an Enterprise Grid org) belongs to ORG")
    p.add_argument("--remove-workspace", metavar="TEAM", help="forget the stored organisation of TEAM")
    p.set_defaults(func=cmd_slack)


def _settings(args: argparse.Namespace) -> SlackSettings | None:
    try:
        slack = SlackSettings()
    except ValidationError as exc:
        print(settings_problem(exc, "SLACK_"), file=sys.stderr)
        return None
    if args.mode:
        slack.mode = args.mode
    if args.port is not None:
        slack.port = args.port
    return slack


def _problems(slack: SlackSettings, orgs: set[str] | None) -> list[str]:
    """What is missing or wrong, in words a coordinator can act on."""
    found = []
    if slack.oauth:  # several workspaces install the app; their tokens are stored, not configured
        if not slack.client_secret:
            found.append("SLACK_CLIENT_SECRET ontbreekt (Basic Information > App Credentials > Client Secret)")
        if slack.mode != "http":
            found.append("SLACK_CLIENT_ID (installeren door meerdere werkplekken) werkt alleen met SLACK_MODE=http: "
                         "de installatiepagina en de Redirect URL moeten bereikbaar zijn")
    elif not slack.bot_token.startswith("xoxb-"):
        found.append("SLACK_BOT_TOKEN ontbreekt of begint niet met xoxb- "
                     "(OAuth & Permissions > Bot User OAuth Token)")
    if slack.mode == "socket" and not slack.app_token.startswith("xapp-"):
        found.append("SLACK_APP_TOKEN ontbreekt of begint niet met xapp- "
                     "(Basic Information > App-Level Tokens, "
                     "scope connections:write)")
    if slack.mode == "http" and not slack.signing_secret:
        found.append("SLACK_SIGNING_SECRET ontbreekt (Basic Information > App Credentials > Signing Secret)")
    try:
        mapping = slack.workspace_orgs()
    except ValueError as exc:
        found.append(str(exc))
        mapping = {}
    if orgs is not None:
        for team, org in mapping.items():
            if org not in orgs:
                found.append(f"SLACK_WORKSPACES: onbekende organisatie '{org}' voor {team} "
                             f"(kies uit: {', '.join(sorted(orgs))})")
    return found


def _report(problems: list[str]) -> bool:
    """Print what stops the app from starting; True when there is something."""
    if problems:
        print("Kan de Slack-app niet starten:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
    return bool(problems)


def cmd_slack(args: argparse.Namespace, settings: Settings) -> int:
    if args.manifest:
        print(MANIFEST.read_text(encoding="utf-8"), end="")
        return 0
    if args.workspaces or args.set_workspace or args.remove_workspace:
        return _workspaces(args, settings)
    slack = _settings(args)
    if slack is None or _report(_problems(slack, None)):
        return 2
    from bot.cli import _load_core

    if not settings.default_org:
        raise NoOrganisation("Geen organisatie gekozen: zet INTEGRITY_DEFAULT_ORG (bijv. ommen); "
                             "SLACK_WORKSPACES kan per werkplek een andere kiezen.")
    check_keys(settings, required=True)
    core = _load_core(settings, settings.default_org)
    if core is None or _report(_problems(slack, set(core.services.kb.organisations))):
        return 2
    if args.check:
        return _check(slack, settings)
    return _run(core, slack, settings)


def _check(slack: SlackSettings, settings: Settings) -> int:
    """auth.test with the bot token (and apps.connections.open with the app token in Socket Mode)."""
    if slack.oauth:
        from storage.db import make_engine
        from storage.slack_workspaces import workspaces

        stored = workspaces(make_engine(settings.resolved_database_url()))
        print(f"OK: installeren door meerdere werkplekken (client {slack.client_id}); installatiepagina "
              f"{slack.install_path}, Redirect URL-pad {slack.redirect_path}; {len(stored)} werkplek(ken) "
              "aan een organisatie gekoppeld (integrity-bot slack --workspaces).")
        return 0
    try:
        who: Any = WebClient(token=slack.bot_token, base_url=slack.api_base_url).auth_test()
        if slack.mode == "socket":
            WebClient(token=slack.app_token, base_url=slack.api_base_url).apps_connections_open(
                app_token=slack.app_token)
    except SlackApiError as exc:
        print(f"Slack weigert de token: {exc.response.get('error')}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"Slack is niet bereikbaar: {exc}", file=sys.stderr)
        return 1
    mapping = slack.workspace_orgs()
    org = mapping.get(who.get("team_id") or "", settings.default_org)
    print(f"OK: bot @{who.get('user')} in werkplek {who.get('team')} ({who.get('team_id')}) "
          f"→ organisatie {org}; "
          f"modus {slack.mode}.")
    return 0


def _run(core: Any, slack: SlackSettings, settings: Settings) -> int:
    """Serve until Ctrl-C / SIGTERM, with the outbox loop and the reminder clock running."""
    from bot.observability import start_observability
    from bot.reminder_service import start_reminder_service
    from bot.slack.app import build_slack
    from bot.slack.server import http_server, socket_mode

    bot = build_slack(core, slack, settings.default_org)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    bot.loop.start()
    reminders = start_reminder_service(core, settings)
    observability = start_observability(core, settings, reminders, "slack")
    try:
        if slack.mode == "http":
            server = http_server(bot, slack.host, slack.port)
            signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
            print(f"Slack-app luistert op http://{slack.host}:{server.server_port}{slack.path} "
                  "(Ctrl-C om te stoppen)", file=sys.stderr, flush=True)
            if slack.oauth:
                print(f"Installeren in een werkplek: http://{slack.host}:{server.server_port}{slack.install_path}",
                      file=sys.stderr, flush=True)
            server.serve_forever()
        else:
            handler = socket_mode(bot)
            print("Slack-app verbonden via Socket Mode (Ctrl-C om te stoppen)", file=sys.stderr, flush=True)
            try:
                stop.wait()
            finally:
                handler.close()
    except KeyboardInterrupt:
        pass
    finally:
        if observability is not None:
            observability.close()
        reminders.shutdown()
        bot.loop.stop()
    return 0


def _workspaces(args: argparse.Namespace, settings: Settings) -> int:
    """Set, remove and list the workspace → organisation mapping stored in the database."""
    from bot.cli import _load_core
    from storage.slack_workspaces import remove_workspace, set_workspace, workspaces

    core = _load_core(settings, None)
    if core is None:
        return 2
    engine, known = core.services.engine, core.services.kb.organisations
    if args.set_workspace:
        team, sep, org = args.set_workspace.partition("=")
        team, org = team.strip(), org.strip()
        if not sep or not team or not org:
            print("Gebruik: --set-workspace T123=ommen", file=sys.stderr)
            return 2
        if org not in known:
            print(f"Onbekende organisatie '{org}'. Kies uit: {', '.join(sorted(known))}", file=sys.stderr)
            return 2
        set_workspace(engine, team, org)
        print(f"Werkplek {team} hoort nu bij {org}.")
    if args.remove_workspace:
        gone = remove_workspace(engine, args.remove_workspace.strip())
        print(f"Werkplek {args.remove_workspace} {'vergeten' if gone else 'was niet opgeslagen'}.")
    stored = workspaces(engine)
    try:
        from_env = SlackSettings().workspace_orgs()
    except (ValidationError, ValueError):
        from_env = {}
    print("Werkplek → organisatie (opgeslagen; SLACK_WORKSPACES daaronder; anders "
          f"{settings.default_org}):")
    for team, org in sorted({**from_env, **stored}.items()):
        print(f"  {team} → {org}{'' if team in stored else ' (SLACK_WORKSPACES)'}")
    return 0
