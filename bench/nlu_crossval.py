"""Cross-validation of the understanding layer: leave one file out for the labelled cases, random groups
for the examples.

For every file of labelled cases (tests/cases/*.jsonl, and ../shared/eval/dev.jsonl, never trained
on) and for every one of five random groups of the examples (knowledge/examples/*.yaml: one file per
topic, so a whole file held out would hide its topic), a model is trained on all the rest and the
held-out part is read three ways: rules alone, model alone, rules and model combined (what the bot
does). Prints per-field accuracy, full-case accuracy of the case files (the evaluation's checks,
in-process), and a confusion matrix of topics and report types.

    .venv/bin/python bench/nlu_crossval.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from handlers.render import answer_text  # noqa: E402
from knowledge.engine import KnowledgeBase  # noqa: E402
from knowledge.matcher import Analyzed  # noqa: E402
from knowledge.nlu.combine import Weights, decide  # noqa: E402
from knowledge.nlu.examples import Example, load_examples  # noqa: E402
from knowledge.nlu.reading import Reading  # noqa: E402
from knowledge.nlu.training import CASES_DIR, case_examples, train  # noqa: E402
from tests.test_cases import _check  # noqa: E402

DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"


def load_cases(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run_case(kb: KnowledgeBase, case: dict) -> bool:
    """The case through the engine as the console would take it (text turns, pending state kept)."""
    pending = None
    org = case["org"]
    for i, turn in enumerate(case["turns"]):
        answer, pending = kb.answer(org, turn, pending)
        last = i == len(case["turns"]) - 1
        expect = case.get("expect", {}) if last else case.get("expect_turns", {}).get(str(i))
        if expect:
            text = answer_text(answer, kb.org(org).name)
            if _check(expect, answer.contract(), text, org):
                return False
    return True


def field_hits(truth, got) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    return {"intent": truth.intent == got.intent, "topic": truth.topic == got.topic,
            "report_type": truth.report_type == got.report_type, "reading": truth == got}


def hash_of(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()


def grid(collected: list) -> None:
    """Reading accuracy (asking counts as wrong) for combination weights around the defaults."""
    results = []
    for rule in (0.05, 0.1, 0.15, 0.2, 0.3):
        for fb in (0.15, 0.3, 0.45):
            for over in (0.2, 0.3, 0.4):
                for to_fb in (0.5, 0.6, 0.8):
                    for margin in (0.0, 0.03, 0.06):
                        w = Weights(rule, fb, over, to_fb, margin, 0.35)
                        right = asked = 0
                        for truth, rules, ranked in collected:
                            d = decide(rules, ranked, w)
                            asked += d.why == "clarify"
                            right += d.why != "clarify" and d.reading == truth
                        results.append((right, -asked, w))
    results.sort(key=lambda r: (r[0], r[1]), reverse=True)
    print(f"\nBest combination weights (reading right of {len(collected)}; asked):")
    for right, asked, w in results[:8]:
        print(f"  {100 * right / len(collected):.1f} %  asked {-asked:>3}  {w}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="case files only (no example-file folds)")
    parser.add_argument("--grid", action="store_true", help="also search the combination weights")
    parser.add_argument("--groups", type=int, default=5,
                        help="the examples are held out in this many random groups (0: file by file)")
    args = parser.parse_args()
    started = time.time()
    examples, errors = load_examples()
    if errors:
        sys.exit("\n".join(map(str, errors)))
    cases = case_examples()
    base = KnowledgeBase.load()
    by_file: dict[str, list[Example]] = defaultdict(list)
    for ex in [*examples, *cases]:
        by_file[ex.file].append(ex)
    case_files = [*sorted(CASES_DIR.glob("*.jsonl")), *([DEV] if DEV.exists() else [])]
    folds = [f"tests/cases/{p.name}" for p in case_files if p != DEV] + (["dev"] if DEV.exists() else [])
    # An example file holds one topic: holding out a whole file would hide that topic from the model,
    # so the examples are held out in random groups; the case files, which mix everything, one by one.
    if args.groups:
        shuffled = sorted(examples, key=lambda e: hash_of(e.where))
        for i, ex in enumerate(shuffled):
            by_file[ex.file].remove(ex)
            by_file[f"group{i % args.groups}"].append(ex)
        for f in [f for f, exs in by_file.items() if not exs]:
            del by_file[f]
    if not args.quick:
        folds += sorted(f for f in by_file if not f.startswith("tests/"))
    acc: dict[str, Counter] = {way: Counter() for way in ("rules", "model", "combined")}
    n_read = 0
    full = {"rules": Counter(), "combined": Counter()}
    confusion: Counter = Counter()
    whys: Counter = Counter()
    collected: list[tuple[Reading, Reading, list]] = []  # truth, rules' reading, model ranking
    for fold in folds:
        train_on = [e for f, exs in by_file.items() if f != fold for e in exs]
        model = train(train_on)
        held = by_file.get(fold, [])
        print(f"fold {fold}: {len(held)} held out", file=sys.stderr, flush=True)
        for ex in held:
            org = ex.org if ex.org in base.organisations else "ommen"
            msg = Analyzed(ex.text, base.corrector)
            base.model = None
            rules = base.understand(org, msg).reading
            base.model = model
            u = base.understand(org, msg)
            whys[u.decision.why if u.decision else "none"] += 1
            ranked = model.readings(ex.text)
            collected.append((ex.reading, rules, ranked))
            got = {"rules": rules, "model": ranked[0][0], "combined": u.reading}
            for way, reading in got.items():
                acc[way].update(k for k, ok in field_hits(ex.reading, reading).items() if ok)
            n_read += 1
            confusion[(ex.reading.label, u.reading.label)] += 1
        if fold.startswith("tests/cases/") or fold == "dev":
            path = DEV if fold == "dev" else CASES_DIR / fold.split("/")[-1]
            for case in load_cases(path):
                for way, m in (("rules", None), ("combined", model)):
                    base.model = m
                    full[way][fold] += 0
                    full[way][f"{fold}:n"] += 1
                    if run_case(base, case):
                        full[way][fold] += 1
    print(f"Leave-one-file-out over {len(folds)} files, {n_read} held-out readings "
          f"({len(examples)} examples, {len(cases)} single-turn cases); {time.time() - started:.0f} s\n")
    print(f"{'field':<12} {'rules':>8} {'model':>8} {'combined':>9}")
    for k in ("intent", "topic", "report_type", "reading"):
        print(f"{k:<12} " + " ".join(f"{100 * acc[w][k] / max(n_read, 1):>8.1f}" for w in acc) + "%")
    print("\nFull cases right (the evaluation's checks, in-process), held out:")
    print(f"{'file':<34} {'rules':>10} {'combined':>10}")
    for fold in folds:
        if f"{fold}:n" in full["rules"]:
            n = full["rules"][f"{fold}:n"]
            print(f"{fold:<34} " + " ".join(f"{full[w][fold]:>4}/{n:<3} {100 * full[w][fold] / n:3.0f}%"
                                            for w in ("rules", "combined")))
    print("\nHow readings were decided:", dict(whys))
    if args.grid:
        grid(collected)
    print("\nMost frequent confusions (label -> read as), combined:")
    for (truth, got), n in sorted(((k, v) for k, v in confusion.items() if k[0] != k[1]), key=lambda kv: -kv[1])[:25]:
        print(f"  {n:>3}  {truth} -> {got}")


if __name__ == "__main__":
    main()
