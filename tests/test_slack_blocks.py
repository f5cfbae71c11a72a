"""Slack's text limits: a long answer is cut into sections without breaking an entity or a link."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.slack.blocks import SECTION_MAX, escape, section
from tests.slack_fake import block_error


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ab &<>", min_size=SECTION_MAX, max_size=3 * SECTION_MAX))
def test_long_escaped_text_is_cut_only_between_entities(raw: str) -> None:
    escaped = escape(raw)
    blocks = section(escaped)
    assert block_error(blocks) is None or len(blocks) > 50  # each section is valid Block Kit
    for block in blocks:
        text = block["text"]["text"]
        assert len(text) <= SECTION_MAX
        amp = text.rfind("&")
        assert amp == -1 or ";" in text[amp:]  # no '&am' left dangling at a cut
    assert "".join(b["text"]["text"] for b in blocks).replace("\n", "") == escaped.replace("\n", "")
