"""The confidential conversation: an anonymised handoff to a trusted person and a two-way relay."""

from handlers.confide.employee import ConfideHandler

__all__ = ["ConfideHandler"]
