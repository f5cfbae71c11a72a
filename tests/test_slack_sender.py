"""The Slack outbox sender against the fake Web API: retries, give-ups, threads, ephemeral answers."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlmodel import select

from bot.slack.app import SlackBot, build_slack
from bot.slack.normalize import message_event
from bot.slack.threads import tag_lookup
from handlers.dispatcher import Core
from handlers.types import Address, Button, Reply
from storage.db import session_scope
from storage.models import OutboxMessage, utcnow
from storage.outbox import enqueue
from tests.slack_fake import FakeSlack, blocks_of, button_values, slack_settings

pytest_plugins = ["tests.slack_fixtures"]  # fixtures: fake, bot


def put(core: Core, *replies: Reply) -> None:
    with session_scope(core.services.engine) as session:
        for reply in replies:
            enqueue(session, reply, core.services.cipher)


def rows(core: Core) -> list[OutboxMessage]:
    with session_scope(core.services.engine) as session:
        return list(session.exec(select(OutboxMessage).where(OutboxMessage.platform == "slack")
                                 .order_by(OutboxMessage.id)).all())


def to(user: str, chat: str | None = None) -> Address:
    return Address("slack", user, chat=chat)


def test_a_429_is_retried_after_retry_after_and_delivered_once(core: Core, bot: SlackBot,
                                                               fake: FakeSlack) -> None:
    fake.fail("chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "30"})
    put(core, Reply(to=to("U1"), text="Hallo"))
    assert bot.sender.drain() == 0
    [row] = rows(core)
    assert row.status == "pending" and "rate limited" in (row.last_error or "")
    wait = row.next_attempt_at - utcnow()
    assert timedelta(seconds=25) < wait <= timedelta(seconds=30)  # Retry-After, not the default backoff
    assert bot.sender.drain() == 0 and len(fake.of("chat.postMessage")) == 1  # not before it is due
    with time_machine.travel(utcnow() + timedelta(seconds=31)):
        assert bot.sender.drain() == 1
    assert len(fake.of("chat.postMessage")) == 2
    assert rows(core)[0].status == "delivered"


def test_a_network_error_is_retried_not_lost(core: Core, fake: FakeSlack) -> None:
    fake.close()  # Slack unreachable
    offline = build_slack(core, slack_settings(fake), "ommen")
    put(core, Reply(to=to("U2", "DU2"), text="Hallo"))
    assert offline.sender.drain() == 0
    [row] = rows(core)
    assert row.status == "pending" and row.attempts == 1 and "network" in (row.last_error or "")


def test_a_user_who_is_gone_is_given_up_on(core: Core, bot: SlackBot, fake: FakeSlack) -> None:
    fake.fail("conversations.open", "user_not_found")
    fake.fail("chat.postMessage", "channel_not_found")
    put(core, Reply(to=to("U3"), text="Hallo"), Reply(to=to("U4", "DU4"), text="Hallo"))
    assert bot.sender.drain() == 0
    assert [(r.status, r.last_error) for r in rows(core)] == [("failed", "user_not_found"),
                                                             ("failed", "channel_not_found")]
    assert bot.sender.drain() == 0  # no second try


def test_a_message_for_a_user_without_a_chat_goes_to_their_dm(core: Core, bot: SlackBot,
                                                              fake: FakeSlack) -> None:
    snooze = Button("snooze:7", "Herinner me over een week")
    put(core, Reply(to=to("U5"), text="Herinnering", buttons=[snooze]))
    assert bot.sender.drain() == 1
    assert fake.of("conversations.open") == [{"users": "U5"}]
    [post] = fake.of("chat.postMessage")
    assert post["channel"] == "DU5" and button_values(blocks_of(post)) == ["snooze:7"]
    assert rows(core)[0].platform_message_id == f"DU5:{'1700000000.000001'}"


def test_replies_with_a_thread_go_under_the_first_message_with_that_tag(core: Core, bot: SlackBot,
                                                                        fake: FakeSlack) -> None:
    put(core, Reply(to=to("UTP"), text="Nieuwe vraag voor een vertrouwenspersoon", tag="handoff:7"))
    bot.sender.drain()
    root = fake.of("chat.postMessage")[0]
    root_ts = rows(core)[0].platform_message_id.split(":")[1]
    put(core, Reply(to=to("UTP"), text="Bericht 1", tag="case:7", thread="handoff:7"),
        Reply(to=to("UTP"), text="Bericht 2", tag="case:7", thread="case:7"),
        Reply(to=to("UOTHER"), text="Elders", thread="handoff:7"))
    bot.sender.drain()
    first, second, elsewhere = fake.of("chat.postMessage")[1:]
    assert "thread_ts" not in root
    assert first["thread_ts"] == root_ts and second["thread_ts"] == root_ts  # one thread per case
    assert "thread_ts" not in elsewhere  # another person's DM has no such thread


def test_a_reply_in_a_thread_carries_the_tag_of_the_threads_first_message(core: Core, bot: SlackBot) -> None:
    put(core, Reply(to=to("UTP"), text="Nieuwe vraag", tag="handoff:8"))
    bot.sender.drain()
    ts = rows(core)[0].platform_message_id.split(":")[1]
    event = {"type": "message", "channel": "DUTP", "channel_type": "im", "user": "UTP",
             "text": "Ik neem hem", "ts": "1700000099.000001", "thread_ts": ts}
    body = {"team_id": "T1", "event": event}
    msg = message_event(body, "UBOT", lambda team: "ommen", tag_lookup(core.services.engine))
    assert msg is not None and msg.thread == "handoff:8"
    body["event"]["thread_ts"] = "1500000000.000001"  # a thread the bot did not start
    assert message_event(body, "UBOT", lambda team: "ommen", tag_lookup(core.services.engine)).thread is None


def test_an_ephemeral_answer_without_a_response_url_uses_post_ephemeral(core: Core, bot: SlackBot,
                                                                       fake: FakeSlack) -> None:
    put(core, Reply(to=to("U6", "ephemeral:C1"), text="Antwoord"))
    assert bot.sender.drain() == 1
    [eph] = fake.of("chat.postEphemeral")
    assert eph["channel"] == "C1" and eph["user"] == "U6"
    assert fake.of("chat.postMessage") == []


def test_an_ephemeral_answer_where_the_bot_is_not_a_member_goes_to_the_dm(core: Core, bot: SlackBot,
                                                                         fake: FakeSlack) -> None:
    fake.fail("chat.postEphemeral", "not_in_channel")
    put(core, Reply(to=to("U7", "ephemeral:C2"), text="Antwoord"))
    assert bot.sender.drain() == 1
    [post] = fake.of("chat.postMessage")
    assert post["channel"] == "DU7"


def test_confidential_content_never_goes_to_a_channel(core: Core, bot: SlackBot, fake: FakeSlack) -> None:
    put(core, Reply(to=to("U8", "C3"), text="Over je melding", tag="case:9", confidential=True),
        Reply(to=to("U8", "ephemeral:C3"), text="Over je melding", confidential=True, tag="case:9"))
    assert bot.sender.drain() == 2
    assert [p["channel"] for p in fake.of("chat.postMessage")] == ["DU8", "DU8"]
    assert fake.of("chat.postEphemeral") == []


def test_text_is_escaped_and_long_text_split(core: Core, bot: SlackBot, fake: FakeSlack) -> None:
    put(core, Reply(to=to("U9", "DU9"), text="<@UALL> & <!channel> " + "x" * 7000))
    bot.sender.drain()
    blocks = blocks_of(fake.of("chat.postMessage")[0])
    assert len(blocks) == 3 and all(len(b["text"]["text"]) <= 3000 for b in blocks)
    assert blocks[0]["text"]["text"].startswith("&lt;@UALL&gt; &amp; &lt;!channel&gt;")


def test_a_reply_marked_ephemeral_is_shown_only_to_its_user(core: Core, bot: SlackBot, fake: FakeSlack) -> None:
    put(core, Reply(to=to("U10", "C4"), text="Alleen voor jou", ephemeral=True))
    assert bot.sender.drain() == 1
    [eph] = fake.of("chat.postEphemeral")
    assert (eph["channel"], eph["user"]) == ("C4", "U10") and fake.of("chat.postMessage") == []
