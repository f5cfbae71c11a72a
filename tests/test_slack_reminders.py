"""Reminders reach Slack users as DMs with their buttons, and a press on one is understood."""

from __future__ import annotations

from bot.slack.app import SlackBot
from handlers.dispatcher import Core
from tests.reminders_support import at, register, service
from tests.slack_fake import FakeSlack, SlackRequests, blocks_of, button_values, texts_of

pytest_plugins = ["tests.slack_fixtures"]  # fixtures: fake, bot, slack


def test_a_reminder_arrives_as_a_dm_with_buttons_that_work(core: Core, bot: SlackBot, slack: SlackRequests,
                                                          fake: FakeSlack) -> None:
    register(core, "coordinator", "UCO", platform="slack")
    svc = service(core)
    with at(2026, 2, 20, 10, 0):
        svc.tick()
    with at(2026, 3, 2, 9, 0):
        assert len(svc.tick().sent) == 1
        assert bot.sender.drain() == 1
    [post] = fake.of("chat.postMessage")
    assert fake.of("conversations.open") == [{"users": "UCO"}] and post["channel"] == "DUCO"
    blocks = blocks_of(post)
    assert "agenda" in texts_of(blocks)
    values = button_values(blocks)
    assert values, "a reminder comes with its buttons"
    with at(2026, 3, 2, 9, 5):
        assert slack.click("UCO", values[0], channel="DUCO")[0] == 200
        bot.sender.drain()
    assert len(fake.of("chat.postMessage")) == 2 and fake.of("chat.postMessage")[1]["channel"] == "DUCO"
