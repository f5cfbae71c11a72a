#!/usr/bin/env python3
"""Benchmark: how fast the Slack app acknowledges (Slack wants it within 3 s), and sends.

    .venv/bin/python bench/slack_ack.py [--n 200]

Signed requests over HTTP into the real app (WSGI server on 127.0.0.1, SQLite in a temp dir),
the Web API played by the local fake of the tests. The listener runs before the ack, so the ack
time includes the core's whole handling (dedupe, state, answer, outbox). Prints figures only.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_core  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.slack.app import build_slack  # noqa: E402
from bot.slack.server import http_server  # noqa: E402
from tests.slack_fake import SECRET, FakeSlack, SlackRequests, slack_settings  # noqa: E402

QUESTIONS = ["Mag ik een fles wijn van 25 euro van een leverancier aannemen?",
             "Moet ik mijn bijbaan melden?", "Een collega pest mij, bij wie kan ik terecht?",
             "Mag ik een cadeau van een leverancier aannemen?"]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def show(name: str, ms: list[float]) -> None:
    print(f"{name:<28} n={len(ms):<5} p50={pct(ms, .5):6.1f} ms  p95={pct(ms, .95):6.1f} ms  "
          f"max={max(ms):6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="slack-bench-"))
    core = build_core(Settings(database_url=f"sqlite:///{tmp / 'bot.db'}", _env_file=None))  # type: ignore[call-arg]
    fake = FakeSlack()
    bot = build_slack(core, slack_settings(fake), "ommen")
    server = http_server(bot, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    slack = SlackRequests(f"http://127.0.0.1:{server.server_port}/slack/events", SECRET)

    events, clicks, commands = [], [], []
    for i in range(args.n):
        user = f"U{i % 20}"
        t = time.perf_counter()
        slack.dm(user, QUESTIONS[i % len(QUESTIONS)])
        events.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        slack.click(user, "value:gt:50", channel=f"D{user}")
        clicks.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        slack.command(user, QUESTIONS[i % len(QUESTIONS)], response_url=fake.response_url())
        commands.append((time.perf_counter() - t) * 1000)
    show("ack: DM event", events)
    show("ack: button press", clicks)
    show("ack: /integriteit", commands)
    t = time.perf_counter()
    sent = 0
    while (n := bot.sender.drain()):
        sent += n
    took = time.perf_counter() - t
    print(f"outbox: {sent} messages sent in {took:.2f} s ({sent / took:.0f}/s against the local fake)")
    server.shutdown()
    fake.close()


if __name__ == "__main__":
    main()
