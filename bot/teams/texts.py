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
