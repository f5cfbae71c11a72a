"""Helpers for the confidential-conversation tests: register roles, drive users, read what they got."""

from __future__ import annotations

from handlers.dispatcher import Core
from handlers.types import Address, IncomingMessage, Reply
from storage.db import session_scope
from storage.outbox import deliver_due
from storage.roles import add_role, set_available

ORG = "leidschendam-voorburg"


def register(core: Core, user: str, platform: str = "console", name: str | None = None,
             org: str = ORG, available: bool = True) -> None:
    with session_scope(core.services.engine) as s:
        add_role(s, org, "trusted_person", platform, user, name)
        if not available:
            set_available(s, org, platform, user, False)


class Chat:
    """Users on any platform talking to one core; every reply kept per recipient."""

    def __init__(self, core: Core, org: str = ORG) -> None:
        self.core = core
        self.org = org
        self.inbox: dict[str, list[Reply]] = {}

    def send(self, user: str, text: str = "", action: str | None = None, platform: str = "console",
             **extra: object) -> list[Reply]:
        msg = IncomingMessage(address=Address(platform, user), org=self.org, text=text, action=action,
                              **extra)  # type: ignore[arg-type]
        returned = self.core.handle(msg)
        # what reached people: the replies, and the receipts that come only after delivery
        sent = {(r.to, r.text) for r in returned}
        replies = returned + [r for r in deliver_all(self.core) if (r.to, r.text) not in sent]
        for r in replies:
            self.inbox.setdefault(r.to.user, []).append(r)
        return replies

    def press(self, user: str, replies: list[Reply], label_part: str, platform: str = "console",
              **extra: object) -> list[Reply]:
        """Press the button whose label contains `label_part` in the last reply to `user` that has it."""
        for r in reversed([r for r in replies if r.to.user == user]):
            for b in r.buttons:
                if label_part.lower() in b.label.lower():
                    return self.send(user, action=b.id, platform=platform, **extra)
        raise AssertionError(f"no button '{label_part}' for {user} in {[r.text for r in replies]}")


def deliver_all(core: Core, platforms: tuple[str, ...] = ("console", "slack", "telegram")) -> list[Reply]:
    """Deliver everything due on every platform (receipts included) as an always-accepting
    platform would; what was delivered, in order."""
    got: list[Reply] = []
    for _round in range(5):  # a receipt may be for another platform than what caused it
        before = len(got)
        for p in platforms:
            deliver_due(core.services.engine, p, lambda r: got.append(r), core.services.cipher, limit=1000)
        if len(got) == before:
            break
    return got


def to(replies: list[Reply], user: str) -> list[Reply]:
    return [r for r in replies if r.to.user == user]


def texts(replies: list[Reply], user: str) -> str:
    return "\n".join(r.text for r in to(replies, user))


def open_case(chat: Chat, employee: str, first: str = "Mijn leidinggevende schreeuwt tegen me.",
              kind: str | None = "Ongewenst gedrag", platform: str = "console",
              **extra: object) -> list[Reply]:
    """Start, consent, pick a kind, send the first message; return the handoff replies."""
    r = chat.send(employee, "/vertrouwenspersoon", platform=platform, **extra)
    r = chat.press(employee, r, "Ja, ga verder", platform=platform, **extra)
    if kind:
        r = chat.press(employee, r, kind, platform=platform, **extra)
    else:
        r = chat.press(employee, r, "liever niet", platform=platform, **extra)
    return chat.send(employee, first, platform=platform, **extra)


def button_id(replies: list[Reply], user: str, label_part: str) -> str:
    for r in to(replies, user):
        for b in r.buttons:
            if label_part.lower() in b.label.lower():
                return b.id
    raise AssertionError(f"no button '{label_part}' for {user}")


def pseudonym(replies: list[Reply]) -> str:
    """The pseudonym ('K7-Q3') named in a handoff."""
    import re

    for r in replies:
        m = re.search(r"Melder ([A-Z][0-9]-[A-Z][0-9])", r.text)
        if m:
            return m.group(1)
    raise AssertionError("no pseudonym in replies")
