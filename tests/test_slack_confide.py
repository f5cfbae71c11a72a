"""The confidential conversation on Slack: handoff in the trusted person's DM, take, relay in the thread.

Everything goes through signed requests into the real app and comes out at the fake Web API,
so what is asserted is what the employee and the trusted person would see in Slack.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.slack.app import SlackBot
from handlers.dispatcher import Core
from storage.db import session_scope
from storage.models import OutboxMessage
from storage.roles import add_role
from tests.slack_fake import BOT_USER, FakeSlack, SlackRequests, blocks_of, texts_of

pytest_plugins = ["tests.slack_fixtures"]  # fixtures: fake, bot, slack

EMPLOYEE, TP = "UEMP1", "UTP1"


def posts_to(fake: FakeSlack, channel: str) -> list[dict[str, Any]]:
    return [p for p in fake.of("chat.postMessage") if p["channel"] == channel]


def button(post: dict[str, Any], label_part: str) -> str:
    for block in blocks_of(post):
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if label_part.lower() in element["text"]["text"].lower():
                return str(element["value"])
    raise AssertionError(f"no button '{label_part}' in {texts_of(blocks_of(post))}")


def last_with_button(fake: FakeSlack, channel: str, label_part: str) -> dict[str, Any]:
    for post in reversed(posts_to(fake, channel)):
        if label_part.lower() in texts_of([b for b in blocks_of(post) if b.get("type") == "actions"]).lower():
            return post
    raise AssertionError(f"no message with '{label_part}' in {channel}")


def test_handoff_take_and_replies_in_the_thread_are_relayed(core: Core, bot: SlackBot, slack: SlackRequests,
                                                            fake: FakeSlack) -> None:
    with session_scope(core.services.engine) as session:
        add_role(session, "ommen", "trusted_person", "slack", TP, "Anna de Vries")
    dm_emp, dm_tp = f"D{EMPLOYEE}", f"D{TP}"

    def employee_says(text: str) -> None:
        assert slack.dm(EMPLOYEE, text)[0] == 200
        bot.sender.drain()

    def employee_presses(label: str) -> None:
        post = last_with_button(fake, dm_emp, label)
        assert slack.click(EMPLOYEE, button(post, label), channel=dm_emp)[0] == 200
        bot.sender.drain()

    employee_says("Ik wil met een vertrouwenspersoon praten")
    employee_presses("Ja, ga verder")
    employee_presses("Ongewenst gedrag")
    employee_says("Mijn leidinggevende schreeuwt tegen me.")

    # the handoff: a top-level DM to the trusted person with a take button, nothing of the employee's profile
    [handoff] = posts_to(fake, dm_tp)
    handoff_text = texts_of(blocks_of(handoff))
    assert "schreeuwt" not in handoff_text and "thread_ts" not in handoff  # no content before it is taken
    assert EMPLOYEE not in handoff_text and EMPLOYEE not in handoff["text"]
    assert not fake.of("users.info") and not fake.of("users.profile.get")
    handoff_ts = _ts_of(core, dm_tp, "handoff:")

    assert slack.click(TP, button(handoff, "Oppakken"), channel=dm_tp, message_ts=handoff_ts)[0] == 200
    bot.sender.drain()
    assert "Anna de Vries" in "\n".join(p["text"] for p in posts_to(fake, dm_emp))
    first = [p for p in posts_to(fake, dm_tp) if "schreeuwt tegen me" in p["text"]]
    assert first and first[0]["thread_ts"] == handoff_ts  # the first message, in the thread, once taken

    # the employee writes: it arrives in the thread of the handoff
    employee_says("Kunnen we praten?")
    relayed = posts_to(fake, dm_tp)[-1]
    assert "Kunnen we praten?" in relayed["text"] and relayed["thread_ts"] == handoff_ts

    # the trusted person answers in that thread: the employee gets it in their DM
    before = len(posts_to(fake, dm_emp))
    thread_reply = {"type": "message", "channel": dm_tp, "channel_type": "im", "user": TP,
                    "text": "Natuurlijk. Morgen om tien uur?", "ts": "1700000500.000001", "thread_ts": handoff_ts}
    assert slack.event(thread_reply)[0] == 200
    bot.sender.drain()
    answer = posts_to(fake, dm_emp)[before:]
    assert any("Morgen om tien uur?" in p["text"] for p in answer)
    assert all("thread_ts" not in p for p in answer)  # the employee's DM has no handoff thread
    assert all(p["channel"] in (dm_emp, dm_tp) for p in fake.of("chat.postMessage"))
    assert BOT_USER not in handoff_text
    # the employee's sealed messages keep no readable trace of their DM channel in the database
    with session_scope(core.services.engine) as session:
        sealed = session.execute(select(OutboxMessage).where(
            OutboxMessage.tag.like("sealed:%"))).scalars().all()  # type: ignore[union-attr]
    assert sealed and all(row.platform_message_id is None and row.recipient == "" for row in sealed)


def _ts_of(core: Core, channel: str, tag_prefix: str) -> str:
    """The ts Slack gave the first message with this tag in `channel`."""
    with session_scope(core.services.engine) as session:
        ids = session.execute(select(OutboxMessage.platform_message_id).where(
            OutboxMessage.tag.like(f"{tag_prefix}%"),  # type: ignore[union-attr]
            OutboxMessage.platform_message_id.like(f"{channel}:%"))  # type: ignore[union-attr]
            .order_by(OutboxMessage.id)).scalars().all()
    return str(ids[0]).split(":", 1)[1]
