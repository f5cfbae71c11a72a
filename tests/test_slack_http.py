"""The Slack app over HTTP: signed requests into the real bolt app, answers read from a fake Slack.

Each test sends what Slack would send, lets the outbox sender deliver, and asserts what the
user would see: the blocks posted, and in which conversation.
"""

from __future__ import annotations

import json
import threading

from bot.slack.app import SlackBot, build_slack
from bot.slack.server import http_server
from handlers.context import Context
from handlers.dispatcher import Core
from tests.slack_fake import (
    BOT_USER,
    SECRET,
    FakeSlack,
    SlackRequests,
    blocks_of,
    button_values,
    slack_settings,
    texts_of,
)

pytest_plugins = ["tests.slack_fixtures"]  # fixtures: fake, bot, slack

WINE = "Mag ik een fles wijn van 25 euro van een leverancier aannemen?"


def test_a_direct_message_is_answered_with_the_traffic_light_in_the_dm(slack: SlackRequests, bot: SlackBot,
                                                                       fake: FakeSlack) -> None:
    status, _ = slack.dm("U1", WINE)
    assert status == 200
    assert bot.sender.drain() == 1
    [post] = fake.of("chat.postMessage")
    assert post["channel"] == "DU1"
    blocks = blocks_of(post)
    assert blocks[0]["type"] == "header" and blocks[0]["text"]["text"].startswith("🟠")
    text = texts_of(blocks)
    assert "Wat nu" in text and "👉" in text
    assert blocks[-2]["type"] == "context" and "Bron" in texts_of(blocks[-2:-1])
    assert blocks[-1]["type"] == "actions"  # 'Toon de tekst' under the source line
    assert any(v.startswith("quote:rule:") for v in button_values(blocks[-1:]))
    assert post["text"].startswith("🟠")  # the notification text
    assert not fake.of("conversations.open")  # the DM channel is known from the event


def test_a_clarifying_question_has_buttons_and_a_click_answers_it(slack: SlackRequests, bot: SlackBot,
                                                                  fake: FakeSlack) -> None:
    slack.dm("U2", "Mag ik een cadeau van een leverancier aannemen?")
    bot.sender.drain()
    question = blocks_of(fake.of("chat.postMessage")[0])
    assert "waard" in texts_of(question)
    assert {"value:le:50", "value:gt:50", "value:unknown"} <= set(button_values(question))
    status, body = slack.click("U2", "value:gt:50", channel="DU2")
    assert status == 200 and body == ""  # acknowledged; the answer comes as a message
    bot.sender.drain()
    answer = fake.of("chat.postMessage")[1]
    assert answer["channel"] == "DU2"
    assert blocks_of(answer)[0]["text"]["text"].startswith("🔴")


def test_a_request_with_a_bad_signature_gets_401_and_no_answer(slack: SlackRequests, bot: SlackBot,
                                                               fake: FakeSlack) -> None:
    event = {"type": "message", "channel": "DU3", "channel_type": "im", "user": "U3", "text": WINE,
             "ts": "1600000000.000100"}
    assert slack.event(event, secret="not-the-secret")[0] == 401
    assert slack.event(event, timestamp=1_600_000_000)[0] == 401  # a replayed, stale request
    assert slack.command("U3", WINE, secret="wrong")[0] == 401
    assert slack.click("U3", "value:gt:50", channel="DU3", secret="wrong")[0] == 401
    bot.sender.drain()
    assert fake.of("chat.postMessage") == [] and fake.calls == []


def test_the_request_url_check_of_http_mode_is_answered(slack: SlackRequests) -> None:
    status, body = slack.post(json.dumps({"token": "x", "challenge": "c-123", "type": "url_verification"}),
                              "application/json")
    assert status == 200 and "c-123" in body


def test_a_retried_event_and_a_mention_in_a_dm_are_answered_once(slack: SlackRequests, bot: SlackBot,
                                                                 fake: FakeSlack) -> None:
    event = {"type": "message", "channel": "DU4", "channel_type": "im", "user": "U4", "text": WINE,
             "ts": "1600000000.000200"}
    assert slack.event(event, event_id="Ev1")[0] == 200
    assert slack.event(event, event_id="Ev1", retry=1)[0] == 200  # Slack's retry
    mention = {**event, "type": "app_mention", "text": f"<@{BOT_USER}> {WINE}"}
    mention.pop("channel_type")
    assert slack.event(mention, event_id="Ev2")[0] == 200  # the same message as app_mention
    bot.sender.drain()
    assert len(fake.of("chat.postMessage")) == 1


class FailsOnce:
    """A handler that breaks the first time, as a crash or a lost database connection would."""

    def __init__(self) -> None:
        self.failed = False

    def handle(self, ctx: Context) -> None:
        if not self.failed:
            self.failed = True
            raise RuntimeError("database went away")
        return None


def test_a_failed_handling_is_tried_again_after_the_ack_and_answered_once(core: Core, fake: FakeSlack) -> None:
    failing = Core(core.services, [FailsOnce(), *core.handlers])
    bot = build_slack(failing, slack_settings(fake), "ommen")
    server = http_server(bot, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        slack = SlackRequests(f"http://127.0.0.1:{server.server_port}/slack/events", SECRET, settle=bot.settle)
        event = {"type": "message", "channel": "DU5", "channel_type": "im", "user": "U5", "text": WINE,
                 "ts": "1600000000.000300"}
        assert slack.event(event, event_id="Ev9")[0] == 200  # acknowledged first, whatever happens next
        assert slack.event(event, event_id="Ev9", retry=1)[0] == 200  # Slack's own retry: a no-op
        bot.sender.drain()
        [post] = fake.of("chat.postMessage")
        assert post["channel"] == "DU5" and blocks_of(post)[0]["text"]["text"].startswith("🟠")
    finally:
        server.shutdown()
        server.server_close()


def test_messages_of_bots_edits_and_deletions_are_ignored(slack: SlackRequests, bot: SlackBot,
                                                          fake: FakeSlack) -> None:
    base = {"type": "message", "channel": "DU6", "channel_type": "im", "text": WINE}
    slack.event({**base, "user": "U6", "bot_id": "B99", "ts": "1.1"})
    slack.event({**base, "subtype": "bot_message", "bot_id": "B99", "ts": "1.2"})
    slack.event({**base, "user": BOT_USER, "ts": "1.3"})  # our own message
    slack.event({**base, "subtype": "message_changed", "ts": "1.4",
                 "message": {"user": "U6", "text": WINE, "ts": "1.0"}, "previous_message": {"text": "x"}})
    slack.event({**base, "subtype": "message_deleted", "ts": "1.5", "deleted_ts": "1.0"})
    slack.event({**base, "type": "message", "channel": "C1", "channel_type": "channel", "user": "U6",
                 "ts": "1.6"})  # a channel message without a mention
    bot.sender.drain()
    assert fake.of("chat.postMessage") == []


def test_the_slash_command_answers_only_the_asker(slack: SlackRequests, bot: SlackBot,
                                                  fake: FakeSlack) -> None:
    status, body = slack.command("U7", WINE, channel="C1", response_url=fake.response_url("c1"))
    assert status == 200 and body == ""  # acknowledged at once, nothing shown in the channel
    bot.sender.drain()
    [response] = fake.of("response_url")
    assert response["_url"].endswith("/respond/c1")
    assert response["response_type"] == "ephemeral"
    assert blocks_of(response)[0]["text"]["text"].startswith("🟠")
    assert fake.of("chat.postMessage") == []


def test_the_slash_command_without_a_question_explains_itself(slack: SlackRequests, bot: SlackBot,
                                                              fake: FakeSlack) -> None:
    slack.command("U8", "", channel="C1", response_url=fake.response_url())
    bot.sender.drain()
    [response] = fake.of("response_url")
    assert "Integriteitsbot" in texts_of(blocks_of(response))


def test_a_mention_in_a_channel_is_answered_there(slack: SlackRequests, bot: SlackBot,
                                                  fake: FakeSlack) -> None:
    slack.event({"type": "app_mention", "channel": "C1", "user": "U9", "ts": "1600000000.000400",
                 "text": f"<@{BOT_USER}> {WINE}"})
    bot.sender.drain()
    [post] = fake.of("chat.postMessage")
    assert post["channel"] == "C1" and blocks_of(post)[0]["text"]["text"].startswith("🟠")


def test_a_mention_asking_for_a_trusted_person_moves_to_a_dm(slack: SlackRequests, bot: SlackBot,
                                                             fake: FakeSlack) -> None:
    slack.event({"type": "app_mention", "channel": "C1", "user": "U10", "ts": "1600000000.000500",
                 "text": f"<@{BOT_USER}> ik wil vertrouwelijk praten met een vertrouwenspersoon"})
    bot.sender.drain()
    posts = fake.of("chat.postMessage")
    assert posts and all(p["channel"] == "DU10" for p in posts)  # nothing of it in the channel
    assert "vertrouwenspersoon" in texts_of(blocks_of(posts[0])).lower()
    [pointer] = fake.of("chat.postEphemeral")
    assert pointer["channel"] == "C1" and pointer["user"] == "U10"  # only the asker sees the pointer
    assert "direct bericht" in pointer["text"]


def test_a_slash_command_starting_a_confidential_talk_in_a_channel_moves_to_a_dm(
        slack: SlackRequests, bot: SlackBot, fake: FakeSlack) -> None:
    slack.command("U14", "ik wil met een vertrouwenspersoon praten", channel="C1",
                  response_url=fake.response_url("c14"))
    bot.sender.drain()
    posts = fake.of("chat.postMessage")
    assert posts and all(p["channel"] == "DU14" for p in posts)
    [pointer] = fake.of("response_url")  # only the asker sees it, in the channel
    assert pointer["response_type"] == "ephemeral" and "direct bericht" in pointer["text"]


def test_the_confidential_conversations_commands_answer_in_the_dm(slack: SlackRequests, bot: SlackBot,
                                                                   fake: FakeSlack) -> None:
    assert slack.command("U15", "", channel="DU15", command="/vertrouwenspersoon")[0] == 200
    bot.sender.drain()
    [consent] = fake.of("chat.postMessage")
    assert consent["channel"] == "DU15" and "vertrouwenspersoon" in consent["text"].lower()
    assert fake.of("response_url") == [] and fake.of("chat.postEphemeral") == []  # a lasting message
    slack.command("U16", "", channel="C1", command="/vertrouwenspersoon", response_url=fake.response_url("c16"))
    bot.sender.drain()
    assert fake.of("chat.postMessage")[-1]["channel"] == "DU16"
    [pointer] = fake.of("response_url")
    assert "direct bericht" in pointer["text"]


def test_the_app_home_shows_the_organisations_trusted_persons_routes_and_privacy(
        slack: SlackRequests, fake: FakeSlack) -> None:
    slack.event({"type": "app_home_opened", "user": "U11", "channel": "DU11", "tab": "home"})
    [publish] = fake.of("views.publish")
    assert publish["user_id"] == "U11"
    view = publish["view"] if isinstance(publish["view"], dict) else json.loads(publish["view"])
    assert view["type"] == "home"
    text = texts_of(view["blocks"])
    assert "Ommen" in text and "Zwannie Tip" in text  # the trusted person of Ommen's policy
    assert "Waar meld je wat" in text and "Privacy" in text and "/integriteit" in text
    slack.event({"type": "app_home_opened", "user": "U11", "channel": "DU11", "tab": "messages"})
    assert len(fake.of("views.publish")) == 1


def test_each_workspace_gets_its_own_organisation(slack: SlackRequests, fake: FakeSlack) -> None:
    slack.event({"type": "app_home_opened", "user": "U12", "channel": "DU12", "tab": "home"}, team="T2")
    slack.event({"type": "app_home_opened", "user": "U12", "channel": "DU12", "tab": "home"}, team="T9")
    first, second = fake.of("views.publish")
    assert "Haarlem" in texts_of(first["view"]["blocks"])  # T2=haarlem
    assert "Ommen" in texts_of(second["view"]["blocks"])  # unmapped: INTEGRITY_DEFAULT_ORG


def test_the_outbox_loop_delivers_without_being_asked(slack: SlackRequests, bot: SlackBot,
                                                      fake: FakeSlack) -> None:
    bot.loop.start()
    slack.dm("U13", WINE)
    [post] = fake.wait_for("chat.postMessage")
    assert post["channel"] == "DU13"
