"""The Teams SDK App and the one listener: verify (SDK), remember the sender, normalise, hand to the core.

The listener runs before the HTTP answer is sent: the core only stores replies in the outbox
(milliseconds), the outbox thread sends them. So the Bot Connector gets its 200 quickly and a
reply is never lost when Teams is slow or down. Every request's Bot Framework token is checked
by the SDK against the OpenID keys (`TEAMS_OPENID_METADATA_URL`); without a valid one: 401.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from dataclasses import dataclass, field
from typing import Any

from bot.teams import normalize
from bot.teams.credentials import BotTokenProvider
from bot.teams.outbox_loop import OutboxLoop
from bot.teams.sender import TeamsSender, is_private
from bot.teams.settings import TeamsSettings
from bot.teams.texts import MY_ID_WORDS, teams_text
from handlers.dispatcher import Core
from handlers.types import Address, IncomingMessage, Reply
from storage import teams as refs
from storage.db import session_scope
from storage.events import claim_event, event_seen
from storage.keys import keyring_of
from storage.outbox import enqueue, tag_of_sent_message

with warnings.catch_warnings():  # the SDK announces its preview features on import
    warnings.simplefilter("ignore")
    from microsoft_teams.api.auth.cloud_environment import PUBLIC, with_overrides
    from microsoft_teams.apps import App

log = logging.getLogger(__name__)


@dataclass
class TeamsBot:
    """What runs the Teams transport: the SDK app, its sender and the outbox loop (set once running)."""

    app: Any
    core: Core
    settings: TeamsSettings
    default_org: str | None
    sender: TeamsSender | None = None
    loop: OutboxLoop | None = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)

    def org_of(self, tenant: str | None) -> str | None:
        """The organisation of a tenant: the administrator's mapping, else TEAMS_ORG, else none."""
        with session_scope(self.core.services.engine) as session:
            mapped = refs.tenant_org(session, tenant)
        return mapped or self.default_org

    def start_sending(self, loop: asyncio.AbstractEventLoop) -> None:
        """Create the sender on the running event loop and start the outbox thread."""
        services = self.core.services
        self.sender = TeamsSender(self.app, loop, services.engine, services.cipher)
        self.loop = OutboxLoop(self.sender, self.settings.outbox_interval)
        self.loop.start()

    def stop_sending(self) -> None:
        if self.loop is not None:
            self.loop.stop()


def cloud_of(settings: TeamsSettings) -> Any:
    """Microsoft's endpoints as configured (the public cloud by default, a local fake in tests)."""
    return with_overrides(PUBLIC, login_endpoint=settings.login_url.rstrip("/"),
                          openid_metadata_url=settings.openid_metadata_url, token_issuer=settings.token_issuer,
                          bot_scope=settings.bot_scope, login_tenant=settings.token_tenant())


def build_teams(core: Core, settings: TeamsSettings, adapter: Any) -> TeamsBot:
    """The SDK app with its listener; makes no network call (tokens and keys are fetched when needed)."""
    app = App(client_id=settings.app_id, token=BotTokenProvider(settings), tenant_id=settings.tenant_id or None,
              cloud=cloud_of(settings), http_server_adapter=adapter, messaging_endpoint=settings.path,
              state=False, telemetry={"agent365": False})
    bot = TeamsBot(app=app, core=core, settings=settings, default_org=settings.org or None)

    async def on_activity(ctx: Any) -> None:
        activity = ctx.activity.model_dump(by_alias=True, exclude_none=True, mode="json")
        await asyncio.to_thread(handle_activity, bot, activity)

    app.on_activity(on_activity)
    return bot


def handle_activity(bot: TeamsBot, activity: dict[str, Any]) -> None:
    """Everything one verified activity causes, up to the replies stored in the outbox."""
    core = bot.core
    engine = core.services.engine

    def tag_of(key: str) -> str | None:
        return tag_of_sent_message(engine, normalize.PLATFORM, key)

    item = normalize.inbound(activity, bot.org_of, tag_of)
    if item.ref is not None:
        with session_scope(engine) as session:
            if _removed(activity):
                refs.forget(session, item.ref.user_id)
            else:
                refs.remember(session, item.ref)
    msg = item.message
    if msg is None:
        if activity.get("type") == "message" and item.ref is not None:
            _unmapped(bot, activity, item)
        elif _installed(activity) and item.ref is not None:
            _welcome(bot, activity, item)
        if bot.loop is not None:
            bot.loop.wake()
        return
    if msg.text.strip().lower() in MY_ID_WORDS:
        _once(bot, msg, [Reply(to=msg.address, text=teams_text("my_id", item.locale, user_id=msg.address.user))])
    else:
        replies = core.handle(msg)
        if replies and msg.event_id and not _handled(bot, msg.event_id):
            _store(bot, replies)  # the core's apology, so the user is not left waiting
        elif msg.in_group:
            _point_to_personal_chat(bot, msg, replies, item.locale)
    if item.pressed_card and bot.loop is not None and bot.sender is not None:
        sender, card, label, url = bot.sender, item.pressed_card, item.pressed_label, item.ref.service_url  # type: ignore[union-attr]
        bot.loop.later(lambda: sender.update_pressed(card, label, url))
    if bot.loop is not None:
        bot.loop.wake()


def _removed(activity: dict[str, Any]) -> bool:
    """The user removed the app from their personal scope: the reference stops working."""
    return (activity.get("type") == "installationUpdate" and activity.get("action") in ("remove", "remove-upgrade")
            and normalize.is_personal(activity))


def _installed(activity: dict[str, Any]) -> bool:
    return (activity.get("type") == "installationUpdate" and activity.get("action") == "add"
            and normalize.is_personal(activity))


def _welcome(bot: TeamsBot, activity: dict[str, Any], item: normalize.Inbound) -> None:
    """The app was installed in someone's personal scope: privacy in three lines, then what it can do."""
    org = bot.org_of(item.tenant_id)
    if org is None:
        return  # their first message will say the tenant is not linked
    assert item.ref is not None
    address = Address(normalize.PLATFORM, item.ref.user_id, chat=item.ref.conversation_id)
    event_id = normalize.event_id_of(activity)
    welcome = IncomingMessage(address=address, org=org, event_id=f"{event_id}:welcome" if event_id else None)
    _once(bot, welcome, [Reply(to=address, text=teams_text("welcome", item.locale))])
    bot.core.handle(IncomingMessage(address=address, org=org, text="help", event_id=event_id))


def _unmapped(bot: TeamsBot, activity: dict[str, Any], item: normalize.Inbound) -> None:
    """A message from a tenant no organisation is linked to: say so, once per message."""
    assert item.ref is not None
    address = Address(normalize.PLATFORM, item.ref.user_id, chat=str((activity.get("conversation") or {}).get("id")))
    msg = IncomingMessage(address=address, org="", event_id=normalize.event_id_of(activity))
    log.warning("a Teams message from a tenant without an organisation (teams tenant add)")
    _once(bot, msg, [Reply(to=address, text=teams_text("unmapped", item.locale, tenant=item.tenant_id or "?"))])


def _once(bot: TeamsBot, msg: IncomingMessage, replies: list[Reply]) -> None:
    """Store replies the adapter itself gives, deduplicated on the activity like the core's."""
    with session_scope(bot.core.services.engine) as session:
        if msg.event_id and not claim_event(session, keyring_of(bot.core.services.cipher), normalize.PLATFORM,
                                            msg.event_id):
            return
        for reply in replies:
            enqueue(session, reply, bot.core.services.cipher)


def _store(bot: TeamsBot, replies: list[Reply]) -> None:
    with session_scope(bot.core.services.engine) as session:
        for reply in replies:
            enqueue(session, reply, bot.core.services.cipher)


def _handled(bot: TeamsBot, event_id: str) -> bool:
    """Whether the core committed its handling of this event (its claim is stored)."""
    with session_scope(bot.core.services.engine) as session:
        return event_seen(session, keyring_of(bot.core.services.cipher), normalize.PLATFORM, event_id)


def _point_to_personal_chat(bot: TeamsBot, msg: IncomingMessage, replies: list[Reply], lang: str) -> None:
    """Answers to a channel message that go to the personal chat: say so in the thread."""
    if any(r.to.user == msg.address.user and is_private(r) for r in replies):
        lang = next((r.answer.lang for r in replies if r.answer), lang)
        _store(bot, [Reply(to=msg.address, text=teams_text("moved", lang))])
