"""A stand-in platform sender for the crash test: delivers the outbox of one platform to a file.

Usage: python tests/outbox_crash_sender.py PLATFORM LOGFILE [--crash-at N] [--later-minutes M]
Settings come from the environment (INTEGRITY_DATABASE_URL, INTEGRITY_ENCRYPTION_KEYS).
`--crash-at N` kills this process with SIGKILL at the start of the N-th send, i.e. after the
row was claimed but before the platform got it. `--later-minutes M` runs M minutes in the
future (time-machine), so claims abandoned by a crashed sender count as stale.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
from datetime import UTC, datetime, timedelta


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("platform")
    parser.add_argument("log")
    parser.add_argument("--crash-at", type=int)
    parser.add_argument("--later-minutes", type=float, default=0)
    args = parser.parse_args()
    if args.later_minutes:
        import time_machine

        time_machine.travel(datetime.now(UTC) + timedelta(minutes=args.later_minutes), tick=True).start()

    from bot.settings import Settings
    from handlers.types import Reply
    from storage.crypto import Cipher
    from storage.db import make_engine
    from storage.outbox import deliver_due

    settings = Settings()
    engine = make_engine(settings.resolved_database_url())
    cipher = Cipher(settings.keys())
    sent = 0

    def send(reply: Reply) -> str:
        nonlocal sent
        sent += 1
        if args.crash_at == sent:
            os.kill(os.getpid(), signal.SIGKILL)
        with open(args.log, "a", encoding="utf-8") as fh:  # the platform accepted the message
            fh.write(json.dumps({"to": reply.to.user, "text": reply.text}, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        return f"m{sent}"

    print(deliver_due(engine, args.platform, send, cipher), flush=True)


if __name__ == "__main__":
    main()
