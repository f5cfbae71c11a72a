#!/usr/bin/env python3
"""Benchmark: how fast the Teams endpoint answers the Bot Connector (it gives up after 15 s), and sends.

    .venv/bin/python bench/teams_ack.py [--n 300]

Signed activities over HTTP into the real Teams SDK app (uvicorn on 127.0.0.1, SQLite in a temp
dir), tokens checked against the fake's JWKS, the Bot Connector and Entra ID played by the local
fake of the tests. The listener runs before the HTTP answer, so the ack time includes the JWT check,
storing the conversation reference and the core's whole handling (dedupe, state, answer, outbox).
Cards are sent by the outbox thread meanwhile, as in production. Prints figures only.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_core  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.teams.server import TeamsServer  # noqa: E402
from storage import teams as refs  # noqa: E402
from storage.db import session_scope  # noqa: E402
from tests.teams_fake import TENANT, Call, FakeTeams, TeamsClient, button_data, teams_settings  # noqa: E402

QUESTIONS = ["Mag ik een fles wijn van 25 euro van een leverancier aannemen?",
             "Moet ik mijn bijbaan melden?", "Een collega pest mij, bij wie kan ik terecht?",
             "Mag ik een cadeau van een leverancier aannemen?"]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def show(name: str, ms: list[float]) -> None:
    print(f"{name:<28} n={len(ms):<5} p50={pct(ms, .5):6.1f} ms  p99={pct(ms, .99):6.1f} ms  "
          f"max={max(ms):6.1f} ms")


def value_question(fake: FakeTeams, conversation: str, pressed: set[str | None]) -> Call:
    """The newest card in `conversation` asking for the value that was not pressed yet."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for call in reversed(fake.sent(conversation)):
            if call.activity_id not in pressed and "value:gt:50" in str(call.body):
                return call
        time.sleep(0.005)
    raise SystemExit("the value question never arrived")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="teams-bench-"))
    core = build_core(Settings(database_url=f"sqlite:///{tmp / 'bot.db'}", _env_file=None))  # type: ignore[call-arg]
    with session_scope(core.services.engine) as session:
        refs.set_tenant(session, TENANT, "ommen")
    fake = FakeTeams()
    os.environ["REQUESTS_CA_BUNDLE"] = str(fake.ca_file)
    server = TeamsServer(core, teams_settings(fake), host="127.0.0.1", port=0)
    server.start()
    teams = TeamsClient(server.url, fake)
    token = fake.bot_framework_token()  # the Bot Connector reuses its token for about an hour

    teams.message("warm-up", QUESTIONS[0])  # first request: JWKS fetched, first token from Entra ID
    fake.wait_for(1)
    messages: list[float] = []
    presses: list[float] = []
    pressed: set[str | None] = set()
    for i in range(args.n):
        user = f"aad-{i % 20}"
        activity = teams.activity(user, teams.personal(user), text=QUESTIONS[i % len(QUESTIONS)])
        t = time.perf_counter()
        status, _ = teams.post(activity, token=token)
        messages.append((time.perf_counter() - t) * 1000)
        assert status == 200, status
        if i % len(QUESTIONS) == 3:  # the value question: press its button once the card is there
            question = value_question(fake, activity["conversation"]["id"], pressed)
            pressed.add(question.activity_id)
            press = teams.activity(user, teams.personal(user), replyToId=question.activity_id,
                                   value=button_data(question, "meer dan"))
            t = time.perf_counter()
            teams.post(press, token=token)
            presses.append((time.perf_counter() - t) * 1000)
    show("ack: personal message", messages)
    show("ack: card button press", presses)
    expected = 1 + args.n + len(presses)
    t = time.perf_counter()
    fake.wait_for(expected, timeout=120)
    print(f"outbox: {len(fake.sent())} of {expected} cards delivered to the fake Bot Connector "
          f"({time.perf_counter() - t:.2f} s after the last ack)")
    server.stop()
    fake.close()


if __name__ == "__main__":
    main()
