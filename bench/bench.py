#!/usr/bin/env python3
"""Benchmark: engine throughput and latency, console round trip, start-up and peak memory.

    .venv/bin/python bench/bench.py [--cases ../shared/eval/dev.jsonl] [--answers 10000] [--lines 2000]

Prints figures only; nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def load_cases(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("//")]


def bench_engine(cases: list[dict], answers: int) -> None:
    t0 = time.perf_counter()
    from knowledge.engine import KnowledgeBase

    kb = KnowledgeBase.load()
    load_s = time.perf_counter() - t0
    latencies: list[float] = []
    start = time.perf_counter()
    while len(latencies) < answers:
        for case in cases:
            pending = None
            for turn in case["turns"]:
                t = time.perf_counter()
                _, pending = kb.answer(case["org"], turn, pending)
                latencies.append(time.perf_counter() - t)
    total = time.perf_counter() - start
    print(f"knowledge base load:       {load_s * 1000:8.1f} ms")
    print(f"engine answers:            {len(latencies):8d}")
    print(f"engine answers per second: {len(latencies) / total:8.0f}")
    print(f"engine latency p50:        {statistics.median(latencies) * 1000:8.3f} ms")
    print(f"engine latency p99:        {pct(latencies, 0.99) * 1000:8.3f} ms")
    print(f"engine latency max:        {max(latencies) * 1000:8.3f} ms")
    cold = latencies[:sum(len(c["turns"]) for c in cases)]
    print(f"first pass (cold caches, {len(cold)} answers): p50 {statistics.median(cold) * 1000:.3f} ms, "
          f"p99 {pct(cold, 0.99) * 1000:.3f} ms")
    print(f"peak memory (this process, RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:8.1f} MiB")


def bench_console(cases: list[dict], lines: int) -> None:
    bot = [str(ROOT / ".venv" / "bin" / "integrity-bot")]
    if not Path(bot[0]).exists():
        bot = [sys.executable, "-m", "bot.cli"]
    turns = [(c["org"], f"b-{c['id']}", t) for c in cases for t in c["turns"] if c["org"] == "ommen"]
    with tempfile.TemporaryDirectory() as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_", "INTEGRITY_"))}
        env.update(HOME=home, XDG_DATA_HOME=os.path.join(home, "data"))
        started = time.perf_counter()
        proc = subprocess.Popen([*bot, "chat", "--org", "ommen", "--jsonl"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True, bufsize=1, env=env, cwd=ROOT)
        assert proc.stdin and proc.stdout
        latencies: list[float] = []
        first_reply_s = 0.0
        i = 0
        while len(latencies) < lines:
            _, user, text = turns[i % len(turns)]
            i += 1
            t = time.perf_counter()
            proc.stdin.write(json.dumps({"user": user, "text": text}) + "\n")
            proc.stdin.flush()
            proc.stdout.readline()
            latencies.append(time.perf_counter() - t)
            if len(latencies) == 1:
                first_reply_s = time.perf_counter() - started
        proc.stdin.close()
        proc.wait(timeout=30)
        child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"start-up to first reply:   {first_reply_s * 1000:8.1f} ms")
    print(f"--jsonl round trips:       {len(latencies):8d}")
    print(f"--jsonl latency p50:       {statistics.median(latencies) * 1000:8.3f} ms")
    print(f"--jsonl latency p99:       {pct(latencies, 0.99) * 1000:8.3f} ms")
    print(f"peak memory (bot process, RSS): {child:8.1f} MiB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", default=str(ROOT.parent / "shared" / "eval" / "dev.jsonl"))
    ap.add_argument("--answers", type=int, default=10_000)
    ap.add_argument("--lines", type=int, default=2_000)
    args = ap.parse_args()
    cases = load_cases(Path(args.cases))
    print(f"cases: {len(cases)} from {args.cases}")
    bench_engine(cases, args.answers)
    bench_console(cases, args.lines)


if __name__ == "__main__":
    main()
