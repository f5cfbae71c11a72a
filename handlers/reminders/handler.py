"""The reminder conversation: "gedaan", "herinner me over een week" and `/herinneringen`.

Coordinators, managers and trusted persons see what is coming, subscribe and unsubscribe, and
change the time of day, the weekday (agenda) or the date (reports). Everything is stored in the
reminder rows, so every bot process and the next restart see the change at once.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from handlers.context import Context
from handlers.reminders.jobs import upcoming_terms
from handlers.reminders.schedule import (
    ReminderConfig,
    as_utc,
    cron_trigger,
    fmt_date,
    local_at,
    next_working_day,
    next_working_fire,
    parse_day_month,
    parse_time,
    parse_weekday,
    to_local,
)
from handlers.reminders.seed import report_start_year, seed_org
from handlers.reminders.texts import describe_schedule, reminder_title, term_line
from handlers.texts import text as core_text
from handlers.types import STALE_BUTTON, Button, Reply
from knowledge.phrases import localize
from storage.reminders import (
    Reminder,
    ReminderDelivery,
    latest_open_delivery,
    reminders_of,
    roles_of,
)

COMMANDS = ("/herinneringen", "herinneringen", "/reminders", "reminders", "/herinnering")
DONE_WORDS = ("gedaan", "done", "klaar", "afgerond")
SNOOZE_WORDS = ("herinner me over een week", "herinner me volgende week", "over een week",
                "remind me in a week", "remind me next week")
OPEN_WITHIN = timedelta(days=21)  # typed "gedaan" refers to a recent reminder only
SUB = {"uit": "off", "af": "off", "stop": "off", "off": "off", "aan": "on", "on": "on",
       "tijd": "time", "time": "time", "dag": "day", "day": "day", "weekdag": "day",
       "datum": "date", "date": "date", "lijst": "list", "list": "list"}

T: dict[str, dict[str, str]] = {
    "no_role": {"nl": "Herinneringen zijn er voor coördinatoren, leidinggevenden en vertrouwenspersonen. "
                      "Vraag de beheerder om je rol te registreren.",
                "en": "Reminders are for coordinators, managers and trusted persons. "
                      "Ask the administrator to register your role."},
    "head": {"nl": "Je herinneringen ({org}), tijden in Nederlandse tijd:",
             "en": "Your reminders ({org}), times in Amsterdam time:"},
    "none": {"nl": "Je hebt nog geen herinneringen. Typ '/herinneringen aan' om je aan te melden.",
             "en": "You have no reminders yet. Type '/reminders on' to subscribe."},
    "next": {"nl": "volgende: {when}", "en": "next: {when}"},
    "off": {"nl": "uitgezet", "en": "off"},
    "unreachable": {"nl": "gestopt: niet bereikbaar", "en": "stopped: unreachable"},
    "terms_on": {"nl": "bij elke termijn van een gesprek dat jou aangaat, om {time} op werkdagen",
                 "en": "for every term of a conversation that concerns you, at {time} on working days"},
    "snoozed_until": {"nl": "uitgesteld tot {when}", "en": "snoozed until {when}"},
    "howto": {"nl": "Wijzigen: '/herinneringen tijd 10:30', '/herinneringen dag dinsdag', "
                    "'/herinneringen datum 15-01', '/herinneringen uit', '/herinneringen aan'. "
                    "Voeg '#nummer' toe voor één herinnering, bijvoorbeeld '/herinneringen uit #3'.",
              "en": "Change: '/reminders time 10:30', '/reminders day tuesday', '/reminders date 15-01', "
                    "'/reminders off', '/reminders on'. Add '#number' for one reminder, e.g. "
                    "'/reminders off #3'."},
    "btn_off": {"nl": "Zet #{id} uit", "en": "Turn #{id} off"},
    "btn_on": {"nl": "Zet #{id} aan", "en": "Turn #{id} on"},
    "set_off": {"nl": "Uitgezet: {items}. Je krijgt deze herinneringen niet meer.",
                "en": "Turned off: {items}. You will not get these reminders any more."},
    "set_on": {"nl": "Aangezet: {items}.", "en": "Turned on: {items}."},
    "changed": {"nl": "Gewijzigd: {items}.", "en": "Changed: {items}."},
    "nothing": {"nl": "Daar hoort geen herinnering van jou bij. Typ '/herinneringen' voor je lijst.",
                "en": "You have no reminder with that number. Type '/reminders' for your list."},
    "bad_time": {"nl": "Geef een tijd als 9:30 of 14:00, bijvoorbeeld '/herinneringen tijd 9:30'.",
                 "en": "Give a time like 9:30 or 14:00, e.g. '/reminders time 9:30'."},
    "bad_day": {"nl": "Geef een weekdag, bijvoorbeeld '/herinneringen dag dinsdag'.",
                "en": "Give a weekday, e.g. '/reminders day tuesday'."},
    "bad_date": {"nl": "Geef een datum als dag-maand, bijvoorbeeld '/herinneringen datum 15-01'.",
                 "en": "Give a date as day-month, e.g. '/reminders date 15-01'."},
    "no_day": {"nl": "Een weekdag hoort alleen bij de agendaherinnering.",
               "en": "A weekday only applies to the agenda reminder."},
    "no_date": {"nl": "Een datum hoort alleen bij de rapportageherinneringen.",
                "en": "A date only applies to the report reminders."},
    "done": {"nl": "Genoteerd, dank je! {next}", "en": "Noted, thank you! {next}"},
    "done_next": {"nl": "De volgende herinnering komt {when}.", "en": "The next reminder comes {when}."},
    "already_done": {"nl": "Die herinnering had je al afgevinkt.",
                     "en": "You had already ticked that one off."},
    "snoozed": {"nl": "Goed, ik herinner je er {when} opnieuw aan.",
                "en": "All right, I'll remind you again on {when}."},
    "not_yours": {"nl": "Die knop hoort bij een herinnering voor iemand anders.",
                  "en": "That button belongs to someone else's reminder."},
}


def t(key: str, lang: str, **kw: object) -> str:
    return localize(T, key, lang, **kw)


def _config(ctx: Context) -> ReminderConfig:
    config = ctx.services.options.get("reminders")
    return config if isinstance(config, ReminderConfig) else ReminderConfig()


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower()).rstrip(".!")


class ReminderHandler:
    """Answers reminder buttons and commands; leaves everything else to the next handler."""

    def handle(self, ctx: Context) -> list[Reply] | None:
        action = ctx.msg.action or ""
        if action.startswith("reminder:"):
            return self._action(ctx, action)
        if ctx.state.flow:  # another flow owns the conversation; only our buttons are ours
            return None
        said = _norm(ctx.msg.text)
        first = said.split(" ", 1)[0] if said else ""
        if first in COMMANDS:
            if first in ("/reminders", "reminders"):
                ctx.lang = "en"
            return self._command(ctx, said.split(" ")[1:])
        if said in DONE_WORDS or said in SNOOZE_WORDS:
            now = as_utc(ctx.services.clock())
            d = latest_open_delivery(ctx.session, ctx.msg.address.platform, ctx.msg.address.user,
                                     OPEN_WITHIN, now)
            if d is None:
                return None
            if said in ("done", "remind me in a week", "remind me next week"):
                ctx.lang = "en"
            return self._done(ctx, d, now) if said in DONE_WORDS else self._snooze(ctx, d, now)
        return None

    # --- buttons on a reminder -----------------------------------------------------------

    def _action(self, ctx: Context, action: str) -> list[Reply]:
        parts = action.split(":")
        if len(parts) != 3 or not parts[2].isdigit():
            return [_stale(ctx, core_text("unknown_action", ctx.lang))]
        verb, ident, now = parts[1], int(parts[2]), as_utc(ctx.services.clock())
        if verb in ("on", "off"):
            return self._switch(ctx, [ident], verb == "on")
        d = ctx.session.get(ReminderDelivery, ident)
        r = ctx.session.get(Reminder, d.reminder_id) if d else None
        if d is None or r is None:
            return [_stale(ctx, core_text("unknown_action", ctx.lang))]
        if (r.platform, r.user_id) != (ctx.msg.address.platform, ctx.msg.address.user):
            return [_stale(ctx, t("not_yours", ctx.lang))]
        if verb == "done":
            return self._done(ctx, d, now)
        if verb == "snooze":
            return self._snooze(ctx, d, now)
        return [_stale(ctx, core_text("unknown_action", ctx.lang))]

    def _done(self, ctx: Context, d: ReminderDelivery, now: datetime) -> list[Reply]:
        r = ctx.session.get(Reminder, d.reminder_id)
        assert r is not None
        if d.done_at is not None:
            return [_stale(ctx, t("already_done", ctx.lang))]
        d.done_at = now
        if r.snooze_of == d.id:
            r.snooze_at, r.snooze_of = None, None
        ctx.session.add_all([d, r])
        nxt = t("done_next", ctx.lang, when=fmt_date(r.next_due_at, ctx.lang)) \
            if r.active and r.next_due_at else ""
        return [Reply(to=ctx.msg.address, text=t("done", ctx.lang, next=nxt).strip())]

    def _snooze(self, ctx: Context, d: ReminderDelivery, now: datetime) -> list[Reply]:
        r = ctx.session.get(Reminder, d.reminder_id)
        assert r is not None
        # A week later at the reminder's own time of day, on a working day.
        day = next_working_day(to_local(now).date() + timedelta(days=_config(ctx).snooze_days))
        when = local_at(day, r.time_of_day)
        r.snooze_at, r.snooze_of, r.updated_at = when, d.id, now
        d.snoozed_at = now
        ctx.session.add_all([d, r])
        return [Reply(to=ctx.msg.address, text=t("snoozed", ctx.lang, when=fmt_date(when, ctx.lang)))]

    # --- /herinneringen ------------------------------------------------------------------

    def _command(self, ctx: Context, args: list[str]) -> list[Reply]:
        addr = ctx.msg.address
        if not roles_of(ctx.session, ctx.msg.org, addr.platform, addr.user):
            return [Reply(to=addr, text=t("no_role", ctx.lang), ephemeral=True)]
        sub = SUB.get(args[0], "") if args else "list"
        rest = args[1:]
        ids = [int(a.lstrip("#")) for a in rest if re.fullmatch(r"#\d+", a)]
        values = [a for a in rest if not re.fullmatch(r"#\d+", a)]
        if sub in ("on", "off"):
            ids += [int(a) for a in values if a.isdigit()]
            if sub == "on" and not ids:
                seed_org(ctx.session, ctx.services.kb.org(ctx.msg.org), _config(ctx),
                         as_utc(ctx.services.clock()), only=(addr.platform, addr.user))
                ctx.session.flush()
            return self._switch(ctx, ids or None, sub == "on")
        if sub in ("time", "day", "date"):
            return self._change(ctx, sub, " ".join(values), ids or None)
        return [self._list(ctx)]

    def _mine(self, ctx: Context, ids: list[int] | None) -> list[Reminder]:
        addr = ctx.msg.address
        mine = reminders_of(ctx.session, ctx.msg.org, addr.platform, addr.user)
        return [r for r in mine if ids is None or r.id in ids]

    def _list(self, ctx: Context) -> Reply:
        lang = ctx.lang
        mine = self._mine(ctx, None)
        org = ctx.services.kb.org(ctx.msg.org)
        if not mine:
            return Reply(to=ctx.msg.address, text=t("none", lang), ephemeral=True)
        lines = [t("head", lang, org=org.name)]
        buttons = []
        for r in mine:
            lines.append(f"#{r.id} {reminder_title(r.kind, r.key, org, lang)}")
            lines.append(f"    {_status(r, lang)}")
            if r.kind == "case_term" and r.active:
                now = as_utc(ctx.services.clock())
                for u in upcoming_terms(ctx.session, ctx.services, _config(ctx), ctx.msg.org, now,
                                        recipient=f"{r.platform}:{r.user_id}"):
                    lines.append(f"    • {term_line(u, lang)}")
            buttons.append(Button(f"reminder:{'off' if r.active else 'on'}:{r.id}",
                                  t("btn_off" if r.active else "btn_on", lang, id=r.id)))
        lines += ["", t("howto", lang)]
        return Reply(to=ctx.msg.address, text="\n".join(lines), buttons=buttons, ephemeral=True)

    def _switch(self, ctx: Context, ids: list[int] | None, on: bool) -> list[Reply]:
        mine = self._mine(ctx, ids)
        if not mine:
            return [Reply(to=ctx.msg.address, text=t("nothing", ctx.lang), ephemeral=True)]
        now = as_utc(ctx.services.clock())
        org = ctx.services.kb.org(ctx.msg.org)
        for r in mine:
            r.active, r.note, r.updated_at = on, None if on else "unsubscribed", now
            if on and r.kind != "case_term":
                r.next_due_at = next_working_fire(_trigger(r), now)  # from now: no burst of old ones
            ctx.session.add(r)
        items = "; ".join(f"#{r.id} {reminder_title(r.kind, r.key, org, ctx.lang)}" for r in mine)
        return [Reply(to=ctx.msg.address, text=t("set_on" if on else "set_off", ctx.lang, items=items),
                      ephemeral=True)]

    def _change(self, ctx: Context, what: str, value: str, ids: list[int] | None) -> list[Reply]:
        lang, addr = ctx.lang, ctx.msg.address
        mine = self._mine(ctx, ids)
        if not mine:
            return [Reply(to=addr, text=t("nothing", lang), ephemeral=True)]
        now = as_utc(ctx.services.clock())
        if what == "time":
            new = parse_time(value)
            if new is None:
                return [Reply(to=addr, text=t("bad_time", lang), ephemeral=True)]
            targets = mine
            for r in targets:
                r.time_of_day = new
        elif what == "day":
            new = parse_weekday(value)
            if new is None:
                return [Reply(to=addr, text=t("bad_day", lang), ephemeral=True)]
            targets = [r for r in mine if r.kind == "agenda"]
            if not targets:
                return [Reply(to=addr, text=t("no_day", lang), ephemeral=True)]
            for r in targets:
                r.weekday = new
        else:
            new = parse_day_month(value)
            if new is None:
                return [Reply(to=addr, text=t("bad_date", lang), ephemeral=True)]
            targets = [r for r in mine if r.kind == "report"]
            if not targets:
                return [Reply(to=addr, text=t("no_date", lang), ephemeral=True)]
            month, day = (int(x) for x in new.split("-"))
            for r in targets:
                r.months, r.day = str(month), day
                if r.every_years > 1:
                    r.start_year = report_start_year(month, day, r.time_of_day, now)
        org = ctx.services.kb.org(ctx.msg.org)
        for r in targets:
            if r.kind != "case_term":
                r.next_due_at = next_working_fire(_trigger(r), now)
            r.updated_at = now
            ctx.session.add(r)
        items = "; ".join(f"#{r.id} {reminder_title(r.kind, r.key, org, lang)} → {_status(r, lang)}"
                          for r in targets)
        return [Reply(to=addr, text=t("changed", lang, items=items), ephemeral=True)]


def _trigger(r: Reminder):  # type: ignore[no-untyped-def]
    return cron_trigger(r.months, r.time_of_day, weekday=r.weekday, day=r.day,
                        every_years=r.every_years, start_year=r.start_year)


def _status(r: Reminder, lang: str) -> str:
    if not r.active:
        return t("unreachable" if r.note == "unreachable" else "off", lang)
    if r.kind == "case_term":
        return t("terms_on", lang, time=r.time_of_day)
    parts = [describe_schedule(r.kind, r.months, r.weekday, r.day, r.time_of_day, r.every_years, lang)]
    if r.next_due_at:
        parts.append(t("next", lang, when=fmt_date(r.next_due_at, lang)))
    if r.snooze_at:
        parts.append(t("snoozed_until", lang, when=fmt_date(r.snooze_at, lang)))
    return " – ".join(parts)


def _stale(ctx: Context, message: str) -> Reply:
    """A refusal about a button: only the presser sees it, as a passing notice."""
    return Reply(to=ctx.msg.address, text=message, ephemeral=True, tag=STALE_BUTTON)
