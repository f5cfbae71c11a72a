"""Login links and sessions of the coordinator's page, and the page's HTTP hardening.

Driven through the real Starlette application (in process, over ASGI) on a real SQLite database;
the browser tests (test_web_browser.py) do the same through Chromium and `integrity-bot web`.
"""

from __future__ import annotations

import re
import warnings
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from bot.web.app import create_app
from bot.web.settings import WebSettings
from handlers.dispatcher import Core
from handlers.types import Address, IncomingMessage
from storage.db import session_scope
from storage.roles import add_role, remove_role
from storage.web_login import digest, issue_link, link_state, login_of, redeem_link

with warnings.catch_warnings():  # starlette would rather see httpx2; httpx (of python-telegram-bot) works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _role(core: Core, org: str = "ommen", role: str = "coordinator", user: str = "coby"):  # type: ignore[no-untyped-def]
    with session_scope(core.services.engine) as s:
        row, _ = add_role(s, org, role, "console", user)
        return row


def _dashboard(core: Core, user: str = "coby", org: str = "ommen", **extra: object):  # type: ignore[no-untyped-def]
    return core.handle(IncomingMessage(address=Address("console", user, chat=extra.pop("chat", None)),  # type: ignore[arg-type]
                                       org=org, text="/dashboard", **extra))  # type: ignore[arg-type]


def test_a_link_is_stored_as_a_hash_and_works_once_within_ten_minutes(core: Core) -> None:
    role = _role(core)
    with session_scope(core.services.engine) as s:
        token = issue_link(s, role, "nl", NOW)
    assert len(token) >= 43  # 32 random bytes: 256 bits
    with session_scope(core.services.engine) as s:
        dump = repr(s.execute(text("SELECT * FROM web_login_link")).all())
        assert token not in dump and digest(token) in dump
        assert link_state(s, token, NOW + timedelta(minutes=9))[0] == "valid"
        assert link_state(s, token, NOW + timedelta(minutes=10))[0] == "expired"
        assert redeem_link(s, token, NOW + timedelta(minutes=10, seconds=1), HOUR) is None
        cookie, csrf = redeem_link(s, token, NOW + timedelta(minutes=9), HOUR)  # type: ignore[misc]
        assert redeem_link(s, token, NOW + timedelta(minutes=9), HOUR) is None
        assert link_state(s, token, NOW)[0] == "used"
        login = login_of(s, cookie, NOW + timedelta(minutes=30))
        assert login is not None and login.org == "ommen" and login.csrf == csrf
        assert login_of(s, cookie, NOW + timedelta(minutes=9) + HOUR) is None  # the session ran out
        assert cookie not in repr(s.execute(text("SELECT * FROM web_session")).all())


def test_removing_the_role_ends_the_session(core: Core) -> None:
    role = _role(core)
    with session_scope(core.services.engine) as s:
        cookie, _ = redeem_link(s, issue_link(s, role, "nl", NOW), NOW, HOUR)  # type: ignore[misc]
        remove_role(s, "ommen", "coordinator", "console", "coby")
        assert login_of(s, cookie, NOW) is None


def test_only_coordinators_and_administrators_get_a_link_and_never_in_a_channel(core: Core) -> None:
    _role(core, role="trusted_person", user="tp")
    _role(core, role="manager", user="mgr")
    for user in ("tp", "mgr", "nobody"):
        reply = _dashboard(core, user)[0]
        assert "/login/" not in reply.text and "coördinatoren en beheerders" in reply.text
    _role(core, role="admin", user="beheer")
    reply = _dashboard(core, "beheer", chat="C0CHANNEL", in_group=True)[0]
    assert re.search(r"http://127\.0\.0\.1:8080/login/\S{43}", reply.text)
    assert reply.to.chat is None  # to the direct chat, not the channel
    assert reply.confidential  # encrypted in the outbox (the core has a key)
    with session_scope(core.services.engine) as s:
        assert s.execute(text("SELECT COUNT(*) FROM outbox WHERE payload LIKE '%/login/%'")).scalar_one() == 0


@pytest.fixture
def client(core: Core, kb) -> TestClient:  # type: ignore[no-untyped-def]
    app = create_app(core.services.engine, kb, WebSettings(_env_file=None))  # type: ignore[call-arg]
    return TestClient(app, base_url="https://coordinator.example.nl")


def _log_in(core: Core, client: TestClient):  # type: ignore[no-untyped-def]
    _role(core)
    link = re.search(r"/login/\S+", _dashboard(core)[0].text).group(0)  # type: ignore[union-attr]
    page = client.get(link)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    return client.post("/login", data={"csrf": csrf, "token": link.rsplit("/", 1)[1]}, follow_redirects=False)


def test_over_https_the_session_cookie_is_secure_httponly_and_strict(core: Core, client: TestClient) -> None:
    response = _log_in(core, client)
    assert response.status_code == 303 and response.headers["location"] == "/jaarverslag"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("ib_session="))
    flags = {f.strip().lower() for f in cookie.split(";")[1:]}
    assert {"httponly", "secure", "samesite=strict", "path=/"} <= flags


def test_every_response_forbids_framing_caching_referrers_and_inline_code(core: Core, client: TestClient) -> None:
    _log_in(core, client)
    for path in ("/jaarverslag", "/vragen", "/herinneringen", "/instellingen", "/jaarverslag.csv", "/nope",
                 "/login/wrong"):
        r = client.get(path)
        assert r.headers["cache-control"] == "no-store", path
        assert r.headers["referrer-policy"] == "no-referrer"
        assert r.headers["x-frame-options"] == "DENY"
        assert "script-src 'self'" in r.headers["content-security-policy"]
        assert "Traceback" not in r.text
    assert client.get("/nope").status_code == 404 and "Deze pagina bestaat niet." in client.get("/nope").text
    assert client.get("/login/wrong").status_code == 403


def test_a_login_form_without_the_cookie_token_or_too_large_is_refused(core: Core, client: TestClient) -> None:
    _role(core)
    link = re.search(r"/login/\S+", _dashboard(core)[0].text).group(0)  # type: ignore[union-attr]
    token = link.rsplit("/", 1)[1]
    assert client.post("/login", data={"csrf": "x", "token": token}).status_code == 403  # no cookie
    big = client.post("/login", content=b"a=" + b"x" * 20_000,
                      headers={"content-type": "application/x-www-form-urlencoded"})
    assert big.status_code == 403
    with session_scope(core.services.engine) as s:
        assert link_state(s, token, datetime.now(UTC))[0] == "valid"  # refused forms used nothing up


def test_the_page_without_a_login_says_how_to_get_one(client: TestClient) -> None:
    for path in ("/", "/jaarverslag", "/vragen", "/herinneringen", "/instellingen", "/jaarverslag.csv"):
        r = client.get(path)
        assert r.status_code == 401 and "/dashboard" in r.text, path
    assert client.post("/instellingen", data={"threshold": "1"}).status_code == 401
