"""The may-I engine: from a message (and a pending question) to an Answer.

Pure apart from reading the YAML once: `KnowledgeBase.answer` takes the text and the pending
clarification of this user, and returns the answer and the new pending state, so the
handlers can keep that state in storage and survive a restart.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge.answer import Answer, Option
from knowledge.classify import INFO_TOPICS, Signals, build_lexicon_index, read_signals
from knowledge.evaluate import (
    clarify_report_type,
    info_answer,
    route_answer,
    rule_answer,
    topic_overview,
    uncovered_answer,
)
from knowledge.facts import Facts, extract_facts
from knowledge.guard import bounded
from knowledge.loader import KnowledgeBaseError, load, load_vocabulary
from knowledge.matcher import Analyzed, Corrector, TermIndex
from knowledge.nlu.combine import Decision, decide
from knowledge.nlu.cue_rules import CueRule, CueRules
from knowledge.nlu.labels import reading_label
from knowledge.nlu.model import ReadingModel
from knowledge.nlu.reading import Reading
from knowledge.normalize import detect_language
from knowledge.phrases import VERDICT_HEADLINES, phrase
from knowledge.schema import REPORT_TYPES, National, Organisation

log = logging.getLogger(__name__)
MIN_MODEL_INFO = 0.35  # an info item the model alone proposes must be at least this likely
MODEL_OVER_CONFIDE = 0.6  # "blijft een gesprek met de vertrouwenspersoon geheim?" asks about it, not for it

MIN_INFO_SCORE = 1.0
_FOLLOW_UP = re.compile(r"\b(wat (moet|kan|doe|zal) ik (er|daar|dan|nu)?\s?(mee|nu|dan|doen)"
                        r"|wat nu|en dan|hoe nu verder|what (should|do|can) i do|what now|and then)\b")


@dataclass
class Pending:
    """A question the bot asked and waits for: which fact, for which topic, what is known."""

    need: str  # "value" | "report_type"
    topic: str | None
    facts: Facts
    lang: str
    matched: list[str] = field(default_factory=list)
    green: bool = True  # may a green light be given (the reading was sure)

    def to_dict(self) -> dict[str, Any]:
        return {"need": self.need, "topic": self.topic, "facts": self.facts.to_dict(),
                "lang": self.lang, "matched": list(self.matched), "green": self.green}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Pending | None:
        if not d or "need" not in d:
            return None
        return cls(need=d["need"], topic=d.get("topic"), facts=Facts.from_dict(d.get("facts")),
                   lang=d.get("lang", "nl"), matched=list(d.get("matched") or []), green=bool(d.get("green", True)))


@dataclass
class Understanding:
    """What the engine read in a message before looking up rules."""

    kind: str  # rule | overview | route | info | confide | choose | help | greeting | thanks | fallback
    topic: str | None = None
    report_type: str | None = None
    info_item: str | None = None
    signals: Signals | None = None
    decision: Decision | None = None  # how rules and model settled it (None: rules only)
    cue: CueRule | None = None  # the cue rule that decided, if one did

    @property
    def reading(self) -> Reading:
        """The reading in the label space the model shares (greetings are help, overviews rules)."""
        kind = {"overview": "rule", "greeting": "help", "thanks": "help"}.get(self.kind, self.kind)
        if kind == "choose":
            kind = "fallback"
        return Reading.of(kind, self.topic, self.report_type)

    @property
    def confident(self) -> bool:
        """May a green light stand: rules and model agree, a cue rule decided, or there is no model."""
        return self.decision is None or self.decision.confident


class KnowledgeBase:
    """All organisations, the national file and the lexicon, compiled for fast answers."""

    def __init__(self, organisations: dict[str, Organisation], national: National | None,
                 lexicon: dict[str, Any], vocabulary: set[str] | None = None,
                 model: ReadingModel | None = None, cue_rules: CueRules | None = None) -> None:
        self.organisations = organisations
        self.national = national
        self.lexicon_index = build_lexicon_index(lexicon)
        self.model = model
        self.cue_rules = cue_rules
        self._situations: dict[str, TermIndex] = {}  # per org; labels (topic, situation id)
        self._info: dict[str, TermIndex] = {}
        lexicon_words = set(self.lexicon_index.vocabulary) | (cue_rules.vocabulary if cue_rules else set())
        national_info = national.info if national else []
        for slug, org in organisations.items():
            idx = TermIndex((p, (topic, s.id), 1.0) for topic, spec in org.topics.items()
                            for s in spec.situations for p in s.patterns)
            self._situations[slug] = idx
            lexicon_words |= idx.vocabulary
            info_idx = TermIndex((p, i.id, 1.0) for i in [*org.info, *national_info] for p in i.patterns)
            self._info[slug] = info_idx
            lexicon_words |= info_idx.vocabulary
        self.corrector = Corrector(lexicon_words, vocabulary or set())
        self._info_topics = {i.id: i.topic for o in organisations.values() for i in o.info}
        self._info_topics.update({i.id: i.topic for i in national_info})

    @classmethod
    def load(cls, extra_dir: Path | None = None, contacts_file: Path | None = None) -> KnowledgeBase:
        """Load from YAML; raise KnowledgeBaseError listing every problem."""
        result = load(extra_dir, contacts_file)
        if result.errors:
            raise KnowledgeBaseError(result.errors)
        return cls(result.organisations, result.national, result.lexicon, load_vocabulary(),
                   ReadingModel.load(), CueRules.load())

    def org(self, slug: str) -> Organisation:
        return self.organisations[slug]

    # --- understanding ---------------------------------------------------------------------

    def understand(self, slug: str, msg: Analyzed, facts: Facts | None = None) -> Understanding:
        """The reading of a message: a cue rule if one fires, else the rules checked against the model.

        The rules' reading (rule_reading) and the model's probabilities are combined by
        knowledge.nlu.combine.decide; a reading only the model proposes gets its details (the info
        item) from the organisation's own patterns first, then from the model.
        """
        facts = facts if facts is not None else extract_facts(msg.text)
        rules = self.rule_reading(slug, msg, facts)
        cue = self.cue_rules.fired(msg) if self.cue_rules else None
        if cue is not None:
            decided = self._from_reading(slug, msg, cue.reading, rules)
            decided.decision = Decision(cue.reading, f"cue:{cue.id}", rules.reading)
            decided.cue = cue
            return decided
        if self.model is None:
            return rules
        ranked = self.model.readings(msg.text)
        if rules.kind == "confide" and not (ranked[0][0].intent == "info" and ranked[0][1] >= MODEL_OVER_CONFIDE):
            return rules  # the wish to talk confidentially decides, unless it is clearly a question about it
        decision = decide(rules.reading, ranked)
        log.debug("reading %s (%s); rules %s; model %s", decision.reading.label, decision.why,
                  rules.reading.label, [(r.label, round(p, 2)) for r, p in decision.model[:3]])
        if decision.why == "clarify":
            return Understanding("choose", signals=rules.signals, decision=decision)
        if rules.kind == "info" and rules.info_item and decision.reading.intent == "info":
            decision.reading, decision.why = rules.reading, "rules"  # a fact the documents name beats a topic guess
        chosen = rules if decision.reading == rules.reading else self._from_reading(slug, msg, decision.reading,
                                                                                     rules)
        chosen.decision = decision
        return chosen

    def _from_reading(self, slug: str, msg: Analyzed, reading: Reading, rules: Understanding) -> Understanding:
        """An Understanding for a reading the rules did not give (details looked up for it)."""
        if reading == rules.reading:
            return rules
        if reading.intent != "info":
            return Understanding(reading.intent, topic=reading.topic, report_type=reading.report_type,
                                 signals=rules.signals)
        return Understanding("info", topic=reading.topic, info_item=self._info_item_for(slug, msg, reading.topic),
                             signals=rules.signals)

    def _info_item_for(self, slug: str, msg: Analyzed, topic: str | None) -> str | None:
        """The organisation's info item on this topic that the message names, by pattern or by model."""
        scores: dict[str, float] = {}
        own = {i.id for i in self.org(slug).info}
        for h in self._info[slug].find(msg):
            if self._info_topic(h.label) == topic:  # the organisation's own items before national ones
                scores[h.label] = scores.get(h.label, 0.0) + 1.0 + (0.5 if h.label in own else 0.0)
        scores = {k: v for k, v in scores.items() if k in own or v >= 2}  # a national fact needs two words
        if scores:
            return max(scores, key=lambda k: scores[k])
        if self.model is not None:
            for item in self.model.info_items(msg.text, slug):
                if item.p >= MIN_MODEL_INFO and self._info_topic(item.label) == topic:
                    return item.label
                break
        return None

    def rule_reading(self, slug: str, msg: Analyzed, facts: Facts | None = None) -> Understanding:
        """Rank what the message can be by the lexicon's rules and pick the best reading.

        In this order: a wish to talk to a trusted person; a question for facts ("wat doet de
        vertrouwenspersoon"); a report about something seen or suffered ("bij wie meld ik");
        a may-I question about a topic; an overview of a topic's rules; then help or fallback.
        A topic only counts when the message is about the user's own work (a person, an offer,
        "ik"), so "hoe laat begint de voetbalwedstrijd" is not an invitation question.
        """
        facts = facts if facts is not None else extract_facts(msg.text)
        sig = read_signals(msg, self.lexicon_index)
        for topic, _ in {h.label for h in self._situations[slug].find(msg)}:
            sig.topics[topic] = sig.topics.get(topic, 0.0) + 1
        info_scores: dict[str, float] = {}
        for h in self._info[slug].find(msg):
            info_scores[h.label] = info_scores.get(h.label, 0.0) + 1.0
        best_info = max(info_scores, key=lambda k: (info_scores[k], sig.topics.get(self._info_topic(k) or "", 0.0)),
                        default=None)  # on a tie, the item whose topic the lexicon saw most
        info_score = info_scores.get(best_info, 0.0) if best_info else 0.0
        report, report_score = sig.best_report()
        self_report = sig.cue("self_report") and not sig.cue("where")
        asks = sig.cue("ask") or self_report
        wants_route = sig.cue("report") and not self_report
        third_party = sig.insider or sig.cue("witness")
        if self_report:  # "moet ik dat melden?" is about one's own side job or interests
            for own in ("side_jobs", "financial_interests"):
                if own in sig.topics:
                    sig.topics[own] += 1
        gift_facts = facts.cash or facts.voucher or (facts.giver is not None and sig.topics.get("gifts", 0) >= 2 and (
            facts.sent_home or facts.recurring or facts.shared_openly or facts.during_tender))
        if (facts.has_value and sig.cue("accept")) or gift_facts:  # offered to you: a gift, whatever it is
            sig.topics["gifts"] = sig.topics.get("gifts", 0.0) + 2
        topic, topic_score = sig.best_topic()

        if sig.cue("confide"):
            return Understanding("confide", signals=sig)
        info_topic = self._info_topic(best_info)
        if report and wants_route and (report_score >= 2 or info_topic not in ("reporting", "trusted_person")):
            return Understanding("route", topic="reporting", report_type=report, signals=sig)
        asks_for_verdict = asks and not sig.cue("where")  # "who can I turn to" asks for a person
        if best_info and info_score >= MIN_INFO_SCORE and sig.cue("info") \
                and (not asks_for_verdict or info_score >= 2) \
                and not (wants_route and third_party) \
                and (info_topic != "reporting" or not report or not sig.cue("witness")):
            return Understanding("info", topic=info_topic, info_item=best_info, signals=sig)
        if report and (wants_route or (third_party and not sig.cue("self_ask"))
                       or (report_score >= 2 and (not asks or not topic or report == "crime"
                                                  or report_score > topic_score))):
            return Understanding("route", topic="reporting", report_type=report, signals=sig)
        if wants_route and topic and third_party and not sig.cue("self_ask"):
            return Understanding("route", topic="reporting", report_type="integrity_violation", signals=sig)
        if best_info and info_score >= MIN_INFO_SCORE and (not topic or (info_score * 2 >= topic_score
                                                                          and not asks_for_verdict)):
            return Understanding("info", topic=info_topic, info_item=best_info, signals=sig)
        in_context = (asks or wants_route or third_party or sig.outsider or facts.giver is not None
                      or sig.cue("first_person") or sig.cue("accept") or sig.cue("rules")
                      or sig.cue("fragment"))
        if sig.cue("request") and not asks and not wants_route:  # "kun je een mail schrijven"
            return Understanding("fallback", signals=sig)
        if topic and sig.cue("rules") and not asks and facts.giver is None and not facts.has_value \
                and self.org(slug).topics.get(topic, None) is not None and self.org(slug).topics[topic].summary:
            return Understanding("overview", topic=topic, signals=sig)
        if topic and (in_context or topic_score >= 4) and (topic_score >= 2 or (topic_score > 0 and asks)):
            return Understanding("rule", topic=topic, signals=sig)
        if wants_route or sig.topics.get("reporting"):
            return Understanding("route", topic="reporting", signals=sig)
        for info_only in INFO_TOPICS:
            if sig.topics.get(info_only):
                return Understanding("info", topic=info_only, signals=sig)
        for kind in ("help", "greeting", "thanks"):
            if sig.cue(kind) and (kind == "help" or len(msg.words) <= 4):  # "hoi! hoe laat …" is no greeting
                return Understanding(kind, signals=sig)
        return Understanding("fallback", signals=sig)

    def wants_trusted_person(self, text: str) -> bool:
        """'Ik wil met een vertrouwenspersoon praten': the cue alone, without a full reading.

        understand() gives intent "confide" exactly when this cue is there; flows that only need
        to know that should not pay for ranking topics, facts and info items.
        """
        return read_signals(Analyzed(bounded(text), self.corrector), self.lexicon_index).cue("confide")

    def _info_topic(self, item_id: str | None) -> str | None:
        return self._info_topics.get(item_id) if item_id else None

    # --- answering -------------------------------------------------------------------------

    def answer(self, slug: str, text: str, pending: Pending | None = None) -> tuple[Answer, Pending | None]:
        """The answer to `text` for organisation `slug`, and what the bot waits for next."""
        org = self.org(slug)
        text = bounded(text)  # a cap on the cost of pathological input (guard.py)
        msg = Analyzed(text, self.corrector)
        lang = detect_language(msg.words)
        facts = extract_facts(msg.text)
        understood = self.understand(slug, msg, facts)  # read once; the follow-up check uses it too
        if pending is not None:  # the model knows whole questions, not replies: the rules judge follow-ups
            rules_kind = understood.decision.rules.intent if understood.decision else understood.kind
            follow_up = self._follow_up(org, msg, pending, facts, rules_kind)
            if follow_up is not None:
                return follow_up
        return self._answer_for(org, msg, understood, facts, lang)

    def _answer_for(self, org: Organisation, msg: Analyzed, u: Understanding, facts: Facts,
                    lang: str) -> tuple[Answer, Pending | None]:
        if u.kind == "choose" and u.decision is not None:
            return self._choose(org, msg, u.decision, facts, lang)
        if u.kind == "rule" and u.topic:
            matched = self._matched_situations(org.org, u.topic, msg)
            answer = rule_answer(org, self.national, u.topic, matched, facts, lang, allow_green=u.confident)
            need = "value" if answer.intent == "clarify" else "context"
            return answer, Pending(need, u.topic, facts, lang, sorted(matched), green=u.confident)
        if u.kind == "overview" and u.topic:
            return topic_overview(org, self.national, u.topic, lang), None
        if u.kind == "route":
            if u.report_type:
                answer = route_answer(org, self.national, u.report_type, facts, lang)
                if u.cue is not None and u.cue.verdict:  # bribery: a report, and 🔴 at once
                    answer.verdict = u.cue.verdict
                    answer.details.insert(0, f"{VERDICT_HEADLINES[u.cue.verdict][lang]} "
                                             f"{u.cue.reason.en if lang == 'en' else u.cue.reason.nl}")
                return answer, None
            return clarify_report_type(lang), Pending("report_type", "reporting", facts, lang)
        if u.kind == "info":
            if u.info_item:
                found = info_answer(org, self.national, u.info_item, lang)
                if found is not None:
                    return found, None
            answer = uncovered_answer(org, self.national, u.topic, lang)  # no such fact in the documents
            answer.intent, answer.verdict, answer.headline = "info", None, ""
            return answer, None
        channels = ["trusted_person"] if u.kind == "confide" else []
        small_talk = u.kind if u.kind in ("greeting", "thanks") else None  # the contract's intent is help
        return Answer(intent="help" if small_talk else u.kind, topic="trusted_person" if channels else None,
                      channels=channels, lang=lang, small_talk=small_talk), None

    def _choose(self, org: Organisation, msg: Analyzed, decision: Decision, facts: Facts,
                lang: str) -> tuple[Answer, Pending]:
        """Rules and model disagree and neither is sure: ask which reading is meant."""
        options = [Option(f"reading:{r.label}", reading_label(r, lang)) for r in decision.alternatives]
        options.append(Option("reading:none", phrase("choose_other", lang)))
        matched = sorted({f"{r.topic}:{s}" for r in decision.alternatives if r.intent == "rule" and r.topic
                          for s in self._matched_situations(org.org, r.topic, msg)})
        infos = [f"info:{r.topic}:{item}" for r in decision.alternatives if r.intent == "info"
                 if (item := self._info_item_for(org.org, msg, r.topic))]
        answer = Answer(intent="clarify", topic=None, lang=lang, headline=phrase("choose_reading", lang),
                        options=options)
        return answer, Pending("reading", None, facts, lang, matched + infos)

    def _matched_situations(self, slug: str, topic: str, msg: Analyzed) -> set[str]:
        return {h.label[1] for h in self._situations[slug].find(msg) if not h.negated and h.label[0] == topic}

    def _follow_up(self, org: Organisation, msg: Analyzed, pending: Pending, facts: Facts,
                   kind: str) -> tuple[Answer, Pending | None] | None:
        """Take the answer to the bot's question; None when the user asked something new.

        `facts` and `kind` are what the message says and seems to be read on its own.
        """
        lang = pending.lang
        if pending.need == "value":
            new = extract_facts(msg.text, expecting_value=True)
            if new.has_value or new.value_unknowable or _is_short_detail(msg, new):
                facts = pending.facts.merged(new)
                return self._reevaluate(org, pending, facts)
            if kind == "fallback":
                return self._reevaluate(org, pending, pending.facts)  # not understood: ask again
            return None
        if pending.need == "context":
            if _FOLLOW_UP.search(msg.text) and len(msg.words) <= 8:
                return self._reevaluate(org, pending, pending.facts.merged(facts))
            if kind in ("rule", "route", "info", "confide"):
                return None
            if facts.has_value or _is_short_detail(msg, facts):
                return self._reevaluate(org, pending, pending.facts.merged(facts))
            return None
        if pending.need == "reading":
            return None  # a new message after "what do you mean?" is read afresh
        if pending.need == "report_type":
            sig = read_signals(msg, self.lexicon_index)
            report, _ = sig.best_report()
            if report:
                return route_answer(org, self.national, report, pending.facts, lang), None
        return None

    def _reevaluate(self, org: Organisation, pending: Pending, facts: Facts) -> tuple[Answer, Pending | None]:
        """The earlier question again, with the facts the user has added since."""
        answer = rule_answer(org, self.national, pending.topic or "gifts", set(pending.matched), facts,
                             pending.lang, allow_green=pending.green)
        need = "value" if answer.intent == "clarify" else "context"
        return answer, Pending(need, pending.topic, facts, pending.lang, pending.matched, green=pending.green)

    def apply_action(self, slug: str, action: str, pending: Pending | None) -> tuple[Answer, Pending | None] | None:
        """A button press: 'value:le:50', 'value:gt:50', 'value:unknown', 'report:<type>'."""
        org = self.org(slug)
        kind, _, rest = action.partition(":")
        if kind == "reading" and pending is not None and pending.need == "reading":
            return self._chosen_reading(org, rest, pending)
        if kind == "report" and rest in REPORT_TYPES:
            facts = pending.facts if pending else Facts()
            lang = pending.lang if pending else "nl"
            return route_answer(org, self.national, rest, facts, lang), None
        if kind == "value" and pending is not None and pending.need == "value":
            how, _, amount = rest.partition(":")
            if how == "unknown":
                new = Facts(value_unknowable=True)
            else:
                try:
                    n = float(amount)
                except ValueError:
                    return None
                new = Facts(value_low=0.0, value_high=n) if how == "le" else Facts(value_low=n + 0.01,
                                                                                      value_high=float("inf"))
            return self._reevaluate(org, pending, pending.facts.merged(new))
        return None


    def _chosen_reading(self, org: Organisation, label: str, pending: Pending) -> tuple[Answer, Pending | None]:
        """The user picked one reading of their question (or 'something else')."""
        lang = pending.lang
        if label == "none":
            return Answer(intent="fallback", lang=lang, small_talk="rephrase"), None
        reading = Reading.from_label(label)
        if reading.intent == "rule" and reading.topic in org.topics:
            prefix = f"{reading.topic}:"
            matched = {m[len(prefix):] for m in pending.matched if m.startswith(prefix)}
            again = Pending("context", reading.topic, pending.facts, lang, sorted(matched), green=True)
            return self._reevaluate(org, again, pending.facts)
        if reading.intent == "info":
            prefix = f"info:{reading.topic}:"
            item = next((m[len(prefix):] for m in pending.matched if m.startswith(prefix)), None)
            u = Understanding("info", topic=reading.topic, info_item=item)
        else:
            u = Understanding(reading.intent, topic=reading.topic, report_type=reading.report_type)
        return self._answer_for(org, Analyzed(""), u, pending.facts, lang)


def _is_short_detail(msg: Analyzed, new: Facts) -> bool:
    """A short reply that adds a decisive fact ('het kwam naar mijn huis') answers the question."""
    return len(msg.words) <= 12 and (new.cash or new.sent_home or new.during_tender or new.recurring
                                     or new.shared_openly)
