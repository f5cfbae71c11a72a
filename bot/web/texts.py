"""Everything the coordinator's page says, Dutch first and English for coordinators who use English."""

from __future__ import annotations

from datetime import date

from handlers.confide.texts import kind_label, outcome_label
from handlers.reminders.texts import KIND_LABEL, TERM_NAME
from knowledge.phrases import localize

T: dict[str, dict[str, str]] = {
    "site": {"nl": "Integriteitsbot – coördinatorpagina", "en": "Integrity bot – coordinator's page"},
    "skip": {"nl": "Naar de inhoud", "en": "Skip to content"},
    "nav_annual": {"nl": "Jaarverslag", "en": "Annual report"},
    "nav_questions": {"nl": "Wat vragen medewerkers", "en": "What employees ask"},
    "nav_reminders": {"nl": "Herinneringen", "en": "Reminders"},
    "nav_settings": {"nl": "Instellingen", "en": "Settings"},
    "logout": {"nl": "Uitloggen", "en": "Log out"},
    "logged_in_as": {"nl": "Ingelogd als {role} van {org}", "en": "Logged in as {role} of {org}"},
    "role_coordinator": {"nl": "coördinator", "en": "coordinator"},
    "role_admin": {"nl": "beheerder", "en": "administrator"},
    "privacy_note": {"nl": "Deze pagina toont alleen aantallen: geen berichten, geen namen van melders.",
                     "en": "This page shows counts only: no messages, no names of reporters."},
    "exact_note": {"nl": "De organisatie heeft gekozen om alle aantallen precies te tonen (Instellingen).",
                   "en": "The organisation has chosen to show every count exactly (Settings)."},
    "masked_note": {"nl": "“< {n}”: minder dan {n}, niet precies getoond omdat een klein aantal naar een persoon "
                          "kan wijzen. Een tweede aantal kan om dezelfde reden verborgen zijn (anders valt het "
                          "eerste uit het totaal af te leiden).",
                    "en": "“< {n}”: fewer than {n}, not shown exactly because a small number could point to a "
                          "person. A second count may be hidden for the same reason (else the first could be "
                          "worked out from the total)."},
    # login
    "login_title": {"nl": "Inloggen", "en": "Log in"},
    "login_intro": {"nl": "Je opent de coördinatorpagina van {org}. Klik op de knop om in te loggen; de link "
                          "werkt daarna niet meer.",
                    "en": "You are opening the coordinator's page of {org}. Press the button to log in; the "
                          "link stops working afterwards."},
    "login_button": {"nl": "Inloggen", "en": "Log in"},
    "login_how": {"nl": "Inloggen gaat met een link uit de chat: stuur de Integriteitsbot het bericht "
                        "/dashboard. Alleen geregistreerde coördinatoren en beheerders krijgen een link.",
                  "en": "You log in with a link from the chat: send the Integrity bot the message /dashboard. "
                        "Only registered coordinators and administrators get a link."},
    "link_unknown": {"nl": "Deze inloglink klopt niet.", "en": "This login link is not valid."},
    "link_used": {"nl": "Deze inloglink is al gebruikt. Een link werkt maar één keer.",
                  "en": "This login link has been used already. A link works only once."},
    "link_expired": {"nl": "Deze inloglink is verlopen (een link is 10 minuten geldig).",
                     "en": "This login link has expired (a link is valid for 10 minutes)."},
    "ask_new_link": {"nl": "Vraag een nieuwe link: stuur de bot /dashboard.",
                     "en": "Ask for a new link: send the bot /dashboard."},
    "not_logged_in": {"nl": "Je bent niet (meer) ingelogd.", "en": "You are not logged in (any more)."},
    "logged_out": {"nl": "Je bent uitgelogd.", "en": "You have logged out."},
    "csrf_failed": {"nl": "Dit formulier is verlopen of kwam niet van deze pagina. Laad de pagina opnieuw en "
                          "probeer het nog eens.",
                    "en": "This form has expired or did not come from this page. Reload the page and try again."},
    "not_found": {"nl": "Deze pagina bestaat niet.", "en": "This page does not exist."},
    "bad_input": {"nl": "Vul gehele getallen van 0 tot en met 10 000 in.",
                  "en": "Enter whole numbers from 0 to 10,000."},
    "saved": {"nl": "Opgeslagen.", "en": "Saved."},
    "back": {"nl": "Terug", "en": "Back"},
    # annual report
    "annual_title": {"nl": "Jaarverslag integriteit {year}", "en": "Integrity annual report {year}"},
    "annual_intro": {"nl": "Aantallen van {org} over {year}, vergeleken met {prev}. Vertrouwelijke gesprekken "
                           "tellen mee in het jaar waarin ze bij een vertrouwenspersoon kwamen.",
                     "en": "Counts of {org} for {year}, compared with {prev}. Confidential conversations count "
                           "in the year they reached a trusted person."},
    "year": {"nl": "Jaar", "en": "Year"},
    "show": {"nl": "Toon", "en": "Show"},
    "print": {"nl": "Afdrukken of opslaan als pdf", "en": "Print or save as PDF"},
    "csv": {"nl": "Download CSV", "en": "Download CSV"},
    "total_line": {"nl": "In {year} zijn {total} kwesties besproken of behandeld.",
                   "en": "In {year}, {total} matters were discussed or handled."},
    "by_channel": {"nl": "Meldingen per kanaal", "en": "Reports per channel"},
    "by_kind": {"nl": "Vertrouwelijke gesprekken per soort", "en": "Confidential conversations per kind"},
    "by_outcome": {"nl": "Vertrouwelijke gesprekken per uitkomst", "en": "Confidential conversations per outcome"},
    "channel_source": {"nl": "Vertrouwenspersoon: geteld door de bot. De andere kanalen vult de coördinator "
                             "in op deze pagina.",
                       "en": "Trusted person: counted by the bot. The coordinator enters the other channels "
                             "on this page."},
    "category": {"nl": "Categorie", "en": "Category"},
    "total": {"nl": "Totaal", "en": "Total"},
    "manual_title": {"nl": "Meldingen buiten de bot in {year}", "en": "Reports outside the bot in {year}"},
    "manual_intro": {"nl": "Meldingen die niet via de bot liepen (Meldpunt, coördinator, leidinggevende, Huis "
                           "voor Klokkenluiders). Alleen het aantal.",
                     "en": "Reports that did not go through the bot (integrity desk, coordinator, manager, "
                           "Whistleblowers Authority). The number only."},
    "save": {"nl": "Opslaan", "en": "Save"},
    "ongoing": {"nl": "nog lopend", "en": "still ongoing"},
    "chart_of": {"nl": "Staafdiagram; de tabel eronder geeft dezelfde aantallen.",
                 "en": "Bar chart; the table below gives the same counts."},
    "nothing_yet": {"nl": "Nog niets geteld.", "en": "Nothing counted yet."},
    # questions
    "questions_title": {"nl": "Wat vragen medewerkers", "en": "What employees ask"},
    "questions_intro": {"nl": "Antwoorden van de bot aan medewerkers van {org} in de laatste {weeks} weken "
                              "({first} – {last}). Alleen aantallen: de bot bewaart hiervoor geen vraag en "
                              "geen gebruiker.",
                        "en": "The bot's answers to employees of {org} in the last {weeks} weeks "
                              "({first} – {last}). Counts only: for this the bot keeps no question and no user."},
    "weeks": {"nl": "Periode", "en": "Period"},
    "n_weeks": {"nl": "{n} weken", "en": "{n} weeks"},
    "per_topic": {"nl": "Antwoorden per onderwerp", "en": "Answers per topic"},
    "per_week": {"nl": "Antwoorden per week", "en": "Answers per week"},
    "verdicts": {"nl": "Gegeven oordelen", "en": "Verdicts given"},
    "verdicts_intro": {"nl": "Bij ‘mag ik…’-vragen. ‘Niet geregeld’ betekent: de documenten van de organisatie "
                             "regelen dit niet — daar kan de gedragscode aanvulling gebruiken.",
                       "en": "For ‘may I…’ questions. ‘Not regulated’ means the organisation's documents do not "
                             "settle it — there the code of conduct could use an addition."},
    "topic_verdicts": {"nl": "Oordelen per onderwerp", "en": "Verdicts per topic"},
    "not_placed": {"nl": "Vragen die de bot niet kon plaatsen, per week",
                   "en": "Questions the bot could not place, per week"},
    "not_placed_intro": {"nl": "Veel niet-geplaatste vragen wijzen op onderwerpen die in de kennisbank of de "
                               "voorbeelden ontbreken. De vragen zelf worden niet bewaard.",
                         "en": "Many questions not placed point to subjects missing from the knowledge base or "
                               "its examples. The questions themselves are not kept."},
    "routes": {"nl": "Meldroutes opgevraagd, per soort", "en": "Reporting routes asked for, per kind"},
    "week": {"nl": "Week", "en": "Week"},
    "answers": {"nl": "Antwoorden", "en": "Answers"},
    "week_label": {"nl": "week {n} ({day})", "en": "week {n} ({day})"},
    "no_topic": {"nl": "zonder onderwerp", "en": "no topic"},
    "clarify_note": {"nl": "Vervolgvragen van de bot (zoals ‘wat is het waard?’) tellen niet mee; het antwoord "
                           "daarna wel.",
                     "en": "Follow-up questions of the bot (such as ‘what is it worth?’) are not counted; the "
                           "answer after them is."},
    # reminders
    "reminders_title": {"nl": "Herinneringen {year}", "en": "Reminders {year}"},
    "reminders_intro": {"nl": "De herinneringen van {org}: wat eraan komt, en wat er in {year} mee gebeurde.",
                        "en": "The reminders of {org}: what is coming, and what happened to them in {year}."},
    "upcoming": {"nl": "Wat eraan komt", "en": "Coming up"},
    "reminder": {"nl": "Herinnering", "en": "Reminder"},
    "next_due": {"nl": "Volgende keer", "en": "Next time"},
    "recipients": {"nl": "Ontvangers", "en": "Recipients"},
    "off_count": {"nl": "Uitgezet", "en": "Turned off"},
    "sent_title": {"nl": "Verstuurd in {year}", "en": "Sent in {year}"},
    "due": {"nl": "Gepland voor", "en": "Due"},
    "sent": {"nl": "Verstuurd", "en": "Sent"},
    "done": {"nl": "Gedaan", "en": "Done"},
    "snoozed": {"nl": "Uitgesteld", "en": "Snoozed"},
    "late": {"nl": "Te laat", "en": "Late"},
    "open": {"nl": "Open", "en": "Open"},
    "failed": {"nl": "Niet bezorgd", "en": "Not delivered"},
    "terms_title": {"nl": "Termijnen van vertrouwelijke gesprekken in {year}",
                    "en": "Terms of confidential conversations in {year}"},
    "terms_intro": {"nl": "Herinneringen aan vertrouwenspersonen, per termijn. Zonder pseudoniemen.",
                    "en": "Reminders to trusted persons, per term. Without pseudonyms."},
    "term": {"nl": "Termijn", "en": "Term"},
    "late_note": {"nl": "‘Te laat’: de bot stond uit toen de herinnering viel en stuurde haar later. ‘Open’: "
                        "verstuurd, nog niet afgevinkt.",
                  "en": "‘Late’: the bot was down when the reminder fell due and sent it later. ‘Open’: sent, "
                        "not ticked off yet."},
    "none_planned": {"nl": "Geen herinneringen ingesteld.", "en": "No reminders set up."},
    # settings
    "settings_title": {"nl": "Instellingen", "en": "Settings"},
    "threshold_label": {"nl": "Aantallen kleiner dan dit getal verbergen (1 = alles precies tonen)",
                        "en": "Hide counts smaller than this number (1 = show everything exactly)"},
    "threshold_intro": {"nl": "In een kleine organisatie kan een klein aantal naar een persoon wijzen. Daarom "
                              "staan aantallen onder de drempel er als “< drempel”. De organisatie kiest de drempel "
                              "(standaard {default}).",
                        "en": "In a small organisation a small count could point to a person, so counts below "
                              "the threshold are shown as “< threshold”. The organisation chooses the threshold "
                              "(default {default})."},
    "bad_threshold": {"nl": "Kies een drempel van 1 tot en met 20.", "en": "Choose a threshold from 1 to 20."},
}

CHANNEL_LABEL = {
    "trusted_person": {"nl": "Vertrouwenspersoon", "en": "Trusted person"},
    "integrity_desk": {"nl": "Meldpunt Integriteit", "en": "Integrity desk"},
    "coordinator": {"nl": "Integriteitscoördinator", "en": "Integrity coordinator"},
    "manager": {"nl": "Leidinggevende", "en": "Manager"},
    "whistleblowers_authority": {"nl": "Huis voor Klokkenluiders", "en": "Whistleblowers Authority"},
}
TOPIC_LABEL = {
    "gifts": {"nl": "Geschenken", "en": "Gifts"},
    "invitations": {"nl": "Uitnodigingen", "en": "Invitations"},
    "side_jobs": {"nl": "Nevenwerkzaamheden", "en": "Side jobs"},
    "financial_interests": {"nl": "Financiële belangen", "en": "Financial interests"},
    "conflict_of_interest": {"nl": "Belangenverstrengeling", "en": "Conflict of interest"},
    "confidential_information": {"nl": "Vertrouwelijke informatie", "en": "Confidential information"},
    "social_media": {"nl": "Sociale media en uitlatingen", "en": "Social media and public statements"},
    "conduct": {"nl": "Omgang met collega's", "en": "Conduct between colleagues"},
    "private_use": {"nl": "Privégebruik van middelen", "en": "Private use of resources"},
    "work_time": {"nl": "Werktijd", "en": "Working time"},
    "clothing": {"nl": "Kleding", "en": "Clothing"},
    "political": {"nl": "Politiek-ambtelijke verhoudingen", "en": "Political-administrative relations"},
    "oath": {"nl": "Eed, VOG en geheimhouding", "en": "Oath, certificate of conduct, secrecy"},
    "reporting": {"nl": "Melden", "en": "Reporting"},
    "trusted_person": {"nl": "Vertrouwenspersoon", "en": "Trusted person"},
    "values": {"nl": "Kernwaarden", "en": "Core values"},
}
VERDICT_LABEL = {
    "allowed": {"nl": "Mag", "en": "Allowed"},
    "consult": {"nl": "Overleg eerst", "en": "Consult first"},
    "not_allowed": {"nl": "Niet doen", "en": "Don't"},
    "unknown": {"nl": "Niet geregeld", "en": "Not regulated"},
}
VERDICTS = tuple(VERDICT_LABEL)
MONTHS = {"nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
                 "oktober", "november", "december"],
          "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                 "October", "November", "December"]}


def _loc(entry: dict[str, str], lang: str) -> str:
    return entry.get(lang) or entry["nl"]


class Texts:
    """The page's words in one language; templates call it as t('key', ...)."""

    def __init__(self, lang: str) -> None:
        self.lang = "en" if lang == "en" else "nl"

    def __call__(self, key: str, **fmt: object) -> str:
        return localize(T, key, self.lang, **fmt)

    def channel(self, slug: str) -> str:
        return _loc(CHANNEL_LABEL[slug], self.lang) if slug in CHANNEL_LABEL else slug

    def topic(self, slug: str) -> str:
        if not slug:
            return self("no_topic")
        return _loc(TOPIC_LABEL[slug], self.lang) if slug in TOPIC_LABEL else slug

    def verdict(self, slug: str) -> str:
        return _loc(VERDICT_LABEL[slug], self.lang) if slug in VERDICT_LABEL else slug

    def kind(self, slug: str) -> str:
        return kind_label(None if slug in ("", "unknown") else slug, self.lang)

    def outcome(self, slug: str) -> str:
        return self("ongoing") if slug == "ongoing" else outcome_label(slug, self.lang)

    def reminder_kind(self, slug: str) -> str:
        return _loc(KIND_LABEL[slug], self.lang)

    def term(self, slug: str) -> str:
        return _loc(TERM_NAME[slug], self.lang) if slug in TERM_NAME else slug

    def date(self, day: date) -> str:
        return f"{day.day} {MONTHS[self.lang][day.month - 1]} {day.year}"

    def short_date(self, day: date) -> str:
        return f"{day.day}-{day.month}-{day.year}" if self.lang != "en" else day.isoformat()

    def week(self, monday: date) -> str:
        return self("week_label", n=monday.isocalendar().week, day=f"{monday.day}-{monday.month}")

    def role(self, slug: str) -> str:
        return self(f"role_{slug}") if f"role_{slug}" in T else slug
