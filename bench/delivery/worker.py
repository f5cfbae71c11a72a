#!/usr/bin/env python3
"""One bot process of the fault benchmark: the real Slack sender and delivery loop (and, with
--reminders, the real reminder clock) against the fake Slack, until SIGTERM or SIGKILL.

Settings come from the environment (INTEGRITY_DATABASE_URL, INTEGRITY_ENCRYPTION_KEYS).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--api", required=True)
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--lease", type=float, default=15.0)
    ap.add_argument("--reminders", action="store_true")
    ap.add_argument("--tick", type=float, default=1.0)
    args = ap.parse_args()

    from slack_sdk import WebClient

    from bot.settings import Settings
    from bot.slack.outbox_loop import OutboxLoop
    from bot.slack.sender import SlackSender
    from storage.crypto import Cipher
    from storage.db import make_engine

    settings = Settings()
    engine = make_engine(settings.resolved_database_url())
    cipher = Cipher(settings.keys())
    client = WebClient(token="xoxb-bench", base_url=args.api, timeout=30)
    loop = OutboxLoop(SlackSender(client, engine, cipher), interval=0.5, workers=args.workers,
                      lease=timedelta(seconds=args.lease)).start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    clock = None
    if args.reminders:
        from bot.app import build_core
        from bot.reminder_service import ReminderService
        from handlers.reminders.schedule import ReminderConfig

        core = build_core(settings)
        clock = ReminderService(core.services, ReminderConfig(tick_seconds=args.tick, auto_seed=False))
    print("ready", flush=True)
    while not stop.wait(args.tick):
        if clock is not None:
            try:
                clock.tick()
                loop.wake()
            except Exception as exc:  # noqa: BLE001 - the database may be busy; next tick
                print(f"tick failed: {type(exc).__name__}", file=sys.stderr, flush=True)
    loop.stop()


if __name__ == "__main__":
    main()
