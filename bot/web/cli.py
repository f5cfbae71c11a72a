"""`integrity-bot web`: serve the coordinator's page (uvicorn) on the bot's database.

It needs the database and the knowledge base, and nothing else: no encryption key, no platform
token. It listens on 127.0.0.1 unless told otherwise; put a reverse proxy with https in front of it
to reach it from other machines.
"""

from __future__ import annotations

import argparse
import socket
import sys

from bot.settings import Settings
from bot.web.settings import WebSettings


def cmd_web(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from bot.web.app import create_app
    from knowledge.engine import KnowledgeBase
    from knowledge.loader import KnowledgeBaseError
    from storage.db import make_engine

    web = WebSettings()
    host = args.host or web.host
    port = web.port if args.port is None else args.port
    if settings.keys():
        print("Let op: INTEGRITY_ENCRYPTION_KEYS is gezet, maar de coördinatorpagina heeft geen sleutel nodig. "
              "Haal hem weg uit de omgeving van dit proces.", file=sys.stderr)
    try:
        kb = KnowledgeBase.load(settings.kb_dir, settings.contacts_file)
    except KnowledgeBaseError as exc:
        print("De kennisbank bevat fouten / the knowledge base has errors:", file=sys.stderr)
        for err in exc.errors:
            print(f"  {err}", file=sys.stderr)
        return 2
    app = create_app(make_engine(settings.resolved_database_url(), settings.database_auto_upgrade), kb, web)
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        print(f"Kan niet luisteren op {host}:{port}: {exc.strerror}. Kies een andere poort met --port of "
              "INTEGRITY_WEB_PORT.", file=sys.stderr)
        return 2
    sock.listen(128)
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    print(f"Coördinatorpagina op http://{shown}:{bound}/ (inloglinks wijzen naar {web.public_url()}). "
          "Stoppen: Ctrl-C.", flush=True)
    # No access log: a login link's token is in its path.
    config = uvicorn.Config(app, log_level=settings.log_level.lower(), access_log=False, proxy_headers=True)
    uvicorn.Server(config).run(sockets=[sock])
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("web", help="serve the coordinator's page (annual report, questions, reminders)")
    p.add_argument("--host", help="address to listen on (default INTEGRITY_WEB_HOST, 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default INTEGRITY_WEB_PORT, 8080; 0 = any free port)")
    p.set_defaults(func=cmd_web)
