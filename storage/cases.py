"""Confidential cases between an employee and a trusted person: tables and the operations on them.

What a copy of the database shows, and what it does not:
- `confide_case` holds no content and no identity: a random id (128 bits), a pseudonym, the
  organisation, the kind, the state, the trusted person who took it and timestamps (the
  reminders of issue 4 read these).
- `confide_identity` links a case to the employee only through (a) a blind index — an HMAC of
  the employee's platform key under a random index key that is itself stored encrypted — and
  (b) the address, encrypted. Without the encryption key neither can be read or recomputed.
- `confide_message` bodies are encrypted (Fernet: AES + HMAC, keys rotate with MultiFernet).
- `confide_consent` records what the employee agreed to and when (no content).
- `confide_statistic` keeps anonymous counts per organisation, year, kind, channel and outcome;
  it outlives the case.
Messages to the employee are sent with the tag 'sealed:<token>' (token only inside the
encrypted identity), which the outbox stores without a readable recipient.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import (
    JSON,
    Column,
    Date,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    delete,
    event,
    inspect,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel

from storage.crypto import Cipher
from storage.inserts import insert_new as insert_row
from storage.keys import CaseSecret, Keyring, keyring_of, secret_context
from storage.messages import Address
from storage.models import OutboxMessage, utcnow

CHANNEL = "trusted_person"  # the channel slug the statistics count these cases under
OUTCOMES = ("advice", "referred", "mediated", "formal_report", "withdrawn", "unrecorded")
DRAFT_TTL = timedelta(days=1)  # an unfinished start (no consent / no handoff) is dropped after this
_PSEUDO_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_PSEUDO_DIGITS = "23456789"


class Case(SQLModel, table=True):
    """One confidential conversation. No content and no identity live in this row."""

    __tablename__ = "confide_case"
    __table_args__ = (UniqueConstraint("org", "pseudonym"),)
    id: str = Field(primary_key=True, max_length=40)  # secrets.token_urlsafe(16): 128 bits
    org: str = Field(max_length=100, index=True)
    pseudonym: str = Field(max_length=20)  # "K7-Q3", shown as "Melder K7-Q3"
    state: str = Field(default="draft", max_length=10, index=True)  # draft | open | closed
    step: str | None = Field(default=None, max_length=20)  # while draft: consent | kind | message
    kind: str | None = Field(default=None, max_length=40)  # a report type of CONTRACT.md
    lang: str = Field(default="nl", max_length=5)
    handoff_to: list[str] = Field(default_factory=list, sa_column=Column(JSON))  # role keys
    created_at: datetime = Field(default_factory=utcnow)
    handed_off_at: datetime | None = None
    taken_at: datetime | None = None
    taken_by: str | None = Field(default=None, max_length=220)  # role key 'platform:user_id'
    last_employee_message_at: datetime | None = None
    last_trusted_reply_at: datetime | None = None
    closed_at: datetime | None = Field(default=None, index=True)
    closed_by: str | None = Field(default=None, max_length=10)  # employee | trusted
    formal_report_at: date | None = Field(default=None, sa_column=Column(Date))
    outcome: str | None = Field(default=None, max_length=20)
    counted_at: datetime | None = None  # when the statistics line was written (once per case)
    revealed_at: datetime | None = None  # when the employee made their name known
    # The reminder clock looks only at cases whose next term stage has come, or that changed
    # since it last looked (None): tick work follows what is due, not how many cases exist.
    term_check_at: datetime | None = Field(default=None, index=True)

    @property
    def label(self) -> str:
        return f"Melder {self.pseudonym}"


class CaseIdentity(SQLModel, table=True):
    """The employee behind a case: a blind index to find it, the address sealed."""

    __tablename__ = "confide_identity"
    case_id: str = Field(sa_column=Column(String(40), ForeignKey("confide_case.id"), primary_key=True))
    lookup: str = Field(max_length=64, index=True)  # HMAC-SHA256 of the platform key, hex
    sealed: str = Field(sa_column=Column(Text, nullable=False))  # encrypted {"address", "token"}


class CaseMessage(SQLModel, table=True):
    """One message of a case, encrypted."""

    __tablename__ = "confide_message"
    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(sa_column=Column(String(40), ForeignKey("confide_case.id"), index=True,
                                          nullable=False))
    sender: str = Field(max_length=10)  # employee | trusted
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class CaseConsent(SQLModel, table=True):
    """What the employee agreed to, and when: 'handoff' (to start) and 'reveal' (their name)."""

    __tablename__ = "confide_consent"
    id: int | None = Field(default=None, primary_key=True)
    case_id: str = Field(sa_column=Column(String(40), ForeignKey("confide_case.id"), index=True,
                                          nullable=False))
    purpose: str = Field(max_length=20)
    given_at: datetime = Field(default_factory=utcnow)


class CaseStatistic(SQLModel, table=True):
    """Anonymous counts for the annual report; kept after the cases are gone."""

    __tablename__ = "confide_statistic"
    __table_args__ = (UniqueConstraint("org", "year", "kind", "channel", "outcome"),)
    id: int | None = Field(default=None, primary_key=True)
    org: str = Field(max_length=100)
    year: int
    kind: str = Field(max_length=40)
    channel: str = Field(max_length=40)
    outcome: str = Field(max_length=20)
    count: int = 0


@dataclass(frozen=True)
class Employee:
    """The decrypted identity of a case: where to send, and the token of the sealed tag."""

    address: Address
    token: str

    @property
    def tag(self) -> str:
        return f"sealed:{self.token}"


def insert_new(session: Session, table: type[SQLModel], values: dict[str, object]) -> bool:
    """INSERT unless a unique key exists already; True when inserted (storage.inserts)."""
    return insert_row(session, table, values) is not None


# --- keys and the blind index ------------------------------------------------------------------

class Sealer:
    """Encryption and the blind index for one database (the index key lives in storage.keys)."""

    def __init__(self, cipher: Cipher) -> None:
        self.cipher = cipher
        self.keyring: Keyring = keyring_of(cipher)

    def index_key(self, session: Session) -> bytes:
        key = self.keyring.index_key(session)
        assert key is not None
        return key

    def lookup(self, session: Session, address: Address) -> str:
        return self.keyring.lookup(session, address.key)

    def seal(self, data: object, context: str | None = None) -> str:
        return self.cipher.encrypt(json.dumps(data, ensure_ascii=False), context)

    def open(self, token: str, context: str | None = None) -> object:
        return json.loads(self.cipher.decrypt(token, context))


def identity_context(case_id: str) -> str:
    """What an identity ciphertext is bound to: its field and its case."""
    return f"confide_identity.sealed:{case_id}"


def message_context(case_id: str) -> str:
    """What a message ciphertext is bound to: its field and its case."""
    return f"confide_message.body:{case_id}"


# --- cases -------------------------------------------------------------------------------------

def _pseudonym() -> str:
    c = secrets.choice
    return f"{c(_PSEUDO_LETTERS)}{c(_PSEUDO_DIGITS)}-{c(_PSEUDO_LETTERS)}{c(_PSEUDO_DIGITS)}"


def new_case(session: Session, sealer: Sealer, org: str, address: Address, lang: str,
             now: datetime) -> tuple[Case, Employee]:
    """A draft case under a fresh pseudonym, with the employee's address sealed."""
    employee = Employee(address=address, token=secrets.token_urlsafe(16))
    for _ in range(20):  # a pseudonym taken in this organisation: draw again
        case_id = secrets.token_urlsafe(16)
        if insert_new(session, Case, {"id": case_id, "org": org, "pseudonym": _pseudonym(), "lang": lang,
                                      "step": "consent", "state": "draft", "handoff_to": [],
                                      "created_at": now}):
            break
    else:  # pragma: no cover - 36,864 pseudonyms per organisation
        raise RuntimeError("no free pseudonym")
    case = session.get(Case, case_id)
    assert case is not None
    session.add(CaseIdentity(case_id=case.id, lookup=sealer.lookup(session, address),
                             sealed=sealer.seal({"address": asdict(address), "token": employee.token},
                                                identity_context(case.id))))
    session.flush()
    return case, employee


def employee_of(session: Session, sealer: Sealer, case: Case) -> Employee | None:
    row = session.get(CaseIdentity, case.id)
    if row is None:
        return None
    data = sealer.open(row.sealed, identity_context(case.id))
    assert isinstance(data, dict)
    return Employee(address=Address(**data["address"]), token=data["token"])


def cases_of_employee(session: Session, sealer: Sealer, address: Address) -> list[Case]:
    """The employee's cases, newest first (locked for this transaction where the database can)."""
    lookup = sealer.lookup(session, address)
    return list(session.execute(
        select(Case).join(CaseIdentity, CaseIdentity.case_id == Case.id)  # type: ignore[arg-type]
        .where(CaseIdentity.lookup == lookup).order_by(Case.created_at.desc())  # type: ignore[attr-defined]
        .with_for_update(of=Case)).scalars().all())


def get_case(session: Session, case_id: str, lock: bool = True) -> Case | None:
    return session.get(Case, case_id, with_for_update=lock) if case_id else None


def case_by_pseudonym(session: Session, orgs: list[str], pseudonym: str) -> Case | None:
    """A case of one of `orgs` by its pseudonym ('K7-Q3' or 'Melder K7-Q3', any case)."""
    p = pseudonym.strip().upper().removeprefix("MELDER").strip()
    if not orgs or not p:
        return None
    return session.execute(select(Case).where(Case.org.in_(orgs), Case.pseudonym == p)  # type: ignore[attr-defined]
                           .with_for_update()).scalar_one_or_none()


def open_cases(session: Session, orgs: list[str]) -> list[Case]:
    return list(session.execute(select(Case).where(Case.org.in_(orgs), Case.state == "open")  # type: ignore[attr-defined]
                                .order_by(Case.handed_off_at)).scalars().all())


TERM_FIELDS = ("state", "taken_by", "handoff_to", "handed_off_at", "last_employee_message_at",
               "last_trusted_reply_at", "formal_report_at", "created_at")


@event.listens_for(Case, "before_update")
def _terms_changed(_mapper: object, _conn: object, case: Case) -> None:
    """A change that moves the case's terms makes the reminder clock look at it again."""
    state = inspect(case)
    if any(state.attrs[name].history.has_changes() for name in TERM_FIELDS):
        case.term_check_at = utcnow()


def cases_to_check(session: Session, now: datetime, formal_since: date) -> list[Case]:
    """Open cases (and recently reported ones) whose next term stage has come or that changed."""
    return list(session.execute(select(Case).where(
        (Case.term_check_at.is_(None)) | (Case.term_check_at <= now),  # type: ignore[union-attr,operator]
        (Case.state == "open") | ((Case.formal_report_at.is_not(None))  # type: ignore[union-attr]
                                  & (Case.formal_report_at >= formal_since)),  # type: ignore[operator]
    )).scalars())


def set_term_check(session: Session, case_id: str, seen: datetime | None, at: datetime) -> None:
    """The next moment a term stage of the case comes, unless the case changed since it was read
    (`seen`: its term_check_at then; every change stamps a new one)."""
    session.execute(update(Case).where(Case.id == case_id, Case.term_check_at.is_not_distinct_from(seen))  # type: ignore[union-attr]
                    .values(term_check_at=at).execution_options(synchronize_session=False))


def try_take(session: Session, case_id: str, taker: str, now: datetime) -> bool:
    """Give the case to `taker` if nobody has it yet: the first one wins, also across processes."""
    won = session.execute(update(Case).where(
        Case.id == case_id, Case.state == "open", Case.taken_by.is_(None))  # type: ignore[union-attr]
        .values(taken_by=taker, taken_at=now, term_check_at=utcnow()).returning(Case.id)).first()
    session.expire_all()
    return won is not None


def release_cases(session: Session, org: str, taker: str) -> int:
    """Hand the open cases of a trusted person who left back to the others (they can take them)."""
    result = session.execute(update(Case).where(Case.org == org, Case.state == "open", Case.taken_by == taker)
                             .values(taken_by=None, taken_at=None, term_check_at=utcnow()))
    return result.rowcount or 0


def add_message(session: Session, sealer: Sealer, case: Case, sender: str, text: str, now: datetime) -> None:
    session.add(CaseMessage(case_id=case.id, sender=sender, body=sealer.cipher.encrypt(text, message_context(case.id)),
                            created_at=now))
    if sender == "employee":
        case.last_employee_message_at = now
    else:
        case.last_trusted_reply_at = now
    session.add(case)


def messages(session: Session, sealer: Sealer, case: Case,
             sender: str | None = None) -> list[tuple[str, str, datetime]]:
    """(sender, text, time) of the case's messages in order."""
    query = select(CaseMessage).where(CaseMessage.case_id == case.id)
    if sender:
        query = query.where(CaseMessage.sender == sender)
    rows = session.execute(query.order_by(CaseMessage.id)).scalars().all()  # type: ignore[arg-type]
    return [(r.sender, sealer.cipher.decrypt(r.body, message_context(case.id)), r.created_at) for r in rows]


def record_consent(session: Session, case: Case, purpose: str, now: datetime) -> None:
    session.add(CaseConsent(case_id=case.id, purpose=purpose, given_at=now))


def consents(session: Session, case: Case) -> list[CaseConsent]:
    return list(session.execute(select(CaseConsent).where(CaseConsent.case_id == case.id)
                                .order_by(CaseConsent.id)).scalars().all())  # type: ignore[arg-type]


def count_once(session: Session, case: Case, outcome: str, now: datetime) -> bool:
    """Add the case to the anonymous statistics, once; True when it was counted now."""
    if case.counted_at is not None or case.handed_off_at is None:
        return False
    key = dict(org=case.org, year=(case.handed_off_at or now).year, kind=case.kind or "unknown",
               channel=CHANNEL, outcome=outcome)
    insert_new(session, CaseStatistic, {**key, "count": 0})
    session.execute(update(CaseStatistic).filter_by(**key).values(count=CaseStatistic.count + 1))
    case.counted_at = now
    case.outcome = outcome
    session.add(case)
    return True


def statistics(session: Session, org: str | None = None, year: int | None = None) -> list[CaseStatistic]:
    query = select(CaseStatistic)
    if org:
        query = query.where(CaseStatistic.org == org)
    if year:
        query = query.where(CaseStatistic.year == year)
    return list(session.execute(query.order_by(CaseStatistic.org, CaseStatistic.year, CaseStatistic.kind,
                                               CaseStatistic.outcome)).scalars().all())


def erase(session: Session, sealer: Sealer | None, case: Case) -> None:
    """Delete everything of a case at once: messages, identity, consents, outbox copies, the row."""
    tags = [f"handoff:{case.id}", f"case:{case.id}"]
    if sealer is not None:
        employee = employee_of(session, sealer, case)
        if employee is not None:
            tags.append(employee.tag)
    session.execute(delete(OutboxMessage).where(OutboxMessage.tag.in_(tags)))  # type: ignore[union-attr]
    for table in (CaseMessage, CaseConsent, CaseIdentity):
        session.execute(delete(table).where(table.case_id == case.id))  # type: ignore[attr-defined]
    session.execute(delete(Case).where(Case.id == case.id))
    session.expunge(case)


def purge_expired(engine: Engine, cipher: Cipher | None, now: datetime,
                  retention_days: int) -> dict[str, int]:
    """Erase closed cases older than the retention period and unfinished drafts; count first."""
    from storage.db import session_scope  # storage.db imports this module for its tables
    sealer = Sealer(cipher) if cipher is not None else None
    done = {"closed": 0, "drafts": 0}
    with session_scope(engine) as session:
        closed = session.execute(select(Case).where(
            Case.state == "closed", Case.closed_at <= now - timedelta(days=retention_days))  # type: ignore[operator]
        ).scalars().all()
        for case in closed:
            count_once(session, case, "unrecorded", now)
            erase(session, sealer, case)
            done["closed"] += 1
        drafts = session.execute(select(Case).where(
            Case.state == "draft", Case.created_at <= now - DRAFT_TTL)).scalars().all()  # type: ignore[operator]
        for case in drafts:
            erase(session, sealer, case)
            done["drafts"] += 1
    return done


def rotate_keys(engine: Engine, cipher: Cipher, batch: int = 500) -> dict[str, int]:
    """Re-encrypt every encrypted value with the current (first) key, bound to its row and field
    (values from before binding get bound now); return counts per table."""
    from storage.db import session_scope
    from storage.keys import outbox_context
    counts: dict[str, int] = {}
    targets = [(CaseIdentity, "sealed", CaseIdentity.case_id, lambda r: identity_context(r.case_id)),
               (CaseMessage, "body", CaseMessage.id, lambda r: message_context(r.case_id)),
               (CaseSecret, "sealed", CaseSecret.name, lambda r: secret_context(r.name)),
               (OutboxMessage, "payload", OutboxMessage.id, lambda r: outbox_context(r.platform, r.tag))]
    for table, column, key, context in targets:
        n = 0
        last = None
        while True:
            with session_scope(engine) as session:
                query = select(table).order_by(key).limit(batch)
                if table is OutboxMessage:
                    query = query.where(OutboxMessage.encrypted.is_(True))  # type: ignore[attr-defined]
                if last is not None:
                    query = query.where(key > last)
                rows = session.execute(query).scalars().all()
                for row in rows:
                    setattr(row, column, cipher.rotate(getattr(row, column), context(row)))
                    session.add(row)
                n += len(rows)
                if not rows:
                    break
                last = getattr(rows[-1], key.key)  # type: ignore[union-attr]
        counts[table.__tablename__] = n  # type: ignore[attr-defined]
    return counts
