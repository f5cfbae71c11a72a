"""The coordinator's web application (Starlette, Jinja2 templates rendered on the server).

Every page is for the logged-in coordinator's own organisation: the organisation comes from the
session, never from the URL, so there is nothing to change in an address to see another one.
The application holds no encryption key: it reads counts, schedules and its own login tables.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.web import pages, queries
from bot.web.auth import LOGIN_COOKIE, Auth, in_thread, read_form, same_token, see_other
from bot.web.settings import WebSettings
from bot.web.texts import Texts
from handlers.reminders.schedule import to_local
from handlers.reminders.texts import reminder_title
from knowledge.engine import KnowledgeBase
from storage.answer_counts import week_of
from storage.db import session_scope
from storage.models import utcnow
from storage.report_settings import (
    MANUAL_CHANNELS,
    channel_counts,
    set_channel_counts,
    set_small_count_threshold,
    small_count_threshold,
)
from storage.web_login import Login

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
WEEK_CHOICES = (4, 13, 26, 52)
CSP = ("default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")


class SecurityHeaders:
    """Headers on every response: no framing, no referrer (a login link never leaks), no caching."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                            (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY"),
                            (b"cache-control", b"no-store")]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class WebApp:
    """The routes, bound to one database and knowledge base."""

    def __init__(self, engine: Engine, kb: KnowledgeBase, settings: WebSettings,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.engine, self.kb, self.settings, self.clock = engine, kb, settings, clock
        self.auth = Auth(engine, clock, timedelta(hours=settings.session_hours),
                         settings.public_url().startswith("https://"))
        env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                          trim_blocks=True, lstrip_blocks=True)
        self.templates = Jinja2Templates(env=env)

    # --- helpers ---------------------------------------------------------------------------

    def render(self, request: Request, name: str, login: Login | None, lang: str, status: int = 200,
               **context: object) -> Response:
        t = Texts(lang)
        org = self.kb.organisations.get(login.org) if login else None
        return self.templates.TemplateResponse(request, name, {
            "t": t, "lang": t.lang, "login": login, "org_name": org.name if org else "", **context},
            status_code=status)

    def message(self, request: Request, key: str, status: int, lang: str = "nl", login: Login | None = None,
                extra: str | None = None) -> Response:
        return self.render(request, "message.html", login, lang, status=status, message=key, extra=extra)

    def threshold(self, org: str) -> int:
        with session_scope(self.engine) as session:
            return small_count_threshold(session, org, self.settings.small_count_threshold)

    def _logged_in(self, request: Request) -> Login | Response:
        login = self.auth.login(request)
        if login is None:
            return self.message(request, "not_logged_in", 401, extra="login_how")
        return login

    # --- login -----------------------------------------------------------------------------

    def home(self, request: Request) -> Response:
        login = self.auth.login(request)
        if login is None:
            return self.message(request, "not_logged_in", 401, extra="login_how")
        return see_other("/jaarverslag")

    def login_page(self, request: Request) -> Response:
        token = request.path_params["token"]
        state, lang, org = self.auth.link_state(token)
        if state != "valid":
            return self.message(request, f"link_{state}", 403 if state == "unknown" else 410, lang,
                                extra="ask_new_link")
        csrf = secrets.token_urlsafe(32)
        org_name = self.kb.organisations[org].name if org in self.kb.organisations else org
        response = self.render(request, "login.html", None, lang, token=token, csrf=csrf, login_org=org_name)
        self.auth.set_login_csrf(response, request, csrf)
        return response

    async def login_submit(self, request: Request) -> Response:
        form = await read_form(request)
        if form is None or not same_token(form.get("csrf"), request.cookies.get(LOGIN_COOKIE)):
            return self.message(request, "csrf_failed", 403)
        token = form.get("token", "")
        redeemed = await in_thread(self.auth.redeem, token)
        if redeemed is None:
            state, lang, _ = await in_thread(self.auth.link_state, token)
            key = "link_unknown" if state in ("valid", "unknown") else f"link_{state}"
            return self.message(request, key, 403 if key == "link_unknown" else 410, lang, extra="ask_new_link")
        response = see_other("/jaarverslag")
        self.auth.set_session(response, request, redeemed[0])
        response.delete_cookie(LOGIN_COOKIE, path="/login")
        log.info("coordinator's page: a login link was used")
        return response

    async def logout(self, request: Request) -> Response:
        login = await in_thread(self.auth.login, request)
        form = await read_form(request)
        if login is None:
            return self.message(request, "not_logged_in", 401, extra="login_how")
        if form is None or not same_token(form.get("csrf"), login.csrf):
            return self.message(request, "csrf_failed", 403, login.lang, login)
        await in_thread(self.auth.logout, request)
        response = self.message(request, "logged_out", 200, login.lang, extra="login_how")
        self.auth.clear_session(response, request)
        return response

    # --- Jaarverslag -----------------------------------------------------------------------

    def _year(self, request: Request) -> int:
        raw = request.query_params.get("year", "")
        now = to_local(self.clock()).year
        return int(raw) if raw.isdigit() and 2000 <= int(raw) <= now + 1 else now

    def _annual(self, login: Login, year: int) -> tuple[list[pages.Section], int]:
        threshold = self.threshold(login.org)
        with session_scope(self.engine) as session:
            this = queries.year_figures(session, login.org, year)
            prev = queries.year_figures(session, login.org, year - 1)
        t = Texts(login.lang)
        return pages.annual_sections(this, prev, t, threshold), threshold

    def annual(self, request: Request) -> Response:
        login = self._logged_in(request)
        if isinstance(login, Response):
            return login
        year = self._year(request)
        sections, threshold = self._annual(login, year)
        with session_scope(self.engine) as session:
            manual = channel_counts(session, login.org, year)
        now_year = to_local(self.clock()).year
        return self.render(request, "annual.html", login, login.lang, active="annual", year=year,
                           years=list(range(now_year, now_year - 6, -1)), sections=sections,
                           total=sections[0].totals[0], threshold=threshold, manual=manual,
                           manual_channels=MANUAL_CHANNELS, saved=request.query_params.get("saved") == "1")

    def annual_csv(self, request: Request) -> Response:
        login = self._logged_in(request)
        if isinstance(login, Response):
            return login
        year = self._year(request)
        sections, _ = self._annual(login, year)
        name = f"jaarverslag-{login.org}-{year}.csv" if login.lang != "en" else f"annual-report-{login.org}-{year}.csv"
        return Response(pages.annual_csv(sections), media_type="text/csv; charset=utf-8",
                        headers={"content-disposition": f'attachment; filename="{name}"'})

    async def annual_channels(self, request: Request) -> Response:
        login = await in_thread(self.auth.login, request)
        form = await read_form(request)
        if login is None:
            return self.message(request, "not_logged_in", 401, extra="login_how")
        if form is None or not same_token(form.get("csrf"), login.csrf):
            return self.message(request, "csrf_failed", 403, login.lang, login)
        year = form.get("year", "")
        counts: dict[str, int] = {}
        for channel in MANUAL_CHANNELS:
            raw = form.get(channel, "0").strip() or "0"
            if not raw.isdigit() or int(raw) > 10_000 or not (year.isdigit() and 2000 <= int(year) <= 2100):
                return self.message(request, "bad_input", 400, login.lang, login)
            counts[channel] = int(raw)

        def save() -> None:
            with session_scope(self.engine) as session:
                set_channel_counts(session, login.org, int(year), counts)
        await in_thread(save)
        return see_other(f"/jaarverslag?year={int(year)}&saved=1#manual")

    # --- Wat vragen medewerkers ---------------------------------------------------------------

    def questions(self, request: Request) -> Response:
        login = self._logged_in(request)
        if isinstance(login, Response):
            return login
        raw = request.query_params.get("weeks", "")
        n_weeks = int(raw) if raw.isdigit() and int(raw) in WEEK_CHOICES else 13
        threshold = self.threshold(login.org)
        last = week_of(self.clock())
        with session_scope(self.engine) as session:
            figures = queries.question_figures(session, login.org, last, n_weeks)
        t = Texts(login.lang)
        return self.render(request, "questions.html", login, login.lang, active="questions", n_weeks=n_weeks,
                           week_choices=WEEK_CHOICES, sections=pages.question_sections(figures, t, threshold),
                           topic_verdicts=pages.topic_verdicts(figures, t, threshold),
                           first=t.date(figures.weeks[0]), last=t.date(last + timedelta(days=6)),
                           threshold=threshold)

    # --- Herinneringen ----------------------------------------------------------------------

    def reminders(self, request: Request) -> Response:
        login = self._logged_in(request)
        if isinstance(login, Response):
            return login
        year = self._year(request)
        threshold = self.threshold(login.org)
        with session_scope(self.engine) as session:
            figures = queries.reminder_figures(session, login.org, year)
        t = Texts(login.lang)
        org = self.kb.org(login.org)
        titles = {(p.kind, p.key): reminder_title(p.kind, p.key, org, t.lang) for p in figures.planned}
        titles.update({(o.kind, o.key): reminder_title(o.kind, o.key, org, t.lang) for o in figures.occurrences})
        occurrences, terms = pages.reminder_rows(figures, titles, t, threshold)
        now_year = to_local(self.clock()).year
        planned = [(titles[(p.kind, p.key)], t.date(to_local(p.next_due).date()) if p.next_due else "—",
                    p.recipients, p.off) for p in figures.planned]
        return self.render(request, "reminders.html", login, login.lang, active="reminders", year=year,
                           years=list(range(now_year, now_year - 6, -1)), planned=planned,
                           occurrences=occurrences, terms=terms, columns=pages.STATUS_COLUMNS, threshold=threshold)

    # --- Instellingen -----------------------------------------------------------------------

    def settings_page(self, request: Request) -> Response:
        login = self._logged_in(request)
        if isinstance(login, Response):
            return login
        return self.render(request, "settings.html", login, login.lang, active="settings",
                           threshold=self.threshold(login.org), default=self.settings.small_count_threshold,
                           saved=request.query_params.get("saved") == "1")

    async def settings_submit(self, request: Request) -> Response:
        login = await in_thread(self.auth.login, request)
        form = await read_form(request)
        if login is None:
            return self.message(request, "not_logged_in", 401, extra="login_how")
        if form is None or not same_token(form.get("csrf"), login.csrf):
            return self.message(request, "csrf_failed", 403, login.lang, login)
        raw = form.get("threshold", "").strip()
        if not raw.isdigit() or not 1 <= int(raw) <= 20:
            return self.message(request, "bad_threshold", 400, login.lang, login)

        def save() -> None:
            with session_scope(self.engine) as session:
                set_small_count_threshold(session, login.org, int(raw))
        await in_thread(save)
        log.info("coordinator's page: small-count threshold of %s set to %s", login.org, raw)
        return see_other("/instellingen?saved=1")

    # --- errors ----------------------------------------------------------------------------

    async def not_found(self, request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 404
        return self.message(request, "not_found" if status == 404 else "bad_input", status)

    async def server_error(self, request: Request, exc: Exception) -> Response:
        log.error("coordinator's page: %s on %s", type(exc).__name__, request.url.path)
        return HTMLResponse("<!doctype html><title>Fout</title><p>Er ging iets mis. Probeer het later opnieuw. / "
                            "Something went wrong. Please try again later.</p>", status_code=500)


def create_app(engine: Engine, kb: KnowledgeBase, settings: WebSettings | None = None,
               clock: Callable[[], datetime] = utcnow) -> Starlette:
    web = WebApp(engine, kb, settings or WebSettings(), clock)
    routes = [
        Route("/", web.home),
        Route("/login/{token}", web.login_page),
        Route("/login", web.login_submit, methods=["POST"]),
        Route("/logout", web.logout, methods=["POST"]),
        Route("/jaarverslag", web.annual),
        Route("/jaarverslag.csv", web.annual_csv),
        Route("/jaarverslag/kanalen", web.annual_channels, methods=["POST"]),
        Route("/vragen", web.questions),
        Route("/herinneringen", web.reminders),
        Route("/instellingen", web.settings_page),
        Route("/instellingen", web.settings_submit, methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
    ]
    return Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)],
                     exception_handlers={404: web.not_found, 405: web.not_found, 500: web.server_error})
