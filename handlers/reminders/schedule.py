"""Reminder time: schedules in Europe/Amsterdam, next occurrences, working days.

Internally every moment is an aware UTC datetime (what sqlmodel's UTCDateTime columns store
and return); `as_utc` also accepts a naive value as UTC. People think in local time.
APScheduler's CronTrigger computes the next occurrence of a schedule (it knows daylight saving
time and "first Monday of the month"); the working-day arithmetic for case terms skips
weekends and Dutch public holidays (the `holidays` package).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from apscheduler.triggers.cron import CronTrigger

TZ = ZoneInfo("Europe/Amsterdam")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_NAMES = {
    "mon": ("maandag", "ma", "monday", "mon"), "tue": ("dinsdag", "di", "tuesday", "tue"),
    "wed": ("woensdag", "wo", "wednesday", "wed"), "thu": ("donderdag", "do", "thursday", "thu"),
    "fri": ("vrijdag", "vr", "friday", "fri"), "sat": ("zaterdag", "za", "saturday", "sat"),
    "sun": ("zondag", "zo", "sunday", "sun"),
}
DAY_NAMES = {"nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
             "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")}
MONTH_NAMES = {
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
           "oktober", "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}
OFFICE_START, OFFICE_END = time(8, 0), time(18, 0)


@dataclass(frozen=True)
class ReminderConfig:
    """Reminder settings (from INTEGRITY_REMINDER_* settings); the defaults are the documented ones."""

    tick_seconds: float = 30.0
    time_of_day: str = "09:00"
    weekday: str = "mon"
    agenda_start_month: int = 3
    agenda_default_times: int = 1
    report_date: str = "01-15"  # MM-DD
    late_after_minutes: int = 15
    snooze_days: int = 7
    auto_seed: bool = True

    @property
    def late_after(self) -> timedelta:
        return timedelta(minutes=self.late_after_minutes)


# --- parsing what coordinators type ---------------------------------------------------------

def parse_weekday(word: str) -> str | None:
    """'dinsdag', 'di', 'Tuesday' → 'tue'; None when it is not a weekday."""
    w = word.strip().lower().rstrip(".")
    for key, names in _WEEKDAY_NAMES.items():
        if w in names:
            return key
    return None


def parse_time(word: str) -> str | None:
    """'9:30', '09.30', '14u', '14' → 'HH:MM'; None when it is not a time of day."""
    m = re.fullmatch(r"(\d{1,2})(?:[:.u](\d{2}))?u?", word.strip().lower())
    if not m:
        return None
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


def parse_day_month(word: str) -> str | None:
    """'15-01', '15/1', '15 januari' → 'MM-DD' (the day as people write it, day first)."""
    w = word.strip().lower()
    m = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})", w)
    if m:
        day, month = int(m.group(1)), int(m.group(2))
    else:
        m = re.fullmatch(r"(\d{1,2})\s+([a-z]+)", w)
        if not m:
            return None
        day = int(m.group(1))
        month = next((i + 1 for i, n in enumerate(MONTH_NAMES["nl"]) if n.startswith(m.group(2)[:3])), 0) or \
            next((i + 1 for i, n in enumerate(MONTH_NAMES["en"]) if n.lower().startswith(m.group(2)[:3])), 0)
    try:
        date(2024, month, day)  # a leap year, so 29 February is allowed
    except ValueError:
        return None
    return f"{month:02d}-{day:02d}"


def hm(text: str) -> tuple[int, int]:
    hour, minute = text.split(":")
    return int(hour), int(minute)


# --- UTC ↔ local ----------------------------------------------------------------------------

def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken to be UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def to_local(moment: datetime) -> datetime:
    return as_utc(moment).astimezone(TZ)


def local_at(day: date, time_of_day: str) -> datetime:
    """`day` at `time_of_day` in Europe/Amsterdam, as UTC."""
    hour, minute = hm(time_of_day)
    return as_utc(datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ))


def fmt_date(moment: datetime, lang: str = "nl", with_time: bool = True, weekday: bool = True) -> str:
    """'maandag 2 maart 2026, 09:00' in Amsterdam time."""
    loc = to_local(moment)
    lang = lang if lang in DAY_NAMES else "nl"
    text = f"{loc.day} {MONTH_NAMES[lang][loc.month - 1]} {loc.year}"
    if weekday:
        text = f"{DAY_NAMES[lang][loc.weekday()]} {text}"
    return f"{text}, {loc:%H:%M}" if with_time else text


# --- schedules ------------------------------------------------------------------------------

def spread_months(times_per_year: int, start_month: int) -> str:
    """Months for n meetings a year, evenly spread from `start_month`: 2 from March → '3,9'."""
    n = max(1, min(12, times_per_year))
    months = {(start_month - 1 + round(i * 12 / n)) % 12 + 1 for i in range(n)}
    return ",".join(str(m) for m in sorted(months))


def cron_trigger(months: str, time_of_day: str, weekday: str | None = None, day: int | None = None,
                 every_years: int = 1, start_year: int | None = None) -> CronTrigger:
    """The first <weekday> of each listed month (agenda) or a fixed day (reports), Amsterdam time."""
    hour, minute = hm(time_of_day)
    year = f"{start_year}/{every_years}" if every_years > 1 and start_year else "*"
    day_expr = f"1st {weekday}" if weekday else str(day or 1)
    return CronTrigger(year=year, month=months, day=day_expr, hour=hour, minute=minute, timezone=TZ)


def next_fire(trigger: CronTrigger, after: datetime) -> datetime | None:
    """The first occurrence strictly after `after` (UTC)."""
    start = as_utc(after) + timedelta(microseconds=1)
    fire = trigger.get_next_fire_time(None, start)
    return as_utc(fire) if fire else None


def next_working_fire(trigger: CronTrigger, after: datetime) -> datetime | None:
    """The next occurrence after `after`, moved to the next working day (same time) when it falls
    on a weekend or a public holiday: nobody is reminded of a report on a Sunday."""
    fire = next_fire(trigger, after)
    if fire is None:
        return None
    loc = to_local(fire)
    if is_working_day(loc.date()):
        return fire
    day = next_working_day(loc.date())
    return as_utc(datetime(day.year, day.month, day.day, loc.hour, loc.minute, tzinfo=TZ))


# --- working days ---------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _nl_holidays() -> holidays.HolidayBase:
    return holidays.country_holidays("NL")


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a Dutch public holiday."""
    return day.weekday() < 5 and day not in _nl_holidays()


def holiday_name(day: date) -> str | None:
    return _nl_holidays().get(day)


def next_working_day(day: date) -> date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def last_working_day_on_or_before(day: date) -> date:
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def shift_working_days(day: date, n: int) -> date:
    """`n` working days after (n > 0) or before (n < 0) `day`."""
    step = 1 if n >= 0 else -1
    left = abs(n)
    while left:
        day += timedelta(days=step)
        if is_working_day(day):
            left -= 1
    return day


def add_working_days(start_utc: datetime, n: int) -> datetime:
    """The moment `n` whole working days after `start_utc` (UTC).

    A start on a weekend or holiday counts from the beginning of the next working day, so a
    case opened on Saturday has all of Monday before a one-working-day term ends.
    """
    loc = to_local(start_utc)
    if not is_working_day(loc.date()):
        first = next_working_day(loc.date())
        loc = datetime(first.year, first.month, first.day, tzinfo=TZ)
    day = shift_working_days(loc.date(), n)
    end = datetime(day.year, day.month, day.day, loc.hour, loc.minute, loc.second, tzinfo=TZ)
    return as_utc(end)


def office_hours(moment_utc: datetime, time_of_day: str) -> datetime:
    """`moment_utc` when it falls in office hours on a working day; else the next working
    morning at `time_of_day` — nobody is reminded of a term at night or on a Sunday."""
    loc = to_local(moment_utc)
    if is_working_day(loc.date()) and OFFICE_START <= loc.time() < OFFICE_END:
        return as_utc(moment_utc)
    day = loc.date()
    if not (is_working_day(day) and loc.time() < OFFICE_START):
        day = shift_working_days(day, 1) if is_working_day(day) else next_working_day(day)
    return local_at(day, time_of_day)


def add_months(day: date, months: int) -> date:
    """Calendar months later, clamped to the month's last day (31 May + 3 months = 31 Aug)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for dd in (day.day, 30, 29, 28):
        try:
            return date(year, month, dd)
        except ValueError:
            continue
    raise ValueError("unreachable")
