"""The bolt App and its listeners: acknowledge at once, then normalise, hand to the core, wake the sender.

Every listener acknowledges first and does its work in a bolt lazy listener (HTTP mode and
Socket Mode alike), so Slack gets its answer within milliseconds whatever the message; the
core only stores the replies (the outbox loop sends them). A user's messages are handled in
the order they came (work.UserOrder). When the core fails (the database is away), the work is
tried again a few times in-process (the event claim rolled back), then the user is told.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import App
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.links import Links
from bot.slack import normalize
from bot.slack.blocks import ACTION_PREFIX, notification_text, reply_blocks, use_links
from bot.slack.etiquette import is_private
from bot.slack.home import ANSWER as ANSWER_BUTTON
from bot.slack.home import ASK, CONFIDE, home_view
from bot.slack.mentions import MentionNames
from bot.slack.modals import ANSWER as ANSWER_VIEW
from bot.slack.modals import ASK as ASK_VIEW
from bot.slack.modals import CONFIRM as CONFIRM_VIEW
from bot.slack.modals import INTAKE as INTAKE_VIEW
from bot.slack.modals import answer_modal, ask_modal, confirm_modal, intake_modal, submitted
from bot.slack.outbox_loop import OutboxLoop
from bot.slack.sender import SlackSender
from bot.slack.settings import OrgResolver, SlackSettings
from bot.slack.spent import spent_blocks, spent_note
from bot.slack.threads import event_handled, sent_with_tag, tag_lookup
from bot.slack.work import TrackedExecutor, UserOrder
from bot.slack.workspace_client import WorkspaceClient
from handlers.dispatcher import Core
from handlers.types import STALE_BUTTON, Address, IncomingMessage, Reply
from storage.db import session_scope
from storage.outbox import enqueue
from storage.slack_workspaces import installation_store, oauth_state_store

log = logging.getLogger(__name__)

# The bot scopes of manifest.yml, asked for when a workspace installs the app (OAuth distribution).
BOT_SCOPES = ["app_mentions:read", "chat:write", "commands", "im:history", "im:write", "users:read"]
RETRY_DELAYS_S = (0.5, 2.0)
TAKE = "confide:tp:take:"  # in-process retries of a failed handling before the user is told
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
    work: TrackedExecutor = field(default_factory=TrackedExecutor)

    def settle(self, timeout: float = 30.0) -> bool:
        """Wait until the work of every acknowledged request is done (tests, shutdown)."""
        return self.work.settle(timeout)


def build_slack(core: Core, settings: SlackSettings, default_org: str) -> SlackBot:
    """The app and its sender; makes no network call (auth.test waits for the first request)."""
    engine = core.services.engine
    orgs = OrgResolver(settings.workspace_orgs(), default_org, engine)
    work = TrackedExecutor()
    client: WebClient
    if settings.oauth:  # several workspaces, each with its own token from the installation store
        store = installation_store(engine, settings.client_id)
        client = WorkspaceClient(store, engine, token=settings.bot_token or None, base_url=settings.api_base_url)
        oauth = OAuthSettings(client_id=settings.client_id, client_secret=settings.client_secret,
                              scopes=BOT_SCOPES, installation_store=store, state_store=oauth_state_store(engine),
                              install_path=settings.install_path, redirect_uri_path=settings.redirect_path)
        app = App(client=client, signing_secret=settings.signing_secret, oauth_settings=oauth,
                  process_before_response=True, listener_executor=work, name="integrity-bot")
        app.enable_token_revocation_listeners()  # uninstalled or revoked: its tokens are deleted
    else:
        client = WebClient(token=settings.bot_token or None, base_url=settings.api_base_url)
        app = App(client=client, signing_secret=settings.signing_secret, token_verification_enabled=False,
                  process_before_response=True, listener_executor=work, name="integrity-bot")
    use_links(Links(core.services.kb, engine))  # document links and registered people in answers
    sender = SlackSender(client, engine, core.services.cipher)
    bot = SlackBot(app=app, core=core, sender=sender, loop=OutboxLoop(sender, settings.outbox_interval,
                                                                         **_delivery(core)),
                   orgs=orgs, settings=settings, work=work)
    _register(bot)
    return bot


def _delivery(core: Core) -> dict:
    """Workers and lease of the delivery loop (INTEGRITY_OUTBOX_*), when the core has them."""
    found = core.services.options.get("delivery")
    return dict(found) if isinstance(found, dict) else {}


def _register(bot: SlackBot) -> None:
    app, core, orgs = bot.app, bot.core, bot.orgs
    tag_of = tag_lookup(core.services.engine)
    order = UserOrder()

    def handle(msg: IncomingMessage, channel: str | None = None) -> list[Reply]:
        """Hand a message to the core (again, if its handling failed); the replies it caused.

        `channel`: the shared channel the message was written in, if any (see _point_to_dm).
        """
        replies = core.handle(msg)
        delays = iter(RETRY_DELAYS_S)
        while replies and msg.event_id and not event_handled(core.services.engine, core.services.cipher, msg.event_id):
            delay = next(delays, None)
            if delay is None:
                _enqueue(replies)  # the core's error text, so the user is not left waiting
                bot.loop.wake()
                return replies
            log.warning("handling a Slack event failed; trying again")
            time.sleep(delay)
            replies = core.handle(msg)
        if channel:
            _point_to_dm(msg, replies, channel)
        bot.loop.wake()
        return replies

    def _enqueue(replies: list[Reply]) -> None:
        with session_scope(core.services.engine) as session:
            for reply in replies:
                enqueue(session, reply, core.services.cipher)

    def _point_to_dm(msg: IncomingMessage, replies: list[Reply], channel: str) -> None:
        """Answers to a channel message that go to the DM (private ones, and those without a
        chat): tell only the asker, in the channel, where to look."""
        moved = [r for r in replies if r.to.user == msg.address.user and r.tag != STALE_BUTTON
                 and (is_private(r) or not r.to.chat)]
        if not moved:
            return
        lang = next((r.answer.lang for r in moved if r.answer), "nl")
        only_them = Address(normalize.PLATFORM, msg.address.user, chat=f"{normalize.EPHEMERAL}{channel}")
        _enqueue([Reply(to=only_them, text=MOVED_TO_DM.get(lang, MOVED_TO_DM["nl"]))])

    def user_of(body: dict[str, Any]) -> str:
        event = body.get("event") or {}
        user = body.get("user_id") or event.get("user") or body.get("user") or ""
        return str(user.get("id") if isinstance(user, dict) else user)

    def learn(body: dict[str, Any], channel: str | None = None) -> None:
        """Where this request came from: the workspace whose token answers this user and channel."""
        if isinstance(bot.sender.client, WorkspaceClient):
            bot.sender.client.learn(normalize.team_of(body), normalize.enterprise_of(body), user_of(body) or None,
                                    channel)

    def take_ticket(ack: Any, body: dict[str, Any], context: Any) -> None:
        """The acknowledgement: nothing shown in Slack, and a place in the user's queue."""
        ack()
        context["turn"] = order.ticket(user_of(body))

    names = MentionNames(app.client)

    def on_message(body: dict[str, Any], context: Any) -> None:
        with order.turn(user_of(body), context.get("turn")):
            msg = normalize.message_event(body, context.bot_user_id, orgs, tag_of)
            if msg is None:
                return
            learn(body, msg.address.chat)
            if not msg.in_group:  # a colleague named in a confidential case reaches the trusted person
                msg = names.resolve(msg, (body.get("event") or {}).get("text") or "", context.bot_user_id,
                                    context.client)
            handle(msg, channel=msg.address.chat if msg.in_group else None)

    def on_command(body: dict[str, Any], context: Any) -> None:
        with order.turn(user_of(body), context.get("turn")):
            msg = normalize.slash_command(body, orgs)
            channel = body.get("channel_id") or ""
            learn(body, channel or None)
            bot.sender.remember_response_url(msg.address.user, channel, body.get("response_url"))
            handle(msg, channel=channel if channel and not normalize.is_dm(channel) else None)

    def on_action(body: dict[str, Any], context: Any, client: WebClient) -> None:
        with order.turn(user_of(body), context.get("turn")):
            learn(body, normalize.channel_of_action(body))
            if _open_modal(body, client):
                return
            msg = normalize.block_action(body, orgs, tag_of)
            if msg is None:
                return
            if (body.get("container") or {}).get("type") == "view":  # a button on the Home tab
                handle(msg)
                _publish_home(user_of(body), normalize.team_of(body), client)
                return
            pressed_in = normalize.channel_of_action(body)
            if pressed_in:  # answers for this user only in that conversation go through it
                bot.sender.remember_response_url(msg.address.user, pressed_in, body.get("response_url"))
            shared = pressed_in if pressed_in and not normalize.is_dm(pressed_in) else None
            replies = handle(msg, channel=shared if not msg.in_group else None)
            stale = [r for r in replies if r.tag == STALE_BUTTON and r.to == msg.address]
            _show_passing(body, stale)
            _spend(body, replies, bool(stale), client)
            if msg.action and msg.action.startswith(TAKE) and not stale:
                _spend_other_handoffs(msg.action.removeprefix(TAKE).split(":")[0], body, client)

    def _show_passing(body: dict[str, Any], stale: list[Reply]) -> None:
        """A refusal about a button: an ephemeral message only the presser sees."""
        if not stale:
            return
        url = body.get("response_url")
        if url:
            try:
                resp = WebhookClient(url, timeout=10).send(text=stale[0].text, response_type="ephemeral",
                                                           replace_original=False)
                if resp.status_code == 200:
                    return
            except OSError:
                pass
        _enqueue(stale)  # no response_url (or it failed): the outbox delivers it
        bot.loop.wake()

    def _spend(body: dict[str, Any], replies: list[Reply], stale: bool, client: WebClient) -> None:
        """Replace the pressed message's buttons with what was chosen."""
        action = (body.get("actions") or [{}])[0]
        label = ((action.get("text") or {}).get("text") or "").strip()
        lang = next((r.answer.lang for r in replies if r.answer), "nl")
        text = spent_note(str(action.get("value") or ""), label, stale, lang)
        container = body.get("container") or {}
        message = body.get("message") or {}
        try:
            if container.get("is_ephemeral") or not message:
                url = body.get("response_url")
                if url:
                    WebhookClient(url, timeout=10).send(text=text, replace_original=True, blocks=spent_blocks([], text))
                return
            channel = normalize.channel_of_action(body)
            client.chat_update(channel=channel, ts=message.get("ts") or container.get("message_ts"),
                               text=message.get("text") or text,
                               blocks=spent_blocks(list(message.get("blocks") or []), text))
        except (SlackApiError, OSError) as exc:
            log.info("could not replace the buttons of a pressed message: %s", type(exc).__name__)

    def _spend_other_handoffs(case_id: str, body: dict[str, Any], client: WebClient) -> None:
        """The other trusted persons' copies of a handoff that was just taken lose their button."""
        pressed = (normalize.channel_of_action(body), ((body.get("message") or {}).get("ts")))
        for channel, ts, reply in sent_with_tag(core.services.engine, core.services.cipher, f"handoff:{case_id}"):
            if (channel, ts) == pressed or reply is None:
                continue
            taken = spent_note(TAKE, "", False, "nl")
            try:
                client.chat_update(channel=channel, ts=ts, text=notification_text(reply),
                                   blocks=spent_blocks(reply_blocks(reply), taken))
            except (SlackApiError, OSError) as exc:
                log.info("could not update another trusted person's handoff: %s", type(exc).__name__)

    def on_home(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        if event.get("tab") != "home" or not event.get("user"):
            return
        _publish_home(event["user"], normalize.team_of(body), client)

    def _publish_home(user: str, team: str | None, client: WebClient) -> None:
        view = home_view(core.services.kb, core.services.engine, orgs(team), _days(), user=user,
                         lang=names.lang(user, client))
        try:
            client.views_publish(user_id=user, view=view)
        except SlackApiError as exc:
            log.warning("publishing the App Home failed: %s", exc.response.get("error"))

    def _days() -> int:
        return int(core.services.options.get("retention_days", 365))  # type: ignore[call-overload]

    def _open_modal(body: dict[str, Any], client: WebClient) -> bool:
        """Buttons that open a form instead of going to the core; True when one was opened."""
        value = str(((body.get("actions") or [{}])[0]).get("value") or "")
        if not value.startswith(("home:", "confide:me:reveal:", "confide:me:delete:")):
            return False
        user, trigger = user_of(body), body.get("trigger_id")
        lang = names.lang(user, client)  # the language of their Slack: only for forms and the Home tab
        if value == ASK:
            view = ask_modal(lang)
        elif value == CONFIDE:
            org = core.services.kb.org(orgs(normalize.team_of(body)))
            view = intake_modal(org.name, _days(), lang)
        elif value.startswith(ANSWER_BUTTON):
            case_id = value.removeprefix(ANSWER_BUTTON)
            view = answer_modal(case_id, _case_label(case_id), lang)
        elif value.startswith(("confide:me:reveal:", "confide:me:delete:")):
            what, _, token = value.removeprefix("confide:me:").partition(":")
            view = confirm_modal(what, f"confide:me:{what}yes:{token}", lang)
        else:
            return False
        try:
            client.views_open(trigger_id=trigger, view=view)
        except SlackApiError as exc:
            log.warning("opening a modal failed: %s", exc.response.get("error"))
        return True

    def _case_label(case_id: str) -> str:
        from storage import cases as case_store

        with session_scope(core.services.engine) as session:
            case = case_store.get_case(session, case_id)
            return case.label if case else ""

    def on_submit(body: dict[str, Any], context: Any, client: WebClient) -> None:
        """A submitted modal: what it means goes to the core like any message of this user."""
        with order.turn(user_of(body), context.get("turn")):
            learn(body)
            view = body.get("view") or {}
            kind, text, action = view.get("callback_id"), "", None
            if kind == ASK_VIEW:
                text = submitted(view, "question")
            elif kind == INTAKE_VIEW:
                text = submitted(view, "first")
                action = f"confide:intake:{submitted(view, 'kind', 'kind') or 'none'}"
            elif kind == ANSWER_VIEW:
                text, action = submitted(view, "answer"), f"confide:tp:answer:{view.get('private_metadata')}"
            elif kind == CONFIRM_VIEW:
                action = str(view.get("private_metadata") or "")
            else:
                return
            user = user_of(body)
            msg = IncomingMessage(address=Address(normalize.PLATFORM, user), org=orgs(normalize.team_of(body)),
                                  text=text.strip(), action=action,
                                  event_id=f"view:{view.get('id')}", toast=True)
            replies = handle(msg)
            stale = [r for r in replies if r.tag == STALE_BUTTON and r.to == msg.address]
            if stale:
                _enqueue(stale)  # no message to attach a notice to: it goes to the DM
                bot.loop.wake()
            if kind in (ANSWER_VIEW,) or (kind == INTAKE_VIEW and trusted_here(user)):
                _publish_home(user, normalize.team_of(body), client)

    def trusted_here(user: str) -> bool:
        from storage.roles import trusted_orgs

        with session_scope(core.services.engine) as session:
            return bool(trusted_orgs(session, normalize.PLATFORM, user))

    def just_ack(ack: Any) -> None:
        ack()

    app.event("message")(ack=take_ticket, lazy=[on_message])
    app.event("app_mention")(ack=take_ticket, lazy=[on_message])
    app.event("app_home_opened")(ack=just_ack, lazy=[on_home])
    app.command(re.compile(r"^/"))(ack=take_ticket, lazy=[on_command])  # every command of the manifest
    app.action(re.compile(f"^{ACTION_PREFIX}"))(ack=take_ticket, lazy=[on_action])
    app.view(re.compile(r"^itb_"))(ack=take_ticket, lazy=[on_submit])
