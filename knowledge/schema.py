"""The shape of the knowledge base YAML, validated with pydantic.

An integrity coordinator edits these files, not a programmer: every model forbids unknown keys
so a typo in a key is reported instead of silently ignored, and every field says what it means.
The slugs (topics, verdicts, channels, report types, facts) are those of shared/CONTRACT.md.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

TopicSlug = Literal[
    "gifts", "invitations", "side_jobs", "financial_interests", "conflict_of_interest",
    "confidential_information", "social_media", "conduct", "private_use", "work_time",
    "clothing", "political", "oath", "reporting", "trusted_person", "values",
]
Verdict = Literal["allowed", "consult", "not_allowed", "unknown"]
ChannelSlug = Literal[
    "manager", "coordinator", "municipal_secretary", "trusted_person", "integrity_desk", "hr",
    "arbo_coordinator", "whistleblowers_authority", "lkog", "police", "mayor",
    "company_social_work", "privacy_officer", "communications", "complaints_coordinator",
]
ReportType = Literal[
    "misconduct", "integrity_violation", "unwanted_behaviour", "external_aggression", "crime",
]
FactSlug = Literal[
    "value", "giver", "timing", "delivery", "frequency", "relevance", "conflict", "report_type",
]
Giver = Literal["supplier", "citizen", "colleague", "business_relation", "other"]

TOPICS: tuple[str, ...] = TopicSlug.__args__  # type: ignore[attr-defined]
CHANNELS: tuple[str, ...] = ChannelSlug.__args__  # type: ignore[attr-defined]
REPORT_TYPES: tuple[str, ...] = ReportType.__args__  # type: ignore[attr-defined]


class Strict(BaseModel):
    """Base: unknown keys are errors, so a misspelt key never goes unnoticed."""

    model_config = ConfigDict(extra="forbid")


Basis = Literal["document", "national"]


class Grounded(Strict):
    """What an entry rests on: the document's own words, or national law.

    `quote` is the passage of the source document, verbatim (line breaks and hyphenation may
    differ; `integrity-bot kb check` and the tests find it in the seed document). A rule that
    comes from national law instead says `basis: national` and names the law in `law` (an
    article only where the documents print it); it still quotes the document's sentence that
    refers to the law, where there is one. `deviation` records where the entry knowingly differs
    from the document (an evident misprint corrected), so a coordinator sees why. (It is not
    called `note`: a contact's `note` is already a text the user reads.)
    """

    quote: list[str] = Field(default_factory=list, description="verbatim passage(s) of the source document")
    basis: Basis = Field("document", description="document (the organisation's own text) or national (law)")
    law: str | None = Field(None, description="with basis national: the law, by name (article only when printed)")
    deviation: str | None = Field(
        None, description="where and why this entry knowingly differs from the document (a misprint)")

    @field_validator("quote", mode="before")
    @classmethod
    def _one_or_more(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    def grounding_problem(self) -> str | None:
        """Why this entry is not traceable to the words, or None when it is."""
        if any(not q.strip() for q in self.quote):
            return "a quote must not be empty"
        if self.basis == "national":
            return None if self.law else "basis: national needs `law`: the law by name, e.g. 'Ambtenarenwet 2017'"
        if not self.quote:
            return ("needs a `quote`: the passage of the source document this rests on, verbatim "
                    "(or `basis: national` with `law` for a rule from national law)")
        return None


class RequiresGrounds(Grounded):
    """A Grounded entry that must carry its grounds (every rule, route and fact)."""

    @model_validator(mode="after")
    def _grounded(self) -> RequiresGrounds:
        problem = self.grounding_problem()
        if problem:
            raise ValueError(problem)
        return self


class Text(Strict):
    """A text a user reads: Dutch always, English for users who write English."""

    nl: str = Field(min_length=1)
    en: str = Field(min_length=1)


class Source(Strict):
    """Where a rule comes from: a document id of this file's `documents` and its section."""

    document: str = Field(description="id of an entry in `documents` (or in the national file)")
    section: str = Field(min_length=1, description="chapter / paragraph / article as printed")


class Document(Strict):
    """A source document of the organisation."""

    id: str
    title: str
    file: str | None = Field(None, description="seed file name, for traceability")
    year: int | None = None
    url: str | None = Field(None, pattern=r"^https://\S+$",
                            description="where the organisation publishes the document (https); the source "
                                        "line of an answer links there. Only a published address, never a guess.")


class Contact(Grounded):
    """How to reach a channel. Names and numbers may be overridden per deployment."""

    channel: ChannelSlug
    label: Text = Field(description="what the channel is called in this organisation")
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    url: str | None = None
    note: Text | None = None
    source: Source | None = None


class Condition(Strict):
    """Facts that must hold for a situation to apply. Omitted facts do not matter.

    A fact the user did not mention counts as false, except `value`: when a situation needs
    the value and it is not known, the bot asks for it (if the topic lists `value` in `ask`).
    """

    cash: bool | None = Field(None, description="money: cash, bank transfer, 'geld'")
    voucher: bool | None = Field(None, description="gift card / cadeaubon / waardebon")
    sent_home: bool | None = Field(None, description="sent or brought to the home address")
    during_tender: bool | None = Field(
        None, description="during negotiations, a tender, an offer period")
    recurring: bool | None = Field(None, description="often: every week, regularly, again")
    shared_openly: bool | None = Field(None, description="received openly, shared with all colleagues")
    value_above: float | None = Field(None, description="value in euros is more than this")
    value_at_most: float | None = Field(None, description="value in euros is this or less")
    giver: list[Giver] | None = Field(None, description="who offers it, any of these")
    manager_involved: bool | None = Field(
        None, description="the manager / coordinator / secretary is the cause or involved")
    anonymous: bool | None = Field(None, description="the reporter wants to stay unknown")


class Situation(RequiresGrounds):
    """One rule: when it applies, the verdict, why, what to do, whom to tell, and the source.

    Situations of a topic are checked from top to bottom; the first that fits gives the answer.
    It fits when (a) `patterns` is empty or one of them occurs in the question (not negated:
    "geen diner" does not match "diner"), and (b) every fact in `when` holds.
    Patterns are words or short phrases; a word also matches longer words that start or end
    with it ("cadeau" matches "cadeautje", "pakket" matches "kerstpakket"). Write Dutch and
    English patterns. Put the strictest situations first and a general one (no patterns,
    no `when`) last.
    """

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    patterns: list[str] = Field(default_factory=list)
    when: Condition | None = None
    verdict: Verdict
    reason: Text = Field(description="one or two sentences: why, in the document's words")
    action: Text = Field(description="what to do now")
    channels: list[ChannelSlug] = Field(min_length=1, description="whom to tell, most fitting first")
    source: Source
    also_sources: list[Source] = Field(default_factory=list)
    headline: Text | None = Field(
        None, description="instead of the traffic light's words, e.g. 'Meld het direct' for a data breach that "
                          "already happened (the light's colour stays)")


class Topic(Strict):
    """The rules of one topic of the code of conduct."""

    summary: Text | None = None
    ask: list[FactSlug] = Field(
        default_factory=list,
        description="facts the bot asks for when a situation turns on them and they are unknown")
    situations: list[Situation] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Topic:
        seen: set[str] = set()
        for s in self.situations:
            if s.id in seen:
                raise ValueError(f"situation id '{s.id}' is used twice in this topic")
            seen.add(s.id)
        return self


class RouteVariant(RequiresGrounds):
    """A different route for a special case, e.g. when the manager is involved."""

    id: str
    when: Condition
    channels: list[ChannelSlug] = Field(min_length=1)
    advice: Text
    source: Source


class Route(RequiresGrounds):
    """Where to report one kind of problem: channels in order and what happens next."""

    channels: list[ChannelSlug] = Field(min_length=1, description="in the order the document gives them")
    first_step: int = Field(
        1, ge=1, description="how many of the first channels make the first step ('coordinator or secretary': 2)")
    advice: Text = Field(description="the first step, in two or three lines (the rest goes behind 'Meer…')")
    external: Text | None = Field(None, description="when and how to go outside the organisation")
    anonymity: Text | None = Field(None, description="confidential / anonymous reporting")
    next_steps: Text | None = Field(None, description="what happens after the report, with terms")
    source: Source
    also_sources: list[Source] = Field(default_factory=list)
    variants: list[RouteVariant] = Field(default_factory=list)


class InfoItem(RequiresGrounds):
    """A fact about the policy: values, the oath, the VOG, roles, terms, anonymity."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    topic: TopicSlug
    patterns: list[str] = Field(min_length=1, description="words that show the question is about this")
    text: Text
    channels: list[ChannelSlug] = Field(default_factory=list)
    source: Source


class Dilemma(Strict):
    """A practice example from the documents, to discuss in a team meeting."""

    id: str
    topic: TopicSlug | None = None
    title: Text
    text: Text
    source: Source


class WorkForm(Strict):
    """A way to discuss integrity in a team (dilemma cards, moral deliberation, ...)."""

    id: str
    name: Text
    text: Text
    source: Source


class AgendaSchedule(Strict):
    """How often integrity must be on the meeting agenda, per the organisation's code."""

    times_per_year: int = Field(ge=1, le=12)
    who: Text = Field(description="who puts it on the agenda")
    source: Source


class ReportDuty(Strict):
    """A periodic report (annual report, three-yearly evaluation)."""

    id: str
    name: Text
    every_years: int = Field(ge=1, le=10)
    who: Text
    source: Source


class Organisation(Strict):
    """One organisation's knowledge base file."""

    org: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="slug, equal to the file name")
    name: str
    documents: list[Document] = Field(min_length=1)
    contacts: list[Contact] = Field(default_factory=list)
    topics: dict[TopicSlug, Topic] = Field(default_factory=dict)
    uncovered: Text | None = Field(
        None, description="what to say for a topic the documents do not regulate")
    uncovered_channels: list[ChannelSlug] = Field(default_factory=lambda: ["manager"])
    routes: dict[ReportType, Route] = Field(default_factory=dict)
    info: list[InfoItem] = Field(default_factory=list)
    dilemmas: list[Dilemma] = Field(default_factory=list)
    work_forms: list[WorkForm] = Field(default_factory=list)
    agenda: AgendaSchedule | None = None
    report_duties: list[ReportDuty] = Field(default_factory=list)
    report_answer_days: int | None = Field(
        None, description="days within which the reporter hears whether an investigation follows")
    confide_note: Text | None = Field(
        None, description="said when a confidential conversation starts, e.g. which trusted person is for what")

    @field_validator("contacts")
    @classmethod
    def _contacts_grounded(cls, contacts: list[Contact]) -> list[Contact]:
        """Every contact of an organisation file rests on the document (deployment overrides
        change names and numbers of these, they add no contacts of their own here)."""
        problems = [f"{c.channel}: {p}" for c in contacts if (p := c.grounding_problem())]
        if problems:
            raise ValueError("; ".join(problems))
        return contacts

    @model_validator(mode="after")
    def _sources_point_at_documents(self) -> Organisation:
        ids = {d.id for d in self.documents} | {"national"}
        for src, where in _all_sources(self):
            if src.document not in ids and not src.document.startswith("national:"):
                raise ValueError(
                    f"{where}: source document '{src.document}' is not listed under documents "
                    f"(known: {', '.join(sorted(ids - {'national'}))}; use 'national:<id>' for laws)")
        return self


class National(Strict):
    """Laws and national bodies that apply to every organisation."""

    documents: list[Document] = Field(min_length=1)
    contacts: list[Contact] = Field(default_factory=list)
    info: list[InfoItem] = Field(default_factory=list)


def _all_sources(org: Organisation) -> list[tuple[Source, str]]:
    """Every source in an organisation file with a readable place, for validation messages."""
    found: list[tuple[Source, str]] = []
    for c in org.contacts:
        if c.source:
            found.append((c.source, f"contacts[{c.channel}]"))
    for slug, topic in org.topics.items():
        for s in topic.situations:
            found += [(src, f"topics.{slug}.{s.id}") for src in [s.source, *s.also_sources]]
    for rtype, route in org.routes.items():
        found += [(src, f"routes.{rtype}") for src in [route.source, *route.also_sources]]
        found += [(v.source, f"routes.{rtype}.{v.id}") for v in route.variants]
    found += [(i.source, f"info.{i.id}") for i in org.info]
    found += [(d.source, f"dilemmas.{d.id}") for d in org.dilemmas]
    found += [(w.source, f"work_forms.{w.id}") for w in org.work_forms]
    if org.agenda:
        found.append((org.agenda.source, "agenda"))
    found += [(r.source, f"report_duties.{r.id}") for r in org.report_duties]
    return found
