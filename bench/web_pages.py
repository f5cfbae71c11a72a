#!/usr/bin/env python3
"""Benchmark: the coordinator's page on a database with several years of counts.

    .venv/bin/python bench/web_pages.py [--orgs 4] [--years 5] [--requests 40]

Fills a throwaway SQLite database with answer counts for every week of `--years` years (every
intent, topic and verdict for each of `--orgs` organisations), annual statistics and reminders,
then times each page and the CSV through the real application (in process, over ASGI), and the
counting hook the core runs once per answer. Prints figures only; nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
import warnings
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.web.app import create_app  # noqa: E402
from bot.web.settings import WebSettings  # noqa: E402
from knowledge.answer import Answer  # noqa: E402
from knowledge.engine import KnowledgeBase  # noqa: E402
from storage.answer_counts import AnswerCount, record_answers, week_of  # noqa: E402
from storage.cases import OUTCOMES, CaseStatistic  # noqa: E402
from storage.db import make_engine, session_scope  # noqa: E402
from storage.roles import add_role  # noqa: E402
from storage.web_login import issue_link  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

TOPICS = ["gifts", "invitations", "side_jobs", "financial_interests", "conflict_of_interest", "conduct",
          "confidential_information", "social_media", "private_use", "reporting", "values", ""]
VERDICTS = ["allowed", "consult", "not_allowed", "unknown"]
KINDS = ["unwanted_behaviour", "integrity_violation", "misconduct", "external_aggression", "crime"]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def fill(engine, orgs: list[str], years: int) -> int:  # type: ignore[no-untyped-def]
    rows = 0
    this_week = week_of(datetime.now(UTC))
    with session_scope(engine) as s:
        for org in orgs:
            for w in range(52 * years):
                week = this_week - timedelta(weeks=w)
                for topic in TOPICS:
                    for verdict in VERDICTS:
                        s.add(AnswerCount(org=org, week=week, intent="rule", topic=topic, verdict=verdict,
                                          count=(w + len(topic)) % 7))
                    s.add(AnswerCount(org=org, week=week, intent="info", topic=topic, count=w % 3))
                s.add(AnswerCount(org=org, week=week, intent="fallback", count=w % 5))
                rows += len(TOPICS) * 5 + 1
            for year in range(date.today().year - years, date.today().year + 1):
                for kind in KINDS:
                    for outcome in OUTCOMES:
                        s.add(CaseStatistic(org=org, year=year, kind=kind, channel="trusted_person",
                                            outcome=outcome, count=(year + len(kind)) % 4))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=4)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    kb = KnowledgeBase.load()
    orgs = sorted(kb.organisations)[: args.orgs]
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        started = time.perf_counter()
        rows = fill(engine, orgs, args.years)
        print(f"answer_count rows: {rows} ({len(orgs)} organisations x {args.years} years of weeks), "
              f"filled in {time.perf_counter() - started:.1f} s")
        with session_scope(engine) as s:
            role, _ = add_role(s, orgs[0], "coordinator", "console", "bench")
            token = issue_link(s, role, "nl", datetime.now(UTC))
        client = TestClient(create_app(engine, kb, WebSettings(_env_file=None)))  # type: ignore[call-arg]
        page = client.get(f"/login/{token}")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        client.post("/login", data={"csrf": csrf, "token": token})
        for path in ("/jaarverslag", "/vragen?weeks=13", "/vragen?weeks=52", "/herinneringen", "/jaarverslag.csv"):
            times = []
            for _ in range(args.requests):
                t0 = time.perf_counter()
                r = client.get(path)
                times.append((time.perf_counter() - t0) * 1000)
                assert r.status_code == 200, (path, r.status_code)
            print(f"{path:<20} p50 {statistics.median(times):7.1f} ms   p95 {pct(times, 0.95):7.1f} ms   "
                  f"{len(r.content) / 1024:6.1f} KiB")
        answer = Answer(intent="rule", topic="gifts", verdict="consult")
        times = []
        with session_scope(engine) as s:  # inside a transaction, as in the core
            for _ in range(500):
                t0 = time.perf_counter()
                record_answers(s, orgs[0], [answer], datetime.now(UTC))
                times.append((time.perf_counter() - t0) * 1000)
        print(f"counting hook (added to the core's transaction, SQLite): p50 {statistics.median(times):.2f} ms, "
              f"p99 {pct(times, 0.99):.2f} ms")


if __name__ == "__main__":
    main()
