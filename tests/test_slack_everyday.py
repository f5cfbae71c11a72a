"""What Slack users do every day, through the real bolt app over HTTP against the fake Web API.

Commands typed in a channel, buttons pressed twice, mentions in a channel, colleagues named in a
confidential case, a message that takes long to read: each is what a user or a trusted person
would see in Slack.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import select

from bot.slack.app import SlackBot, build_slack
from bot.slack.server import http_server
from handlers.context import Context
from handlers.dispatcher import Core
from storage.cases import Case
from storage.db import session_scope
from storage.roles import add_role
from tests.slack_fake import BOT_USER, SECRET, FakeSlack, SlackRequests, blocks_of, slack_settings, texts_of

pytest_plugins = ["tests.slack_fixtures"]  # fixtures: fake, bot, slack

EMP, TP, TP2 = "UEMP1", "UTP1", "UTP2"
WINE = "Mag ik een fles wijn van 25 euro van een leverancier aannemen?"


def posts_to(fake: FakeSlack, channel: str) -> list[dict[str, Any]]:
    return [p for p in fake.of("chat.postMessage") if p["channel"] == channel]


def button(post: dict[str, Any], label_part: str) -> dict[str, Any]:
    """The button element whose label contains `label_part`."""
    for block in blocks_of(post):
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if label_part.lower() in element["text"]["text"].lower():
                return element
    raise AssertionError(f"no button '{label_part}' in {texts_of(blocks_of(post))}")


def press(slack: SlackRequests, user: str, post: dict[str, Any], label: str, ts: str,
          response_url: str = "") -> None:
    """Press a button of a posted message as Slack sends it: with the message and its blocks."""
    element = button(post, label)
    assert slack.click(user, element["value"], channel=post["channel"], message_ts=ts, label=element["text"]["text"],
                       blocks=blocks_of(post), response_url=response_url)[0] == 200


def ts_of(fake: FakeSlack, post: dict[str, Any]) -> str:
    """The ts the fake gave a posted message (messages are numbered in order)."""
    return f"1700000000.{fake.of('chat.postMessage').index(post) + 1:06d}"


def open_case(core: Core, bot: SlackBot, slack: SlackRequests, fake: FakeSlack, first: str) -> str:
    """An employee asks for a trusted person in their DM and hands off `first`; the case's pseudonym."""
    slack.dm(EMP, "Ik wil met een vertrouwenspersoon praten")
    bot.sender.drain()
    consent = posts_to(fake, f"D{EMP}")[-1]
    press(slack, EMP, consent, "Ja, ga verder", ts_of(fake, consent))
    bot.sender.drain()
    kind = posts_to(fake, f"D{EMP}")[-1]
    press(slack, EMP, kind, "Ongewenst gedrag", ts_of(fake, kind))
    bot.sender.drain()
    slack.dm(EMP, first)
    bot.sender.drain()
    with session_scope(core.services.engine) as session:
        return str(session.execute(select(Case.pseudonym)).scalars().one())


def register(core: Core, *users: str) -> None:
    with session_scope(core.services.engine) as session:
        for i, user in enumerate(users):
            add_role(session, "ommen", "trusted_person", "slack", user, f"Vertrouwenspersoon {i + 1}")


# --- 1. commands and buttons anywhere ---------------------------------------------------------

def test_a_trusted_person_takes_and_answers_with_commands_typed_in_a_channel(
        core: Core, bot: SlackBot, slack: SlackRequests, fake: FakeSlack) -> None:
    register(core, TP)
    pseudonym = open_case(core, bot, slack, fake, "Mijn leidinggevende schreeuwt tegen me.")
    assert slack.command(TP, pseudonym, channel="C1", command="/oppakken",
                         response_url=fake.response_url("take"))[0] == 200
    bot.sender.drain()
    assert any("Vertrouwenspersoon 1" in p["text"] for p in posts_to(fake, f"D{EMP}"))  # taken
    slack.command(TP, f"{pseudonym} Zullen we morgen om tien uur bellen?", channel="C1", command="/antwoord",
                  response_url=fake.response_url("answer"))
    bot.sender.drain()
    assert any("morgen om tien uur bellen" in p["text"] for p in posts_to(fake, f"D{EMP}"))  # relayed
    assert not posts_to(fake, "C1")  # nothing of the case in the channel
    pointers = fake.of("response_url")
    assert pointers and all(p["response_type"] == "ephemeral" and "direct bericht" in p["text"] for p in pointers)


def test_the_confidential_command_in_a_channel_starts_the_conversation_in_the_dm(
        core: Core, bot: SlackBot, slack: SlackRequests, fake: FakeSlack) -> None:
    register(core, TP)
    slack.command(EMP, "", channel="C1", command="/vertrouwenspersoon", response_url=fake.response_url("c"))
    bot.sender.drain()
    [consent] = posts_to(fake, f"D{EMP}")
    assert button(consent, "Ja, ga verder")  # the consent question, not contact details
    [pointer] = fake.of("response_url")
    assert pointer["response_type"] == "ephemeral" and "direct bericht" in pointer["text"]


def test_the_confidential_button_under_a_channel_answer_continues_in_the_dm(
        core: Core, bot: SlackBot, slack: SlackRequests, fake: FakeSlack) -> None:
    register(core, TP)
    assert slack.click(EMP, "confide:start", channel="C1", response_url=fake.response_url("b"))[0] == 200
    bot.sender.drain()
    assert not posts_to(fake, "C1")  # no public error, nothing of it in the channel
    [consent] = posts_to(fake, f"D{EMP}")
    assert button(consent, "Ja, ga verder")
    pointers = [p for p in fake.of("response_url") if p.get("response_type") == "ephemeral"]
    assert [p["text"] for p in pointers if "direct bericht" in p["text"]]


# --- 2. spent buttons -------------------------------------------------------------------------

def test_a_pressed_question_shows_what_was_chosen_and_an_old_button_says_so_only_to_the_presser(
        bot: SlackBot, slack: SlackRequests, fake: FakeSlack) -> None:
    slack.dm("U2", "Mag ik een cadeau van een leverancier aannemen?")
    bot.sender.drain()
    [question] = posts_to(fake, "DU2")
    ts = ts_of(fake, question)
    press(slack, "U2", question, "50 of minder", ts, response_url=fake.response_url("q1"))
    bot.sender.drain()
    [update] = fake.of("chat.update")
    assert update["channel"] == "DU2" and update["ts"] == ts
    assert "Je koos: € 50 of minder" in texts_of(blocks_of(update))
    assert not [b for b in blocks_of(update) if b["type"] == "actions"]  # no live buttons left
    assert "waard" in texts_of(blocks_of(update))  # the question itself stays
    answered = len(posts_to(fake, "DU2"))

    press(slack, "U2", question, "meer dan", ts, response_url=fake.response_url("q2"))  # the old message again
    bot.sender.drain()
    assert len(posts_to(fake, "DU2")) == answered  # no lasting error message in the conversation
    [refusal] = [r for r in fake.of("response_url") if r.get("response_type") == "ephemeral"]
    assert "eerder gesprek" in refusal["text"] and refusal["replace_original"] is False


def test_a_second_trusted_person_pressing_take_gets_a_private_notice_and_spent_buttons(
        core: Core, bot: SlackBot, slack: SlackRequests, fake: FakeSlack) -> None:
    register(core, TP, TP2)
    open_case(core, bot, slack, fake, "Een collega intimideert mij.")
    [first], [second] = posts_to(fake, f"D{TP}"), posts_to(fake, f"D{TP2}")
    press(slack, TP, first, "Oppakken", ts_of(fake, first), response_url=fake.response_url("t1"))
    bot.sender.drain()
    # the other trusted person's copy loses its button at once …
    [other] = [u for u in fake.of("chat.update") if u["channel"] == f"D{TP2}"]
    assert other["ts"] == ts_of(fake, second) and "Opgepakt door een vertrouwenspersoon" in texts_of(blocks_of(other))
    assert not [b for b in blocks_of(other) if b["type"] == "actions"]
    # … and pressing it anyway (an old screen) gets a notice only they see
    press(slack, TP2, second, "Oppakken", ts_of(fake, second), response_url=fake.response_url("t2"))
    bot.sender.drain()
    updates = {u["channel"]: u for u in fake.of("chat.update")}
    assert "Opgepakt door een vertrouwenspersoon" in texts_of(blocks_of(updates[f"D{TP}"]))
    assert "Opgepakt door een vertrouwenspersoon" in texts_of(blocks_of(updates[f"D{TP2}"]))
    notices = [r for r in fake.of("response_url") if r["_url"].endswith("/t2") and r.get("response_type")]
    assert notices and notices[0]["response_type"] == "ephemeral"
    assert not [p for p in posts_to(fake, f"D{TP2}")[1:] if "eerder gesprek" in p["text"]]


# --- 3. channel etiquette ---------------------------------------------------------------------

def test_a_mention_is_answered_in_its_thread(bot: SlackBot, slack: SlackRequests, fake: FakeSlack) -> None:
    slack.event({"type": "app_mention", "channel": "C1", "user": "U9", "ts": "1600000000.000400",
                 "text": f"<@{BOT_USER}> {WINE}"})
    slack.event({"type": "app_mention", "channel": "C1", "user": "U8", "ts": "1600000000.000600",
                 "thread_ts": "1600000000.000100", "text": f"<@{BOT_USER}> {WINE}"})
    bot.sender.drain()
    first, second = posts_to(fake, "C1")
    assert first["thread_ts"] == "1600000000.000400"  # a new thread under the mention
    assert second["thread_ts"] == "1600000000.000100"  # the thread the mention was made in


def test_a_question_about_ones_own_harassment_in_a_channel_is_answered_in_the_dm(
        bot: SlackBot, slack: SlackRequests, fake: FakeSlack) -> None:
    slack.event({"type": "app_mention", "channel": "C1", "user": "U10", "ts": "1600000000.000700",
                 "text": f"<@{BOT_USER}> mijn leidinggevende maakt steeds seksistische opmerkingen tegen mij, "
                         "waar kan ik dat melden?"})
    bot.sender.drain()
    assert not posts_to(fake, "C1")
    [answer] = posts_to(fake, "DU10")
    assert "📣" in texts_of(blocks_of(answer))
    [pointer] = fake.of("chat.postEphemeral")
    assert pointer["channel"] == "C1" and pointer["user"] == "U10" and "direct bericht" in pointer["text"]


def test_a_clarifying_question_in_a_channel_is_answered_in_its_thread(
        bot: SlackBot, slack: SlackRequests, fake: FakeSlack) -> None:
    slack.event({"type": "app_mention", "channel": "C1", "user": "U11", "ts": "1600000000.000800",
                 "text": f"<@{BOT_USER}> mag ik een cadeau van een leverancier aannemen?"})
    bot.sender.drain()
    [question] = posts_to(fake, "C1")
    assert question["thread_ts"] == "1600000000.000800" and "waard" in texts_of(blocks_of(question))
    element = button(question, "50 of minder")
    slack.click("U11", element["value"], channel="C1", message_ts=ts_of(fake, question),
                thread_ts="1600000000.000800", label=element["text"]["text"], blocks=blocks_of(question))
    bot.sender.drain()
    answer = posts_to(fake, "C1")[-1]
    assert answer["thread_ts"] == "1600000000.000800" and blocks_of(answer)[0]["type"] == "header"
    # or typed in the thread, naming the bot
    slack.event({"type": "app_mention", "channel": "C1", "user": "U12", "ts": "1600000000.000900",
                 "text": f"<@{BOT_USER}> mag ik een cadeau van een leverancier aannemen?"})
    slack.event({"type": "app_mention", "channel": "C1", "user": "U12", "ts": "1600000000.000950",
                 "thread_ts": "1600000000.000900", "text": f"<@{BOT_USER}> ongeveer 30 euro"})
    bot.sender.drain()
    typed = posts_to(fake, "C1")[-1]
    assert typed["thread_ts"] == "1600000000.000900" and blocks_of(typed)[0]["text"]["text"][:1] in "🟢🟠🔴"


# --- 4. named colleagues ----------------------------------------------------------------------

def test_a_colleague_named_in_an_open_case_reaches_the_trusted_person_by_name(
        core: Core, bot: SlackBot, slack: SlackRequests, fake: FakeSlack) -> None:
    register(core, TP)
    fake.users["UJAN"] = {"id": "UJAN", "name": "jan.jansen", "profile": {"display_name": "Jan Jansen"}}
    open_case(core, bot, slack, fake, "<@UJAN> pest mij al weken.")
    [handoff] = posts_to(fake, f"D{TP}")
    assert "pest mij" not in handoff["text"]  # the handoff carries no content until it is taken
    press(slack, TP, handoff, "Oppakken", ts_of(fake, handoff))
    bot.sender.drain()
    assert any("@Jan Jansen pest mij" in p["text"] for p in posts_to(fake, f"D{TP}"))
    slack.dm(EMP, "Vandaag zei <@UJAN> het weer.")
    bot.sender.drain()
    assert "@Jan Jansen het weer" in posts_to(fake, f"D{TP}")[-1]["text"]
    assert EMP not in "".join(p["text"] for p in posts_to(fake, f"D{TP}"))  # the employee stays hidden


def test_a_colleague_named_in_an_ordinary_question_stays_a_colleague() -> None:
    from bot.slack.normalize import plain_text

    assert plain_text("<@UJAN> geeft mij een cadeau", "UBOT") == "een collega geeft mij een cadeau"
    english = plain_text("<@UJAN> gave me a present, may I keep it?", "UBOT")
    assert english == "a colleague gave me a present, may I keep it?"


# --- 5. the ack comes first -------------------------------------------------------------------

class Slow:
    """A handler that holds the core until released: the ack must not wait for it."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()

    def handle(self, ctx: Context) -> None:
        self.entered.set()
        self.release.wait(30)
        return None


def test_the_ack_does_not_wait_for_the_core(core: Core, fake: FakeSlack) -> None:
    slow = Slow()
    bot = build_slack(Core(core.services, [slow, *core.handlers]), slack_settings(fake), "ommen")
    server = http_server(bot, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        slack = SlackRequests(f"http://127.0.0.1:{server.server_port}/slack/events", SECRET)
        assert slack.dm("U5", "x" * 4000)[0] == 200  # acknowledged while the core is still busy
        assert slow.entered.wait(30) and not slow.release.is_set()
        slow.release.set()
        assert bot.settle()
        bot.sender.drain()
        [post] = fake.of("chat.postMessage")
        assert post["channel"] == "DU5"
    finally:
        slow.release.set()
        server.shutdown()
        server.server_close()


# --- 6. escaping ------------------------------------------------------------------------------

def test_the_notification_text_is_escaped_so_typed_markup_is_shown_not_acted_on(
        core: Core, bot: SlackBot, slack: SlackRequests, fake: FakeSlack) -> None:
    register(core, TP)
    # what Slack delivers when someone types these characters literally
    open_case(core, bot, slack, fake, "P&amp;O zei &lt;!channel&gt; en &lt;https://evil.example|klik hier&gt;")
    [handoff] = posts_to(fake, f"D{TP}")
    press(slack, TP, handoff, "Oppakken", ts_of(fake, handoff))  # the first message comes with the take
    bot.sender.drain()
    [first] = [p for p in posts_to(fake, f"D{TP}") if "P&amp;O" in p["text"]]
    assert "&lt;!channel&gt;" in first["text"]
    assert "<!channel>" not in first["text"] and "<https://evil" not in first["text"]
    assert "<!channel>" not in texts_of(blocks_of(first))
