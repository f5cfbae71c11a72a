"""Engine latency on unique questions, cold, in a fresh process: p50/p99, answers per second,
start-up to the first answer, and resident memory.

Every question is asked once (examples, labelled cases and the dev set, each line once, in a
shuffled order), so no cache helps. Run it pinned to one core for the single-core figure:

    taskset -c 0 .venv/bin/python bench/nlu_latency.py
"""

from __future__ import annotations

import json
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def questions() -> list[tuple[str, str]]:
    from knowledge.nlu.examples import load_examples

    seen: set[str] = set()
    found: list[tuple[str, str]] = []
    examples, _ = load_examples()
    texts = [(e.org or "ommen", e.text) for e in examples]
    for path in [*sorted((ROOT / "tests" / "cases").glob("*.jsonl")), ROOT.parent / "shared" / "eval" / "dev.jsonl"]:
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    case = json.loads(line)
                    texts += [(case["org"], t) for t in case["turns"]]
    for org, text in texts:
        if text not in seen:
            seen.add(text)
            found.append((org, text))
    random.Random(7).shuffle(found)
    return found


def main() -> None:
    started = time.perf_counter()
    from knowledge.engine import KnowledgeBase

    kb = KnowledgeBase.load()
    kb.answer("ommen", "Mag ik een fles wijn van 25 euro van een leverancier aannemen?")
    first = time.perf_counter() - started
    qs = questions()
    times = []
    t0 = time.perf_counter()
    for org, text in qs:
        t = time.perf_counter()
        kb.answer(org, text)
        times.append((time.perf_counter() - t) * 1000)
    total = time.perf_counter() - t0
    times.sort()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"unique questions: {len(qs)} (model: {'yes' if kb.model else 'no'})")
    print(f"start-up to first answer: {first:.2f} s")
    print(f"latency p50 {times[len(times) // 2]:.2f} ms, p99 {times[int(len(times) * 0.99)]:.2f} ms, "
          f"max {times[-1]:.2f} ms")
    print(f"answers per second: {len(qs) / total:.0f}")
    print(f"peak RSS: {rss:.0f} MB")


if __name__ == "__main__":
    main()
