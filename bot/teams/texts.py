"""Texts only the Teams adapter says, Dutch first (English for an English Teams client)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "moved": {
        "nl": "🔒 Het antwoord staat in je persoonlijke chat met mij: daar leest niemand anders mee.",
        "en": "🔒 The answer is in your personal chat with me, where nobody else reads along.",
    },
    "unmapped": {
        "nl": ("Deze Microsoft 365-organisatie is nog niet aan een integriteitsregeling gekoppeld, dus ik kan "
               "nog geen vragen beantwoorden. De beheerder van de bot koppelt haar met:\n"
               "integrity-bot teams tenant add --tenant {tenant} --org <organisatie>"),
        "en": ("This Microsoft 365 organisation is not yet linked to an integrity code, so I cannot answer "
               "questions yet. The bot's administrator links it with:\n"
               "integrity-bot teams tenant add --tenant {tenant} --org <organisation>"),
    },
    "welcome": {
        "nl": ("Welkom! Privacy in drie regels:\n"
               "• Ik bewaar de tekst van je vragen niet; ik gebruik die alleen om te antwoorden.\n"
               "• Een vertrouwelijk gesprek wordt versleuteld bewaard; de vertrouwenspersoon ziet je naam "
               "alleen als jij daarvoor kiest.\n"
               "• Microsoft 365 bewaart Teams-chats volgens het bewaarbeleid van je organisatie en "
               "compliancebeheerders kunnen ze doorzoeken (eDiscovery): zet er geen namen of details in die "
               "jou herkenbaar maken."),
        "en": ("Welcome! Privacy in three lines:\n"
               "• I do not keep the text of your questions; I only use it to answer.\n"
               "• A confidential talk is stored encrypted; the trusted person sees your name only if you "
               "choose so.\n"
               "• Microsoft 365 keeps Teams chats under your organisation's retention policy and compliance "
               "administrators can search them (eDiscovery): do not include names or details that identify you."),
    },
    "my_id": {
        "nl": ("Je Teams-gebruikers-ID (Entra object-ID) is {user_id}. Ben je vertrouwenspersoon of "
               "coördinator? Geef dit ID aan de beheerder, die je ermee registreert."),
        "en": ("Your Teams user ID (Entra object ID) is {user_id}. Are you a trusted person or coordinator? "
               "Give this ID to the administrator, who registers you with it."),
    },
}

MY_ID_WORDS = {"mijnid", "/mijnid", "mijn id", "myid", "/myid", "my id"}


def teams_text(key: str, lang: str = "nl", **fmt: object) -> str:
    entry = TEXTS[key]
    value = entry.get(lang) or entry["nl"]
    return value.format(**fmt) if fmt else value
