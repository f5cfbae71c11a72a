"""A labelled case set in the evaluation's own format (tests/cases/*.jsonl), run in-process.

The cases were written blind to the engine, from shared/eval/LABELS.md, in colloquial chat
style; the checks are those of the evaluation script: intent, topic, verdict, report type,
channels among the first three, needs, reply includes/excludes, and own-organisation sources.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from handlers.dispatcher import Core
from tests.conftest import Console

CASES = [json.loads(line) for path in sorted((Path(__file__).parent / "cases").glob("*.jsonl"))
         for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _check(expect: dict, answer: dict | None, text: str, org: str) -> list[str]:
    a = answer or {}
    failed = []

    def one_of(value: object) -> list:
        return value if isinstance(value, list) else [value]

    if "intent" in expect and a.get("intent") not in one_of(expect["intent"]):
        failed.append(f"intent {a.get('intent')}")
    if "topic" in expect and a.get("topic") != expect["topic"]:
        failed.append(f"topic {a.get('topic')}")
    if "verdict" in expect and a.get("verdict") not in expect["verdict"]:
        failed.append(f"verdict {a.get('verdict')}")
    if "report_type" in expect and a.get("report_type") not in one_of(expect["report_type"]):
        failed.append(f"report_type {a.get('report_type')}")
    if "channels_any" in expect and not set(expect["channels_any"]) & set((a.get("channels") or [])[:3]):
        failed.append(f"channels {a.get('channels')}")
    if "needs_any" in expect and not set(expect["needs_any"]) & set(a.get("needs") or []):
        failed.append(f"needs {a.get('needs')}")
    low = text.lower()
    if any(s.lower() in low for s in expect.get("reply_excludes", [])):
        failed.append("reply_excludes")
    if "reply_includes_any" in expect and not any(s.lower() in low for s in expect["reply_includes_any"]):
        failed.append("reply_includes")
    if expect.get("intent") in ("rule", "route") or "verdict" in expect:
        sources = a.get("sources") or []
        if not sources or any(s.get("org") not in (org, "national") for s in sources):
            failed.append("sources")
    return failed


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(core: Core, case: dict) -> None:
    console = Console(core, case["org"])
    for i, turn in enumerate(case["turns"]):
        replies = [r for r in console.send(case["id"], turn) if r.to.user == case["id"]]
        answers = [r.answer.contract() for r in replies if r.answer]
        text = "\n".join(r.text for r in replies)
        last = i == len(case["turns"]) - 1
        expect = case.get("expect", {}) if last else case.get("expect_turns", {}).get(str(i))
        if expect:
            failed = _check(expect, answers[-1] if answers else None, text, case["org"])
            assert not failed, (i, turn, failed)
