"""The trusted person's side of a confidential case: take, answer, ask for the name, close, count.

Authorisation is checked on every message, from the database: a user must be a registered
trusted person of the case's organisation to take it, and its taker to read or answer it. Any
other user gets the same 'unknown' reply whether the case exists or not.
"""

from __future__ import annotations

import logging
import re

from handlers.confide.common import clip, parse_command, to_employee, to_trusted
from handlers.confide.texts import ct, kind_label, outcome_label
from handlers.context import Context
from handlers.types import STALE_BUTTON, Address, Button, Reply
from knowledge.schema import REPORT_TYPES
from storage import cases as store
from storage.cases import Case, Sealer
from storage.roles import address_of, role_key, trusted_orgs, trusted_role

log = logging.getLogger(__name__)

COMMANDS = ("/antwoord", "/oppakken", "/gemeld", "/gesprekken", "/gesprek")
ARG_COMMANDS = ("/naam", "/sluit")  # trusted-person commands only when a pseudonym follows
STAT_OUTCOMES = ("advice", "referred", "mediated", "formal_report", "withdrawn")


def stat_kind_question(address: Address, case: Case, lang: str = "nl") -> Reply:
    """Ask the trusted person, after closing, for the kind of matter (then the outcome)."""
    buttons = [Button(f"confide:tp:kind:{case.id}:{k}", kind_label(k, lang)) for k in REPORT_TYPES]
    buttons.append(Button(f"confide:tp:kind:{case.id}:unknown", ct("kind_unknown", lang)))
    return to_trusted(address, case, ct("ask_stat_kind", lang, kind=kind_label(case.kind, lang)), buttons)


PSEUDONYM = re.compile(r"^(melder\s+)?[A-Za-z][0-9]-[A-Za-z][0-9]\b", re.IGNORECASE)


def trusted_command(ctx: Context) -> tuple[str | None, str]:
    """The trusted-person command in a message: '/antwoord K7-Q3 …', or the same without the slash
    from a registered trusted person (Slack's message box claims every '/word' for itself)."""
    cmd, rest = parse_command(ctx.msg.text)
    if cmd is not None:
        return cmd, rest
    word, _, rest = ctx.msg.text.strip().partition(" ")
    cmd = f"/{word.lower()}"
    if cmd not in COMMANDS + ARG_COMMANDS or (cmd != "/gesprekken" and not PSEUDONYM.match(rest.strip())):
        return None, ""
    a = ctx.msg.address
    return (cmd, rest.strip()) if trusted_orgs(ctx.session, a.platform, a.user) else (None, "")


def wants(ctx: Context) -> bool:
    """Is this message (possibly) for the trusted-person side?"""
    msg = ctx.msg
    if msg.action:
        return msg.action.startswith("confide:tp:")
    cmd, rest = trusted_command(ctx)
    if cmd in COMMANDS or (cmd in ARG_COMMANDS and rest):
        return True
    return bool(msg.thread and msg.thread.split(":", 1)[0] in ("handoff", "case"))


class TrustedSide:
    """Handles the messages of trusted persons about cases."""

    def __init__(self, ctx: Context, sealer: Sealer) -> None:
        self.ctx = ctx
        self.sealer = sealer
        self.session = ctx.session
        self.me = role_key(ctx.msg.address.platform, ctx.msg.address.user)
        self.lang = ctx.lang
        self.now = ctx.services.clock()

    # --- entry -------------------------------------------------------------------------------

    def handle(self) -> list[Reply] | None:
        msg = self.ctx.msg
        if msg.action:
            return self._action(msg.action)
        cmd, rest = trusted_command(self.ctx)
        if cmd == "/gesprekken":
            return self._list()
        if cmd in COMMANDS or (cmd in ARG_COMMANDS and rest):
            ref, _, text = rest.partition(" ")
            if not ref:
                usage = "usage_answer" if cmd == "/antwoord" else "usage_case"
                return [self._say(ct(usage, self.lang, cmd=cmd))]
            case = self._case_by_ref(ref)
            if case is None:
                return [self._say(ct("unknown_case", self.lang))]
            return self._command(cmd, case, text)
        # a reply in the thread of (or to) a case message: an answer, from the taker only
        assert msg.thread is not None
        if not trusted_orgs(self.session, msg.address.platform, msg.address.user):
            return None  # not a trusted person: handled as if the message had no thread
        case = store.get_case(self.session, msg.thread.split(":", 1)[1])
        if case is None or not self._is_trusted(case) or case.state == "draft":
            return [self._say(ct("unknown_case", self.lang))]
        if self._is_taker(case):
            return self._answer(case, msg.text)
        if case.state == "open" and case.taken_by is None:
            return [self._say(ct("take_first", self.lang, label=case.label, pseudonym=case.pseudonym))]
        return [self._say(ct("already_taken", self.lang, label=case.label))]

    def _action(self, action: str) -> list[Reply]:
        parts = action.split(":")  # confide:tp:<verb>:<case id>[:<value>]
        verb, case_id, value = (parts[2:] + ["", "", ""])[:3]
        case = store.get_case(self.session, case_id)
        if case is None or not self._is_trusted(case):
            return [self._refuse(ct("unknown_case", self.lang))]
        if verb == "take":
            return self._take(case)
        if not self._is_taker(case):
            return [self._refuse(ct("unknown_case", self.lang))]
        handlers = {"askname": lambda: self._ask_name(case), "reported": lambda: self._reported(case),
                    "close": lambda: self._close(case), "kind": lambda: self._stat_kind(case, value),
                    "outcome": lambda: self._stat_outcome(case, value),
                    # from forms (the Slack Home tab): the conversation so far, an answer typed in a form
                    "history": lambda: self._history(case), "answer": lambda: self._answer(case, self.ctx.msg.text)}
        if verb not in handlers:
            return [self._refuse(ct("unknown_case", self.lang))]
        return handlers[verb]()

    def _command(self, cmd: str, case: Case, text: str) -> list[Reply]:
        if cmd == "/oppakken":
            return self._take(case)
        if not self._is_taker(case):
            if case.state == "open" and case.taken_by is None:
                return [self._say(ct("take_first", self.lang, label=case.label, pseudonym=case.pseudonym))]
            return [self._say(ct("unknown_case", self.lang))]
        if cmd == "/antwoord":
            if not text.strip():
                return [self._say(ct("usage_answer", self.lang))]
            return self._answer(case, text)
        if cmd == "/naam":
            return self._ask_name(case)
        if cmd == "/gemeld":
            return self._reported(case)
        if cmd == "/sluit":
            return self._close(case)
        return self._history(case)  # /gesprek

    # --- authorisation -----------------------------------------------------------------------

    def _is_trusted(self, case: Case) -> bool:
        a = self.ctx.msg.address
        return trusted_role(self.session, case.org, a.platform, a.user) is not None

    def _is_taker(self, case: Case) -> bool:
        return case.taken_by == self.me and self._is_trusted(case)

    def _case_by_ref(self, ref: str) -> Case | None:
        """A case by pseudonym or id, only among the organisations this user is a trusted person of."""
        a = self.ctx.msg.address
        orgs = trusted_orgs(self.session, a.platform, a.user)
        case = store.case_by_pseudonym(self.session, orgs, ref)
        if case is None:
            by_id = store.get_case(self.session, ref.strip())
            case = by_id if by_id is not None and by_id.org in orgs else None
        if case is None or case.state == "draft":
            return None
        return case

    # --- the verbs ---------------------------------------------------------------------------

    def _say(self, text: str, case: Case | None = None, buttons: list[Button] | None = None) -> Reply:
        if case is None:  # still encrypted at rest: lists and refusals name no one, but stay sealed
            return Reply(to=self.ctx.msg.address, text=text, buttons=buttons or [], confidential=True)
        return to_trusted(self.ctx.msg.address, case, text, buttons or [])

    def _refuse(self, text: str) -> Reply:
        """A button that no longer applies (taken by another, closed, not yours): only the presser
        sees it, and it names no case."""
        return Reply(to=self.ctx.msg.address, text=text, confidential=True, ephemeral=True, tag=STALE_BUTTON)

    def _case_buttons(self, case: Case) -> list[Button]:
        return [Button(f"confide:tp:askname:{case.id}", ct("btn_ask_name", self.lang)),
                Button(f"confide:tp:reported:{case.id}", ct("btn_reported", self.lang)),
                Button(f"confide:tp:close:{case.id}", ct("btn_tp_close", self.lang))]

    def _employee(self, case: Case):  # type: ignore[no-untyped-def]
        return store.employee_of(self.session, self.sealer, case)

    def _take(self, case: Case) -> list[Reply]:
        pressed = self.ctx.msg.action is not None  # a refusal of a pressed button is a passing notice
        if case.state != "open":
            text = ct("case_closed", self.lang, label=case.label)
            return [self._refuse(text) if pressed else self._say(text)]
        if case.taken_by == self.me:
            return [self._refuse(ct("already_yours", self.lang)) if pressed
                    else self._say(ct("already_yours", self.lang), case)]
        if not store.try_take(self.session, case.id, self.me, self.now):
            text = ct("already_taken", self.lang, label=case.label)
            return [self._refuse(text) if pressed else self._say(text)]
        case = store.get_case(self.session, case.id)  # type: ignore[assignment]
        role = trusted_role(self.session, case.org, self.ctx.msg.address.platform, self.ctx.msg.address.user)
        out = [self._say(ct("you_took", self.lang, label=case.label, pseudonym=case.pseudonym), case,
                         self._case_buttons(case))]
        waiting = [t for _s, t, _at in store.messages(self.session, self.sealer, case, "employee")]
        out += [self._say(ct("from_employee", self.lang, label=case.label, text=t), case) for t in waiting]
        for other in case.handoff_to:
            if other != self.me:
                out.append(to_trusted(address_of(other), case, ct("taken_by_other", "nl", label=case.label)))
        employee = self._employee(case)
        if employee is not None:
            who = (f"{role.display_name} ({ct('trusted_word', case.lang).lower()})"
                   if role and role.display_name else ct("a_trusted_person", case.lang))
            out.append(to_employee(employee.address, employee, ct("taken", case.lang, who=who), case.lang,
                                   answer=False))
        log.info("confide: a case was taken")
        return out

    def _answer(self, case: Case, text: str) -> list[Reply]:
        if case.state != "open":
            return [self._say(ct("case_closed", self.lang, label=case.label), case)]
        text = clip(text)
        if not text:
            return [self._say(ct("usage_answer", self.lang))]
        employee = self._employee(case)
        if employee is None:
            return [self._say(ct("unknown_case", self.lang))]
        store.add_message(self.session, self.sealer, case, "trusted", text, self.now)
        role = trusted_role(self.session, case.org, self.ctx.msg.address.platform, self.ctx.msg.address.user)
        who = role.display_name if role and role.display_name else ct("trusted_word", case.lang)
        answer = to_employee(employee.address, employee, ct("from_trusted", case.lang, who=who, text=text),
                             case.lang, answer=False)
        answer.on_delivered = [self._say(ct("delivered_to", self.lang, label=case.label), case)]
        answer.on_failed = [self._say(ct("not_delivered_to", self.lang, label=case.label), case)]
        return [answer]

    def _ask_name(self, case: Case) -> list[Reply]:
        employee = self._employee(case)
        if case.state != "open" or employee is None:
            return [self._say(ct("case_closed", self.lang, label=case.label), case)]
        buttons = [Button(f"confide:me:reveal:{employee.token}", ct("btn_reveal", case.lang))]
        request = to_employee(employee.address, employee, ct("name_requested", case.lang), case.lang, buttons,
                              answer=False)
        request.on_delivered = [self._say(ct("name_asked", self.lang), case)]
        request.on_failed = [self._say(ct("not_delivered_to", self.lang, label=case.label), case)]
        return [request]

    def _reported(self, case: Case) -> list[Reply]:
        case.formal_report_at = self.now.date()
        self.session.add(case)
        day = case.formal_report_at.strftime("%d-%m-%Y")
        return [self._say(ct("reported_noted", self.lang, day=day), case)]

    def _close(self, case: Case) -> list[Reply]:
        out: list[Reply] = []
        if case.state == "open":
            case.state, case.closed_at, case.closed_by = "closed", self.now, "trusted"
            self.session.add(case)
            employee = self._employee(case)
            if employee is not None:
                days = self.ctx.services.options.get("retention_days", 365)
                note = ct("closed_by_trusted", case.lang, days=days)
                out.append(to_employee(employee.address, employee, note, case.lang, answer=False))
            out.append(self._say(ct("you_closed", self.lang, label=case.label), case))
        if case.counted_at is None:
            out.append(self.ask_stat_kind(case))
        return out

    def ask_stat_kind(self, case: Case) -> Reply:
        return stat_kind_question(self.ctx.msg.address, case, self.lang)

    def _stat_kind(self, case: Case, kind: str) -> list[Reply]:
        if case.state != "closed" or case.counted_at is not None:
            return [self._recorded(case)]
        if kind in REPORT_TYPES:
            case.kind = kind
            self.session.add(case)
        buttons = [Button(f"confide:tp:outcome:{case.id}:{o}", outcome_label(o, self.lang))
                   for o in STAT_OUTCOMES]
        return [self._say(ct("ask_outcome", self.lang), case, buttons)]

    def _stat_outcome(self, case: Case, outcome: str) -> list[Reply]:
        if case.state != "closed" or outcome not in STAT_OUTCOMES:
            return [self._recorded(case)] if case.counted_at else [self.ask_stat_kind(case)]
        store.count_once(self.session, case, outcome, self.now)
        return [self._recorded(case)]

    def _recorded(self, case: Case) -> Reply:
        if case.counted_at is None:
            return self._say(ct("case_closed", self.lang, label=case.label), case)
        return self._say(ct("stat_done", self.lang, kind=kind_label(case.kind, self.lang),
                            outcome=outcome_label(case.outcome or "unrecorded", self.lang)), case)

    def _history(self, case: Case) -> list[Reply]:
        lines = [ct("history_header", self.lang, label=case.label)]
        for sender, text, _at in store.messages(self.session, self.sealer, case):
            who = case.label if sender == "employee" else ct("you", self.lang)
            lines.append(f"{who}: {text}")
        if len(lines) == 1:
            lines.append(ct("history_empty", self.lang))
        return [self._say("\n".join(lines), case)]

    def _list(self) -> list[Reply]:
        a = self.ctx.msg.address
        orgs = trusted_orgs(self.session, a.platform, a.user)
        if not orgs:
            return [self._say(ct("unknown_case", self.lang))]
        rows: list[str] = []
        buttons: list[Button] = []
        for case in store.open_cases(self.session, orgs):
            if case.taken_by == self.me:
                status = ct("list_mine", self.lang)
            elif case.taken_by is None:
                status = ct("list_waiting", self.lang)
                label = f"{ct('btn_take', self.lang)} {case.pseudonym}"
                buttons.append(Button(f"confide:tp:take:{case.id}", label))
            else:
                status = ct("list_other", self.lang)
            since = (case.handed_off_at or case.created_at).strftime("%d-%m-%Y")
            rows.append(f"• {case.label} – {kind_label(case.kind, self.lang)} – {status} – sinds {since}")
        if not rows:
            return [self._say(ct("list_empty", self.lang))]
        return [self._say("\n".join([ct("list_header", self.lang), *rows]), buttons=buttons)]
