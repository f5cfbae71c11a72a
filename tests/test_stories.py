"""Scripted conversations (tests/stories/*.yaml) through the core, as a console user talks.

Each story is one user's turns in the words of real employees and what the last answer must
be; like Rasa's test stories, they pin behaviour, not implementation.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from handlers.dispatcher import Core
from tests.conftest import Console

STORIES = [(path.stem, i, story) for path in sorted((Path(__file__).parent / "stories").glob("*.yaml"))
           for i, story in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")))]


def _as_list(value: object) -> list:
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("name, index, story", STORIES, ids=[f"{n}-{i}" for n, i, _ in STORIES])
def test_story(core: Core, name: str, index: int, story: dict) -> None:
    console = Console(core, story["org"])
    user = f"{name}-{index}"
    replies = []
    for turn in story["turns"]:
        if isinstance(turn, dict):
            replies = console.send(user, action=turn["action"])
        else:
            replies = console.send(user, turn)
    mine = [r for r in replies if r.to.user == user]
    answer = next((r.answer for r in reversed(mine) if r.answer), None)
    text = "\n".join(r.text for r in mine).lower()
    expect = story["expect"]
    assert answer is not None, f"no answer for {story['turns']}"
    assert answer.intent in _as_list(expect["intent"]), (answer.intent, story["turns"])
    if "topic" in expect:
        assert answer.topic in _as_list(expect["topic"])
    if "verdict" in expect:
        assert answer.verdict in _as_list(expect["verdict"])
    if "report_type" in expect:
        assert answer.report_type in expect["report_type"]
    if "channels_any" in expect:
        assert set(expect["channels_any"]) & set(answer.channels[:3])
    if "needs" in expect:
        assert answer.needs == expect["needs"]
    if "includes" in expect:
        assert any(s.lower() in text for s in expect["includes"]), text
    if "excludes" in expect:
        assert not any(s.lower() in text for s in expect["excludes"]), text
    if answer.intent in ("rule", "route"):
        assert answer.sources and all(s["org"] in (story["org"], "national") for s in answer.sources)
