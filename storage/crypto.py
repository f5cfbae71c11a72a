"""Authenticated encryption at rest for confidential content, with key rotation.

Fernet (AES-128-CBC + HMAC-SHA256) through MultiFernet: the first key encrypts, every listed
key decrypts, so an old key can stay listed while `integrity-bot admin rotate-key` re-encrypts.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class MissingKeyError(RuntimeError):
    """No encryption key configured: the confidential flow must not start."""


class Cipher:
    """Encrypts and decrypts text with the configured keys."""

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise MissingKeyError("no encryption key configured")
        try:
            self._fernet = MultiFernet([Fernet(k.strip().encode()) for k in keys])
        except (ValueError, TypeError) as exc:
            raise MissingKeyError(f"an encryption key is not valid: {exc}") from exc

    @staticmethod
    def new_key() -> str:
        """A fresh random key, to put in INTEGRITY_ENCRYPTION_KEYS."""
        return Fernet.generate_key().decode()

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken as exc:
            raise ValueError("cannot decrypt: wrong key or damaged data") from exc

    def rotate(self, token: str) -> str:
        """Re-encrypt with the current (first) key."""
        return self._fernet.rotate(token.encode("ascii")).decode("ascii")
