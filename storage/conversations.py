"""Per-user conversation state: the pending question survives a restart.

A state row is keyed by a keyed hash of the user's platform key (storage.keys), never the key
itself, and stamped with the day only: a copy of the database cannot tell whose state a row is,
nor line its time up with the messages of a confidential case.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlmodel import Session

from storage.keys import Keyring
from storage.models import ConversationState, utcnow

PURPOSE = "state"


def state_key(session: Session, keyring: Keyring, user_key: str) -> str:
    """The stored key of a user's state row."""
    return keyring.blind(session, PURPOSE, user_key)


def day_of(moment: datetime) -> datetime:
    """A timestamp coarsened to its day (UTC midnight): enough for clean-up, useless for timing."""
    return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)


def load_state(session: Session, keyring: Keyring, user_key: str, org: str) -> ConversationState:
    """The user's state row (a fresh one if none), locked for this transaction where possible."""
    key = state_key(session, keyring, user_key)
    state = session.get(ConversationState, key, with_for_update=True)
    if state is None:
        state = ConversationState(user_key=key, org=org, updated_at=day_of(utcnow()))
    elif state.org != org:  # a user moved to another organisation: old questions do not apply
        state.org, state.pending, state.flow, state.flow_data = org, None, None, None
    return state


def save_state(session: Session, state: ConversationState) -> None:
    day = day_of(utcnow())
    if state.updated_at is None or _naive(state.updated_at) != _naive(day):  # unchanged stamps write nothing new
        state.updated_at = day
    session.add(state)


def stored_lang(session: Session, keyring: Keyring, user_key: str) -> str | None:
    """The language a user last spoke with the bot, if a state is stored."""
    state = session.get(ConversationState, state_key(session, keyring, user_key))
    return state.lang if state else None


def stored_org(session: Session, keyring: Keyring, user_key: str) -> str | None:
    """The organisation a user's conversation belongs to (e.g. chosen by a deep link), if stored."""
    state = session.get(ConversationState, state_key(session, keyring, user_key))
    return state.org if state else None


def adopt_legacy_states(session: Session, keyring: Keyring) -> int:
    """Rows written before states were keyed by a hash (their key is the readable 'platform:user'):
    moved to their keyed hash, so a pending question survives the upgrade and no readable key stays."""
    legacy = session.execute(select(ConversationState).where(
        ConversationState.user_key.contains(":"))).scalars().all()  # type: ignore[attr-defined]
    for row in legacy:
        key = state_key(session, keyring, row.user_key)
        if session.get(ConversationState, key) is None:
            session.add(ConversationState(user_key=key, org=row.org, lang=row.lang, pending=row.pending,
                                          flow=row.flow, flow_data=row.flow_data, updated_at=day_of(row.updated_at)))
        session.delete(row)
    return len(legacy)


def _naive(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None)
