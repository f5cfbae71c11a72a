"""The Home tab and the modals: a trusted person works with buttons only, an employee starts a
confidential conversation from a form, confirmations are deliberate; in the user's Slack language."""

from __future__ import annotations

from typing import Any

from bot.slack.app import SlackBot
from handlers.dispatcher import Core
from storage.db import session_scope
from storage.roles import add_role
from tests.slack_fake import (
    FakeSlack,
    SlackRequests,
    blocks_of,
    home_click,
    submit,
    texts_of,
    view_of,
)

pytest_plugins = ["tests.slack_fixtures"]  # fixtures: fake, bot, slack

EMP, TP = "UEMP9", "UTP9"


def home_of(fake: FakeSlack, user: str) -> dict[str, Any]:
    return view_of([p for p in fake.of("views.publish") if p["user_id"] == user][-1])


def home_button(view: dict[str, Any], label_part: str) -> tuple[str, str]:
    for block in view["blocks"]:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if label_part.lower() in element["text"]["text"].lower():
                return element["value"], element["text"]["text"]
    raise AssertionError(f"no button '{label_part}' in {texts_of(view['blocks'])}")


def open_home(slack: SlackRequests, user: str) -> None:
    assert slack.event({"type": "app_home_opened", "user": user, "channel": f"D{user}", "tab": "home"})[0] == 200


def press_home(slack: SlackRequests, fake: FakeSlack, user: str, label: str) -> None:
    value, text = home_button(home_of(fake, user), label)
    assert home_click(slack, user, value, text)[0] == 200


def dm(fake: FakeSlack, user: str) -> list[dict[str, Any]]:
    return [p for p in fake.of("chat.postMessage") if p["channel"] == f"D{user}"]


def test_the_home_tab_is_in_the_users_slack_language_with_buttons(slack: SlackRequests, fake: FakeSlack) -> None:
    fake.users["UEN"] = {"id": "UEN", "name": "pat", "locale": "en-GB"}
    open_home(slack, "UEN")
    open_home(slack, "UNL")
    english, dutch = texts_of(home_of(fake, "UEN")["blocks"]), texts_of(home_of(fake, "UNL")["blocks"])
    assert "Ask a question" in english and "Talk confidentially to a trusted person" in english
    assert "Privacy" in english and "Waar meld" not in english and "Vertrouwenspersonen" not in english
    assert "Stel een vraag" in dutch and "Praat vertrouwelijk met een vertrouwenspersoon" in dutch


def test_a_question_asked_in_a_form_is_answered_in_the_dm(slack: SlackRequests, bot: SlackBot,
                                                           fake: FakeSlack) -> None:
    open_home(slack, "U3")
    press_home(slack, fake, "U3", "Stel een vraag")
    [opened] = fake.of("views.open")
    submit(slack, "U3", view_of(opened), {"question": "Mag ik een fles wijn van 25 euro van een leverancier aannemen?"})
    bot.sender.drain()
    [answer] = dm(fake, "U3")
    assert blocks_of(answer)[0]["text"]["text"].startswith("🟠")


def test_an_employee_starts_in_a_form_and_a_trusted_person_works_from_the_home_tab(
        core: Core, slack: SlackRequests, bot: SlackBot, fake: FakeSlack) -> None:
    with session_scope(core.services.engine) as session:
        add_role(session, "ommen", "trusted_person", "slack", TP, "Anna de Vries")
    # the employee: one form with the explanation, the kind and a first message
    open_home(slack, EMP)
    press_home(slack, fake, EMP, "Praat vertrouwelijk")
    intake = view_of(fake.of("views.open")[-1])
    assert "schuilnaam" in texts_of(intake["blocks"]) and intake["submit"]["text"] == "Ja, ga verder"
    submit(slack, EMP, intake, {"kind": "unwanted_behaviour", "first": "Mijn leidinggevende schreeuwt."})
    bot.sender.drain()
    [handoff] = dm(fake, TP)
    assert "Ongewenst gedrag" in handoff["text"]
    assert "schreeuwt" not in handoff["text"]  # no content until a trusted person takes it
    assert any("schuilnaam" in p["text"] or "Melder" in p["text"] for p in dm(fake, EMP))

    # the trusted person: take, answer and close from the Home tab, without typing a command
    open_home(slack, TP)
    assert "Jouw vertrouwelijke gesprekken" in texts_of(home_of(fake, TP)["blocks"])
    press_home(slack, fake, TP, "Oppakken")
    bot.sender.drain()
    assert any("Anna de Vries" in p["text"] for p in dm(fake, EMP))
    assert any("Mijn leidinggevende schreeuwt." in p["text"] for p in dm(fake, TP))  # now that it is taken
    press_home(slack, fake, TP, "Antwoorden")  # the Home tab was refreshed: the case is theirs now
    answer_form = view_of(fake.of("views.open")[-1])
    submit(slack, TP, answer_form, {"answer": "Zullen we morgen bellen?"})
    bot.sender.drain()
    assert any("Zullen we morgen bellen?" in p["text"] for p in dm(fake, EMP))
    press_home(slack, fake, TP, "Lees het gesprek")
    bot.sender.drain()
    assert "Mijn leidinggevende schreeuwt." in dm(fake, TP)[-1]["text"]

    # the employee makes their name known: a confirmation form first
    reveal = next(p for p in dm(fake, EMP)[::-1] if "naam bekend" in texts_of(blocks_of(p)).lower())
    element = next(e for b in blocks_of(reveal) if b["type"] == "actions" for e in b["elements"]
                   if "naam bekend" in e["text"]["text"].lower())
    slack.click(EMP, element["value"], channel=f"D{EMP}")
    confirm = view_of(fake.of("views.open")[-1])
    assert "teruggedraaid" in texts_of(confirm["blocks"])
    submit(slack, EMP, confirm, {})
    bot.sender.drain()
    assert any("Slack-gebruiker" in p["text"] for p in dm(fake, TP))

    press_home(slack, fake, TP, "Sluiten")
    bot.sender.drain()
    assert any("afgesloten" in p["text"] for p in dm(fake, EMP))
    assert "Er staan geen open gesprekken" in texts_of(home_of(fake, TP)["blocks"])
