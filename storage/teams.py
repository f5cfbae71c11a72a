"""What the Teams adapter must remember: how to reach each user, and which tenant is which organisation.

A bot can only write to someone on Teams through a conversation the Bot Connector knows: the
conversation reference (service URL, conversation id, tenant) of the user's personal chat with
the bot. It is stored for every user who talked to the bot (or installed it), so relayed
messages and reminders can be sent later (proactive messages).

The tenant → organisation mapping is data an administrator sets (`integrity-bot teams tenant
add`): a shared-service body may serve several municipalities, each its own Microsoft 365 tenant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlmodel import Field, Session, SQLModel

from storage.models import utcnow


class TeamsConversationRef(SQLModel, table=True):
    """One Teams user's personal chat with the bot (keyed by their Entra object id)."""

    __tablename__ = "teams_conversation_ref"
    user_id: str = Field(primary_key=True, max_length=100)  # from.aadObjectId
    tenant_id: str = Field(max_length=100)
    service_url: str = Field(max_length=500)
    conversation_id: str | None = Field(default=None, max_length=500)  # personal chat, once known
    channel_account_id: str = Field(max_length=200)  # from.id ("29:…"), to open a personal chat
    bot_id: str = Field(max_length=200)  # recipient.id of the activity ("28:<app id>")
    updated_at: datetime = Field(default_factory=utcnow)


class TeamsTenant(SQLModel, table=True):
    """A Microsoft 365 tenant and the organisation whose rules its employees get."""

    __tablename__ = "teams_tenant"
    tenant_id: str = Field(primary_key=True, max_length=100)
    org: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utcnow)


@dataclass(frozen=True)
class ConversationRef:
    """Where to send a proactive message to one user."""

    user_id: str
    tenant_id: str
    service_url: str
    conversation_id: str | None
    channel_account_id: str
    bot_id: str


def remember(session: Session, ref: ConversationRef) -> None:
    """Store or refresh a user's reference; a personal conversation id is never replaced by None."""
    row = session.get(TeamsConversationRef, ref.user_id)
    if row is None:
        row = TeamsConversationRef(user_id=ref.user_id, tenant_id=ref.tenant_id, service_url=ref.service_url,
                                   conversation_id=ref.conversation_id,
                                   channel_account_id=ref.channel_account_id, bot_id=ref.bot_id)
    else:
        unchanged = (row.tenant_id == ref.tenant_id and row.service_url == ref.service_url
                     and row.channel_account_id == ref.channel_account_id and row.bot_id == ref.bot_id
                     and (ref.conversation_id is None or row.conversation_id == ref.conversation_id))
        if unchanged:
            return  # most messages: no write at all
        row.tenant_id, row.service_url = ref.tenant_id, ref.service_url
        row.channel_account_id, row.bot_id = ref.channel_account_id, ref.bot_id
        if ref.conversation_id:
            row.conversation_id = ref.conversation_id
        row.updated_at = utcnow()
    session.add(row)


def reference(session: Session, user_id: str) -> ConversationRef | None:
    row = session.get(TeamsConversationRef, user_id)
    if row is None:
        return None
    return ConversationRef(row.user_id, row.tenant_id, row.service_url, row.conversation_id,
                           row.channel_account_id, row.bot_id)


def forget(session: Session, user_id: str) -> None:
    """The app was removed for this user: the reference no longer works."""
    session.execute(delete(TeamsConversationRef).where(TeamsConversationRef.user_id == user_id))


def set_tenant(session: Session, tenant_id: str, org: str) -> bool:
    """Map a tenant to an organisation (or move it); True when the tenant is new."""
    tenant_id = tenant_id.strip().lower()
    row = session.get(TeamsTenant, tenant_id)
    new = row is None
    row = row or TeamsTenant(tenant_id=tenant_id, org=org)
    row.org = org
    session.add(row)
    return new


def remove_tenant(session: Session, tenant_id: str) -> bool:
    result = session.execute(delete(TeamsTenant).where(TeamsTenant.tenant_id == tenant_id.strip().lower()))
    return bool(result.rowcount)


def tenant_org(session: Session, tenant_id: str | None) -> str | None:
    if not tenant_id:
        return None
    row = session.get(TeamsTenant, tenant_id.strip().lower())
    return row.org if row else None


def tenants(session: Session) -> list[tuple[str, str]]:
    rows = session.execute(select(TeamsTenant).order_by(TeamsTenant.org, TeamsTenant.tenant_id)).scalars().all()
    return [(r.tenant_id, r.org) for r in rows]
