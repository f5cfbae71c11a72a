"""Authenticated encryption at rest for confidential content, with key rotation.

Fernet (AES-128-CBC + HMAC-SHA256) through MultiFernet: the first key encrypts, every listed
key decrypts, so an old key can stay listed while `integrity-bot admin rotate-key` re-encrypts.

Every value is bound to where it belongs (its table, field and row, e.g.
"confide_message.body:<case id>"): the binding is written inside the authenticated plaintext
and checked on decryption, so a ciphertext copied into another case or field does not open.
Fernet has no associated-data slot; putting the context under its HMAC gives the same guarantee.
Values written before binding existed (no marker) still open where no context is required,
and `rotate-key` rewrites them bound.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from storage.errors import StartupError

_BOUND = b"\x01bound\x00"  # marks a plaintext that starts with its context


class MissingKeyError(RuntimeError):
    """No encryption key configured: the confidential flow must not start."""


class InvalidKeyError(MissingKeyError, StartupError):
    """An entry of INTEGRITY_ENCRYPTION_KEYS is not a key: the bot must not start half-working."""


class Cipher:
    """Encrypts and decrypts text with the configured keys."""

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise MissingKeyError("no encryption key configured")
        fernets = []
        for number, key in enumerate(keys, 1):
            try:
                fernets.append(Fernet(key.strip().encode()))
            except (ValueError, TypeError) as exc:
                raise InvalidKeyError(
                    f"INTEGRITY_ENCRYPTION_KEYS: sleutel {number} van {len(keys)} is geen geldige sleutel "
                    "(44 tekens, van 'integrity-bot admin keygen').") from exc
        self._fernet = MultiFernet(fernets)
        self.key_count = len(fernets)

    @staticmethod
    def new_key() -> str:
        """A fresh random key, to put in INTEGRITY_ENCRYPTION_KEYS."""
        return Fernet.generate_key().decode()

    def encrypt(self, plaintext: str, context: str | None = None) -> str:
        """Encrypt `plaintext`, bound to `context` (where the value is stored) when given."""
        data = plaintext.encode("utf-8")
        if context is not None:
            data = _BOUND + context.encode("utf-8") + b"\x00" + data
        return self._fernet.encrypt(data).decode("ascii")

    def decrypt(self, token: str, context: str | None = None) -> str:
        """The plaintext; ValueError for a wrong key, damaged data or a value bound elsewhere."""
        try:
            data = self._fernet.decrypt(token.encode("ascii"))
        except (InvalidToken, UnicodeEncodeError) as exc:
            raise ValueError("cannot decrypt: wrong key or damaged data") from exc
        if data.startswith(_BOUND):
            bound, _, data = data[len(_BOUND):].partition(b"\x00")
            if context is not None and bound != context.encode("utf-8"):
                raise ValueError("cannot decrypt: this value belongs to another row or field")
        return data.decode("utf-8")

    def rotate(self, token: str, context: str | None = None) -> str:
        """Re-encrypt with the current (first) key, bound to `context` when given."""
        if context is None:
            return self._fernet.rotate(token.encode("ascii")).decode("ascii")
        return self.encrypt(self.decrypt(token, context), context)

    def opens(self, token: str) -> bool:
        """Whether any configured key opens `token` (the key check at start-up)."""
        try:
            self._fernet.decrypt(token.encode("ascii"))
        except (InvalidToken, UnicodeEncodeError):
            return False
        return True
