"""A fake Bot Connector, Bot Framework OpenID document and Entra ID on 127.0.0.1, and signed activities.

The real Teams SDK talks to it: the bot fetches its token from the fake Entra ID (HTTPS with a
self-signed certificate, as MSAL requires), checks incoming tokens against the fake's JWKS, and
posts and updates activities at the fake Bot Connector. The fake records what it receives and
answers like the real one: an id for every activity, 429 with Retry-After when told, 403
BotNotInConversationRoster for a conversation whose app was removed, 404 for an unknown one.
"""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import itertools
import json
import ssl
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from bot.teams.settings import TeamsSettings

APP_ID = "00000000-1111-2222-3333-444444444444"
APP_SECRET = "fake-client-secret"
TENANT = "11111111-aaaa-bbbb-cccc-000000000001"
BOT_ID = f"28:{APP_ID}"
ISSUER = "https://api.botframework.com"
KID = "fake-key-1"
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def _b64(n: int) -> str:
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, as PEM files."""
    directory.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@dataclass
class Call:
    method: str  # "send", "update", "create_conversation", "token"
    conversation: str
    body: dict[str, Any]
    activity_id: str | None = None
    authorization: str | None = None


@dataclass
class Failure:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1


class _Quiet(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


class FakeTeams:
    """The Microsoft side of a Teams bot, as far as the bot uses it."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.failures: list[Failure] = []
        self.removed: set[str] = set()  # conversations whose app was removed (403)
        self.tokens_issued = 0
        self._ids = itertools.count(1)
        self._cond = threading.Condition()
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._dir = Path(tempfile.mkdtemp(prefix="teams-fake-"))
        self.ca_file, key_file = _self_signed(self._dir)
        self.connector = ThreadingHTTPServer(("127.0.0.1", 0), self._connector_handler())
        self.login = ThreadingHTTPServer(("127.0.0.1", 0), self._login_handler())
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.ca_file, key_file)
        self.login.socket = context.wrap_socket(self.login.socket, server_side=True)
        self.service_url = f"http://127.0.0.1:{self.connector.server_address[1]}/teams/"
        self.openid_url = f"http://127.0.0.1:{self.connector.server_address[1]}/v1/.well-known/openidconfiguration"
        self.login_url = f"https://127.0.0.1:{self.login.server_address[1]}"
        for server in (self.connector, self.login):
            threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        for server in (self.connector, self.login):
            server.shutdown()
            server.server_close()

    # --- what tests tell it ------------------------------------------------------------------

    def fail(self, status: int, code: str = "", times: int = 1, headers: dict[str, str] | None = None) -> None:
        """The next `times` sends and updates get this answer."""
        body = {"error": {"code": code or str(status), "message": "fake failure"}}
        self.failures.append(Failure(status, body, headers or {}, times))

    def remove_app(self, conversation: str) -> None:
        """The user removed the app: sends to this conversation get 403 from now on."""
        self.removed.add(conversation)

    def sent(self, conversation: str | None = None) -> list[Call]:
        with self._cond:
            return [c for c in self.calls
                    if c.method == "send" and (conversation is None or c.conversation == conversation)]

    def updates(self) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == "update"]

    def wait_for(self, n: int, conversation: str | None = None, timeout: float = 15.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.sent(conversation)) < n and time.monotonic() < deadline:
                self._cond.wait(0.05)
        return self.sent(conversation)

    # --- tokens ---------------------------------------------------------------------------------

    def jwks(self) -> dict[str, Any]:
        numbers = self.key.public_key().public_numbers()
        return {"keys": [{"kty": "RSA", "use": "sig", "kid": KID, "n": _b64(numbers.n), "e": _b64(numbers.e),
                          "endorsements": ["msteams"]}]}

    def bot_framework_token(self, service_url: str | None = None, audience: str = APP_ID,
                            key: rsa.RSAPrivateKey | None = None, expires_in: int = 3600,
                            issuer: str = ISSUER) -> str:
        """A token as the Bot Connector signs its requests to the bot."""
        now = int(time.time())
        claims = {"iss": issuer, "aud": audience, "serviceurl": service_url or self.service_url,
                  "nbf": now - 10, "iat": now - 10, "exp": now + expires_in}
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": KID})

    # --- the servers ------------------------------------------------------------------------------

    def _connector_handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(_Quiet):
            def _reply(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802
                if self.path.endswith("/openidconfiguration"):
                    base = fake.openid_url.rsplit("/", 1)[0]
                    self._reply(200, {"issuer": ISSUER, "jwks_uri": f"{base}/keys",
                                      "id_token_signing_alg_values_supported": ["RS256"]})
                elif self.path.endswith("/keys"):
                    self._reply(200, fake.jwks())
                else:
                    self._reply(404, {})

            def do_POST(self) -> None:  # noqa: N802
                self._handle("POST")

            def do_PUT(self) -> None:  # noqa: N802
                self._handle("PUT")

            def _handle(self, verb: str) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = json.loads(raw or b"{}")
                auth = self.headers.get("Authorization")
                status, answer, headers = fake._connector(verb, self.path, body, auth)
                self._reply(status, answer, headers)

        return Handler

    def _connector(self, verb: str, path: str, body: dict[str, Any],
                   auth: str | None) -> tuple[int, Any, dict[str, str]]:
        if not self._valid_bot_token(auth):
            return 401, {"message": "Authorization has been denied for this request."}, {}
        parts = path.split("/v3/conversations", 1)[1].strip("/").split("/")
        with self._cond:
            if parts == [""]:  # create a conversation (a personal chat)
                member = body["members"][0]["id"]
                self.calls.append(Call("create_conversation", "", body, authorization=auth))
                self._cond.notify_all()
                return 201, {"id": f"a:personal-{member}"}, {}
            conversation = urllib.request.unquote(parts[0])
            method = "update" if verb == "PUT" else "send"
            if conversation in self.removed:
                return 403, {"error": {"code": "BotNotInConversationRoster",
                                       "message": "The bot is not part of the conversation roster."}}, {}
            if not conversation.startswith(("a:", "19:")):
                return 404, {"error": {"code": "ConversationNotFound", "message": "Conversation not found."}}, {}
            if self.failures:
                failure = self.failures[0]
                failure.times -= 1
                if failure.times <= 0:
                    self.failures.pop(0)
                self.calls.append(Call(f"failed_{method}", conversation, body, authorization=auth))
                return failure.status, failure.body, failure.headers
            activity_id = parts[2] if method == "update" else f"{1700000000000 + next(self._ids)}"
            self.calls.append(Call(method, conversation, body, activity_id, auth))
            self._cond.notify_all()
            return 200, {"id": activity_id}, {}

    ACCESS_SECRET = "fake-entra-signing-secret-0123456789"

    def access_token(self) -> str:
        """What the fake Entra ID issues: a JWT for the Bot Connector, as the real one does."""
        with self._cond:
            self.tokens_issued += 1
            n = self.tokens_issued
        now = int(time.time())
        claims = {"aud": "https://api.botframework.com", "appid": APP_ID, "n": n, "iat": now, "exp": now + 3600}
        return jwt.encode(claims, self.ACCESS_SECRET, algorithm="HS256")

    def _valid_bot_token(self, auth: str | None) -> bool:
        if not auth or not auth.startswith("Bearer "):
            return False
        try:
            claims = jwt.decode(auth.removeprefix("Bearer "), self.ACCESS_SECRET, algorithms=["HS256"],
                                audience="https://api.botframework.com")
        except jwt.InvalidTokenError:
            return False
        return bool(claims.get("appid") == APP_ID)

    def app_certificate(self) -> Path:
        """A PEM file with a private key and its certificate, registered with the fake Entra ID."""
        cert_path, key_path = _self_signed(self._dir / "app")
        self.app_cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        both = self._dir / "app" / "app.pem"
        both.write_bytes(key_path.read_bytes() + cert_path.read_bytes())
        return both

    def _client_authenticated(self, form: dict[str, str]) -> bool:
        """A client secret, or a client assertion signed with the registered certificate's key."""
        if "client_secret" in form:
            return form["client_secret"] == APP_SECRET
        cert = getattr(self, "app_cert", None)
        if cert is None or form.get("client_assertion_type") != JWT_BEARER:
            return False
        try:
            claims = jwt.decode(form.get("client_assertion", ""), cert.public_key(), algorithms=["RS256", "PS256"],
                                options={"verify_aud": False})
        except jwt.InvalidTokenError:
            return False
        return bool(claims.get("iss") == APP_ID and claims.get("sub") == APP_ID)

    def _login_handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(_Quiet):
            def _reply(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802 - MSAL's tenant discovery
                tenant = self.path.strip("/").split("/")[0]
                base = f"{fake.login_url}/{tenant}"
                self._reply(200, {"token_endpoint": f"{base}/oauth2/v2.0/token",
                                  "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                                  "issuer": f"{fake.login_url}/{tenant}/v2.0"})

            def do_POST(self) -> None:  # noqa: N802 - the client-credentials grant
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                form = {k: v[0] for k, v in parse_qs(raw).items()}
                if form.get("client_id") != APP_ID or not fake._client_authenticated(form):
                    self._reply(401, {"error": "invalid_client",
                                      "error_description": "AADSTS7000215: Invalid client secret provided."})
                    return
                self._reply(200, {"token_type": "Bearer", "expires_in": 3600, "access_token": fake.access_token()})

        return Handler


def teams_settings(fake: FakeTeams, **overrides: Any) -> TeamsSettings:
    values: dict[str, Any] = {"app_id": APP_ID, "app_secret": APP_SECRET, "tenant_id": TENANT,
                              "login_url": fake.login_url, "openid_metadata_url": fake.openid_url,
                              "outbox_interval": 0.2}
    values.update(overrides)
    return TeamsSettings(_env_file=None, **values)  # type: ignore[call-arg]


class TeamsClient:
    """Activities as the Bot Connector posts them to the bot, with a signed token."""

    def __init__(self, url: str, fake: FakeTeams, tenant: str = TENANT) -> None:
        self.url = url
        self.fake = fake
        self.tenant = tenant
        self._ids = itertools.count(1)

    def post(self, activity: dict[str, Any], token: str | None = "valid") -> tuple[int, str]:
        headers = {"Content-Type": "application/json"}
        if token == "valid":
            token = self.fake.bot_framework_token(activity.get("serviceUrl"))
        if token:
            headers["Authorization"] = f"Bearer {token}"
        req = urllib.request.Request(self.url, data=json.dumps(activity).encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def activity(self, user: str, conversation: dict[str, Any], **fields: Any) -> dict[str, Any]:
        base = {"type": "message", "id": f"f:{next(self._ids):06d}", "channelId": "msteams",
                "serviceUrl": self.fake.service_url, "timestamp": "2026-12-01T10:00:00.000Z",
                "from": {"id": f"29:{user}", "name": "Iemand", "aadObjectId": user},
                "recipient": {"id": BOT_ID, "name": "Integriteitsbot"},
                "conversation": conversation, "channelData": {"tenant": {"id": self.tenant}},
                "locale": "nl-NL"}
        base.update(fields)
        return base

    def personal(self, user: str) -> dict[str, Any]:
        return {"conversationType": "personal", "tenantId": self.tenant, "id": f"a:personal-29:{user}"}

    def message(self, user: str, text: str, **fields: Any) -> tuple[int, str]:
        return self.post(self.activity(user, self.personal(user), text=text, textFormat="plain", **fields))

    def press(self, user: str, card: Call, label_part: str, **fields: Any) -> tuple[int, str]:
        """Press the Action.Submit button whose title contains `label_part` on a card the bot sent."""
        data = button_data(card, label_part)
        return self.post(self.activity(user, self.personal(user), replyToId=card.activity_id, value=data, **fields))

    def answer_in_card(self, user: str, card: Call, text: str) -> tuple[int, str]:
        """Type into a card's answer field and press its button (Teams merges the input into the data)."""
        data = {**button_data(card, "Antwoord"), "itb_reply": text}
        return self.post(self.activity(user, self.personal(user), replyToId=card.activity_id, value=data))

    def channel_mention(self, user: str, text: str, thread: str = "1700000000999") -> tuple[int, str]:
        conversation = {"conversationType": "channel", "isGroup": True, "tenantId": self.tenant,
                        "id": f"19:general@thread.tacv2;messageid={thread}"}
        mention = "<at>Integriteitsbot</at>"
        return self.post(self.activity(
            user, conversation, text=f"{mention} {text}", textFormat="plain",
            entities=[{"type": "mention", "text": mention, "mentioned": {"id": BOT_ID, "name": "Integriteitsbot"}}],
            channelData={"tenant": {"id": self.tenant}, "team": {"id": "19:team@thread.tacv2"},
                         "channel": {"id": "19:general@thread.tacv2"}}))


def card_of(call: Call) -> dict[str, Any]:
    [attachment] = call.body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    return dict(attachment["content"])


def block_text(block: dict[str, Any]) -> str:
    """What a text block of a card shows (a RichTextBlock's runs joined)."""
    return "".join(run["text"] for run in block.get("inlines", [])) or str(block.get("text") or "")


def headline(call: Call) -> str:
    return block_text(card_of(call)["body"][0])


def card_texts(call: Call) -> str:
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in ("text", "title", "placeholder"):
                if isinstance(node.get(key), str):
                    out.append(node[key])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(card_of(call))
    return "\n".join(out)


def buttons_of(call: Call) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "Action.Submit":
                found.append(node)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(card_of(call))
    return found


def button_data(call: Call, label_part: str) -> dict[str, Any]:
    for button in buttons_of(call):
        if label_part.lower() in button["title"].lower():
            return dict(button["data"])
    raise AssertionError(f"no button '{label_part}' in {[b['title'] for b in buttons_of(call)]}")
