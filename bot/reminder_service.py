"""The reminder clock of a bot process: APScheduler wakes it, the database decides what is due.

Each process (the Slack bot, the Telegram bot, `integrity-bot reminders run`) may run one.
APScheduler keeps a single interval job in memory — no shared job store, which sends
duplicates across processes — and every tick reads the reminder rows, claims due
occurrences and enqueues them in the outbox. `misfire_grace_time=None` and `coalesce=True`:
a tick that was late (a suspended laptop, a busy machine) still runs, once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.settings import Settings
from handlers.context import Services
from handlers.dispatcher import Core
from handlers.reminders.jobs import TickResult, run_due, settle
from handlers.reminders.schedule import TZ, ReminderConfig, as_utc
from handlers.reminders.seed import seed_fingerprint, seed_org
from handlers.types import Reply
from storage.db import session_scope
from storage.events import forget_old_events
from storage.outbox import deliver_due, purge_delivered, purge_finished
from storage.reminders import max_role_id, purge_deliveries, seed_mark, set_seed_mark

log = logging.getLogger(__name__)

SEED_EVERY = timedelta(hours=1)
PURGE_EVERY = timedelta(hours=6)  # retention is in days: a few passes a day are plenty
TRACES_EVERY = timedelta(minutes=10)  # delivered answers and old event ids: gone within minutes


def reminder_config(settings: Settings) -> ReminderConfig:
    """The INTEGRITY_REMINDER_* settings as the reminder code reads them."""
    return ReminderConfig(
        tick_seconds=settings.reminder_tick_seconds, time_of_day=settings.reminder_time,
        weekday=settings.reminder_weekday, agenda_start_month=settings.reminder_agenda_start_month,
        agenda_default_times=settings.reminder_agenda_default_times,
        report_date=settings.reminder_report_date, late_after_minutes=settings.reminder_late_after_minutes,
        snooze_days=settings.reminder_snooze_days, auto_seed=settings.reminder_auto_seed)


class ReminderService:
    """Runs `tick` every `config.tick_seconds` in a background thread (and once at start)."""

    def __init__(self, services: Services, config: ReminderConfig,
                 console_send: Callable[[Reply], str | None] | None = None) -> None:
        self.services = services
        self.config = config
        self.console_send = console_send  # set in the process that shows console users' messages
        self._scheduler: BackgroundScheduler | None = None
        self._last_seed: datetime | None = None
        self._last_purge: datetime | None = None
        self._last_traces: datetime | None = None
        self._lock = threading.Lock()
        self.ticks = 0
        self.last_tick_at: datetime | None = None  # /healthz: a clock that stopped is a sick process

    def seed_all(self, now: datetime) -> int:
        """Create missing default reminders for everyone registered, in every organisation."""
        created = 0
        for org in self.services.kb.organisations.values():
            with session_scope(self.services.engine) as session:
                created += len(seed_org(session, org, self.config, now))
        return created

    def seed_changed(self, now: datetime) -> int:
        """Seed only the people registered since the last seeding (everyone when the settings or
        the knowledge base that decide the default reminders changed): no work per person
        at every start and every hour."""
        created = 0
        for org in self.services.kb.organisations.values():
            fingerprint = seed_fingerprint(org, self.config)
            with session_scope(self.services.engine) as session:
                mark = seed_mark(session, org.org)
                after = mark.role_id if mark is not None and mark.fingerprint == fingerprint else 0
                newest = max_role_id(session, org.org)
                if mark is not None and after == newest:
                    continue
                created += len(seed_org(session, org, self.config, now, after_id=after))
                set_seed_mark(session, org.org, fingerprint, newest)
        return created

    def tick(self) -> TickResult:
        """One pass: (re)seed now and then, send what is due, record outcomes, show console ones."""
        with self._lock:
            now = as_utc(self.services.clock())
            if self.config.auto_seed and (self._last_seed is None or now - self._last_seed >= SEED_EVERY):
                created = self.seed_changed(now)
                self._last_seed = now
                if created:
                    log.info("reminders: %d default reminder(s) created", created)
            if self._last_purge is None or now - self._last_purge >= PURGE_EVERY:
                self._purge(now)
            if self._last_traces is None or now - self._last_traces >= TRACES_EVERY:
                self._purge_traces(now)
            result = run_due(self.services, self.config, now)
            self._show_console()
            result.notices = settle(self.services, now)
            if result.notices:
                self._show_console()
            self.ticks += 1
            self.last_tick_at = as_utc(self.services.clock())
            log.debug("reminder tick %d: %d sent, %d late, %d notices", self.ticks, len(result.sent),
                      result.late, result.notices)
            return result

    def _purge(self, now: datetime) -> None:
        """Retention: erase the content of closed cases past the period (the counts stay), and
        the history the bot needs no more: handled event ids, sent outbox rows, sent reminders."""
        from storage.cases import purge_expired

        days = int(self.services.options.get("retention_days", 365))  # type: ignore[call-overload]
        done = purge_expired(self.services.engine, self.services.cipher, now, days)
        history = self.services.options.get("history_retention")
        keep = dict(history) if isinstance(history, dict) else {}
        done.update(purge_history(self.services.engine, now, outbox_days=int(keep.get("outbox", 30)),
                                  event_days=int(keep.get("events", 7)),
                                  delivery_days=int(keep.get("reminder_deliveries", 400))))
        self._last_purge = now
        if any(done.values()):
            log.info("retention purge: %s", done)

    def _purge_traces(self, now: datetime) -> None:
        """Privacy: delivered ordinary answers and event ids past their retry window go, so a copy
        of the database keeps nothing to line up with the times of a confidential case."""
        with session_scope(self.services.engine) as session:
            purge_delivered(session)
            forget_old_events(session)
        self._last_traces = now

    def _show_console(self) -> None:
        """Deliver console users' messages one at a time: a crash strands at most the one being
        shown (the outbox re-sends it after its stale period), not a whole batch."""
        if self.console_send is None:
            return
        while deliver_due(self.services.engine, "console", self.console_send, self.services.cipher, limit=1):
            pass

    def _safe_tick(self) -> None:
        try:
            self.tick()
        except Exception:  # the clock must keep running; the next tick retries
            log.exception("reminder tick failed")

    def start(self) -> ReminderService:
        scheduler = BackgroundScheduler(timezone=TZ)  # in-memory job store: the DB holds the truth
        scheduler.add_job(self._safe_tick, IntervalTrigger(seconds=self.config.tick_seconds, timezone=TZ),
                          id="reminder-tick", next_run_time=datetime.now(TZ),
                          misfire_grace_time=None, coalesce=True, max_instances=1)
        scheduler.start()
        self._scheduler = scheduler
        return self

    def shutdown(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=True)
            self._scheduler = None


def purge_history(engine, now: datetime, outbox_days: int, event_days: int,  # type: ignore[no-untyped-def]
                  delivery_days: int) -> dict[str, int]:
    """Delete what only grows: sent and failed outbox rows, handled event ids, sent reminders."""
    outbox = purge_finished(engine, now, outbox_days)
    with session_scope(engine) as session:
        events = forget_old_events(session, event_days)
        deliveries = purge_deliveries(session, now - timedelta(days=delivery_days))
    return {"outbox": outbox, "events": events, "reminder_deliveries": deliveries}


def start_reminder_service(core: Core, settings: Settings | None = None,
                           console_send: Callable[[Reply], str | None] | None = None) -> ReminderService:
    """Start the reminder clock in this process (the Slack and Telegram commands call this)."""
    settings = settings or Settings()
    config = core.services.options.get("reminders")
    if not isinstance(config, ReminderConfig):
        config = reminder_config(settings)
    return ReminderService(core.services, config, console_send).start()
