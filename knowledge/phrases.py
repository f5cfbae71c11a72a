"""Fixed sentences of the engine, Dutch first, English for users who write English."""

from __future__ import annotations

from collections.abc import Mapping

PHRASES: dict[str, dict[str, str]] = {
    "ask_value": {
        "nl": "Wat is het ongeveer waard? Dat bepaalt het antwoord. Noem een bedrag, bijvoorbeeld '€ 20' of 'een tientje'.",
        "en": "Roughly what is it worth? That decides the answer. Give an amount, e.g. '€20'.",
    },
    "choose_reading": {
        "nl": "Ik wil je goed helpen, maar ik weet niet zeker wat je bedoelt. Waar gaat je vraag over?",
        "en": "I want to get this right, but I'm not sure what you mean. What is your question about?",
    },
    "choose_other": {"nl": "Iets anders", "en": "Something else"},
    "ask_report_type": {
        "nl": "Waar gaat je melding over? Kies wat het best past, dan wijs ik je de weg.",
        "en": "What is your report about? Pick what fits best and I'll show you the way.",
    },
    "value_unknown_note": {
        "nl": "Je weet de waarde niet precies; het antwoord hieronder geldt daarom in algemene zin.",
        "en": "You don't know the exact value, so the answer below is the general rule.",
    },
    "uncovered_reason": {
        "nl": "De documenten van je organisatie die ik ken, regelen dit niet.",
        "en": "The documents of your organisation that I know do not regulate this.",
    },
    "uncovered_action": {
        "nl": "Twijfel je? Bespreek het vooraf openlijk met je leidinggevende.",
        "en": "In doubt? Discuss it openly with your manager beforehand.",
    },
    "uncovered_section": {"nl": "geen regel over dit onderwerp", "en": "no rule on this topic"},
    "no_route_reason": {
        "nl": "De documenten van je organisatie noemen hiervoor geen aparte meldroute.",
        "en": "Your organisation's documents name no specific reporting route for this.",
    },
    "external": {"nl": "Extern melden", "en": "Reporting externally"},
    "anonymity": {"nl": "Vertrouwelijk / anoniem", "en": "Confidential / anonymous"},
    "next_steps": {"nl": "Wat gebeurt er daarna", "en": "What happens next"},
    "talk_trusted": {"nl": "Praat vertrouwelijk met een vertrouwenspersoon",
                     "en": "Talk confidentially to a trusted person"},
    "show_text": {"nl": "Toon de tekst", "en": "Show the text"},
    "more": {"nl": "Meer…", "en": "More…"},
    "quote_heading": {"nl": "📄 Dit staat er in het document:", "en": "📄 What the document says:"},
    "quote_original": {"nl": "origineel", "en": "original text, in Dutch"},
    "quote_law": {"nl": "Deze regel komt uit de wet: {law}.", "en": "This rule comes from national law: {law}."},
    "quote_gone": {
        "nl": "Die tekst kan ik niet meer vinden; de kennisbank is intussen bijgewerkt. Stel je vraag gerust opnieuw.",
        "en": "I can no longer find that text; the knowledge base has been updated since. Please ask again.",
    },
    "route_first": {"nl": "Eerste stap", "en": "First step"},
    "yes": {"nl": "Ja", "en": "Yes"},
    "value_le": {"nl": "€ {n} of minder", "en": "€{n} or less"},
    "value_gt": {"nl": "meer dan € {n}", "en": "more than €{n}"},
    "value_dunno": {"nl": "weet ik niet", "en": "I don't know"},
    "misconduct": {"nl": "Misstand (maatschappelijk belang)", "en": "Wrongdoing (public interest)"},
    "integrity_violation": {"nl": "Integriteitsschending door een collega",
                            "en": "Integrity violation by a colleague"},
    "unwanted_behaviour": {"nl": "Ongewenst gedrag door een collega",
                           "en": "Unwanted behaviour by a colleague"},
    "external_aggression": {"nl": "Agressie door een inwoner of bezoeker",
                            "en": "Aggression by a citizen or visitor"},
    "crime": {"nl": "Strafbaar feit (diefstal, fraude, omkoping)",
              "en": "Crime (theft, fraud, bribery)"},
}

VERDICT_HEADLINES: dict[str, dict[str, str]] = {
    "allowed": {"nl": "🟢 Mag", "en": "🟢 Allowed"},
    "consult": {"nl": "🟠 Overleg eerst", "en": "🟠 Consult first"},
    "not_allowed": {"nl": "🔴 Niet doen", "en": "🔴 Don't"},
    "unknown": {"nl": "⚪ Niet geregeld", "en": "⚪ Not regulated"},
}


def localize(table: Mapping[str, Mapping[str, str]], key: str, lang: str, **fmt: object) -> str:
    """`table[key]` in the reader's language (Dutch when there is no English), formatted.

    Every table of user-facing sentences (engine, conversation, confidential flow, reminders)
    is read through this one function.
    """
    entry = table[key]
    text = entry.get(lang) or entry["nl"]
    return text.format(**fmt) if fmt else text


def phrase(key: str, lang: str, **fmt: object) -> str:
    """An engine phrase in the user's language."""
    return localize(PHRASES, key, lang, **fmt)
