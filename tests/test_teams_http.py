"""The Teams bot over HTTP: signed activities into the real SDK app, answers read at the fake Bot Connector.

Each test posts what the Bot Connector would post (with a token signed by the fake's key, checked
against the fake's OpenID/JWKS document), lets the outbox thread deliver, and asserts what the
user would see in Teams: the cards posted, in which conversation, and how a card looks after a press.
"""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request

from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from bot.teams.server import TeamsServer
from handlers.dispatcher import Core
from storage import teams as refs
from storage.db import session_scope
from storage.models import OutboxMessage
from tests.slack_fake import wait_until
from tests.teams_fake import (
    TENANT,
    FakeTeams,
    TeamsClient,
    block_text,
    buttons_of,
    card_of,
    card_texts,
    headline,
    teams_settings,
)

pytest_plugins = ["tests.teams_fixtures"]  # fixtures: fake, endpoint, teams

WINE = "Mag ik een fles wijn van 25 euro van een leverancier aannemen?"


def personal(user: str) -> str:
    return f"a:personal-29:{user}"


def test_a_personal_message_is_answered_with_the_traffic_light_card(teams: TeamsClient, fake: FakeTeams) -> None:
    status, _ = teams.message("aad-1", WINE)
    assert status == 200
    [call] = fake.wait_for(1)
    assert call.conversation == personal("aad-1")
    card = card_of(call)
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    first = card["body"][0]
    assert block_text(first).startswith("🟠") and first["inlines"][0]["color"] == "Warning"
    text = card_texts(call)
    assert "Wat nu" in text and "👉" in text and "Coördinator" in text
    [source] = [b for b in card["body"] if block_text(b).startswith("📄 Bron")]
    assert source["inlines"][0]["isSubtle"] is True
    assert call.body["summary"].startswith("🟠")  # what the notification shows
    assert fake.tokens_issued == 1  # the bot's token came from (the fake) Entra ID, and is cached


def test_a_may_i_question_asks_the_value_with_buttons_and_the_card_shows_the_choice(
        teams: TeamsClient, fake: FakeTeams) -> None:
    teams.message("aad-2", "Mag ik een cadeau van een leverancier aannemen?")
    [question] = fake.wait_for(1)
    assert "waard" in card_texts(question)
    ids = {b["data"]["itb"] for b in buttons_of(question)}
    assert {"value:le:50", "value:gt:50", "value:unknown"} <= ids
    assert teams.press("aad-2", question, "meer dan")[0] == 200
    answer = fake.wait_for(2)[1]
    assert headline(answer).startswith("🔴")
    # the question's card is redrawn: its text stays, the buttons make way for what was chosen
    assert wait_until(lambda: len(fake.updates()) == 1)
    [update] = fake.updates()
    assert update.conversation == personal("aad-2") and update.activity_id == question.activity_id
    assert "waard" in card_texts(update) and "Gekozen: meer dan" in card_texts(update)
    assert buttons_of(update) == []


def test_a_stale_button_gets_a_kind_answer(teams: TeamsClient, fake: FakeTeams) -> None:
    teams.message("aad-3", "Mag ik een cadeau van een leverancier aannemen?")
    [question] = fake.wait_for(1)
    teams.press("aad-3", question, "meer dan")
    fake.wait_for(2)
    assert teams.press("aad-3", question, "50 of minder")[0] == 200  # the question was answered already
    stale = fake.wait_for(3)[2]
    assert "eerder gesprek dat al is afgerond" in card_texts(stale)
    assert len(fake.sent()) == 3


def test_a_reporting_question_gets_the_route_card(teams: TeamsClient, fake: FakeTeams) -> None:
    teams.message("aad-4", "Een collega pest mij, bij wie kan ik terecht?")
    [call] = fake.wait_for(1)
    assert headline(call).startswith("📣")
    text = card_texts(call)
    assert "1." in text and "vertrouwenspersoon" in text.lower()


def test_a_redelivered_activity_is_answered_once(teams: TeamsClient, fake: FakeTeams) -> None:
    activity = teams.activity("aad-5", teams.personal("aad-5"), text=WINE)
    assert teams.post(activity)[0] == 200
    assert teams.post(activity)[0] == 200  # the Bot Connector delivers it again, same id
    fake.wait_for(1)
    assert not wait_until(lambda: len(fake.sent()) > 1, timeout=1.0)
    assert len(fake.sent()) == 1


def test_requests_without_a_valid_token_get_401_and_no_answer(teams: TeamsClient, fake: FakeTeams,
                                                              endpoint: TeamsServer) -> None:
    activity = teams.activity("aad-6", teams.personal("aad-6"), text=WINE)
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert teams.post(activity, token=None)[0] == 401
    assert teams.post(activity, token="not-a-jwt")[0] == 401
    assert teams.post(activity, token=fake.bot_framework_token(key=other_key))[0] == 401  # not Microsoft's key
    assert teams.post(activity, token=fake.bot_framework_token(audience="another-bot"))[0] == 401
    assert teams.post(activity, token=fake.bot_framework_token(expires_in=-3600))[0] == 401
    assert teams.post(activity, token=fake.bot_framework_token(issuer="https://evil.example"))[0] == 401
    # a genuine token, but for another service URL than the activity names
    assert teams.post(activity, token=fake.bot_framework_token(service_url="https://evil.example/"))[0] == 401
    assert not wait_until(lambda: bool(fake.sent()), timeout=1.0)
    with session_scope(endpoint.bot.core.services.engine) as session:
        assert refs.reference(session, "aad-6") is None  # nothing of the request was kept
    assert teams.post(activity)[0] == 200  # the same activity, properly signed
    fake.wait_for(1)


def test_a_body_that_is_not_a_json_activity_gets_400(endpoint: TeamsServer) -> None:
    for body in (b"{not json", b"[1, 2]"):
        req = urllib.request.Request(endpoint.url, data=body, headers={"Content-Type": "application/json"},
                                     method="POST")
        try:
            urllib.request.urlopen(req, timeout=10)
            status = 200
        except urllib.error.HTTPError as exc:
            status = exc.code
        assert status == 400
    # a huge body is refused from its announced length, before it is read
    conn = http.client.HTTPConnection("127.0.0.1", endpoint.port, timeout=10)
    conn.putrequest("POST", "/api/messages")
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Content-Length", str(50_000_000))
    conn.endheaders()
    assert conn.getresponse().status == 413
    conn.close()


def test_a_channel_mention_is_answered_in_its_thread(teams: TeamsClient, fake: FakeTeams) -> None:
    teams.channel_mention("aad-7", WINE, thread="1700000000777")
    [call] = fake.wait_for(1)
    assert call.conversation == "19:general@thread.tacv2;messageid=1700000000777"
    assert headline(call).startswith("🟠")


def test_a_confidential_request_in_a_channel_moves_to_the_personal_chat(teams: TeamsClient, fake: FakeTeams,
                                                                       core: Core) -> None:
    teams.channel_mention("aad-8", "ik wil vertrouwelijk praten met een vertrouwenspersoon")
    calls = fake.wait_for(2)
    thread = "19:general@thread.tacv2;messageid=1700000000999"
    [opened] = [c for c in fake.calls if c.method == "create_conversation"]  # the bot opens a personal chat
    assert opened.body["members"] == [{"id": "29:aad-8"}] and opened.body["tenantId"]
    in_thread = [c for c in calls if c.conversation == thread]
    private = [c for c in calls if c.conversation == personal("aad-8")]
    assert len(in_thread) == 1 and "persoonlijke chat" in card_texts(in_thread[0])
    assert "vertrouwenspersoon" not in card_texts(in_thread[0]).lower()  # nothing of it in the channel
    assert private and "vertrouwenspersoon" in card_texts(private[0]).lower()
    with session_scope(core.services.engine) as session:
        ref = refs.reference(session, "aad-8")
    assert ref is not None and ref.conversation_id == personal("aad-8")  # kept for later messages


def test_a_429_is_retried_after_its_retry_after(teams: TeamsClient, fake: FakeTeams, core: Core) -> None:
    fake.fail(429, "TooManyRequests", headers={"Retry-After": "1"})
    teams.message("aad-9", WINE)
    [call] = fake.wait_for(1)
    assert headline(call).startswith("🟠")
    assert [c.method for c in fake.calls if c.method != "create_conversation"] == ["failed_send", "send"]

    def row() -> OutboxMessage:
        with session_scope(core.services.engine) as session:
            return session.execute(select(OutboxMessage).where(OutboxMessage.platform == "teams")).scalars().one()

    assert wait_until(lambda: row().status == "delivered")  # marked right after Teams accepted it
    assert row().attempts == 2


def test_a_tenant_without_an_organisation_is_told_how_to_link_it(endpoint: TeamsServer, fake: FakeTeams) -> None:
    stranger = TeamsClient(endpoint.url, fake, tenant="99999999-0000-0000-0000-000000000009")
    assert stranger.message("aad-10", WINE)[0] == 200
    [call] = fake.wait_for(1)
    text = card_texts(call)
    assert "nog niet" in text and "teams tenant add --tenant 99999999-0000-0000-0000-000000000009" in text


def test_my_id_tells_the_user_their_entra_object_id(teams: TeamsClient, fake: FakeTeams) -> None:
    teams.message("aad-11", "mijnid")
    [call] = fake.wait_for(1)
    assert "aad-11" in card_texts(call)


def test_an_english_client_gets_english_adapter_texts(teams: TeamsClient, fake: FakeTeams) -> None:
    teams.message("aad-12", "my id", locale="en-US")
    [call] = fake.wait_for(1)
    assert "Your Teams user ID" in card_texts(call)


def test_the_bot_can_authenticate_with_a_certificate_instead_of_a_secret(core: Core, fake: FakeTeams) -> None:
    with session_scope(core.services.engine) as session:
        refs.set_tenant(session, TENANT, "ommen")
    settings = teams_settings(fake, app_secret="", certificate_file=fake.app_certificate())
    server = TeamsServer(core, settings, host="127.0.0.1", port=0)
    server.start()
    try:
        TeamsClient(server.url, fake).message("aad-13", WINE)
        [call] = fake.wait_for(1)
        assert headline(call).startswith("🟠") and fake.tokens_issued == 1
    finally:
        server.stop()


def test_installing_the_app_greets_with_privacy_in_three_lines(teams: TeamsClient, fake: FakeTeams) -> None:
    install = teams.activity("aad-14", teams.personal("aad-14"), type="installationUpdate", action="add")
    assert teams.post(install)[0] == 200
    assert teams.post(install)[0] == 200  # redelivered: greeted once
    welcome, help_text = fake.wait_for(2)
    assert "Privacy in drie regels" in card_texts(welcome) and "eDiscovery" in card_texts(welcome)
    assert "Ik ben de Integriteitsbot van Gemeente Ommen" in card_texts(help_text)
    assert not wait_until(lambda: len(fake.sent()) > 2, timeout=1.0)


def test_what_someone_wrote_is_shown_literally_not_as_markdown(core: Core) -> None:
    from bot.teams.cards import card_json
    from handlers.types import Address, Reply

    written = "Zie *bijlage* en snake_case_naam\n1. eerst [link](https://x)"
    card = card_json(Reply(to=Address("teams", "u"), text=written))
    runs = [run for block in card["body"] for run in block["inlines"]]
    assert [r["text"] for r in runs] == ["Zie *bijlage* en snake_case_naam", "1. eerst [link](https://x)"]
    assert all(block["type"] == "RichTextBlock" for block in card["body"])  # never read as Markdown
