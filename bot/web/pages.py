"""View models of the pages: the counts of `queries`, hidden where small, as chart rows and tables.

The chart and the table of a section come from the same `Section`, so they can never disagree.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from bot.web.charts import Row, bar_rows
from bot.web.masking import Count, mask_group, mask_total
from bot.web.queries import CHANNELS, REPORT_KINDS, QuestionFigures, ReminderFigures, YearFigures
from bot.web.texts import VERDICTS, Texts
from storage.cases import OUTCOMES

OUTCOME_ORDER = (*OUTCOMES, "ongoing")


@dataclass
class Section:
    """One chart with its table: categories (key, label) and one column of counts per series."""

    id: str
    title: str
    labels: list[tuple[str, str]]
    series: list[tuple[str, dict[str, Count]]]
    totals: list[Count]
    timeline: bool = False  # a run of weeks: every week gets a (compact) row, zeros included

    @property
    def rows(self) -> list[Row]:
        """The chart's rows: categories with nothing in any series are left to the table."""
        labels = self.labels if self.timeline else [
            (k, label) for k, label in self.labels if any(c[k].value for _, c in self.series)]
        return bar_rows(labels, self.series)

    @property
    def empty(self) -> bool:
        return all(c.value == 0 for _, counts in self.series for c in counts.values())


def _section(id_: str, title: str, labels: list[tuple[str, str]], series: list[tuple[str, dict[str, int]]],
             threshold: int, timeline: bool = False) -> Section:
    masked = [(name, mask_group({k: values.get(k, 0) for k, _ in labels}, threshold)) for name, values in series]
    totals = [mask_total(sum(values.get(k, 0) for k, _ in labels), threshold) for _, values in series]
    return Section(id_, title, labels, masked, totals, timeline)


def annual_sections(this: YearFigures, prev: YearFigures, t: Texts, threshold: int) -> list[Section]:
    years = [(str(this.year), this), (str(prev.year), prev)]
    return [
        _section("channels", t("by_channel"), [(c, t.channel(c)) for c in CHANNELS],
                 [(y, f.by_channel) for y, f in years], threshold),
        _section("kinds", t("by_kind"), [(k, t.kind(k)) for k in REPORT_KINDS],
                 [(y, f.by_kind) for y, f in years], threshold),
        _section("outcomes", t("by_outcome"), [(o, t.outcome(o)) for o in OUTCOME_ORDER],
                 [(y, f.by_outcome) for y, f in years], threshold),
    ]


def annual_csv(sections: list[Section]) -> str:
    """The annual report's tables as CSV (semicolons and a BOM, so Dutch Excel opens it as columns)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for i, section in enumerate(sections):
        if i == 0:
            writer.writerow(["onderdeel", "code", "categorie", *(name for name, _ in section.series)])
        for key, label in section.labels:
            writer.writerow([section.id, key, label, *(counts[key].shown for _, counts in section.series)])
        writer.writerow([section.id, "total", "", *(c.shown for c in section.totals)])
    return "\ufeff" + out.getvalue()


def question_sections(f: QuestionFigures, t: Texts, threshold: int) -> dict[str, Section]:
    count = t("answers")
    topics = sorted(f.per_topic, key=lambda k: (-f.per_topic[k], k))
    weeks = [(w.isoformat(), t.week(w)) for w in f.weeks]
    return {
        "topics": _section("topics", t("per_topic"), [(k, t.topic(k)) for k in topics],
                           [(count, dict(f.per_topic))], threshold),
        "weeks": _section("weeks", t("per_week"), weeks,
                          [(count, {w.isoformat(): n for w, n in f.per_week.items()})], threshold, timeline=True),
        "verdicts": _section("verdicts", t("verdicts"), [(v, t.verdict(v)) for v in VERDICTS],
                             [(count, dict(f.verdicts))], threshold),
        "not_placed": _section("not_placed", t("not_placed"), weeks,
                               [(count, {w.isoformat(): n for w, n in f.not_placed.items()})], threshold,
                               timeline=True),
        "routes": _section("routes", t("routes"), [(k, t.kind(k)) for k in REPORT_KINDS if f.routes.get(k)],
                           [(count, dict(f.routes))], threshold),
    }


@dataclass
class TopicVerdicts:
    label: str
    counts: list[Count]
    total: Count


def topic_verdicts(f: QuestionFigures, t: Texts, threshold: int) -> list[TopicVerdicts]:
    rows = []
    for topic in sorted(f.topic_verdicts, key=lambda k: (-sum(f.topic_verdicts[k].values()), k)):
        values = f.topic_verdicts[topic]
        masked = mask_group({v: values.get(v, 0) for v in VERDICTS}, threshold)
        rows.append(TopicVerdicts(t.topic(topic), [masked[v] for v in VERDICTS],
                                  mask_total(sum(values.values()), threshold)))
    return rows


STATUS_COLUMNS = ("sent", "done", "snoozed", "late", "open", "failed")


@dataclass
class StatusRow:
    label: str
    due: date | None
    counts: list[Count]


def reminder_rows(f: ReminderFigures, titles: dict[tuple[str, str], str], t: Texts,
                  threshold: int) -> tuple[list[StatusRow], list[StatusRow]]:
    """Occurrences of agenda and report reminders (about coordinators: shown exactly) and case-term
    counts (about confidential cases: small ones hidden)."""
    occurrences = [StatusRow(titles.get((o.kind, o.key), t.reminder_kind(o.kind)), o.due,
                             [Count(o.status[c], False, str(o.status[c])) for c in STATUS_COLUMNS])
                   for o in f.occurrences]
    terms = []
    for name in sorted(f.terms):
        masked = mask_group({c: f.terms[name][c] for c in STATUS_COLUMNS if c != "sent"}, threshold)
        sent = mask_total(f.terms[name]["sent"], threshold)
        terms.append(StatusRow(t.term(name), None, [sent, *(masked[c] for c in STATUS_COLUMNS[1:])]))
    return occurrences, terms
