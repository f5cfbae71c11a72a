"""Turn a classified question into an Answer from the organisation's own rules.

Situations are checked top to bottom (see schema.Situation); a situation whose facts are not
known yet (the value) makes the bot ask instead of guess; a topic the documents leave open
gets 'unknown' with a referral, never another organisation's rule.
"""

from __future__ import annotations

from knowledge.answer import Answer, ContactLine, Option
from knowledge.facts import Facts
from knowledge.phrases import VERDICT_HEADLINES, phrase
from knowledge.schema import REPORT_TYPES, Condition, National, Organisation, Source, Text

ROUTE_CONTACTS = 3  # a route names at most this many channels with their contacts


def t(text: Text | None, lang: str) -> str:
    """The text in the user's language."""
    if text is None:
        return ""
    return text.en if lang == "en" else text.nl


def source_dict(org: Organisation, national: National | None, src: Source) -> dict[str, str]:
    """The contract's source object, with the document's full title."""
    if src.document.startswith("national:"):
        doc_id = src.document.split(":", 1)[1]
        docs = national.documents if national else []
        title = next((d.title for d in docs if d.id == doc_id), doc_id)
        return {"org": "national", "document": title, "section": src.section}
    title = next((d.title for d in org.documents if d.id == src.document), src.document)
    return {"org": org.org, "document": title, "section": src.section}


def contact_lines(org: Organisation, national: National | None, channels: list[str], lang: str,
                  limit: int = ROUTE_CONTACTS) -> list[ContactLine]:
    """How to reach the first channels: the organisation's contacts, then national ones."""
    known = {c.channel: c for c in (national.contacts if national else [])}
    known.update({c.channel: c for c in org.contacts})
    lines = []
    for ch in channels[:limit]:
        c = known.get(ch)
        if c is None:
            continue
        parts = [p for p in (c.name, c.phone, c.email, c.url) if p]
        lines.append(ContactLine(ch, t(c.label, lang), ", ".join(parts)))
    return lines


def condition_holds(when: Condition | None, facts: Facts) -> bool | None:
    """True / False, or None when it turns on a value that is not known yet."""
    if when is None:
        return True
    for flag in ("cash", "voucher", "sent_home", "during_tender", "recurring", "shared_openly",
                 "manager_involved"):
        wanted = getattr(when, flag)
        if wanted is not None and getattr(facts, flag) != wanted:
            return False
    if when.giver is not None and facts.giver not in when.giver:
        return False
    undetermined = False
    if when.value_above is not None:
        if not facts.has_value:
            undetermined = True
        elif facts.value_high is not None and facts.value_high <= when.value_above:
            return False
    if when.value_at_most is not None:
        if not facts.has_value:
            undetermined = True
        elif facts.value_low is not None and facts.value_low > when.value_at_most:
            return False
        elif facts.value_high is not None and facts.value_high > when.value_at_most:
            return False  # a range reaching above the limit: the stricter rule above applies
    return None if undetermined else True


def value_thresholds(org: Organisation, topic: str) -> list[float]:
    """The amounts the topic's rules turn on, for 'up to / above' buttons."""
    found = set()
    for s in org.topics[topic].situations:
        if s.when is not None:
            found.update(v for v in (s.when.value_above, s.when.value_at_most) if v is not None)
    return sorted(found)


def rule_answer(org: Organisation, national: National | None, topic: str, matched: set[str],
                facts: Facts, lang: str) -> Answer:
    """The verdict for a may-I question, or a clarifying question for the missing value."""
    spec = org.topics.get(topic)
    if spec is None:
        return uncovered_answer(org, national, topic, lang)
    for s in spec.situations:
        if s.patterns and s.id not in matched:
            continue
        holds = condition_holds(s.when, facts)
        if holds is None and "value" in spec.ask and not facts.value_unknowable:
            return clarify_value(org, topic, lang)
        if holds:
            answer = Answer(
                intent="rule", topic=topic, verdict=s.verdict, channels=list(s.channels),
                sources=[source_dict(org, national, src) for src in [s.source, *s.also_sources]],
                lang=lang, headline=VERDICT_HEADLINES[s.verdict][lang], reason=t(s.reason, lang),
                action=t(s.action, lang), contacts=contact_lines(org, national, s.channels, lang, 2),
                situation=s.id)
            if facts.value_unknowable and not facts.has_value:
                answer.details.append(phrase("value_unknown_note", lang))
            return answer
    return uncovered_answer(org, national, topic, lang)


def topic_overview(org: Organisation, national: National | None, topic: str, lang: str) -> Answer:
    """'Wat zijn de regels voor cadeaus?': the topic's summary, whom to ask, and the source."""
    spec = org.topics[topic]
    general = spec.situations[-1]
    return Answer(intent="info", topic=topic, channels=list(general.channels), lang=lang,
                  sources=[source_dict(org, national, general.source)], reason=t(spec.summary, lang),
                  contacts=contact_lines(org, national, general.channels, lang, 2))


def clarify_value(org: Organisation, topic: str, lang: str) -> Answer:
    """Ask for the value, with buttons for the amounts the rules turn on."""
    options = []
    for n in value_thresholds(org, topic)[:1]:
        shown = f"{n:g}"
        options += [Option(f"value:le:{shown}", phrase("value_le", lang, n=shown)),
                    Option(f"value:gt:{shown}", phrase("value_gt", lang, n=shown))]
    options.append(Option("value:unknown", phrase("value_dunno", lang)))
    return Answer(intent="clarify", topic=topic, needs=["value"], lang=lang,
                  headline=phrase("ask_value", lang), options=options)


def uncovered_answer(org: Organisation, national: National | None, topic: str | None,
                     lang: str) -> Answer:
    """The documents do not settle it: say so and refer, with the organisation's main document."""
    channels = list(org.uncovered_channels)
    reason = t(org.uncovered, lang) if org.uncovered else phrase("uncovered_reason", lang)
    doc = org.documents[0]
    return Answer(
        intent="rule", topic=topic, verdict="unknown", channels=channels,
        sources=[{"org": org.org, "document": doc.title, "section": phrase("uncovered_section", lang)}],
        lang=lang, headline=VERDICT_HEADLINES["unknown"][lang], reason=reason,
        action=phrase("uncovered_action", lang), contacts=contact_lines(org, national, channels, lang, 2))


def route_answer(org: Organisation, national: National | None, report_type: str, facts: Facts,
                 lang: str) -> Answer:
    """Where to report this kind of problem, in order, with contacts and what happens next."""
    route = org.routes.get(report_type)
    if route is None:
        channels = list(org.uncovered_channels)
        if report_type in ("crime", "external_aggression"):
            channels = ["police", *channels]
        doc = org.documents[0]
        return Answer(
            intent="route", topic="reporting", report_type=report_type, channels=channels, lang=lang,
            sources=[{"org": org.org, "document": doc.title, "section": phrase("uncovered_section", lang)}],
            headline=phrase(report_type, lang), reason=phrase("no_route_reason", lang),
            action=phrase("uncovered_action", lang), contacts=contact_lines(org, national, channels, lang))
    channels, advice, sources = list(route.channels), t(route.advice, lang), [route.source, *route.also_sources]
    for variant in route.variants:
        if condition_holds(variant.when, facts):
            channels, advice = list(variant.channels), t(variant.advice, lang)
            sources = [variant.source, *sources]
            break
    details = []
    for key, text in (("anonymity", route.anonymity), ("external", route.external),
                      ("next_steps", route.next_steps)):
        if text is not None:
            details.append(f"{phrase(key, lang)}: {t(text, lang)}")
    options = [Option("confide:start", phrase("talk_trusted", lang))] if "trusted_person" in channels else []
    return Answer(
        intent="route", topic="reporting", report_type=report_type, channels=channels, lang=lang,
        sources=[source_dict(org, national, s) for s in sources], headline=phrase(report_type, lang),
        reason=advice, details=details, contacts=contact_lines(org, national, channels, lang),
        options=options)


def clarify_report_type(lang: str) -> Answer:
    """Ask what the report is about, with one button per report type."""
    return Answer(intent="clarify", topic="reporting", needs=["report_type"], lang=lang,
                  headline=phrase("ask_report_type", lang),
                  options=[Option(f"report:{r}", phrase(r, lang)) for r in REPORT_TYPES])


def info_answer(org: Organisation, national: National | None, item_id: str, lang: str) -> Answer | None:
    """A fact about the policy, from the organisation's info items or the national file."""
    items = [(i, False) for i in org.info] + [(i, True) for i in (national.info if national else [])]
    for item, is_national in items:
        if item.id != item_id:
            continue
        src = source_dict(org, national, item.source) if not is_national else {
            "org": "national", "document": _national_title(national, item.source.document),
            "section": item.source.section}
        return Answer(intent="info", topic=item.topic, channels=list(item.channels), lang=lang,
                      sources=[src], reason=t(item.text, lang),
                      contacts=contact_lines(org, national, item.channels, lang, 2))
    return None


def _national_title(national: National | None, doc_id: str) -> str:
    doc_id = doc_id.removeprefix("national:")
    return next((d.title for d in (national.documents if national else []) if d.id == doc_id), doc_id)

