"""The composition root: settings → knowledge base, database, cipher, handlers, core."""

from __future__ import annotations

import logging

from bot.reminder_service import reminder_config
from bot.settings import Settings
from bot.startup import check_keys
from bot.web.settings import WebSettings
from handlers.ask import AskHandler
from handlers.confide.employee import ConfideHandler
from handlers.context import Handler, Services
from handlers.dashboard import DashboardHandler
from handlers.dispatcher import Core
from handlers.reminders.handler import ReminderHandler
from knowledge.engine import KnowledgeBase
from storage.conversations import adopt_legacy_states
from storage.db import make_engine, session_scope
from storage.events import forget_legacy_events
from storage.keys import keyring_of, verify_key_check

log = logging.getLogger(__name__)


def build_services(settings: Settings, kb: KnowledgeBase | None = None) -> Services:
    """Everything long-lived; raises KnowledgeBaseError when the YAML is broken."""
    kb = kb or KnowledgeBase.load(settings.kb_dir, settings.contacts_file)
    engine = make_engine(settings.resolved_database_url(), settings.database_auto_upgrade)
    cipher = check_keys(settings, required=False)  # a key that is no key stops the start
    verify_key_check(engine, cipher)  # a key that cannot open this database: KeyCheckError, no start
    with session_scope(engine) as session:  # a database from before keyed hashes: nothing readable stays
        adopt_legacy_states(session, keyring_of(cipher))
        forget_legacy_events(session)
    return Services(kb=kb, engine=engine, cipher=cipher,
                    options={"retention_days": settings.retention_days,
                             "reminders": reminder_config(settings),
                             "delivery": delivery_options(settings),
                             "history_retention": {"outbox": settings.outbox_retention_days,
                                                   "events": settings.event_retention_days,
                                                   "reminder_deliveries": settings.reminder_delivery_retention_days},
                             "web_base_url": WebSettings().public_url()})


def delivery_options(settings: Settings) -> dict[str, object]:
    """How the platform delivery loops run (bot/delivery/loop.py keyword arguments)."""
    from datetime import timedelta

    return {"workers": settings.outbox_workers, "lease": timedelta(seconds=settings.outbox_lease_seconds)}


def build_handlers(services: Services) -> list[Handler]:
    """The conversation flows, most specific first; the question answerer last.

    The confidential conversation comes first: while a case is open every message of its
    employee belongs to it (a text that starts with 'herinneringen' too), except commands.
    """
    return [ConfideHandler(), ReminderHandler(), DashboardHandler(), AskHandler()]


def build_core(settings: Settings, kb: KnowledgeBase | None = None) -> Core:
    services = build_services(settings, kb)
    return Core(services, build_handlers(services))
