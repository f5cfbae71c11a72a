"""`integrity-bot telegram`: run the Telegram bot (long polling by default, webhook by setting)."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from pydantic import ValidationError

from bot.settings import Settings
from bot.startup import check_keys, org_slug, require_org, settings_problem
from bot.telegram.settings import TelegramSettings


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "telegram", help="run the Telegram bot (long polling; TELEGRAM_MODE=webhook for a webhook)")
    parser.add_argument("--org", type=org_slug,
                        help="organisation slug (default: TELEGRAM_ORG, else INTEGRITY_DEFAULT_ORG)")
    parser.set_defaults(func=cmd_telegram)


def cmd_telegram(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import _load_core
    from bot.telegram.runner import run_bot

    try:
        tg = TelegramSettings()
    except ValidationError as exc:
        print(settings_problem(exc, "TELEGRAM_"), file=sys.stderr)
        return 2
    problems = tg.problems()
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 2
    check_keys(settings, required=True)
    core = _load_core(settings, None)
    if core is None:
        return 2
    org = require_org(core.services.kb.organisations, args.org or tg.org or settings.default_org,
                      "--org ORG, TELEGRAM_ORG of INTEGRITY_DEFAULT_ORG")

    def ready(username: str) -> None:
        how = f"webhook op poort {tg.webhook_port}" if tg.mode == "webhook" else "long polling"
        print(f"Telegram-bot @{username} draait ({how}) voor {org}. Stoppen: Ctrl-C.", file=sys.stderr)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run_bot(core, tg, org, stop, on_ready=ready)

    from bot.observability import start_observability
    from bot.reminder_service import start_reminder_service

    reminders = start_reminder_service(core, settings)  # the reminder clock runs beside the bot
    observability = start_observability(core, settings, reminders, "telegram")
    try:
        asyncio.run(main())
    except Exception as exc:  # e.g. an invalid token: say it plainly, no stack trace
        from telegram.error import InvalidToken, TelegramError

        if isinstance(exc, InvalidToken):
            print("Telegram weigert het token (TELEGRAM_BOT_TOKEN): controleer het bij @BotFather.",
                  file=sys.stderr)
            return 2
        if isinstance(exc, TelegramError):
            print(f"Telegram-fout: {exc.message}", file=sys.stderr)
            return 1
        raise
    finally:
        if observability is not None:
            observability.close()
        reminders.shutdown()
    return 0
