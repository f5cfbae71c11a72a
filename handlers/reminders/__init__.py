"""Reminders for coordinators and trusted persons: agenda, annual reports and case terms."""

from handlers.reminders.handler import ReminderHandler

__all__ = ["ReminderHandler"]
