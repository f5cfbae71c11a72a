"""Bar charts as plain HTML: each bar is an element with a width class (w0 … w100).

No script, no inline style (the page's Content-Security-Policy forbids both), so the charts render
the same on an intranet, a phone and in print. A hidden count gets a hatched stub, never a length
that would give its size away. Every chart is drawn from the same rows as the table beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.web.masking import Count

MASKED_WIDTH = 3


@dataclass(frozen=True)
class Bar:
    series: str  # e.g. the year
    count: Count
    width: int  # percent of the chart's width
    tone: int  # 0 = this period, 1 = the comparison


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    bars: list[Bar]


def bar_rows(labels: list[tuple[str, str]], series: list[tuple[str, dict[str, Count]]]) -> list[Row]:
    """Rows for `labels` ((key, label)) with one bar per series ((name, counts by key))."""
    visible = [c.value for _, counts in series for c in counts.values() if not c.masked]
    top = max(visible, default=0) or 1
    rows = []
    for key, label in labels:
        bars = []
        for tone, (name, counts) in enumerate(series):
            count = counts.get(key) or Count(0, False, "0")
            width = MASKED_WIDTH if count.masked else round(100 * count.value / top)
            bars.append(Bar(name, count, width, min(tone, 1)))
        rows.append(Row(key, label, bars))
    return rows
