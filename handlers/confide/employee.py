"""The confidential conversation with a trusted person: start, consent, handoff, relay, reveal, end.

The employee's side lives here; the trusted person's side in confide_trusted.py. The employee's
open case is found from the message alone (a blind index of their platform key), so nothing in
the conversation state or any readable column says who has a case. While a case is open every
text of the employee goes to the trusted person; slash commands steer: /naam, /stop, /verwijder.
"""

from __future__ import annotations

import logging

from handlers.confide.common import clip, contacts_reply, employee_command, to_employee, to_trusted
from handlers.confide.texts import caveat, ct, kind_label
from handlers.confide.trusted import ARG_COMMANDS as TP_ARG_COMMANDS
from handlers.confide.trusted import COMMANDS as TP_COMMANDS
from handlers.confide.trusted import TrustedSide, stat_kind_question, trusted_command, wants
from handlers.context import Context
from handlers.types import Button, Reply
from knowledge.matcher import Analyzed
from knowledge.normalize import detect_language
from knowledge.schema import REPORT_TYPES
from storage import cases as store
from storage.cases import Case, Employee, Sealer
from storage.crypto import Cipher
from storage.roles import address_of, admins, role_key, trusted_persons

log = logging.getLogger(__name__)

START_COMMANDS = ("/vertrouwenspersoon", "/trustedperson")
INTAKE = "confide:intake:"  # + kind: a submitted intake form; the message text is the first message
PASS_ON_COMMANDS = ("/help", "/start", "/hulp", "/herinneringen", "/reminders", "/dashboard")
CLOSE_COMMANDS = ("/stop", "/sluiten", "/sluit", "/einde")
YES = {"ja", "yes", "ok", "oké", "oke", "akkoord", "ja graag", "graag", "prima", "goed", "y", "j"}
NO = {"nee", "no", "stop", "nee dank je", "liever niet", "n", "annuleer", "cancel"}


class ConfideHandler:
    """Owns every message about a confidential case; None for anything else."""

    def __init__(self) -> None:
        self._sealers: dict[int, Sealer] = {}

    def _sealer(self, cipher: Cipher | None) -> Sealer | None:
        if cipher is None:
            return None
        if id(cipher) not in self._sealers:
            self._sealers[id(cipher)] = Sealer(cipher)
        return self._sealers[id(cipher)]

    def handle(self, ctx: Context) -> list[Reply] | None:
        sealer = self._sealer(ctx.services.cipher)
        if ctx.msg.in_group:
            # A channel or group is never part of a confidential conversation; asking for one
            # there starts it, and the transport takes it to the direct chat.
            cmd, _ = employee_command(ctx.msg.text) if not ctx.msg.action else (None, "")
            return self._start(ctx, sealer) if self._is_start(ctx, cmd, ctx.msg.action or "") else None
        if sealer is not None and wants(ctx):
            replies = TrustedSide(ctx, sealer).handle()
            if replies is not None:
                return replies
        cmd, rest = employee_command(ctx.msg.text) if not ctx.msg.action else (None, "")
        action = ctx.msg.action or ""
        if sealer is not None:
            cases = store.cases_of_employee(ctx.session, sealer, ctx.msg.address)
            live = next((c for c in cases if c.state in ("draft", "open")), None)
            if live is not None:
                return EmployeeSide(ctx, sealer, live).handle(cmd, rest)
            typed_slash = ctx.msg.text.strip().startswith("/")
            if action.startswith("confide:me:") or (cmd == "/verwijder" and (typed_slash or cases)) \
                    or (typed_slash and cmd in ("/naam", *CLOSE_COMMANDS) and not rest):
                return EmployeeSide(ctx, sealer, cases[0] if cases else None).handle_closed(cmd, rest)
        elif _is_confide_command(ctx, cmd, rest, action) and not action.startswith(INTAKE):
            # no key: say so, never answer it as a question
            log.warning("a confidential-conversation command came in, but no encryption key is configured")
            return [contacts_reply(ctx, "unavailable", ctx.lang, sealed=False)]
        if action.startswith(INTAKE):
            return self._intake(ctx, sealer, action.removeprefix(INTAKE))
        if self._is_start(ctx, cmd, action):
            return self._start(ctx, sealer)
        return None

    def _intake(self, ctx: Context, sealer: Sealer | None, kind: str) -> list[Reply]:
        """Consent, kind and first message at once, from a form the employee submitted (a Slack
        modal that showed the same explanation as the start of the conversation)."""
        lang = ctx.lang
        if sealer is None:
            return [contacts_reply(ctx, "no_key", lang, sealed=False)]
        if not _available(ctx, ctx.msg.org):
            return [contacts_reply(ctx, "no_trusted", lang, sealed=True)]
        now = ctx.services.clock()
        case, _employee = store.new_case(ctx.session, sealer, ctx.msg.org, ctx.msg.address, lang, now)
        store.record_consent(ctx.session, case, "handoff", now)
        case.kind = kind if kind in REPORT_TYPES else None
        side = EmployeeSide(ctx, sealer, case)
        return side._handoff(side._for_trusted().strip())

    @staticmethod
    def _is_start(ctx: Context, cmd: str | None, action: str) -> bool:
        if action == "confide:start" or cmd in START_COMMANDS:
            return True
        if action or cmd or not ctx.msg.text.strip():
            return False
        kb = ctx.services.kb
        return kb.wants_trusted_person(ctx.msg.text)

    def _start(self, ctx: Context, sealer: Sealer | None) -> list[Reply]:
        lang = ctx.lang
        if ctx.msg.text and not ctx.msg.text.startswith("/"):
            lang = detect_language(Analyzed(ctx.msg.text).words)
        ctx.state.pending = None
        ctx.lang = ctx.state.lang = lang
        if sealer is None:
            log.warning("confidential conversation asked for, but no encryption key is configured")
            return [contacts_reply(ctx, "no_key", lang, sealed=False)]
        if not _available(ctx, ctx.msg.org):
            return [contacts_reply(ctx, "no_trusted", lang, sealed=True)]
        org = ctx.services.kb.org(ctx.msg.org)
        case, employee = store.new_case(ctx.session, sealer, ctx.msg.org, ctx.msg.address, lang,
                                        ctx.services.clock())
        days = ctx.services.options.get("retention_days", 365)
        text = ct("explain", lang, org=org.name, caveat=caveat(ctx.msg.address.platform, lang), days=days)
        if org.confide_note is not None:  # e.g. SamenTwente: which of its trusted persons is for what
            text = f"{org.confide_note.en if lang == 'en' else org.confide_note.nl}\n{text}"
        buttons = [Button(f"confide:me:consent:{employee.token}", ct("btn_yes", lang)),
                   Button(f"confide:me:cancel:{employee.token}", ct("btn_no", lang))]
        return [to_employee(ctx.msg.address, employee, text, lang, buttons)]


def _is_confide_command(ctx: Context, cmd: str | None, rest: str, action: str) -> bool:
    """A button or typed command of the confidential flow (either side), not its start."""
    if action:
        return action.startswith("confide:") and action != "confide:start"
    typed_slash = ctx.msg.text.strip().startswith("/")
    if typed_slash and cmd in ("/naam", "/verwijder", *CLOSE_COMMANDS):
        return True
    tp_cmd, tp_rest = trusted_command(ctx)
    return tp_cmd in TP_COMMANDS or (tp_cmd in TP_ARG_COMMANDS and bool(tp_rest))


def _available(ctx: Context, org: str) -> list[str]:
    """Role keys of the available trusted persons of `org`, never the employee themself."""
    me = role_key(ctx.msg.address.platform, ctx.msg.address.user)
    keys = (role_key(r.platform, r.user_id) for r in trusted_persons(ctx.session, org))
    return [k for k in keys if k != me]


class EmployeeSide:
    """The employee's messages in their draft or open case (or about their last closed one)."""

    def __init__(self, ctx: Context, sealer: Sealer, case: Case | None) -> None:
        self.ctx = ctx
        self.sealer = sealer
        self.case = case
        self.session = ctx.session
        self.now = ctx.services.clock()
        self.employee: Employee | None = store.employee_of(ctx.session, sealer, case) if case else None
        self.lang = case.lang if case else ctx.lang

    def _say(self, text: str, buttons: list[Button] | None = None) -> Reply:
        return to_employee(self.ctx.msg.address, self.employee, text, self.lang, buttons or [])

    def _button(self, verb: str, label_key: str, value: str = "", label: str | None = None) -> Button:
        assert self.employee is not None
        suffix = f":{value}" if value else ""
        return Button(f"confide:me:{verb}:{self.employee.token}{suffix}", label or ct(label_key, self.lang))

    def _open_buttons(self) -> list[Button]:
        return [self._button("reveal", "btn_reveal"), self._button("close", "btn_close"),
                self._button("delete", "btn_delete")]

    def _days(self) -> object:
        return self.ctx.services.options.get("retention_days", 365)

    # --- entry -------------------------------------------------------------------------------

    def handle(self, cmd: str | None, rest: str) -> list[Reply] | None:
        assert self.case is not None and self.employee is not None
        action = self.ctx.msg.action
        if action and not action.startswith("confide:"):
            return None  # a button of an ordinary answer: the other handlers take it
        if action:
            return self._action(action)
        if cmd == "/verwijder":
            return self._delete() if rest.lower() in ("ja", "yes") else self._ask_delete()
        if self.case.state == "draft":
            return self._draft_text(cmd)
        if cmd in CLOSE_COMMANDS and not rest:
            return self._close()
        if cmd == "/naam" and not rest:
            return self._ask_reveal()
        if cmd in START_COMMANDS:
            return [self._say(ct("already_open", self.lang, label=self.case.label), self._open_buttons())]
        if cmd in PASS_ON_COMMANDS or not self.ctx.msg.text.strip():
            return None  # help and empty messages are not for the trusted person
        return self._relay(self._for_trusted())

    def _for_trusted(self) -> str:
        """What the trusted person reads: colleagues the employee named keep their names."""
        return self.ctx.msg.named_text or self.ctx.msg.text

    def handle_closed(self, cmd: str | None, rest: str) -> list[Reply]:
        """Commands and old buttons when the employee has no live case (perhaps a closed one)."""
        action = self.ctx.msg.action or ""
        verb, token = (action.split(":") + ["", "", "", ""])[2:4]
        if self.case is None or self.employee is None:
            return [self._say(ct("no_case", self.lang))]
        if action and token != self.employee.token:
            return [self._say(ct("no_case", self.lang))]
        if cmd == "/verwijder" and rest.lower() in ("ja", "yes") or verb == "deleteyes":
            return self._delete()
        if cmd == "/verwijder" or verb == "delete":
            return self._ask_delete()
        if verb in ("deleteno",):
            return [self._say(ct("delete_kept", self.lang))]
        return [self._say(ct("no_case", self.lang))]

    def _action(self, action: str) -> list[Reply]:
        assert self.case is not None and self.employee is not None
        parts = action.split(":")  # confide:me:<verb>:<token>[:<value>]
        verb, token, value = (parts[2:] + ["", "", ""])[:3]
        if action == "confide:start":
            if self.case.state == "draft":
                return self._restart_draft()
            return [self._say(ct("already_open", self.lang, label=self.case.label), self._open_buttons())]
        if not action.startswith("confide:me:") or token != self.employee.token:
            return [self._prompt()]
        if verb == "cancel":
            return self._cancel()
        if verb in ("delete", "deleteyes", "deleteno"):
            return {"delete": self._ask_delete, "deleteyes": self._delete,
                    "deleteno": lambda: [self._say(ct("delete_kept", self.lang))]}[verb]()
        if self.case.state == "draft":
            return self._draft_action(verb, value)
        steps = {"reveal": self._ask_reveal, "revealyes": self._reveal, "close": self._close,
                 "revealno": lambda: [self._say(ct("reveal_kept", self.lang))]}
        if verb in steps:
            return steps[verb]()
        return [self._prompt()]

    def _prompt(self) -> Reply:
        """What the employee can do now: the open question of the draft, or the open-case help."""
        assert self.case is not None
        if self.case.state == "open":
            return self._say(ct("already_open", self.lang, label=self.case.label), self._open_buttons())
        return {"kind": self._ask_kind, "message": self._ask_message}.get(self.case.step or "",
                                                                         self._consent_again)()

    # --- the draft: consent, kind, first message ---------------------------------------------

    def _consent_again(self) -> Reply:
        return self._say(ct("consent_again", self.lang),
                         [self._button("consent", "btn_yes"), self._button("cancel", "btn_no")])

    def _restart_draft(self) -> list[Reply]:
        assert self.case is not None
        self.case.step = "consent"
        self.session.add(self.case)
        return [self._consent_again()]

    def _draft_text(self, cmd: str | None) -> list[Reply]:
        assert self.case is not None
        text = self.ctx.msg.text.strip()
        low = text.lower().strip(" .!")
        if cmd in CLOSE_COMMANDS or (self.case.step == "consent" and low in NO):
            return self._cancel()
        if cmd in START_COMMANDS:
            return self._restart_draft()
        if self.case.step == "consent":
            return self._consent() if low in YES else [self._consent_again()]
        if cmd is not None:
            return [self._prompt()]
        return self._handoff(self._for_trusted().strip())  # a text at the kind or message step is the first message

    def _draft_action(self, verb: str, value: str) -> list[Reply]:
        assert self.case is not None
        if verb == "consent" and self.case.step == "consent":
            return self._consent()
        if verb == "kind" and self.case.step == "kind":
            self.case.kind = value if value in REPORT_TYPES else None
            self.case.step = "message"
            self.session.add(self.case)
            return [self._ask_message()]
        if verb == "nomessage" and self.case.step in ("kind", "message"):
            return self._handoff("")
        return [self._prompt()]

    def _consent(self) -> list[Reply]:
        assert self.case is not None
        store.record_consent(self.session, self.case, "handoff", self.now)
        self.case.step = "kind"
        self.session.add(self.case)
        return [self._ask_kind()]

    def _ask_kind(self) -> Reply:
        buttons = [self._button("kind", "", k, kind_label(k, self.lang)) for k in REPORT_TYPES]
        buttons.append(self._button("kind", "btn_skip_kind", "none"))
        return self._say(ct("ask_kind", self.lang), buttons)

    def _ask_message(self) -> Reply:
        return self._say(ct("ask_message", self.lang), [self._button("nomessage", "btn_no_message")])

    def _cancel(self) -> list[Reply]:
        assert self.case is not None
        store.erase(self.session, self.sealer, self.case)
        self.employee = None
        return [self._say(ct("cancelled", self.lang))]

    def _handoff(self, first: str) -> list[Reply]:
        assert self.case is not None and self.employee is not None
        case = self.case
        targets = _available(self.ctx, case.org)
        if not targets:
            store.erase(self.session, self.sealer, case)
            return [contacts_reply(self.ctx, "no_trusted", self.lang, sealed=True)]
        first = clip(first)
        case.state, case.step, case.handed_off_at, case.handoff_to = "open", None, self.now, targets
        if first:
            store.add_message(self.session, self.sealer, case, "employee", first, self.now)
        self.session.add(case)
        org_name = self.ctx.services.kb.org(case.org).name
        # No content in the handoff: it reaches every available trusted person, and only the one
        # who takes the case reads the messages (so an erase has only that one copy to reach).
        text = ct("handoff", "nl", label=case.label, org=org_name, kind=kind_label(case.kind, "nl"),
                  first=ct("first_waits" if first else "no_first", "nl"), pseudonym=case.pseudonym)
        take = [Button(f"confide:tp:take:{case.id}", ct("btn_take", "nl"))]
        # Honest receipts: "afgeleverd" once the first trusted person's platform accepted it; if
        # none can be reached, the employee gets the direct contacts and the administrator a warning.
        delivered = self._say(ct("handed_off", self.lang, org=org_name))
        failed = contacts_reply(self.ctx, "handoff_failed", self.lang, sealed=True, employee=self.employee,
                                org_slug=case.org)
        warn = [Reply(to=address_of(role_key(a.platform, a.user_id)),
                      text=ct("admin_handoff_failed", "nl", org=org_name, slug=case.org))
                for a in admins(self.session, case.org)]
        out = []
        for k in targets:
            handoff = to_trusted(address_of(k), case, text, take, handoff=True)
            handoff.group, handoff.on_delivered, handoff.on_failed = f"handoff:{case.id}", [delivered], [failed, *warn]
            out.append(handoff)
        out.append(self._say(ct("handing_off", self.lang, org=org_name, label=case.label),
                             self._open_buttons()))
        log.info("confide: a case was handed off to %d trusted person(s)", len(targets))
        return out

    # --- the open case -----------------------------------------------------------------------

    def _taker(self) -> str | None:
        return self.case.taken_by if self.case else None

    def _relay(self, text: str) -> list[Reply]:
        assert self.case is not None
        text = clip(text)
        store.add_message(self.session, self.sealer, self.case, "employee", text, self.now)
        taker = self._taker()
        if taker is None:
            return [self._say(ct("queued", self.lang))]
        relayed = ct("from_employee", "nl", label=self.case.label, text=text)
        to_tp = to_trusted(address_of(taker), self.case, relayed)
        to_tp.on_delivered = [self._say(ct("delivered", self.lang))]  # only once the platform took it
        to_tp.on_failed = [contacts_reply(self.ctx, "relay_failed", self.lang, sealed=True,
                                          employee=self.employee, org_slug=self.case.org)]
        return [to_tp]

    def _name(self) -> str:
        msg = self.ctx.msg
        if msg.display_name and msg.display_name.strip():
            return msg.display_name.strip()
        platform = msg.address.platform
        return f"{platform[:1].upper()}{platform[1:]}-gebruiker {msg.address.user}"

    def _ask_reveal(self) -> list[Reply]:
        if self._taker() is None:
            return [self._say(ct("reveal_wait", self.lang))]
        buttons = [self._button("revealyes", "btn_reveal_yes"), self._button("revealno", "btn_cancel")]
        return [self._say(ct("reveal_confirm", self.lang, name=self._name()), buttons)]

    def _reveal(self) -> list[Reply]:
        assert self.case is not None
        taker = self._taker()
        if taker is None:
            return [self._say(ct("reveal_wait", self.lang))]
        store.record_consent(self.session, self.case, "reveal", self.now)
        self.case.revealed_at = self.now
        self.session.add(self.case)
        revealed = ct("revealed", "nl", label=self.case.label, name=self._name())
        to_tp = to_trusted(address_of(taker), self.case, revealed)
        to_tp.on_delivered = [self._say(ct("reveal_done", self.lang))]
        to_tp.on_failed = [contacts_reply(self.ctx, "relay_failed", self.lang, sealed=True,
                                          employee=self.employee, org_slug=self.case.org)]
        return [to_tp]

    def _close(self) -> list[Reply]:
        assert self.case is not None
        case = self.case
        case.state, case.closed_at, case.closed_by = "closed", self.now, "employee"
        self.session.add(case)
        out: list[Reply] = []
        if case.taken_by:
            tp = address_of(case.taken_by)
            out += [to_trusted(tp, case, ct("employee_closed", "nl", label=case.label)),
                    stat_kind_question(tp, case)]
        else:
            store.count_once(self.session, case, "withdrawn", self.now)
            out += [to_trusted(address_of(k), case, ct("employee_withdrew", "nl", label=case.label))
                    for k in case.handoff_to]
        out.append(self._say(ct("closed_by_employee", self.lang, days=self._days()),
                             [self._button("delete", "btn_delete")]))
        return out

    def _ask_delete(self) -> list[Reply]:
        buttons = [self._button("deleteyes", "btn_delete_yes"), self._button("deleteno", "btn_cancel")]
        return [self._say(ct("delete_confirm", self.lang), buttons)]

    def _delete(self) -> list[Reply]:
        """Erase at once: content and the link to the employee go; one anonymous count stays."""
        assert self.case is not None
        case = self.case
        store.count_once(self.session, case, "withdrawn", self.now)
        notify = [case.taken_by] if case.taken_by else (case.handoff_to if case.state == "open" else [])
        key = "employee_deleted" if case.taken_by else "employee_withdrew"
        out = [to_trusted(address_of(k), case, ct(key, "nl", label=case.label), tagged=False) for k in notify]
        store.erase(self.session, self.sealer, case)
        self.employee = None
        log.info("confide: a case was erased at the employee's request")
        out.append(self._say(ct("deleted", self.lang)))
        return out
