#!/usr/bin/env python3
"""Benchmark: how fast the Slack app acknowledges (Slack wants it within 3 s), for any input.

    .venv/bin/python bench/slack_ack.py [--n 200]

Signed requests over HTTP into the real app (WSGI server on 127.0.0.1, SQLite in a temp dir),
the Web API played by the local fake of the tests. The app acknowledges first and the core works
after it (lazy listeners), so two figures: event → ack, and event → reply stored (the core's
whole handling: dedupe, state, answer, outbox), each for ordinary questions and for
pathological input (a 4 000-character word, 4 000 random characters, a flood of words).
Prints figures only.
"""

from __future__ import annotations

import argparse
import random
import string
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


def pathological(i: int) -> str:
    rnd = random.Random(i)
    return [("a" * 4000), "".join(rnd.choice(string.printable) for _ in range(4000)),
            " ".join(rnd.choice(["cadeau", "euro", "mag", "ik", "1,5", "€", "leverancier"]) for _ in range(700)),
            "1" * 4000, "😀" * 2000][i % 5]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def show(name: str, ms: list[float]) -> None:
    print(f"{name:<36} n={len(ms):<5} p50={pct(ms, .5):7.1f} ms  p99={pct(ms, .99):7.1f} ms  "
          f"max={max(ms):7.1f} ms")


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
    settled = SlackRequests(slack.url, SECRET, settle=bot.settle)

    for label, texts in (("ordinary questions", [QUESTIONS[i % len(QUESTIONS)] for i in range(args.n)]),
                         ("pathological input", [pathological(i) for i in range(args.n)])):
        acks, done, clicks, commands = [], [], [], []
        for i, text in enumerate(texts):
            user = f"U{label[0]}{i % 20}"
            t = time.perf_counter()
            slack.dm(user, text)
            acks.append((time.perf_counter() - t) * 1000)
            bot.settle()
            t = time.perf_counter()
            settled.dm(user, text)  # the same again, now waiting until the core has stored its reply
            done.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            slack.click(user, "value:gt:50", channel=f"D{user}")
            clicks.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            slack.command(user, text, response_url=fake.response_url(f"{label[0]}{i}"))
            commands.append((time.perf_counter() - t) * 1000)
            bot.settle()
        print(f"--- {label}")
        show("event → ack: DM", acks)
        show("event → ack: button press", clicks)
        show("event → ack: /integriteit", commands)
        show("event → reply stored: DM", done)
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
