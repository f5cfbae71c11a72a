"""What a reminder says: the agenda item (dilemma + work form), the report with its anonymous
counts, the case terms; Dutch first, English for people who talk to the bot in English."""

from __future__ import annotations

from datetime import datetime

from handlers.reminders.model import PeriodStats, UpcomingTerm
from handlers.reminders.schedule import DAY_NAMES, MONTH_NAMES, fmt_date, hm
from handlers.types import Button
from knowledge.phrases import localize
from knowledge.schema import Organisation, Source

KIND_LABEL = {
    "agenda": {"nl": "Integriteit op de agenda", "en": "Integrity on the agenda"},
    "report": {"nl": "Rapportage", "en": "Report"},
    "case_term": {"nl": "Termijnen van vertrouwelijke gesprekken",
                  "en": "Terms of confidential conversations"},
}
REPORT_TYPE_LABEL = {
    "misconduct": {"nl": "vermoeden van een misstand", "en": "suspected wrongdoing"},
    "integrity_violation": {"nl": "integriteitsschending", "en": "integrity violation"},
    "unwanted_behaviour": {"nl": "ongewenst gedrag", "en": "unwanted behaviour"},
    "external_aggression": {"nl": "agressie en geweld van buitenaf", "en": "aggression from outsiders"},
    "crime": {"nl": "strafbaar feit", "en": "crime"},
    "unknown": {"nl": "soort niet vastgelegd", "en": "kind not recorded"},
}

T: dict[str, dict[str, str]] = {
    "late": {"nl": "(te laat) Deze herinnering stond gepland voor {when}; de bot draaide toen niet.",
             "en": "(late) This reminder was due on {when}; the bot was not running then."},
    "snoozed": {"nl": "Zoals gevraagd herinner ik je er opnieuw aan.",
                "en": "As you asked, here is the reminder again."},
    "agenda_head": {"nl": "🗓️ Herinnering: zet integriteit op de agenda van het overleg.",
                    "en": "🗓️ Reminder: put integrity on the agenda of the team meeting."},
    "agenda_norm": {"nl": "{who} Volgens de regeling: {times}× per jaar.",
                    "en": "{who} According to the code: {times}× a year."},
    "agenda_norm_default": {
        "nl": "De documenten noemen geen vaste frequentie; deze herinnering komt {times}× per jaar.",
        "en": "The documents name no fixed frequency; this reminder comes {times}× a year."},
    "agenda_item": {"nl": "Kant-en-klaar agendapunt – praktijkdilemma: {title}",
                    "en": "Ready agenda item – practice dilemma: {title}"},
    "no_dilemma": {"nl": "Agendapunt: bespreek een recent dilemma uit het eigen werk.",
                   "en": "Agenda item: discuss a recent dilemma from your own work."},
    "work_form": {"nl": "Werkvorm: {name}", "en": "Work form: {name}"},
    "agenda_done": {"nl": "Gedaan? Kies 'Gedaan' of typ 'gedaan'. "
                          "Lukt het nu niet: 'Herinner me over een week'.",
                    "en": "Done? Choose 'Done' or type 'done'. Not now? 'Remind me in a week'."},
    "report_head": {"nl": "📊 Herinnering: {name}", "en": "📊 Reminder: {name}"},
    "report_every": {"nl": "Wie: {who} ({every})", "en": "Who: {who} ({every})"},
    "yearly": {"nl": "jaarlijks", "en": "yearly"},
    "every_n": {"nl": "elke {n} jaar", "en": "every {n} years"},
    "period": {"nl": "Periode: {start} t/m {end}.", "en": "Period: {start} to {end}."},
    "stats_head": {"nl": "Anonieme cijfers van de vertrouwelijke gesprekken in deze periode "
                         "(alleen aantallen, geen namen of inhoud):",
                   "en": "Anonymous counts of the confidential conversations in this period "
                         "(numbers only, no names or content):"},
    "stats_total": {"nl": "• totaal: {n}", "en": "• total: {n}"},
    "stats_kind": {"nl": "• per soort: {items}", "en": "• by kind: {items}"},
    "stats_channel": {"nl": "• per kanaal: {items}", "en": "• by channel: {items}"},
    "stats_none": {"nl": "Er zijn nog geen cijfers van vertrouwelijke gesprekken beschikbaar.",
                   "en": "No figures of confidential conversations are available yet."},
    "source": {"nl": "📄 Bron: {doc} – {section}", "en": "📄 Source: {doc} – {section}"},
    "btn_done": {"nl": "Gedaan", "en": "Done"},
    "btn_snooze": {"nl": "Herinner me over een week", "en": "Remind me in a week"},
}


def t(key: str, lang: str, **kw: object) -> str:
    return localize(T, key, lang, **kw)


def loc(text: dict[str, str], lang: str) -> str:
    return text.get(lang, text["nl"])


def source_text(org: Organisation, src: Source, lang: str) -> str:
    title = next((d.title for d in org.documents if d.id == src.document), src.document)
    return t("source", lang, doc=title, section=src.section)


def action_buttons(delivery_id: int, lang: str) -> list[Button]:
    return [Button(f"reminder:done:{delivery_id}", t("btn_done", lang)),
            Button(f"reminder:snooze:{delivery_id}", t("btn_snooze", lang))]


def preamble(late_since: datetime | None, snoozed: bool, lang: str) -> list[str]:
    lines = []
    if late_since is not None:
        lines.append(t("late", lang, when=fmt_date(late_since, lang)))
    if snoozed:
        lines.append(t("snoozed", lang))
    return lines


def agenda_text(org: Organisation, dilemma_id: str | None, work_form_id: str | None,
                times_per_year: int, lang: str) -> str:
    """The agenda reminder with a ready agenda item: one dilemma and one work form."""
    lines = [t("agenda_head", lang)]
    if org.agenda:
        lines.append(t("agenda_norm", lang, who=loc(org.agenda.who.model_dump(), lang).rstrip(".") + ".",
                       times=org.agenda.times_per_year))
    else:
        lines.append(t("agenda_norm_default", lang, times=times_per_year))
    dilemma = next((d for d in org.dilemmas if d.id == dilemma_id), None)
    if dilemma:
        lines += ["", t("agenda_item", lang, title=loc(dilemma.title.model_dump(), lang)),
                  loc(dilemma.text.model_dump(), lang), source_text(org, dilemma.source, lang)]
    else:
        lines += ["", t("no_dilemma", lang)]
    form = next((w for w in org.work_forms if w.id == work_form_id), None)
    if form:
        lines += ["", t("work_form", lang, name=loc(form.name.model_dump(), lang)),
                  loc(form.text.model_dump(), lang)]
    if org.agenda:
        lines.append(source_text(org, org.agenda.source, lang))
    lines += ["", t("agenda_done", lang)]
    return "\n".join(lines)


def _items(counts: dict[str, int], labels: dict[str, dict[str, str]], lang: str) -> str:
    parts = [f"{loc(labels[k], lang) if k in labels else k} {n}"
             for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return ", ".join(parts) if parts else "–"


def report_text(org: Organisation, duty_id: str, period: tuple[datetime, datetime],
                stats: PeriodStats | None, lang: str) -> str:
    duty = next((d for d in org.report_duties if d.id == duty_id), None)
    name = loc(duty.name.model_dump(), lang) if duty else duty_id
    lines = [t("report_head", lang, name=name)]
    if duty:
        every = t("yearly", lang) if duty.every_years == 1 else t("every_n", lang, n=duty.every_years)
        lines.append(t("report_every", lang, who=loc(duty.who.model_dump(), lang).rstrip("."), every=every))
    start, end = period
    lines.append(t("period", lang, start=fmt_date(start, lang, with_time=False, weekday=False),
                   end=fmt_date(end, lang, with_time=False, weekday=False)))
    lines.append("")
    if stats is None:
        lines.append(t("stats_none", lang))
    else:
        lines += [t("stats_head", lang), t("stats_total", lang, n=stats.total),
                  t("stats_kind", lang, items=_items(stats.by_kind, REPORT_TYPE_LABEL, lang)),
                  t("stats_channel", lang, items=_items(stats.by_channel, channel_labels(org), lang))]
    if duty:
        lines.append(source_text(org, duty.source, lang))
    lines += ["", t("agenda_done", lang)]
    return "\n".join(lines)


def channel_labels(org: Organisation) -> dict[str, dict[str, str]]:
    """What the organisation calls each channel ('vertrouwenspersoon integriteit', ...)."""
    return {c.channel: c.label.model_dump() for c in org.contacts}


def describe_schedule(kind: str, months: str, weekday: str | None, day: int | None, time_of_day: str,
                      every_years: int, lang: str) -> str:
    """'1e maandag van maart en september, 09:00' / '15 januari, elk jaar, 09:00'."""
    names = MONTH_NAMES[lang if lang in MONTH_NAMES else "nl"]
    month_list = [names[int(m) - 1] for m in months.split(",") if m.strip()]
    joined = (" en " if lang != "en" else " and ").join(
        [", ".join(month_list[:-1]), month_list[-1]] if len(month_list) > 1 else month_list)
    hour, minute = hm(time_of_day)
    clock = f"{hour:02d}:{minute:02d}"
    if weekday:
        from handlers.reminders.schedule import WEEKDAYS
        wd = DAY_NAMES[lang if lang in DAY_NAMES else "nl"][WEEKDAYS.index(weekday)]
        if lang == "en":
            return f"first {wd} of {joined}, {clock}"
        return f"eerste {wd} van {joined}, {clock}"
    every = (t("yearly", lang) if every_years == 1 else t("every_n", lang, n=every_years))
    return f"{day} {joined}, {every}, {clock}"


TERM_T: dict[str, dict[str, str]] = {
    "not_taken": {
        "nl": "⏰ Het vertrouwelijke gesprek van {label} is sinds {since} nog door niemand opgepakt "
              "(afspraak: binnen één werkdag). Pak het op via het overdrachtsbericht, of vraag een "
              "collega-vertrouwenspersoon het te doen.",
        "en": "⏰ The confidential conversation of {label} has not been taken by anyone since {since} "
              "(agreed: within one working day). Take it from the handoff message, or ask a fellow "
              "trusted person to do so."},
    "waiting": {
        "nl": "⏰ {label} wacht sinds {since} op je antwoord: langer dan drie werkdagen. Antwoord in het "
              "gesprek, al is het maar om te laten weten dat je ermee bezig bent.",
        "en": "⏰ {label} has been waiting for your answer since {since}: more than three working days. "
              "Reply in the conversation, if only to say you are working on it."},
    "receipt": {
        "nl": "de melder krijgt binnen 7 dagen een ontvangstbevestiging (Wet bescherming klokkenluiders; "
              "EU-richtlijn 2019/1937, art. 9)",
        "en": "the reporter gets a confirmation of receipt within 7 days (Dutch Whistleblowers "
              "Protection Act; EU directive 2019/1937, art. 9)"},
    "feedback": {
        "nl": "de melder krijgt binnen 3 maanden terugkoppeling over wat er met de melding gebeurt "
              "(Wet bescherming klokkenluiders; EU-richtlijn 2019/1937, art. 9)",
        "en": "the reporter gets feedback on the follow-up within 3 months (Dutch Whistleblowers "
              "Protection Act; EU directive 2019/1937, art. 9)"},
    "answer": {
        "nl": "de melder hoort binnen {days} dagen of er een onderzoek volgt, en zo niet, waarom niet "
              "(regeling van {org})",
        "en": "the reporter hears within {days} days whether an investigation follows, and if not, why not "
              "({org}'s procedure)"},
    "before": {"nl": "⏰ Termijn loopt af op {deadline}: {what}. Melding van {label} gedaan op {formal}.",
               "en": "⏰ A term ends on {deadline}: {what}. Report of {label} made on {formal}."},
    "day": {"nl": "⏰ Vandaag is de laatste werkdag van de termijn (uiterlijk {deadline}): {what}. "
                  "Melding van {label} gedaan op {formal}.",
            "en": "⏰ Today is the last working day of the term (ends {deadline}): {what}. "
                  "Report of {label} made on {formal}."},
    "tick_off": {"nl": "Al gedaan? Kies 'Gedaan', dan hoor je over deze termijn niets meer.",
                 "en": "Already done? Choose 'Done' and you will hear no more about this term."},
}


def term_text(term: str, stage: str, label: str, since: datetime | None, deadline: datetime,
              org: Organisation, answer_days: int | None, lang: str) -> str:
    """The reminder of one case term; `label` is the case's pseudonym ('Melder K7-Q3')."""
    def tt(key: str, **kw: object) -> str:
        return TERM_T[key].get(lang, TERM_T[key]["nl"]).format(**kw)

    if term in ("not_taken", "waiting"):
        return tt(term, label=label, since=fmt_date(since or deadline, lang))
    what = tt(term, days=answer_days or "", org=org.name)
    formal = fmt_date(since or deadline, lang, with_time=False)
    body = tt(stage if stage in ("before", "day") else "day",
              deadline=fmt_date(deadline, lang, with_time=False), what=what, label=label, formal=formal)
    return f"{body}\n{tt('tick_off')}"


def reminder_title(kind: str, key: str, org: Organisation, lang: str) -> str:
    """'Integriteit op de agenda' / 'Rapportage: Jaarverslag van de vertrouwenspersoon'."""
    label = loc(KIND_LABEL[kind], lang)
    if kind == "report":
        duty_id = key.split(":", 1)[1]
        duty = next((d for d in org.report_duties if d.id == duty_id), None)
        label = f"{label}: {loc(duty.name.model_dump(), lang) if duty else duty_id}"
    return label


TERM_NAME = {
    "not_taken": {"nl": "gesprek nog niet opgepakt (1 werkdag)",
                  "en": "conversation not taken (1 working day)"},
    "waiting": {"nl": "bericht wacht op antwoord (3 werkdagen)",
                "en": "message awaiting an answer (3 working days)"},
    "receipt": {"nl": "ontvangstbevestiging (7 dagen)", "en": "confirmation of receipt (7 days)"},
    "answer": {"nl": "laten weten of er onderzoek volgt", "en": "say whether an investigation follows"},
    "feedback": {"nl": "terugkoppeling (3 maanden)", "en": "feedback (3 months)"},
}


def term_line(upcoming: UpcomingTerm, lang: str) -> str:
    """'Melder K7-Q3: ontvangstbevestiging (7 dagen), uiterlijk 8 april 2026 – herinnering ...'."""
    plan, stage = upcoming.plan, upcoming.stage
    name = loc(TERM_NAME[plan.term.name], lang)
    until = "uiterlijk" if lang != "en" else "ends"
    when = "herinnering" if lang != "en" else "reminder"
    deadline = fmt_date(plan.term.deadline, lang, with_time=plan.term.name in ("not_taken", "waiting"))
    return f"{plan.label}: {name}, {until} {deadline} – {when} {fmt_date(stage.at, lang)}"
