"""The bot's own access token for the Bot Connector: client credentials from Entra ID, by MSAL.

The Teams SDK takes a token provider (TokenCredentials) instead of building MSAL itself; this
one lets the login URL be configured (sovereign clouds, and the tests' local fake) and accepts a
secret or a certificate. MSAL caches the token until shortly before it expires, and its HTTP
calls run in a worker thread so the endpoint's event loop never waits on Entra ID.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from pathlib import Path
from typing import Any

import msal
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from bot.teams.settings import TeamsSettings


class TokenError(Exception):
    """Entra ID refused the app's credentials (wrong secret, expired certificate, unknown app)."""


def certificate_credential(path: Path) -> dict[str, str]:
    """MSAL's client credential for a PEM file holding the private key and its certificate."""
    pem = path.read_bytes()
    cert = x509.load_pem_x509_certificate(pem)
    key = serialization.load_pem_private_key(pem, password=None)
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    thumbprint = hashlib.sha1(cert.public_bytes(serialization.Encoding.DER)).hexdigest()  # noqa: S324 - Entra's format
    return {"private_key": key_pem, "thumbprint": thumbprint,
            "public_certificate": cert.public_bytes(serialization.Encoding.PEM).decode()}


class BotTokenProvider:
    """`await provider(scope, tenant_id)` → an access token for the Bot Connector."""

    def __init__(self, settings: TeamsSettings) -> None:
        credential: Any = (certificate_credential(settings.certificate_file) if settings.certificate_file
                           else settings.app_secret)
        self._client = msal.ConfidentialClientApplication(
            settings.app_id, client_credential=credential,
            authority=f"{settings.login_url.rstrip('/')}/{settings.token_tenant()}",
            instance_discovery=False)  # the authority is configured, not looked up at Microsoft
        self._scope = settings.bot_scope
        self._lock = threading.Lock()

    def token(self, scope: str | None = None) -> str:
        """Blocking: the cached token, or a new one from Entra ID."""
        with self._lock:
            result = self._client.acquire_token_for_client([scope or self._scope])
        token = result.get("access_token") if isinstance(result, dict) else None
        if not token:
            error = result.get("error_description") or result.get("error") if isinstance(result, dict) else None
            raise TokenError(str(error or "no token").splitlines()[0])
        return str(token)

    async def __call__(self, scope: str | list[str] | None = None, tenant_id: str | None = None) -> str:
        wanted = scope[0] if isinstance(scope, list) and scope else scope
        return await asyncio.to_thread(self.token, wanted if isinstance(wanted, str) else None)
