"""Fixed texts of the conversation (help, fallback, errors), Dutch first, English when asked."""

from __future__ import annotations

from knowledge.phrases import localize

TEXTS: dict[str, dict[str, str]] = {
    "help": {
        "nl": ("Ik ben de Integriteitsbot van {org}. Ik help je met:\n"
               "• Mag ik dit aannemen of doen? Bijvoorbeeld: 'Mag ik een fles wijn van € 25 van een leverancier aannemen?'\n"
               "• Waar meld ik iets? Bijvoorbeeld: 'Een collega pest mij, bij wie kan ik terecht?'\n"
               "• Praten met een vertrouwenspersoon, vertrouwelijk: typ /vertrouwenspersoon\n"
               "• Feiten: 'Wat zijn onze kernwaarden?', 'Moet ik de eed afleggen?'\n"
               "Ik antwoord uit de documenten van je eigen organisatie en noem altijd de bron."),
        "en": ("I'm the integrity bot of {org}. I can help you with:\n"
               "• May I accept or do this? E.g. 'Can I accept a €25 bottle of wine from a supplier?'\n"
               "• Where do I report something? E.g. 'A colleague bullies me, who can I turn to?'\n"
               "• A confidential talk with a trusted person: type /vertrouwenspersoon\n"
               "• Facts: 'What are our core values?', 'Do I have to take the oath?'\n"
               "I answer from your own organisation's documents and always give the source."),
    },
    "fallback": {
        "nl": ("Dat kan ik niet beantwoorden: ik weet alleen iets van integriteit op het werk. "
               "Vraag bijvoorbeeld: 'Mag ik een kerstpakket van een leverancier aannemen?', "
               "'Moet ik mijn bijbaan melden?' of 'Waar meld ik een vermoeden van fraude?'"),
        "en": ("I can't answer that: I only know about integrity at work. Try for example: "
               "'May I accept a Christmas hamper from a supplier?', 'Do I need to report my side job?' "
               "or 'Where do I report suspected fraud?'"),
    },
    "greeting": {
        "nl": "Hallo! Stel gerust je vraag over integriteit, bijvoorbeeld 'Mag ik een cadeau van een leverancier aannemen?' Typ 'help' voor meer.",
        "en": "Hello! Ask me anything about integrity at work, e.g. 'May I accept a gift from a supplier?' Type 'help' for more.",
    },
    "rephrase": {
        "nl": "Vertel in een paar woorden wat er speelt en wat je wilt weten, dan probeer ik het opnieuw. Bijvoorbeeld: 'Mag ik een cadeau van een leverancier aannemen?' of 'Waar meld ik dat een collega fraudeert?'",
        "en": "Tell me in a few words what is going on and what you want to know, and I'll try again. For example: 'May I accept a gift from a supplier?' or 'Where do I report a colleague's fraud?'",
    },
    "thanks": {
        "nl": "Graag gedaan. Twijfel je nog? Bespreek het gerust met je leidinggevende of de vertrouwenspersoon.",
        "en": "You're welcome. Still in doubt? Talk it over with your manager or the trusted person.",
    },
    "empty": {
        "nl": "Ik kreeg een leeg bericht. Typ je vraag, bijvoorbeeld: 'Mag ik een fles wijn aannemen?'",
        "en": "I received an empty message. Type your question, e.g. 'May I accept a bottle of wine?'",
    },
    "no_words": {
        "nl": "Ik lees alleen tekst. Typ je vraag in woorden, bijvoorbeeld: 'Mag ik een cadeau aannemen?'",
        "en": "I can only read text. Please type your question in words, e.g. 'May I accept a gift?'",
    },
    "too_long": {
        "nl": "Je bericht is erg lang; ik heb alleen het begin gelezen. Stel je vraag liever kort en concreet.",
        "en": "Your message is very long; I only read the beginning. Please ask your question briefly.",
    },
    "unknown_action": {
        "nl": "Die knop hoort bij een eerder gesprek dat al is afgerond. Stel je vraag gerust opnieuw.",
        "en": "That button belongs to an earlier conversation that has ended. Please ask again.",
    },
    "error": {
        "nl": "Er ging iets mis aan mijn kant: je bericht is niet verwerkt en niet bewaard. Stuur het zo nog eens.",
        "en": "Something went wrong on my side: your message was not processed and not kept. Please send it again shortly.",
    },
    "source": {"nl": "Bron", "en": "Source"},
    "who": {"nl": "Wie", "en": "Who"},
    "do_now": {"nl": "Wat nu", "en": "What now"},
    "route_order": {"nl": "Melden kan bij (in deze volgorde)", "en": "Where to report (in this order)"},
    "confide_soon": {
        "nl": "Je wilt vertrouwelijk praten met een vertrouwenspersoon. Hieronder staat hoe je die bereikt.",
        "en": "You want to talk confidentially to a trusted person. Here is how to reach one.",
    },
}


def text(key: str, lang: str = "nl", **fmt: object) -> str:
    """A fixed text in the user's language."""
    return localize(TEXTS, key, lang, **fmt)
