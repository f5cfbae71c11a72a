"""Texts only the Telegram adapter says (welcome, group refusal, text-only), Dutch first.

The conversation itself is the core's; these cover what Telegram adds: the /start greeting,
messages the bot cannot read, and group chats where it does not hold conversations.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "privacy": {
        "nl": ("Welkom! Privacy in drie regels:\n"
               "• Ik bewaar de tekst van je vragen niet; ik gebruik die alleen om te antwoorden.\n"
               "• Een vertrouwelijk gesprek wordt versleuteld bewaard; de vertrouwenspersoon ziet je naam "
               "alleen als jij daarvoor kiest.\n"
               "• Telegram bewaart chats met bots: zet er geen namen of details in die jou "
               "herkenbaar maken."),
        "en": ("Welcome! Privacy in three lines:\n"
               "• I do not keep the text of your questions; I only use it to answer.\n"
               "• A confidential talk is stored encrypted; the trusted person sees your name only if you "
               "choose so.\n"
               "• Telegram keeps bot chats: do not include names or details that identify you."),
    },
    "text_only": {
        "nl": ("Ik kan alleen tekst lezen: stickers, foto's, bestanden en spraakberichten verwerk ik niet "
               "en bewaar ik niet. Typ je vraag of bericht als tekst."),
        "en": ("I can only read text: I do not process or keep stickers, photos, files or voice messages. "
               "Please type your question or message as text."),
    },
    "edited": {
        "nl": ("Ik kan alleen tekst lezen die je nieuw stuurt: een bewerkt bericht verwerk ik niet. "
               "Stuur je aangepaste tekst als nieuw bericht."),
        "en": ("I can only read text you send as a new message: I do not process edits. "
               "Please send the corrected text as a new message."),
    },
    "group": {
        "nl": ("In een groep voer ik geen gesprekken: vragen over integriteit en een vertrouwelijk gesprek "
               "met een vertrouwenspersoon horen in een privéchat, waar de groep niet meeleest.\n"
               "Start een privéchat met mij: {link}"),
        "en": ("I do not hold conversations in a group: integrity questions and a confidential talk with a "
               "trusted person belong in a private chat, where the group cannot read along.\n"
               "Start a private chat with me: {link}"),
    },
    "my_id": {
        "nl": ("Je Telegram-gebruikersnummer is {user_id}. Ben je vertrouwenspersoon of coördinator? "
               "Geef dit nummer aan de beheerder, die je ermee registreert."),
        "en": ("Your Telegram user id is {user_id}. Are you a trusted person or coordinator? "
               "Give this number to the administrator, who registers you with it."),
    },
    "ask_prompt": {
        "nl": ("Typ je vraag na /vraag, of stuur hem gewoon als bericht. Bijvoorbeeld: "
               "/vraag Mag ik een fles wijn van een leverancier aannemen?"),
        "en": ("Type your question after /vraag, or just send it as a message. E.g. "
               "/vraag May I accept a bottle of wine from a supplier?"),
    },
}

# What /melden means to the core: a reporting question, which it answers with the report kinds.
REPORT_QUESTION = {"nl": "Ik wil iets melden", "en": "I want to report something"}

# setMyCommands: name → description, per language (Telegram shows the menu in the app's language).
COMMANDS: dict[str, list[tuple[str, str]]] = {
    "nl": [
        ("start", "Welkom, wat ik doe en hoe ik met je privacy omga"),
        ("help", "Wat je mij kunt vragen"),
        ("vraag", "Stel een vraag: mag ik dit aannemen of doen?"),
        ("melden", "Waar en hoe meld ik iets?"),
        ("vertrouwenspersoon", "Vertrouwelijk praten met een vertrouwenspersoon"),
        ("stop", "Een vertrouwelijk gesprek beëindigen"),
        ("herinneringen", "Herinneringen bekijken (voor coördinatoren)"),
    ],
    "en": [
        ("start", "Welcome, what I do and how I handle your privacy"),
        ("help", "What you can ask me"),
        ("vraag", "Ask a question: may I accept or do this?"),
        ("melden", "Where and how do I report something?"),
        ("trustedperson", "Talk confidentially to a trusted person"),
        ("stop", "End a confidential conversation"),
        ("reminders", "See your reminders (for coordinators)"),
    ],
}
# Added to the menu in the chat of a registered trusted person.
TRUSTED_COMMANDS: dict[str, list[tuple[str, str]]] = {
    "nl": [
        ("gesprekken", "Je vertrouwelijke gesprekken, met knoppen om op te pakken"),
        ("oppakken", "Een gesprek op je nemen: /oppakken <schuilnaam>"),
        ("antwoord", "Een melder antwoorden: /antwoord <schuilnaam> <tekst>"),
    ],
    "en": [
        ("gesprekken", "Your confidential conversations, with buttons to take them"),
        ("oppakken", "Take a conversation: /oppakken <pseudonym>"),
        ("antwoord", "Answer a reporter: /antwoord <pseudonym> <text>"),
    ],
}


def command_menu(lang: str, trusted: bool = False) -> list[tuple[str, str]]:
    """The command menu in `lang` (Dutch unless English), with the trusted person's commands."""
    lang = lang if lang in COMMANDS else "nl"
    return COMMANDS[lang] + (TRUSTED_COMMANDS[lang] if trusted else [])


def tg_text(key: str, lang: str = "nl", **fmt: object) -> str:
    """A Telegram text in the user's language (Dutch unless their Telegram app is English)."""
    entry = TEXTS[key]
    value = entry.get(lang) or entry["nl"]
    return value.format(**fmt) if fmt else value
