"""One-time login links and sessions of the coordinator's web page.

A link carries a random token of 256 bits; the database keeps only its SHA-256, so a copy of the
database (or of the outbox after the link was sent) cannot be turned into a login. A link is valid
for ten minutes and can be redeemed once: the redeeming UPDATE only succeeds while the link is
unused and unexpired, which decides atomically between two browsers racing for it. A session is
bound to one role of one organisation; when that role is removed, the session stops working.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlmodel import Field, Session, SQLModel

from storage.models import RoleAssignment

LINK_TTL = timedelta(minutes=10)
WEB_ROLES = ("coordinator", "admin")  # who may open the coordinator's page


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class LoginLink(SQLModel, table=True):
    """A login link sent in chat: only the hash of its token is stored."""

    __tablename__ = "web_login_link"
    token_hash: str = Field(primary_key=True, max_length=64)
    role_id: int = Field(index=True)  # role_assignment.id of the coordinator or administrator
    org: str = Field(max_length=100)
    lang: str = Field(default="nl", max_length=5)
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


class WebSession(SQLModel, table=True):
    """A logged-in browser: the hash of its cookie, the role it acts as, its CSRF token."""

    __tablename__ = "web_session"
    id_hash: str = Field(primary_key=True, max_length=64)
    role_id: int = Field(index=True)
    org: str = Field(max_length=100)
    lang: str = Field(default="nl", max_length=5)
    csrf: str = Field(max_length=64)
    created_at: datetime
    expires_at: datetime = Field(index=True)


@dataclass(frozen=True)
class Login:
    """Who a valid session belongs to (as the pages need it)."""

    org: str
    role: str
    display_name: str | None
    lang: str
    csrf: str


def issue_link(session: Session, role: RoleAssignment, lang: str, now: datetime,
               ttl: timedelta = LINK_TTL) -> str:
    """A new one-time token for this coordinator or administrator; the caller puts it in a link."""
    assert role.id is not None and role.role in WEB_ROLES
    token = secrets.token_urlsafe(32)
    session.add(LoginLink(token_hash=digest(token), role_id=role.id, org=role.org, lang=lang,
                          created_at=now, expires_at=now + ttl))
    session.flush()
    return token


def link_state(session: Session, token: str, now: datetime) -> tuple[str, str, str]:
    """('valid' | 'used' | 'expired' | 'unknown', language, organisation) — without using the link up."""
    row = session.get(LoginLink, digest(token)) if token else None
    if row is None or _role(session, row.role_id, row.org) is None:
        return "unknown", "nl", ""
    if row.used_at is not None:
        return "used", row.lang, row.org
    return ("valid" if _aware(row.expires_at) > now else "expired"), row.lang, row.org


def redeem_link(session: Session, token: str, now: datetime, session_ttl: timedelta) -> tuple[str, str] | None:
    """Use the link up and open a session: (session token, CSRF token), or None when it is not valid."""
    key = digest(token)
    won = session.execute(update(LoginLink).where(
        LoginLink.token_hash == key, LoginLink.used_at.is_(None), LoginLink.expires_at > now)  # type: ignore[union-attr]
        .values(used_at=now).returning(LoginLink.role_id, LoginLink.org, LoginLink.lang)).first()
    if won is None or _role(session, won.role_id, won.org) is None:
        return None
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(WebSession(id_hash=digest(cookie), role_id=won.role_id, org=won.org, lang=won.lang, csrf=csrf,
                           created_at=now, expires_at=now + session_ttl))
    session.execute(delete(WebSession).where(WebSession.expires_at <= now))  # tidy up old sessions
    session.flush()
    return cookie, csrf


def login_of(session: Session, cookie: str, now: datetime) -> Login | None:
    """The login behind a session cookie, if the session is current and its role still exists."""
    row = session.get(WebSession, digest(cookie)) if cookie else None
    if row is None or _aware(row.expires_at) <= now:
        return None
    role = _role(session, row.role_id, row.org)
    if role is None:
        return None
    return Login(org=row.org, role=role.role, display_name=role.display_name, lang=row.lang, csrf=row.csrf)


def end_session(session: Session, cookie: str) -> None:
    session.execute(delete(WebSession).where(WebSession.id_hash == digest(cookie)))


def _role(session: Session, role_id: int, org: str) -> RoleAssignment | None:
    role = session.execute(select(RoleAssignment).where(RoleAssignment.id == role_id)).scalar_one_or_none()
    return role if role is not None and role.org == org and role.role in WEB_ROLES else None


def _aware(moment: datetime) -> datetime:
    """SQLite hands datetimes back naive; they were stored as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
