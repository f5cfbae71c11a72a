"""Turn a classified question into an Answer from the organisation's own rules.

Situations are checked top to bottom (see schema.Situation); a situation whose facts are not
known yet (the value) makes the bot ask instead of guess; a topic the documents leave open
gets 'unknown' with a referral, never another organisation's rule.
"""

from __future__ import annotations

from knowledge.answer import Answer, ContactLine, Option
from knowledge.facts import Facts
from knowledge.grounds import MORE, quote_option, resolve
from knowledge.phrases import VERDICT_HEADLINES, phrase
from knowledge.schema import REPORT_TYPES, Condition, National, Organisation, Route, Source, Text

ROUTE_CONTACTS = 3  # the first step of a route names at most this many channels with their contacts
ROUTE_CONTACTS_ALL = 8  # behind "Meer…": every channel of the route


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
                 "manager_involved", "anonymous"):
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
                facts: Facts, lang: str, allow_green: bool = True) -> Answer:
    """The verdict for a may-I question, or a clarifying question for the missing value.

    With `allow_green=False` (the reading of the question was not sure) a situation that allows
    is passed over: the next, more cautious rule applies — never a green light on a guess.
    """
    spec = org.topics.get(topic)
    if spec is None:
        return uncovered_answer(org, national, topic, lang)
    for s in spec.situations:
        if s.patterns and s.id not in matched:
            continue
        if s.verdict == "allowed" and not allow_green:
            continue
        holds = condition_holds(s.when, facts)
        if holds is None and "value" in spec.ask and not facts.value_unknowable:
            return clarify_value(org, topic, lang)
        if holds:
            headline = VERDICT_HEADLINES[s.verdict][lang]
            if s.headline is not None:  # the light's colour with words of its own ("Meld het direct")
                headline = f"{headline.split(' ', 1)[0]} {t(s.headline, lang)}"
            answer = Answer(
                intent="rule", topic=topic, verdict=s.verdict, channels=list(s.channels),
                sources=[source_dict(org, national, src) for src in [s.source, *s.also_sources]],
                lang=lang, headline=headline, reason=t(s.reason, lang),
                action=t(s.action, lang), contacts=contact_lines(org, national, s.channels, lang, 2),
                situation=s.id, options=[quote_option(f"rule:{topic}:{s.id}", lang)])
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
                  contacts=contact_lines(org, national, general.channels, lang, 2),
                  options=[quote_option(f"rule:{topic}:{general.id}", lang)])


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
                 lang: str, full: bool = False) -> Answer:
    """Where to report this kind of problem, in the document's order, and what happens next.

    By default only the first step (its advice and the first channels, with contacts); the
    rest – every channel, anonymity, external options, terms – is the `full` answer behind the
    "Meer…" button. Someone who wants to stay unknown is pointed first at the trusted person.
    """
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
    first, variant_id = route.first_step, ""
    for variant in route.variants:
        if condition_holds(variant.when, facts):
            channels, advice, first, variant_id = list(variant.channels), t(variant.advice, lang), 1, variant.id
            sources = [variant.source, *sources]
            break
    anonymous = facts.anonymous and route.anonymity is not None and "trusted_person" in channels
    if anonymous:  # "kan het zonder mijn naam?": the document's way to report unknown comes first
        channels = ["trusted_person", *[c for c in channels if c != "trusted_person"]]
        advice, first = (f"{t(route.anonymity, lang)} {advice}" if full else t(route.anonymity, lang)), 1
    details = [] if not full else _route_details(route, lang, skip_anonymity=anonymous)
    shown = channels if full else channels[:min(first, ROUTE_CONTACTS)]
    ref = f"route:{report_type}" + (f":{variant_id}" if variant_id else "")
    options = [] if full or not _has_more(route, channels, first, anonymous) else [
        Option(f"{MORE}:route:{report_type}:{variant_id or '-'}:{'a' if anonymous else '-'}", phrase("more", lang))]
    options.append(quote_option(ref, lang))
    if "trusted_person" in channels:
        options.append(Option("confide:start", phrase("talk_trusted", lang)))
    return Answer(
        intent="route", topic="reporting", report_type=report_type, channels=channels, lang=lang,
        sources=[source_dict(org, national, s) for s in sources], headline=phrase(report_type, lang),
        reason=advice, details=details, options=options, first_step=not full,
        contacts=contact_lines(org, national, shown, lang, ROUTE_CONTACTS_ALL if full else ROUTE_CONTACTS))


def _route_details(route: Route, lang: str, skip_anonymity: bool = False) -> list[str]:
    details = []
    for key, text in (("anonymity", route.anonymity), ("external", route.external),
                      ("next_steps", route.next_steps)):
        if text is not None and not (key == "anonymity" and skip_anonymity):
            details.append(f"{phrase(key, lang)}: {t(text, lang)}")
    return details


def _has_more(route: Route, channels: list[str], first: int, anonymous: bool) -> bool:
    return len(channels) > first or any(
        x is not None for x in (route.external, route.next_steps, None if anonymous else route.anonymity))


def more_answer(org: Organisation, national: National | None, action: str, lang: str) -> Answer | None:
    """The whole route behind "Meer…" ('more:route:crime:-:-'), or None for an unknown id."""
    parts = action.split(":")
    if len(parts) != 5 or parts[1] != "route" or parts[2] not in org.routes:
        return None
    route = org.routes[parts[2]]  # type: ignore[index]
    variant = next((v for v in route.variants if v.id == parts[3]), None)
    facts = Facts(manager_involved=bool(variant and variant.when.manager_involved),
                  anonymous=parts[4] == "a")
    return route_answer(org, national, parts[2], facts, lang, full=True)


def quote_answer(org: Organisation, national: National | None, ref: str, lang: str) -> Answer | None:
    """The reply to "Toon de tekst": the document's own words (always Dutch: the original),
    where they stand, and for a rule from national law the law by name."""
    found = resolve(org, national, ref)
    if found is None:
        return None
    grounds, sources = found
    kind = ref.split(":")
    topic = kind[1] if kind[0] == "rule" else "reporting" if kind[0] == "route" else getattr(grounds, "topic", None)
    return Answer(intent="info", topic=topic, lang=lang, shape="quote", headline=phrase("quote_heading", lang),
                  quotes=list(grounds.quote), law=grounds.law if grounds.basis == "national" else None,
                  sources=[source_dict(org, national, s) for s in sources[:1]])


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
                      contacts=contact_lines(org, national, item.channels, lang, 2),
                      options=[quote_option(f"info:{item.id}", lang)] if item.quote else [])
    return None


def _national_title(national: National | None, doc_id: str) -> str:
    doc_id = doc_id.removeprefix("national:")
    return next((d.title for d in (national.documents if national else []) if d.id == doc_id), doc_id)

