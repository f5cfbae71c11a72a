"""Helpers of the reminder tests: register people, move the clock, read what console users got."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import time_machine

from bot.reminder_service import ReminderService
from handlers.dispatcher import Core
from handlers.reminders.schedule import TZ, ReminderConfig
from handlers.types import Reply
from storage.db import session_scope
from storage.models import RoleAssignment
from storage.outbox import deliver_due


def register(core: Core, role: str, user: str, org: str = "ommen", platform: str = "console",
             name: str | None = None) -> None:
    with session_scope(core.services.engine) as session:
        session.add(RoleAssignment(org=org, role=role, platform=platform, user_id=user, display_name=name))


@contextmanager
def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> Iterator[None]:
    """Travel to this moment in Amsterdam time (the clock stands still there)."""
    with time_machine.travel(datetime(year, month, day, hour, minute, tzinfo=TZ), tick=False):
        yield


def service(core: Core, **config: object) -> ReminderService:
    return ReminderService(core.services, ReminderConfig(**config))  # type: ignore[arg-type]


def inbox(core: Core, platform: str = "console") -> list[Reply]:
    """Everything the outbox delivers now on `platform`, the way the console sender shows it."""
    got: list[Reply] = []

    def send(reply: Reply) -> None:
        got.append(reply)

    deliver_due(core.services.engine, platform, send, core.services.cipher, limit=1000)
    return got


def to(replies: list[Reply], user: str) -> list[Reply]:
    return [r for r in replies if r.to.user == user]
