"""Roles as data: who is a trusted person (or coordinator) of which organisation, on which platform.

Only a registered trusted person of a case's organisation can take, read or answer that case,
so every check of the confidential flow goes through `is_trusted_person`. A role is matched on
(platform, user id): the same person may be registered on Slack and on Telegram.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlmodel import Session

from storage.messages import Address
from storage.models import RoleAssignment

ROLES = ("trusted_person", "coordinator", "manager", "admin")
PLATFORMS = ("console", "slack", "telegram", "teams")
TRUSTED = "trusted_person"


def normal_user_id(platform: str, user_id: str) -> str:
    """Teams user ids are Entra object ids (GUIDs), which Teams sends in lower case."""
    return user_id.strip().lower() if platform == "teams" else user_id


def role_key(platform: str, user_id: str) -> str:
    """How a role holder is written in a case (`taken_by`, `handoff_to`): 'platform:user_id'."""
    return f"{platform}:{normal_user_id(platform, user_id)}"


def address_of(key: str) -> Address:
    """The address to send to for a role key written by `role_key`."""
    platform, _, user = key.partition(":")
    return Address(platform, user)


def trusted_persons(session: Session, org: str, available_only: bool = True) -> list[RoleAssignment]:
    """The registered trusted persons of `org` (the available ones unless told otherwise)."""
    query = select(RoleAssignment).where(RoleAssignment.org == org, RoleAssignment.role == TRUSTED)
    if available_only:
        query = query.where(RoleAssignment.available.is_(True))  # type: ignore[attr-defined]
    return list(session.execute(query.order_by(RoleAssignment.id)).scalars().all())


def trusted_role(session: Session, org: str, platform: str, user_id: str) -> RoleAssignment | None:
    """The trusted-person registration of this platform user in `org`, if any."""
    return session.execute(select(RoleAssignment).where(
        RoleAssignment.org == org, RoleAssignment.role == TRUSTED,
        RoleAssignment.platform == platform, RoleAssignment.user_id == user_id)).scalar_one_or_none()


def trusted_orgs(session: Session, platform: str, user_id: str) -> list[str]:
    """Every organisation this platform user is a trusted person of."""
    return list(session.execute(select(RoleAssignment.org).where(
        RoleAssignment.role == TRUSTED, RoleAssignment.platform == platform,
        RoleAssignment.user_id == user_id)).scalars().all())


def add_role(session: Session, org: str, role: str, platform: str, user_id: str,
             display_name: str | None = None) -> tuple[RoleAssignment, bool]:
    """Register a role (or update the name of an existing one); True when it is new."""
    user_id = normal_user_id(platform, user_id)
    existing = session.execute(select(RoleAssignment).where(
        RoleAssignment.org == org, RoleAssignment.role == role, RoleAssignment.platform == platform,
        RoleAssignment.user_id == user_id)).scalar_one_or_none()
    if existing is not None:
        if display_name is not None:
            existing.display_name = display_name
            session.add(existing)
        return existing, False
    row = RoleAssignment(org=org, role=role, platform=platform, user_id=user_id, display_name=display_name)
    session.add(row)
    session.flush()
    return row, True


def list_roles(session: Session, org: str | None = None) -> list[RoleAssignment]:
    query = select(RoleAssignment)
    if org:
        query = query.where(RoleAssignment.org == org)
    return list(session.execute(query.order_by(RoleAssignment.org, RoleAssignment.role,
                                               RoleAssignment.id)).scalars().all())


def remove_role(session: Session, org: str, role: str, platform: str, user_id: str) -> bool:
    user_id = normal_user_id(platform, user_id)
    result = session.execute(delete(RoleAssignment).where(
        RoleAssignment.org == org, RoleAssignment.role == role, RoleAssignment.platform == platform,
        RoleAssignment.user_id == user_id))
    return bool(result.rowcount)


def set_available(session: Session, org: str, platform: str, user_id: str, available: bool) -> int:
    """Mark every role of this user in `org` (un)available, e.g. during a holiday."""
    user_id = normal_user_id(platform, user_id)
    result = session.execute(update(RoleAssignment).where(
        RoleAssignment.org == org, RoleAssignment.platform == platform,
        RoleAssignment.user_id == user_id).values(available=available))
    return result.rowcount or 0


def admins(session: Session, org: str) -> list[RoleAssignment]:
    """The administrators of `org` (they are warned when a conversation cannot be delivered)."""
    return list(session.execute(select(RoleAssignment).where(
        RoleAssignment.org == org, RoleAssignment.role == "admin").order_by(RoleAssignment.id)).scalars())
