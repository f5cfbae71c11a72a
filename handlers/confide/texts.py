# ruff: noqa: E501 - user-facing sentences read better unwrapped
"""Fixed texts of the confidential conversation, Dutch first, English for employees who write English.

Texts for trusted persons are Dutch (they are staff of a Dutch organisation); English exists
where a trusted person wrote in English.
"""

from __future__ import annotations

from knowledge.phrases import localize, phrase
from storage.cases import OUTCOMES

PLATFORM_CAVEAT = {
    "slack": {"nl": "eigenaren van een betaalde Slack-werkruimte kunnen ook privéberichten exporteren",
              "en": "owners of a paid Slack workspace can export direct messages too"},
    "telegram": {"nl": "Telegram bewaart chats met bots op zijn eigen servers",
                 "en": "Telegram keeps chats with bots on its own servers"},
    "teams": {"nl": "in Microsoft 365 bewaart je organisatie Teams-chats volgens haar bewaarbeleid en kunnen "
                    "compliancebeheerders ze doorzoeken (eDiscovery), ook deze chat met de bot",
              "en": "in Microsoft 365 your organisation keeps Teams chats under its retention policy and "
                    "compliance administrators can search them (eDiscovery), this chat with the bot included"},
}
DEFAULT_CAVEAT = {"nl": "wie dit chatsysteem beheert, kan er in principe bij",
                  "en": "whoever runs this chat system can in principle see it"}

TEXTS: dict[str, dict[str, str]] = {
    # --- to the employee ---
    "explain": {
        "nl": ("🔒 Vertrouwelijk: alleen een vertrouwenspersoon van {org} leest wat je hier schrijft. "
               "Die ziet een schuilnaam, niet je naam of account – tenzij je later zelf kiest om je naam bekend te maken.\n"
               "⚠️ Eerlijk: vertrouwelijk is niet anoniem. Je collega's en je leidinggevende zien niets, maar het is "
               "niet verborgen voor beheerders: {caveat}, en wie deze bot beheert heeft de sleutel. "
               "Zet dus geen namen of details in je berichten waaraan men jou kan herkennen.\n"
               "🗑️ Je kunt altijd stoppen (typ stop) of alles meteen laten wissen (typ verwijder). "
               "Een afgesloten gesprek wordt na {days} dagen gewist.\n"
               "Wil je verder?"),
        "en": ("🔒 Confidential: only a trusted person of {org} reads what you write here. They see a "
               "pseudonym, not your name or account – unless you later choose to tell them your name.\n"
               "⚠️ To be honest: confidential is not anonymous. Your colleagues and your manager see nothing, but it "
               "is not hidden from administrators: {caveat}, and whoever runs this bot holds the key. "
               "So leave out names or details by which you could be recognised.\n"
               "🗑️ You can stop at any time (type stop) or have everything erased at once (type delete). "
               "A closed conversation is erased after {days} days.\n"
               "Do you want to continue?"),
    },
    "btn_yes": {"nl": "Ja, ga verder", "en": "Yes, continue"},
    "btn_no": {"nl": "Nee, toch niet", "en": "No, stop"},
    "consent_again": {
        "nl": "Wil je verder met een vertrouwenspersoon? Druk op 'Ja, ga verder' of 'Nee, toch niet' (of typ ja / nee).",
        "en": "Do you want to continue with a trusted person? Press 'Yes, continue' or 'No, stop' (or type yes / no).",
    },
    "cancelled": {
        "nl": "Goed, er is niets doorgegeven en niets bewaard. Je kunt altijd opnieuw beginnen met /vertrouwenspersoon.",
        "en": "Fine: nothing was passed on and nothing was kept. You can always start again with /trustedperson.",
    },
    "ask_kind": {
        "nl": "Waar gaat het ongeveer over? Dat helpt de vertrouwenspersoon. Je mag dit overslaan.",
        "en": "Roughly what is it about? That helps the trusted person. You may skip this.",
    },
    "btn_skip_kind": {"nl": "Zeg ik liever niet", "en": "I'd rather not say"},
    "kind_unknown": {"nl": "niet opgegeven", "en": "not given"},
    "ask_message": {
        "nl": ("Typ nu je eerste bericht voor de vertrouwenspersoon, of druk op 'Doorgeven zonder bericht'. "
               "Tip: noem geen namen of details waaraan men jou herkent."),
        "en": ("Now type your first message for the trusted person, or press 'Pass on without a message'. "
               "Tip: leave out names or details by which you could be recognised."),
    },
    "btn_no_message": {"nl": "Doorgeven zonder bericht", "en": "Pass on without a message"},
    "handing_off": {
        "nl": ("⏳ Je gesprek gaat naar de vertrouwenspersonen van {org}. Zij kennen je als {label}. "
               "Zodra het bij hen is afgeleverd, zie je dat hier.\n"
               "Alles wat je vanaf nu typt, gaat naar de vertrouwenspersoon. "
               "Gebruik de knoppen, of typ: naam = je naam bekend maken · stop = afsluiten · verwijder = alles wissen"),
        "en": ("⏳ Your conversation is on its way to the trusted persons of {org}. They know you as {label}. "
               "You will see here once it has been delivered to them.\n"
               "Everything you type from now on goes to the trusted person. "
               "Use the buttons, or type: name = tell your name · stop = close · delete = erase everything"),
    },
    "handed_off": {
        "nl": "✅ Afgeleverd bij de vertrouwenspersonen van {org}. Je krijgt hier bericht zodra iemand je gesprek oppakt.",
        "en": "✅ Delivered to the trusted persons of {org}. You will hear here as soon as someone takes up your conversation.",
    },
    "handoff_failed": {
        "nl": ("⚠️ Je gesprek kon via de chat bij geen enkele vertrouwenspersoon worden afgeleverd. Het is bewaard, "
               "en de beheerder is gewaarschuwd. Je kunt een vertrouwenspersoon ook rechtstreeks bereiken:"),
        "en": ("⚠️ Your conversation could not be delivered to any trusted person through the chat. It has been kept, "
               "and the administrator has been warned. You can also reach a trusted person directly:"),
    },
    "relay_failed": {
        "nl": ("⚠️ Je bericht kon niet bij de vertrouwenspersoon worden afgeleverd. Het is wel bewaard in je gesprek. "
               "Probeer het later nog eens, of bereik een vertrouwenspersoon rechtstreeks:"),
        "en": ("⚠️ Your message could not be delivered to the trusted person. It has been kept in your conversation. "
               "Try again later, or reach a trusted person directly:"),
    },
    "already_open": {
        "nl": "Je hebt al een vertrouwelijk gesprek open als {label}. Typ gewoon je bericht; het gaat naar de vertrouwenspersoon.",
        "en": "You already have a confidential conversation open as {label}. Just type your message; it goes to the trusted person.",
    },
    "delivered": {"nl": "✓ Afgeleverd bij de vertrouwenspersoon.", "en": "✓ Delivered to the trusted person."},
    "queued": {
        "nl": "✓ Bewaard. De vertrouwenspersoon krijgt het zodra die je gesprek oppakt.",
        "en": "✓ Kept. The trusted person gets it as soon as they take up your conversation.",
    },
    "taken": {
        "nl": "👤 {who} heeft je gesprek opgepakt. Je berichten gaan nu naar deze vertrouwenspersoon.",
        "en": "👤 {who} has taken up your conversation. Your messages now go to this trusted person.",
    },
    "a_trusted_person": {"nl": "Een vertrouwenspersoon", "en": "A trusted person"},
    "from_trusted": {"nl": "💬 {who}: {text}", "en": "💬 {who}: {text}"},
    "trusted_word": {"nl": "Vertrouwenspersoon", "en": "Trusted person"},
    "btn_reveal": {"nl": "Maak mijn naam bekend", "en": "Make my name known"},
    "btn_close": {"nl": "Gesprek afsluiten", "en": "Close the conversation"},
    "btn_delete": {"nl": "Alles wissen", "en": "Erase everything"},
    "reveal_confirm": {
        "nl": "Weet je het zeker? De vertrouwenspersoon ziet dan je naam: «{name}». Dat kun je niet terugdraaien.",
        "en": "Are you sure? The trusted person will then see your name: «{name}». This cannot be undone.",
    },
    "btn_reveal_yes": {"nl": "Ja, maak mijn naam bekend", "en": "Yes, make my name known"},
    "btn_cancel": {"nl": "Nee, laat maar", "en": "No, never mind"},
    "reveal_done": {"nl": "✓ Je naam is doorgegeven aan de vertrouwenspersoon.", "en": "✓ Your name was passed on to the trusted person."},
    "reveal_wait": {
        "nl": "Dat kan zodra een vertrouwenspersoon je gesprek heeft opgepakt.",
        "en": "You can do that as soon as a trusted person has taken up your conversation.",
    },
    "reveal_kept": {"nl": "Goed, je naam blijft onbekend.", "en": "Fine, your name stays unknown."},
    "name_requested": {
        "nl": "De vertrouwenspersoon vraagt of je je naam bekend wilt maken. Dat hoeft niet; het gesprek gaat ook zonder door.",
        "en": "The trusted person asks whether you want to tell your name. You don't have to; the conversation goes on without.",
    },
    "closed_by_employee": {
        "nl": ("Het gesprek is afgesloten. Wil je dat alles meteen gewist wordt, typ dan verwijder; "
               "anders wordt de inhoud na {days} dagen gewist."),
        "en": ("The conversation is closed. To have everything erased at once, type delete; "
               "otherwise the content is erased after {days} days."),
    },
    "closed_by_trusted": {
        "nl": ("De vertrouwenspersoon heeft het gesprek afgesloten. Je kunt altijd een nieuw gesprek beginnen met "
               "/vertrouwenspersoon. Alles meteen wissen: typ verwijder; anders gebeurt dat na {days} dagen."),
        "en": ("The trusted person has closed the conversation. You can always start a new one with "
               "/trustedperson. Erase everything now: type delete; otherwise that happens after {days} days."),
    },
    "delete_confirm": {
        "nl": ("Weet je het zeker? Alles van dit gesprek wordt meteen gewist: je berichten, de antwoorden en de "
               "koppeling met jou. Wat al op het scherm van de vertrouwenspersoon staat, kan de bot niet weghalen."),
        "en": ("Are you sure? Everything of this conversation is erased at once: your messages, the answers and the "
               "link to you. What is already on the trusted person's screen, the bot cannot remove."),
    },
    "btn_delete_yes": {"nl": "Ja, wis alles", "en": "Yes, erase everything"},
    "deleted": {
        "nl": "🗑️ Gewist: je berichten, de antwoorden en de koppeling met jou bestaan niet meer. Alleen een anonieme telling blijft.",
        "en": "🗑️ Erased: your messages, the answers and the link to you no longer exist. Only an anonymous count remains.",
    },
    "delete_kept": {"nl": "Goed, er is niets gewist.", "en": "Fine, nothing was erased."},
    "no_case": {
        "nl": "Je hebt geen vertrouwelijk gesprek. Beginnen kan met /vertrouwenspersoon.",
        "en": "You have no confidential conversation. You can start one with /trustedperson.",
    },
    "unavailable": {
        "nl": ("Het vertrouwelijke gesprek is op dit moment niet beschikbaar: er is geen sleutel ingesteld. "
               "Je bericht is niet doorgegeven en niet bewaard. De vertrouwenspersoon bereik je rechtstreeks:"),
        "en": ("The confidential conversation is not available right now: no key is set. "
               "Your message was not passed on and not kept. You can reach the trusted person directly:"),
    },
    "no_key": {
        "nl": ("Het vertrouwelijke gesprek via de chat is nog niet ingericht: de beheerder moet eerst een "
               "sleutel maken met `integrity-bot admin keygen` en die instellen als INTEGRITY_ENCRYPTION_KEYS. "
               "Tot die tijd kun je de vertrouwenspersoon rechtstreeks bereiken:"),
        "en": ("The confidential conversation through the chat is not set up yet: the administrator must first "
               "make a key with `integrity-bot admin keygen` and set it as INTEGRITY_ENCRYPTION_KEYS. "
               "Until then you can reach the trusted person directly:"),
    },
    "no_trusted": {
        "nl": "Er is op dit moment geen vertrouwenspersoon via de chat bereikbaar. Je kunt er rechtstreeks een bereiken:",
        "en": "No trusted person can be reached through the chat right now. You can reach one directly:",
    },
    "no_contacts": {
        "nl": "Vraag P&O of je leidinggevende wie de vertrouwenspersoon is.",
        "en": "Ask HR or your manager who the trusted person is.",
    },
    # --- to the trusted person ---
    "handoff": {
        "nl": ("🔔 Nieuw vertrouwelijk gesprek: {label} ({org})\nSoort: {kind}\n{first}\n"
               "Wie het eerst oppakt, voert het gesprek: druk op 'Oppakken' of typ /oppakken {pseudonym}."),
        "en": ("🔔 New confidential conversation: {label} ({org})\nKind: {kind}\n{first}\n"
               "Whoever takes it first leads it: press 'Take it' or type /oppakken {pseudonym}."),
    },
    "no_first": {"nl": "Nog geen bericht.", "en": "No message yet."},
    "first_waits": {"nl": "Er wacht een bericht; wie het gesprek oppakt, leest het.",
                    "en": "A message is waiting; whoever takes up the conversation reads it."},
    "btn_take": {"nl": "Oppakken", "en": "Take it"},
    "you_took": {
        "nl": ("✅ Jij voert nu het gesprek met {label}. Antwoord met /antwoord {pseudonym} <tekst>, "
               "of antwoord in de thread / op het bericht. De naam van de melder zie je alleen als die daar zelf voor kiest."),
        "en": ("✅ You now lead the conversation with {label}. Answer with /antwoord {pseudonym} <text>, "
               "or reply in the thread / to the message. You only see the reporter's name if they choose so."),
    },
    "taken_by_other": {"nl": "ℹ️ {label} is opgepakt door een collega-vertrouwenspersoon.",
                       "en": "ℹ️ {label} was taken up by a fellow trusted person."},
    "already_taken": {"nl": "{label} is al opgepakt door een collega.", "en": "{label} was already taken up by a colleague."},
    "already_yours": {"nl": "Je voert dit gesprek al.", "en": "You already lead this conversation."},
    "from_employee": {"nl": "💬 {label}: {text}", "en": "💬 {label}: {text}"},
    "delivered_to": {"nl": "✓ Afgeleverd bij {label}.", "en": "✓ Delivered to {label}."},
    "not_delivered_to": {
        "nl": "⚠️ Niet afgeleverd bij {label}: de melder is via de chat niet (meer) bereikbaar. Je antwoord is bewaard in het gesprek.",
        "en": "⚠️ Not delivered to {label}: the reporter cannot be reached through the chat (any more). Your answer is kept in the conversation.",
    },
    "admin_handoff_failed": {
        "nl": ("⚠️ Een nieuw vertrouwelijk gesprek ({org}) kon aan geen enkele vertrouwenspersoon worden afgeleverd: "
               "geen van hen is via de chat bereikbaar (bot geblokkeerd, nooit gestart, account weg). De melder heeft de "
               "rechtstreekse contactgegevens gekregen. Controleer de registraties: integrity-bot admin list-roles --org {slug}"),
        "en": ("⚠️ A new confidential conversation ({org}) could not be delivered to any trusted person: none of them "
               "can be reached through the chat (bot blocked, never started, account gone). The reporter got the direct "
               "contact details. Check the registrations: integrity-bot admin list-roles --org {slug}"),
    },
    "btn_ask_name": {"nl": "Vraag naam", "en": "Ask for name"},
    "btn_reported": {"nl": "Melding gedaan", "en": "Report made"},
    "btn_tp_close": {"nl": "Afsluiten", "en": "Close"},
    "revealed": {"nl": "🪪 {label} maakt zich bekend: {name}", "en": "🪪 {label} tells their name: {name}"},
    "name_asked": {"nl": "✓ Je vraag is doorgegeven. De melder beslist zelf.", "en": "✓ Your request was passed on. The reporter decides."},
    "reported_noted": {"nl": "✓ Vastgelegd: melding gedaan op {day}.", "en": "✓ Recorded: report made on {day}."},
    "employee_closed": {"nl": "ℹ️ {label} heeft het gesprek afgesloten.", "en": "ℹ️ {label} has closed the conversation."},
    "employee_withdrew": {"nl": "ℹ️ {label} heeft het gesprek ingetrokken voordat het werd opgepakt.",
                          "en": "ℹ️ {label} withdrew the conversation before it was taken up."},
    "employee_deleted": {
        "nl": "🗑️ {label} heeft het gesprek laten wissen. Verwijder ook je eigen aantekeningen en berichten van dit gesprek.",
        "en": "🗑️ {label} had the conversation erased. Please delete your own notes and messages of it too.",
    },
    "you_closed": {"nl": "Je hebt het gesprek met {label} afgesloten.", "en": "You closed the conversation with {label}."},
    "ask_stat_kind": {
        "nl": "Voor de anonieme jaarcijfers: wat voor soort kwestie was het? (nu: {kind})",
        "en": "For the anonymous annual figures: what kind of matter was it? (now: {kind})",
    },
    "ask_outcome": {"nl": "En de uitkomst?", "en": "And the outcome?"},
    "stat_done": {"nl": "✓ Vastgelegd voor de jaarcijfers: {kind}, {outcome}. Dank je.",
                  "en": "✓ Recorded for the annual figures: {kind}, {outcome}. Thank you."},
    "case_closed": {"nl": "{label} is afgesloten.", "en": "{label} is closed."},
    "unknown_case": {
        "nl": "Ik ken geen gesprek met die code dat bij jou hoort.",
        "en": "I know no conversation with that code that belongs to you.",
    },
    "usage_answer": {"nl": "Gebruik: /antwoord <schuilnaam> <tekst>, bijvoorbeeld /antwoord K7-Q3 Dank voor je bericht.",
                     "en": "Usage: /antwoord <pseudonym> <text>, e.g. /antwoord K7-Q3 Thanks for your message."},
    "usage_case": {"nl": "Gebruik: {cmd} <schuilnaam>, bijvoorbeeld {cmd} K7-Q3", "en": "Usage: {cmd} <pseudonym>, e.g. {cmd} K7-Q3"},
    "take_first": {"nl": "Pak {label} eerst op (/oppakken {pseudonym}).", "en": "Take up {label} first (/oppakken {pseudonym})."},
    "list_header": {"nl": "Vertrouwelijke gesprekken:", "en": "Confidential conversations:"},
    "list_empty": {"nl": "Er zijn geen open vertrouwelijke gesprekken.", "en": "There are no open confidential conversations."},
    "list_mine": {"nl": "door jou", "en": "by you"},
    "list_waiting": {"nl": "wacht op een vertrouwenspersoon", "en": "waiting for a trusted person"},
    "list_other": {"nl": "door een collega", "en": "by a colleague"},
    "history_header": {"nl": "Gesprek met {label}:", "en": "Conversation with {label}:"},
    "history_empty": {"nl": "(nog geen berichten)", "en": "(no messages yet)"},
    "you": {"nl": "jij", "en": "you"},
}

OUTCOME_LABELS = {
    "advice": {"nl": "gesprek en advies, geen vervolg", "en": "talk and advice, no follow-up"},
    "referred": {"nl": "doorverwezen (bijv. P&O, bedrijfsmaatschappelijk werk)", "en": "referred (e.g. HR, social work)"},
    "mediated": {"nl": "opgelost (bemiddeling of gesprek met betrokkene)", "en": "resolved (mediation or talk)"},
    "formal_report": {"nl": "formele melding of klacht gedaan", "en": "formal report or complaint made"},
    "withdrawn": {"nl": "melder gestopt", "en": "reporter stopped"},
    "unrecorded": {"nl": "niet vastgelegd", "en": "not recorded"},
}
assert set(OUTCOME_LABELS) == set(OUTCOMES)


def ct(key: str, lang: str = "nl", **fmt: object) -> str:
    """A confidential-flow text in the reader's language."""
    return localize(TEXTS, key, lang, **fmt)


def kind_label(kind: str | None, lang: str = "nl") -> str:
    return phrase(kind, lang) if kind else ct("kind_unknown", lang)


def outcome_label(outcome: str, lang: str = "nl") -> str:
    return OUTCOME_LABELS[outcome].get(lang) or OUTCOME_LABELS[outcome]["nl"]


def caveat(platform: str, lang: str) -> str:
    entry = PLATFORM_CAVEAT.get(platform, DEFAULT_CAVEAT)
    return entry.get(lang) or entry["nl"]
