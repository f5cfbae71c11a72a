"""The App Home tab: what the bot does, how to ask, the trusted persons, where to report, privacy.

Everything organisation-specific comes from the knowledge base (contacts and routes) and the
role assignments on Slack; the fixed texts are here because they describe the Slack app.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.slack.blocks import Block, context, escape, header, section
from knowledge.engine import KnowledgeBase
from knowledge.evaluate import contact_lines, t
from knowledge.phrases import phrase
from knowledge.schema import REPORT_TYPES, Contact
from storage.db import session_scope
from storage.models import RoleAssignment

INTRO = ("Ik ben de Integriteitsbot van *{org}*. Ik beantwoord vragen over integriteit op het werk uit de "
         "eigen documenten van {org}, met een verkeerslicht (🟢 mag, 🟠 overleg eerst, 🔴 niet doen, "
         "⚪ niet geregeld) en altijd met de bron. Ik wijs je de weg als je iets wilt melden, en ik breng "
         "je vertrouwelijk in contact met een vertrouwenspersoon.")
HOW = ("*Zo stel je je vraag*\n"
       "• Stuur me een direct bericht (tab *Berichten* hierboven).\n"
       "• Typ `/integriteit` met je vraag, in elk kanaal: alleen jij ziet het antwoord.\n"
       "• Noem @Integriteitsbot in een kanaal: dan ziet het kanaal het antwoord. Over persoonlijke "
       "zaken praat ik niet in een kanaal; dan stuur ik je een direct bericht.")
EXAMPLES = ("*Voorbeeldvragen*\n"
            "• Mag ik een fles wijn van € 25 van een leverancier aannemen?\n"
            "• Moet ik mijn bijbaan melden?\n"
            "• Mag ik op Facebook iets zeggen over een besluit van de gemeente?\n"
            "• Een collega maakt steeds grappen ten koste van mij. Bij wie kan ik terecht?\n"
            "• Waar meld ik een vermoeden van fraude?\n"
            "• Ik wil vertrouwelijk praten met een vertrouwenspersoon.")
PRIVACY = ("*Privacy*\n"
           "• Ik bewaar je vragen niet. Wat ik wel bewaar: de vervolgvraag die nog openstaat (bijvoorbeeld "
           "de waarde van een cadeau), de antwoorden die ik je stuur, en kenmerken van Slack-berichten om "
           "dubbele berichten te herkennen (zonder inhoud).\n"
           "• In een vertrouwelijk gesprek ziet de vertrouwenspersoon een schuilnaam; je naam alleen als je "
           "daar zelf voor kiest. Ik lees je Slack-profiel niet. Wat je schrijft, wordt versleuteld opgeslagen "
           "en na het afsluiten volgens de bewaartermijn ({days} dagen) gewist; typ verwijder in ons "
           "gesprek om het meteen te wissen.\n"
           "• Slack bewaart de berichten in dit gesprek volgens de bewaartermijnen van je werkplek.\n"
           "• Wat je in een kanaal vraagt, ziet iedereen in dat kanaal.")


def home_view(kb: KnowledgeBase, engine: Engine, org_slug: str, retention_days: int = 365) -> dict[str, Any]:
    """The view for views.publish."""
    org = kb.org(org_slug)
    blocks: list[Block] = [header(f"Integriteitsbot – {org.name}")]
    blocks += section(INTRO.format(org=escape(org.name)))
    blocks += section(HOW)
    blocks += section(EXAMPLES)
    blocks.append({"type": "divider"})
    blocks += section(_trusted_persons(kb, engine, org_slug))
    routes = _routes(kb, org_slug)
    if routes:
        blocks.append({"type": "divider"})
        blocks += section(routes)
    blocks.append({"type": "divider"})
    blocks += section(PRIVACY.format(days=retention_days))
    docs = "; ".join(escape(d.title) for d in org.documents)
    blocks.append(context(f"📄 Bronnen: {docs}"))
    return {"type": "home", "blocks": blocks[:100]}


def _contact_text(c: Contact) -> str:
    parts = [p for p in (c.name, c.phone, c.email, c.url) if p]
    line = f"👤 *{escape(t(c.label, 'nl'))}*" + (f": {escape(', '.join(parts))}" if parts else "")
    if c.note:
        line += f"\n      _{escape(t(c.note, 'nl'))}_"
    return line


def _trusted_persons(kb: KnowledgeBase, engine: Engine, org_slug: str) -> str:
    org = kb.org(org_slug)
    lines = ["*Vertrouwenspersonen*",
             "Een vertrouwenspersoon luistert, denkt vertrouwelijk met je mee en vertelt niets door "
             "zonder jouw toestemming."]
    contacts = [c for c in org.contacts if c.channel == "trusted_person"]
    if not contacts and kb.national:
        contacts = [c for c in kb.national.contacts if c.channel == "trusted_person"]
    lines += [_contact_text(c) for c in contacts]
    with session_scope(engine) as session:
        on_slack = session.execute(select(RoleAssignment.user_id).where(
            RoleAssignment.org == org_slug, RoleAssignment.role == "trusted_person",
            RoleAssignment.platform == "slack", RoleAssignment.available.is_(True))).scalars().all()  # type: ignore[attr-defined]
    if on_slack:
        lines.append("Op Slack: " + ", ".join(f"<@{u}>" for u in on_slack))
    if len(lines) == 2:
        lines.append("De documenten van je organisatie noemen geen vertrouwenspersoon; "
                     "vraag je leidinggevende of P&O.")
    return "\n".join(lines)


def _routes(kb: KnowledgeBase, org_slug: str) -> str:
    org = kb.org(org_slug)
    lines = []
    for report_type in REPORT_TYPES:
        route = org.routes.get(report_type)
        if route is None:
            continue
        contacts = contact_lines(org, kb.national, list(route.channels), "nl", limit=len(route.channels))
        order = " → ".join(escape(c.label) for c in contacts) or "–"
        lines.append(f"• *{escape(phrase(report_type, 'nl'))}*: {order}")
    return "*Waar meld je wat* (in deze volgorde)\n" + "\n".join(lines) if lines else ""
