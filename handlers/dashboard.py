"""`/dashboard`: a coordinator or administrator asks for a login link to the coordinator's page.

The link goes only to the platform account the role is registered with (the sender of the
command, checked against the roles), in a direct message, and is valid once for ten minutes.
Anyone else gets a kind refusal that reveals nothing about who is registered.
"""

from __future__ import annotations

import re

from handlers.context import Context
from handlers.types import Address, Reply
from knowledge.phrases import localize
from storage.reminders import roles_of
from storage.web_login import LINK_TTL, WEB_ROLES, issue_link

COMMANDS = ("/dashboard", "dashboard", "/coordinatorpagina")
DEFAULT_URL = "http://127.0.0.1:8080"

T: dict[str, dict[str, str]] = {
    "link": {"nl": "Je inloglink voor de coördinatorpagina van {org}:\n{url}\n"
                   "De link werkt één keer en is {minutes} minuten geldig. Stuur hem niet door.",
             "en": "Your login link for the coordinator's page of {org}:\n{url}\n"
                   "The link works once and is valid for {minutes} minutes. Do not forward it."},
    "no_role": {"nl": "De coördinatorpagina is er voor de integriteitscoördinatoren en beheerders van de "
                      "organisatie. Vraag de beheerder om je als coördinator te registreren.",
                "en": "The coordinator's page is for the organisation's integrity coordinators and "
                      "administrators. Ask the administrator to register you as a coordinator."},
}


class DashboardHandler:
    """Sends a one-time login link to a registered coordinator or administrator."""

    def handle(self, ctx: Context) -> list[Reply] | None:
        if ctx.msg.action or ctx.state.flow:
            return None
        said = re.sub(r"\s+", " ", ctx.msg.text.strip().lower())
        if said not in COMMANDS:
            return None
        addr = ctx.msg.address
        roles = [r for r in roles_of(ctx.session, ctx.msg.org, addr.platform, addr.user) if r.role in WEB_ROLES]
        # Always to the person's direct chat: a link never appears in a channel or group.
        to = Address(addr.platform, addr.user, chat=None if ctx.msg.in_group else addr.chat, team=addr.team)
        if not roles:
            return [Reply(to=to, text=localize(T, "no_role", ctx.lang), ephemeral=True)]
        token = issue_link(ctx.session, roles[0], ctx.lang, ctx.services.clock())
        base = str(ctx.services.options.get("web_base_url") or DEFAULT_URL).rstrip("/")
        org = ctx.services.kb.org(ctx.msg.org).name
        text = localize(T, "link", ctx.lang, org=org, url=f"{base}/login/{token}",
                        minutes=int(LINK_TTL.total_seconds() // 60))
        # Encrypted in the outbox where a key is configured; the database keeps only the token's hash.
        return [Reply(to=to, text=text, confidential=ctx.services.cipher is not None, ephemeral=True,
                      tag="dashboard-link")]
