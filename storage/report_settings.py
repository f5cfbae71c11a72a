"""What an organisation records for its annual report next to the bot's own counts.

- `report_channel_count`: reports that did not go through the bot (Meldpunt Integriteit, the
  coordinator, a manager, the Huis voor Klokkenluiders), entered as a number per year by the
  coordinator, so the annual report shows every channel the 2021 model report counts.
- `org_setting`: the organisation's choice of the threshold under which counts are shown as
  "< 3" (a small number could point to a person in a small organisation).
Numbers only; nothing here names a person or a case.
"""

from __future__ import annotations

from sqlalchemy import UniqueConstraint, select, update
from sqlmodel import Field, Session, SQLModel

from storage.inserts import insert_new

MANUAL_CHANNELS = ("integrity_desk", "coordinator", "manager", "whistleblowers_authority")


class ReportChannelCount(SQLModel, table=True):
    """Reports of one year that reached a channel outside the bot."""

    __tablename__ = "report_channel_count"
    __table_args__ = (UniqueConstraint("org", "year", "channel"),)
    id: int | None = Field(default=None, primary_key=True)
    org: str = Field(max_length=100, index=True)
    year: int
    channel: str = Field(max_length=40)
    count: int = 0


class OrgSetting(SQLModel, table=True):
    """Per organisation: the small-count threshold of its reports (None = the deployment default)."""

    __tablename__ = "org_setting"
    org: str = Field(primary_key=True, max_length=100)
    small_count_threshold: int | None = None


def channel_counts(session: Session, org: str, year: int) -> dict[str, int]:
    rows = session.execute(select(ReportChannelCount).where(
        ReportChannelCount.org == org, ReportChannelCount.year == year)).scalars().all()
    return {r.channel: r.count for r in rows}


def set_channel_counts(session: Session, org: str, year: int, counts: dict[str, int]) -> None:
    for channel, n in counts.items():
        key = {"org": org, "year": year, "channel": channel}
        insert_new(session, ReportChannelCount, {**key, "count": n})
        session.execute(update(ReportChannelCount).filter_by(**key).values(count=n))


def small_count_threshold(session: Session, org: str, default: int) -> int:
    row = session.get(OrgSetting, org)
    return row.small_count_threshold if row and row.small_count_threshold is not None else default


def set_small_count_threshold(session: Session, org: str, threshold: int) -> None:
    insert_new(session, OrgSetting, {"org": org, "small_count_threshold": threshold})
    session.execute(update(OrgSetting).where(OrgSetting.org == org).values(small_count_threshold=threshold))
