"""The App Home tab: what the bot does, buttons to ask and to talk confidentially, and a person's work.

Everyone sees how to ask, the trusted persons, where to report and what is kept (privacy).
A registered trusted person also sees the open confidential conversations of their
organisations with buttons to take, read, answer and close them; a coordinator sees their
reminders and the ones waiting to be done. So nobody needs a typed command. Texts follow the
user's Slack language (Dutch unless their Slack is English).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.slack.blocks import Block, context, escape, header, section
from handlers.confide.texts import ct, kind_label
from handlers.reminders.schedule import fmt_date
from handlers.reminders.texts import action_buttons, reminder_title
from handlers.types import Button
from knowledge.engine import KnowledgeBase
from knowledge.evaluate import contact_lines, t
from knowledge.phrases import phrase
from knowledge.schema import REPORT_TYPES, Contact
from storage import cases as case_store
from storage.db import session_scope
from storage.models import RoleAssignment
from storage.reminders import Reminder, ReminderDelivery
from storage.roles import role_key, trusted_orgs

PLATFORM = "slack"
ASK, CONFIDE, ANSWER = "home:ask", "home:confide", "home:answer:"  # button values app.py opens modals for
MAX_HOME_BLOCKS = 100

TEXTS: dict[str, dict[str, str]] = {
    "intro": {
        "nl": ("Ik ben de Integriteitsbot van *{org}*. Ik beantwoord vragen over integriteit op het werk uit de "
               "eigen documenten van {org}, met een verkeerslicht (🟢 mag, 🟠 overleg eerst, 🔴 niet doen, "
               "⚪ niet geregeld) en altijd met de bron. Ik wijs je de weg als je iets wilt melden, en ik breng "
               "je vertrouwelijk in contact met een vertrouwenspersoon."),
        "en": ("I am the Integrity bot of *{org}*. I answer questions about integrity at work from {org}'s own "
               "documents, with a traffic light (🟢 allowed, 🟠 ask first, 🔴 don't, ⚪ not regulated) and "
               "always with the source. I show you the way when you want to report something, and I put you "
               "in touch with a trusted person, confidentially."),
    },
    "btn_ask": {"nl": "Stel een vraag", "en": "Ask a question"},
    "btn_confide": {"nl": "Praat vertrouwelijk met een vertrouwenspersoon",
                    "en": "Talk confidentially to a trusted person"},
    "how": {
        "nl": ("*Zo stel je je vraag*\n"
               "• Druk op *Stel een vraag* hierboven, of stuur me een direct bericht (tab *Berichten*).\n"
               "• Typ `/integriteit` met je vraag, in elk kanaal: alleen jij ziet het antwoord.\n"
               "• Noem @Integriteitsbot in een kanaal: dan antwoord ik in een draadje. Over persoonlijke "
               "zaken praat ik niet in een kanaal; dan stuur ik je een direct bericht."),
        "en": ("*How to ask*\n"
               "• Press *Ask a question* above, or send me a direct message (tab *Messages*).\n"
               "• Type `/integriteit` with your question, in any channel: only you see the answer.\n"
               "• Mention @Integriteitsbot in a channel: I answer in a thread. I do not discuss personal "
               "matters in a channel; then I send you a direct message."),
    },
    "examples": {
        "nl": ("*Voorbeeldvragen*\n"
               "• Mag ik een fles wijn van € 25 van een leverancier aannemen?\n"
               "• Moet ik mijn bijbaan melden?\n"
               "• Mag ik op Facebook iets zeggen over een besluit van de gemeente?\n"
               "• Een collega maakt steeds grappen ten koste van mij. Bij wie kan ik terecht?\n"
               "• Waar meld ik een vermoeden van fraude?"),
        "en": ("*Example questions*\n"
               "• May I accept a bottle of wine worth € 25 from a supplier?\n"
               "• Do I have to report my side job?\n"
               "• May I say something on Facebook about a decision of the municipality?\n"
               "• A colleague keeps making jokes at my expense. Who can I turn to?\n"
               "• Where do I report a suspicion of fraud?"),
    },
    "privacy": {
        "nl": ("*Privacy*\n"
               "• Ik bewaar je vragen niet. Wat ik wel bewaar: de vervolgvraag die nog openstaat (bijvoorbeeld "
               "de waarde van een cadeau), de antwoorden die ik je stuur, en kenmerken van Slack-berichten om "
               "dubbele berichten te herkennen (zonder inhoud).\n"
               "• In een vertrouwelijk gesprek ziet de vertrouwenspersoon een schuilnaam; je naam alleen als je "
               "daar zelf voor kiest. Van je Slack-profiel lees ik alleen de taal (voor deze tab), niet je naam. "
               "Wat je schrijft, wordt versleuteld opgeslagen "
               "en na het afsluiten volgens de bewaartermijn ({days} dagen) gewist; met de knop *Alles wissen* "
               "gaat het meteen.\n"
               "• Slack bewaart de berichten in dit gesprek volgens de bewaartermijnen van je werkplek.\n"
               "• Wat je in een kanaal vraagt, ziet iedereen in dat kanaal."),
        "en": ("*Privacy*\n"
               "• I do not keep your questions. What I do keep: a follow-up question still open (such as the "
               "value of a gift), the answers I send you, and markers of Slack messages to recognise duplicates "
               "(without content).\n"
               "• In a confidential conversation the trusted person sees a pseudonym; your name only if you "
               "choose so. Of your Slack profile I only read its language (for this tab), not your name. "
               "What you write is stored encrypted and erased after "
               "the conversation is closed, after the retention period ({days} days); the button *Erase "
               "everything* does it at once.\n"
               "• Slack keeps the messages of this conversation according to your workspace's retention.\n"
               "• What you ask in a channel, everyone in that channel sees."),
    },
    "trusted_head": {"nl": "*Vertrouwenspersonen*", "en": "*Trusted persons*"},
    "trusted_intro": {"nl": ("Een vertrouwenspersoon luistert, denkt vertrouwelijk met je mee en vertelt niets "
                             "door zonder jouw toestemming."),
                      "en": ("A trusted person listens, thinks along with you confidentially and passes nothing "
                             "on without your consent.")},
    "on_slack": {"nl": "Op Slack", "en": "On Slack"},
    "no_trusted": {"nl": ("De documenten van je organisatie noemen geen vertrouwenspersoon; "
                          "vraag je leidinggevende of P&O."),
                   "en": ("Your organisation's documents name no trusted person; "
                          "ask your manager or HR.")},
    "routes_head": {"nl": "*Waar meld je wat* (in deze volgorde)", "en": "*Where to report what* (in this order)"},
    "sources": {"nl": "📄 Bronnen", "en": "📄 Sources"},
    "cases_head": {"nl": "*Jouw vertrouwelijke gesprekken*", "en": "*Your confidential conversations*"},
    "cases_none": {"nl": "Er staan geen open gesprekken voor je klaar.", "en": "No open conversations are waiting."},
    "btn_history": {"nl": "Lees het gesprek", "en": "Read the conversation"},
    "btn_answer": {"nl": "Antwoorden", "en": "Answer"},
    "since": {"nl": "sinds", "en": "since"},
    "reminders_head": {"nl": "*Je herinneringen*", "en": "*Your reminders*"},
    "reminder_next": {"nl": "volgende: {when}", "en": "next: {when}"},
    "reminder_open": {"nl": "⏰ Nog te doen: {title} (sinds {when})", "en": "⏰ To do: {title} (since {when})"},
}


def ht(key: str, lang: str, **fmt: object) -> str:
    entry = TEXTS[key]
    value = entry.get(lang) or entry["nl"]
    return value.format(**fmt) if fmt else value


def _buttons(items: list[Button], block_id: str | None = None) -> Block:
    """A row of Home buttons; values come back to app.py like any button of the bot."""
    row: Block = {"type": "actions", "elements": [
        {"type": "button", "action_id": f"itb-home-{i}", "value": b.id[:2000],
         "text": {"type": "plain_text", "text": b.label[:75], "emoji": True}} for i, b in enumerate(items[:25])]}
    if block_id:
        row["block_id"] = block_id
    return row


def home_view(kb: KnowledgeBase, engine: Engine, org_slug: str, retention_days: int = 365,
              user: str | None = None, lang: str = "nl") -> dict[str, Any]:
    """The view for views.publish, for `user` (their cases and reminders when they have a role)."""
    lang = lang if lang in ("nl", "en") else "nl"
    org = kb.org(org_slug)
    blocks: list[Block] = [header(f"Integriteitsbot – {org.name}")]
    blocks += section(ht("intro", lang, org=escape(org.name)))
    blocks.append(_buttons([Button(ASK, ht("btn_ask", lang)), Button(CONFIDE, ht("btn_confide", lang))]))
    if user:
        blocks += _work(kb, engine, user, lang)
    blocks += section(ht("how", lang))
    blocks += section(ht("examples", lang))
    blocks.append({"type": "divider"})
    blocks += section(_trusted_persons(kb, engine, org_slug, lang))
    routes = _routes(kb, org_slug, lang)
    if routes:
        blocks.append({"type": "divider"})
        blocks += section(routes)
    blocks.append({"type": "divider"})
    blocks += section(ht("privacy", lang, days=retention_days))
    docs = "; ".join(escape(t(d.title, lang) if isinstance(d.title, dict) else d.title) for d in org.documents)
    blocks.append(context(f"{ht('sources', lang)}: {docs}"))
    if len(blocks) > MAX_HOME_BLOCKS:
        blocks = blocks[:MAX_HOME_BLOCKS - 1] + blocks[-1:]
    return {"type": "home", "blocks": blocks}


def _work(kb: KnowledgeBase, engine: Engine, user: str, lang: str) -> list[Block]:
    """The trusted person's open cases and the coordinator's reminders, with their buttons."""
    blocks: list[Block] = []
    with session_scope(engine) as session:
        orgs = trusted_orgs(session, PLATFORM, user)
        if orgs:
            blocks.append({"type": "divider"})
            blocks += section(ht("cases_head", lang))
            me = role_key(PLATFORM, user)
            shown = 0
            for case in case_store.open_cases(session, orgs):
                if case.taken_by not in (None, me):
                    continue
                shown += 1
                since = (case.handed_off_at or case.created_at).strftime("%d-%m-%Y")
                status = ct("list_mine" if case.taken_by == me else "list_waiting", lang)
                blocks += section(f"*{escape(case.label)}* – {escape(kind_label(case.kind, lang))} – "
                                  f"{escape(status)} – {ht('since', lang)} {since}")
                if case.taken_by is None:
                    buttons = [Button(f"confide:tp:take:{case.id}", ct("btn_take", lang))]
                else:
                    buttons = [Button(f"confide:tp:history:{case.id}", ht("btn_history", lang)),
                               Button(f"{ANSWER}{case.id}", ht("btn_answer", lang)),
                               Button(f"confide:tp:askname:{case.id}", ct("btn_ask_name", lang)),
                               Button(f"confide:tp:close:{case.id}", ct("btn_tp_close", lang))]
                blocks.append(_buttons(buttons))
                if shown >= 15:  # the Home tab has room for 100 blocks
                    break
            if not shown:
                blocks.append(context(ht("cases_none", lang)))
        reminders = list(session.execute(select(Reminder).where(
            Reminder.platform == PLATFORM, Reminder.user_id == user, Reminder.active.is_(True))  # type: ignore[attr-defined]
            .order_by(Reminder.next_due_at)).scalars())
        if reminders:
            blocks.append({"type": "divider"})
            lines = [ht("reminders_head", lang)]
            for r in reminders[:10]:
                title = reminder_title(r.kind, r.key, kb.org(r.org), lang) if r.org in kb.organisations else r.key
                when = ht("reminder_next", lang, when=fmt_date(r.next_due_at, lang)) if r.next_due_at else ""
                lines.append(f"• {escape(title)}" + (f" – {when}" if when else ""))
            blocks += section("\n".join(lines))
            open_ones = session.execute(select(ReminderDelivery, Reminder).join(
                Reminder, Reminder.id == ReminderDelivery.reminder_id).where(  # type: ignore[arg-type]
                Reminder.platform == PLATFORM, Reminder.user_id == user,
                ReminderDelivery.status == "delivered", ReminderDelivery.done_at.is_(None))  # type: ignore[union-attr]
                .order_by(ReminderDelivery.due_at)).all()
            for d, r in open_ones[:5]:
                title = reminder_title(r.kind, r.key, kb.org(r.org), lang) if r.org in kb.organisations else r.key
                blocks += section(ht("reminder_open", lang, title=escape(title),
                                     when=fmt_date(d.due_at, lang, with_time=False)))
                blocks.append(_buttons(action_buttons(int(d.id or 0), lang)))
    return blocks


def _contact_text(c: Contact, lang: str) -> str:
    parts = [p for p in (c.name, c.phone, c.email, c.url) if p]
    line = f"👤 *{escape(t(c.label, lang))}*" + (f": {escape(', '.join(parts))}" if parts else "")
    if c.note:
        line += f"\n      _{escape(t(c.note, lang))}_"
    return line


def _trusted_persons(kb: KnowledgeBase, engine: Engine, org_slug: str, lang: str) -> str:
    org = kb.org(org_slug)
    lines = [ht("trusted_head", lang), ht("trusted_intro", lang)]
    contacts = [c for c in org.contacts if c.channel == "trusted_person"]
    if not contacts and kb.national:
        contacts = [c for c in kb.national.contacts if c.channel == "trusted_person"]
    lines += [_contact_text(c, lang) for c in contacts]
    with session_scope(engine) as session:
        on_slack = session.execute(select(RoleAssignment.user_id).where(
            RoleAssignment.org == org_slug, RoleAssignment.role == "trusted_person",
            RoleAssignment.platform == PLATFORM, RoleAssignment.available.is_(True))).scalars().all()  # type: ignore[attr-defined]
    if on_slack:
        lines.append(f"{ht('on_slack', lang)}: " + ", ".join(f"<@{u}>" for u in on_slack))
    if len(lines) == 2:
        lines.append(escape(ht("no_trusted", lang)))
    return "\n".join(lines)


def _routes(kb: KnowledgeBase, org_slug: str, lang: str) -> str:
    org = kb.org(org_slug)
    lines = []
    for report_type in REPORT_TYPES:
        route = org.routes.get(report_type)
        if route is None:
            continue
        contacts = contact_lines(org, kb.national, list(route.channels), lang, limit=len(route.channels))
        order = " → ".join(escape(c.label) for c in contacts) or "–"
        lines.append(f"• *{escape(phrase(report_type, lang))}*: {order}")
    return ht("routes_head", lang) + "\n" + "\n".join(lines) if lines else ""
