"""Pieces both sides of the confidential conversation use: commands, reply builders, contacts.

Every message of a case is a Reply(confidential=True), so the outbox encrypts it at rest.
Messages to the employee carry the tag 'sealed:<token>' (their recipient is then kept only
inside the encrypted payload); messages to a trusted person carry 'handoff:<case>' or
'case:<case>' so Slack and Telegram can thread them and route answers back.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from handlers.confide.texts import ct
from handlers.context import Context
from handlers.render import answer_text
from handlers.types import Address, Button, Reply
from knowledge.answer import Answer
from knowledge.evaluate import info_answer
from knowledge.normalize import MAX_TEXT
from storage.cases import Case, Employee


def parse_command(text: str) -> tuple[str | None, str]:
    """('/antwoord', 'K7-Q3 tekst') for a slash command (a Telegram '@botname' suffix dropped)."""
    stripped = text.strip()
    if not stripped.startswith("/"):
        return None, stripped
    head, _, rest = stripped.partition(" ")
    if "\n" in head:
        head, _, more = head.partition("\n")
        rest = f"{more}\n{rest}".strip()
    return head.split("@", 1)[0].lower(), rest.strip()


BARE_WORDS = {"stop": "/stop", "verwijder": "/verwijder", "wis alles": "/verwijder", "naam": "/naam",
              "delete": "/verwijder", "erase everything": "/verwijder", "name": "/naam"}


def employee_command(text: str) -> tuple[str | None, str]:
    """Like parse_command, and a message of just 'stop', 'verwijder' or 'naam' (English: 'delete',
    'name') counts too.

    Slack's message box treats every '/word' as a slash command of its own, so an employee
    there types the bare word (or presses the buttons).
    """
    cmd, rest = parse_command(text)
    if cmd is None:
        bare = BARE_WORDS.get(text.strip().strip(".!").lower())
        if bare:
            return bare, ""
    return cmd, rest


def clip(text: str) -> str:
    """A relayed message, at most MAX_TEXT characters (what every platform can carry)."""
    text = text.strip()
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + " […]"


def confide_answer(lang: str) -> Answer:
    """The structured meaning of every reply of this flow to the employee (CONTRACT.md)."""
    return Answer(intent="confide", topic="trusted_person", channels=["trusted_person"], lang=lang)


def to_employee(address: Address, employee: Employee | None, text: str, lang: str,
                buttons: Sequence[Button] = (), answer: bool = True) -> Reply:
    """A message to the employee, encrypted at rest and without a readable recipient."""
    tag = employee.tag if employee else f"sealed:{secrets.token_urlsafe(16)}"
    return Reply(to=address, text=text, answer=confide_answer(lang) if answer else None,
                 buttons=list(buttons), confidential=True, tag=tag)


def to_trusted(address: Address, case: Case, text: str, buttons: Sequence[Button] = (),
               handoff: bool = False, tagged: bool = True) -> Reply:
    """A message to a trusted person about `case`, threaded under the handoff."""
    if handoff:
        return Reply(to=address, text=text, buttons=list(buttons), confidential=True,
                     tag=f"handoff:{case.id}")
    return Reply(to=address, text=text, buttons=list(buttons), confidential=True,
                 tag=f"case:{case.id}" if tagged else None, thread=f"handoff:{case.id}")


def trusted_contacts(ctx: Context, org_slug: str, intro_key: str, lang: str) -> tuple[str, Answer]:
    """How to reach a trusted person directly, from the knowledge base, after an intro line."""
    kb = ctx.services.kb
    org = kb.org(org_slug)
    info = next((i for i in org.info if i.topic == "trusted_person"), None)
    found = info_answer(org, kb.national, info.id, lang) if info else None
    if found is None:
        found = Answer(intent="info", topic="trusted_person", channels=["trusted_person"], lang=lang)
    found.intent = "confide"
    body = answer_text(found, org.name) if (found.reason or found.contacts) else ct("no_contacts", lang)
    return f"{ct(intro_key, lang)}\n{body}", found


def contacts_reply(ctx: Context, intro_key: str, lang: str, sealed: bool,
                   employee: Employee | None = None, org_slug: str | None = None) -> Reply:
    """No trusted person in the chat (or no key): how to reach one directly, from the knowledge base."""
    text, found = trusted_contacts(ctx, org_slug or ctx.msg.org, intro_key, lang)
    if sealed:
        reply = to_employee(ctx.msg.address, employee, text, lang)
        reply.answer = found
        return reply
    return Reply(to=ctx.msg.address, text=text, answer=found)
