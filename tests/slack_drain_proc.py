"""A bot process's Slack sender, for the crash test: drains the outbox once against API_URL.

Usage: python tests/slack_drain_proc.py API_URL   (settings from INTEGRITY_DATABASE_URL, _ENCRYPTION_KEYS)
The test SIGKILLs it while the fake Slack holds back its answer to an accepted message.
"""

from __future__ import annotations

import sys

from slack_sdk import WebClient

from bot.settings import Settings
from bot.slack.sender import SlackSender
from storage.crypto import Cipher
from storage.db import make_engine


def main() -> None:
    settings = Settings()
    engine = make_engine(settings.resolved_database_url())
    client = WebClient(token="xoxb-test", base_url=sys.argv[1], timeout=60)
    print(SlackSender(client, engine, Cipher(settings.keys())).drain(), flush=True)


if __name__ == "__main__":
    main()
