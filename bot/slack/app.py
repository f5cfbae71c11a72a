"""The bolt App and its listeners: acknowledge, normalise, hand to the core, wake the sender.

Listeners run before the acknowledgement is sent (process_before_response): the core only
stores the replies (sending happens in the outbox loop), which takes milliseconds, and an
event whose handling failed is answered with HTTP 500 / no Socket Mode ack, so Slack
delivers it again instead of it being lost. The core's dedupe on IncomingMessage.event_id
makes every retry that follows a success a no-op.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack import normalize
from bot.slack.blocks import ACTION_PREFIX
from bot.slack.home import home_view
from bot.slack.outbox_loop import OutboxLoop
from bot.slack.sender import SlackSender, is_private
from bot.slack.settings import OrgResolver, SlackSettings
from bot.slack.threads import event_handled, tag_lookup
from handlers.dispatcher import Core
from handlers.types import Address, IncomingMessage, Reply
from storage.db import session_scope
from storage.outbox import enqueue

log = logging.getLogger(__name__)

LAST_RETRY = 3  # Slack retries an event three times
MOVED_TO_DM = {
    "nl": "🔒 Hierover praten we liever niet in een kanaal. Ik heb je een direct bericht gestuurd.",
    "en": "🔒 Better not to discuss this in a channel. I've sent you a direct message.",
}


@dataclass
class SlackBot:
    """What runs the Slack transport: the bolt app, the outbox sender and the loop that drives it."""

    app: App
    core: Core
    sender: SlackSender
    loop: OutboxLoop
    orgs: OrgResolver
    settings: SlackSettings


def build_slack(core: Core, settings: SlackSettings, default_org: str) -> SlackBot:
    """The app and its sender; makes no network call (auth.test waits for the first request)."""
    orgs = OrgResolver(settings.workspace_orgs(), default_org)
    client = WebClient(token=settings.bot_token or None, base_url=settings.api_base_url)
    app = App(client=client, signing_secret=settings.signing_secret, token_verification_enabled=False,
              process_before_response=True, name="integrity-bot")
    sender = SlackSender(client, core.services.engine, core.services.cipher)
    bot = SlackBot(app=app, core=core, sender=sender, loop=OutboxLoop(sender, settings.outbox_interval),
                   orgs=orgs, settings=settings)
    _register(bot)
    return bot


def _register(bot: SlackBot) -> None:
    app, core, orgs = bot.app, bot.core, bot.orgs
    tag_of = tag_lookup(core.services.engine)

    def handle(msg: IncomingMessage, retryable: bool, channel: str | None = None) -> BoltResponse | None:
        """Hand a message to the core; when its handling failed, let Slack retry or tell the user.

        `channel`: the shared channel the message was written in, if any (see _point_to_dm).
        """
        replies = core.handle(msg)
        if replies and msg.event_id and not event_handled(core.services.engine, msg.event_id):
            if retryable:
                log.warning("handling a Slack event failed; Slack will deliver it again")
                return BoltResponse(status=500, body="")
            _enqueue(replies)  # the core's error text, so the user is not left waiting
        elif channel:
            _point_to_dm(msg, replies, channel)
        bot.loop.wake()
        return None

    def _enqueue(replies: list[Reply]) -> None:
        with session_scope(core.services.engine) as session:
            for reply in replies:
                enqueue(session, reply, core.services.cipher)

    def _point_to_dm(msg: IncomingMessage, replies: list[Reply], channel: str) -> None:
        """Answers to a channel message that go to the DM (private ones, see sender.py, and those
        without a chat): tell only the asker, in the channel, where to look."""
        moved = [r for r in replies if r.to.user == msg.address.user and (is_private(r) or not r.to.chat)]
        if not moved:
            return
        lang = next((r.answer.lang for r in moved if r.answer), "nl")
        only_them = Address(normalize.PLATFORM, msg.address.user, chat=f"{normalize.EPHEMERAL}{channel}")
        _enqueue([Reply(to=only_them, text=MOVED_TO_DM.get(lang, MOVED_TO_DM["nl"]))])

    def on_message(body: dict[str, Any], context: Any, request: Any) -> BoltResponse | None:
        msg = normalize.message_event(body, context.bot_user_id, orgs, tag_of)
        if msg is None:
            return None
        return handle(msg, retryable=_retry_num(request) < LAST_RETRY,
                      channel=msg.address.chat if msg.in_group else None)

    def on_command(ack: Any, body: dict[str, Any]) -> None:
        ack()
        msg = normalize.slash_command(body, orgs)
        channel = body.get("channel_id") or ""
        bot.sender.remember_response_url(msg.address.user, channel, body.get("response_url"))
        handle(msg, retryable=False, channel=channel if msg.in_group else None)

    def on_action(ack: Any, body: dict[str, Any]) -> None:
        ack()
        msg = normalize.block_action(body, orgs, tag_of)
        if msg is None:
            return
        channel = (msg.address.chat or "").removeprefix(normalize.EPHEMERAL)
        if msg.address.chat and msg.address.chat.startswith(normalize.EPHEMERAL):
            bot.sender.remember_response_url(msg.address.user, channel, body.get("response_url"))
        handle(msg, retryable=False, channel=channel if msg.in_group else None)

    def on_home(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        if event.get("tab") != "home" or not event.get("user"):
            return
        view = home_view(core.services.kb, core.services.engine, orgs(normalize.team_of(body)),
                         int(core.services.options.get("retention_days", 365)))  # type: ignore[call-overload]
        try:
            client.views_publish(user_id=event["user"], view=view)
        except SlackApiError as exc:
            log.warning("publishing the App Home failed: %s", exc.response.get("error"))

    app.event("message")(on_message)
    app.event("app_mention")(on_message)
    app.event("app_home_opened")(on_home)
    app.command(re.compile(r"^/"))(on_command)  # every command of the manifest
    app.action(re.compile(f"^{ACTION_PREFIX}"))(on_action)


def _retry_num(request: Any) -> int:
    value = (request.headers.get("x-slack-retry-num") or ["0"])[0]
    try:
        return int(value)
    except ValueError:
        return 0
