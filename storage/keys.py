"""The keys of one database: the encryption cipher, the blind-index key and the key check.

- The blind-index key is random, stored encrypted in `confide_secret` (so rotating the
  encryption key keeps every lookup). Under it, keyed hashes (HMAC-SHA256) stand in for every
  platform identity the bot must find again: the employee of a case, the conversation state of
  a user, a platform event id, the recipient of a queued message. Each use has its own
  purpose string, so the hashes of one user in different tables never match each other.
- The key check is a known text encrypted under the configured keys when the database first
  ran with them. At start-up it must open: a wrong key (valid, but not the one used) or a
  missing key for a database that holds encrypted data refuses to start instead of failing
  every message or answering a confidential message as an ordinary question.
- Without any key (a deployment without confidential conversations) the hashes are plain
  SHA-256: nothing confidential exists then, and the state is still not readable at a glance.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import weakref

from sqlalchemy import Column, Text, delete
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel

from storage.crypto import Cipher
from storage.errors import StartupError
from storage.inserts import insert_new

INDEX_KEY = "index_key"
KEY_CHECK = "key_check"
_CHECK_TEXT = "integriteitsbot key check"


class CaseSecret(SQLModel, table=True):
    """A secret of the database, stored encrypted: the blind-index key and the key check."""

    __tablename__ = "confide_secret"
    name: str = Field(primary_key=True, max_length=40)
    sealed: str = Field(sa_column=Column(Text, nullable=False))


class KeyCheckError(StartupError):
    """The configured keys cannot open this database's key check: refuse to start."""


def secret_context(name: str) -> str:
    """What a secret's ciphertext is bound to: its field and its name."""
    return f"confide_secret.sealed:{name}"


def outbox_context(platform: str, tag: str | None) -> str:
    """What a queued message's ciphertext is bound to: the outbox, its platform and its tag."""
    return f"outbox.payload:{platform}:{tag or ''}"


class Keyring:
    """Blind (keyed) hashes for one cipher; the index key is read once and re-read if it changes."""

    def __init__(self, cipher: Cipher | None) -> None:
        self.cipher = cipher
        self._cache: tuple[str, bytes] | None = None  # (sealed value, key)

    def index_key(self, session: Session) -> bytes | None:
        """The blind-index key (made on first use); None without an encryption key."""
        if self.cipher is None:
            return None
        row = session.get(CaseSecret, INDEX_KEY)
        if row is None:  # first use ever: make the key (another process may race us)
            fresh = self.cipher.encrypt(secrets.token_hex(32), secret_context(INDEX_KEY))
            insert_new(session, CaseSecret, {"name": INDEX_KEY, "sealed": fresh})
            row = session.get(CaseSecret, INDEX_KEY)
            assert row is not None
        if self._cache is None or self._cache[0] != row.sealed:  # rotated by another process
            self._cache = (row.sealed, bytes.fromhex(self.cipher.decrypt(row.sealed, secret_context(INDEX_KEY))))
        return self._cache[1]

    def lookup(self, session: Session, platform_key: str) -> str:
        """The case lookup of confide_identity (unchanged since the first version: no purpose)."""
        key = self.index_key(session)
        assert key is not None, "a case lookup needs the encryption key"
        return hmac.new(key, platform_key.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()

    def blind(self, session: Session, purpose: str, value: str) -> str:
        """A keyed hash of `value` for `purpose` ('state', 'event', 'recipient'), 64 hex digits."""
        data = f"{purpose}\x00{value}".encode("utf-8", "surrogatepass")
        key = self.index_key(session)
        if key is None:
            return hashlib.sha256(data).hexdigest()
        return hmac.new(key, data, hashlib.sha256).hexdigest()


_keyrings: weakref.WeakKeyDictionary[Cipher, Keyring] = weakref.WeakKeyDictionary()
_plain = Keyring(None)


def keyring_of(cipher: Cipher | None) -> Keyring:
    """The one Keyring of a cipher (so its index key is cached across messages)."""
    if cipher is None:
        return _plain
    ring = _keyrings.get(cipher)
    if ring is None:
        ring = _keyrings[cipher] = Keyring(cipher)
    return ring


def verify_key_check(engine: Engine, cipher: Cipher | None) -> None:
    """Refuse a key that cannot open this database, or no key for a database with encrypted data.

    A database without a key check gets one written with the current key (its first start with
    a key); an older database is checked against its blind-index key first.
    """
    from storage.db import session_scope

    with session_scope(engine) as session:
        rows = [r for r in (session.get(CaseSecret, KEY_CHECK), session.get(CaseSecret, INDEX_KEY)) if r]
        if cipher is None:
            if rows:
                raise KeyCheckError(
                    "Deze database bevat vertrouwelijke gesprekken, maar INTEGRITY_ENCRYPTION_KEYS is leeg.\n"
                    "Zet de sleutel waarmee ze zijn gemaakt: zonder die sleutel wordt geen vertrouwelijk bericht "
                    "gelezen of doorgegeven.")
            return
        for row in rows:
            if not cipher.opens(row.sealed):
                raise KeyCheckError(
                    "INTEGRITY_ENCRYPTION_KEYS past niet op deze database (een andere sleutel, of de sleutel "
                    "waarmee ze is gemaakt staat niet meer in de lijst).\n"
                    "Zet die sleutel terug in de lijst (NIEUW,OUD) en start opnieuw.")
        if not any(r.name == KEY_CHECK for r in rows):
            insert_new(session, CaseSecret, {"name": KEY_CHECK,
                                             "sealed": cipher.encrypt(_CHECK_TEXT, secret_context(KEY_CHECK))})


def rotate_index_key(engine: Engine, cipher: Cipher) -> dict[str, int]:
    """A new blind-index key: every case lookup is recomputed from its sealed identity in one
    transaction; conversation states and event ids (one-way hashes) are dropped, so users'
    pending questions start afresh. Run it with the bot processes stopped or idle."""
    from storage.cases import CaseIdentity, identity_context
    from storage.db import session_scope
    from storage.messages import Address
    from storage.models import ConversationState, ProcessedEvent

    new_key = secrets.token_bytes(32)
    counts = {"confide_identity": 0}
    with session_scope(engine) as session:
        for row in session.query(CaseIdentity).with_for_update().all():
            data = json.loads(cipher.decrypt(row.sealed, identity_context(row.case_id)))
            address = Address(**data["address"])
            row.lookup = hmac.new(new_key, address.key.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()
            session.add(row)
            counts["confide_identity"] += 1
        counts["conversation_state"] = session.execute(delete(ConversationState)).rowcount or 0
        counts["processed_event"] = session.execute(delete(ProcessedEvent)).rowcount or 0
        sealed = cipher.encrypt(new_key.hex(), secret_context(INDEX_KEY))
        existing = session.get(CaseSecret, INDEX_KEY)
        if existing is None:
            session.add(CaseSecret(name=INDEX_KEY, sealed=sealed))
        else:
            existing.sealed = sealed
            session.add(existing)
    return counts
