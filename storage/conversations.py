"""Per-user conversation state: the pending question survives a restart."""

from __future__ import annotations

from sqlmodel import Session

from storage.models import ConversationState, utcnow


def load_state(session: Session, user_key: str, org: str) -> ConversationState:
    """The user's state row (a fresh one if none), locked for this transaction where possible."""
    state = session.get(ConversationState, user_key, with_for_update=True)
    if state is None:
        state = ConversationState(user_key=user_key, org=org)
    elif state.org != org:  # a user moved to another organisation: old questions do not apply
        state.org, state.pending, state.flow, state.flow_data = org, None, None, None
    return state


def save_state(session: Session, state: ConversationState) -> None:
    state.updated_at = utcnow()
    session.add(state)
