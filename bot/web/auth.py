"""Login by a one-time link from the chat, the session cookie, and CSRF checks.

- GET /login/<token> only shows a button: link scanners and chat previews that fetch the URL do
  not use the link up. POST /login redeems it (once) and sets the session cookie.
- The session cookie is HttpOnly, SameSite=Strict, and Secure when the page is served over https.
- Every form carries a CSRF token: the session's own after login, a double-submit cookie before.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import parse_qs

from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from storage.db import session_scope
from storage.web_login import Login, end_session, link_state, login_of, redeem_link

log = logging.getLogger(__name__)

SESSION_COOKIE = "ib_session"
LOGIN_COOKIE = "ib_login_csrf"
MAX_FORM_BYTES = 16_384


class Auth:
    """Sessions of the coordinator's page, on the bot's database."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime], session_ttl: timedelta,
                 always_secure: bool) -> None:
        self.engine = engine
        self.clock = clock
        self.session_ttl = session_ttl
        self.always_secure = always_secure

    def secure(self, request: Request) -> bool:
        return self.always_secure or request.url.scheme == "https"

    def login(self, request: Request) -> Login | None:
        cookie = request.cookies.get(SESSION_COOKIE, "")
        if not cookie:
            return None
        with session_scope(self.engine) as session:
            return login_of(session, cookie, self.clock())

    def link_state(self, token: str) -> tuple[str, str, str]:
        with session_scope(self.engine) as session:
            return link_state(session, token, self.clock())

    def redeem(self, token: str) -> tuple[str, str] | None:
        with session_scope(self.engine) as session:
            return redeem_link(session, token, self.clock(), self.session_ttl)

    def logout(self, request: Request) -> None:
        cookie = request.cookies.get(SESSION_COOKIE, "")
        if cookie:
            with session_scope(self.engine) as session:
                end_session(session, cookie)

    # --- cookies ---------------------------------------------------------------------------

    def set_session(self, response: Response, request: Request, cookie: str) -> None:
        response.set_cookie(SESSION_COOKIE, cookie, max_age=int(self.session_ttl.total_seconds()), path="/",
                            httponly=True, secure=self.secure(request), samesite="strict")

    def clear_session(self, response: Response, request: Request) -> None:
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, secure=self.secure(request),
                               samesite="strict")

    def set_login_csrf(self, response: Response, request: Request, token: str) -> None:
        """The double-submit token of the login form (no session exists yet)."""
        response.set_cookie(LOGIN_COOKIE, token, max_age=900, path="/login", httponly=True,
                            secure=self.secure(request), samesite="strict")


async def read_form(request: Request) -> dict[str, str] | None:
    """The urlencoded form of a POST (first value per field); None when too big or not a form."""
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return None
    fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {k: v[0] for k, v in fields.items()}


def same_token(given: str | None, expected: str | None) -> bool:
    return bool(given and expected) and hmac.compare_digest(str(given), str(expected))


async def in_thread(fn, *args):  # type: ignore[no-untyped-def]
    return await run_in_threadpool(fn, *args)


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)
