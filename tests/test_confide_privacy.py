"""Privacy of the employee: what a trusted person receives, and what a copy of the database shows.

- Property (hypothesis): for arbitrary employee identities and messages, nothing a trusted person
  receives (text, buttons, address, thread) contains the employee's platform id, chat, team or name.
- Raw database: after a whole conversation (with the name revealed), the SQLite files contain
  no message, no name and not the employee's platform id (the conversation state is keyed by a
  keyed hash).
"""

from __future__ import annotations

import sqlite3
import string
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import build_core
from bot.settings import Settings
from handlers.types import Reply
from storage.crypto import Cipher
from tests.confide_support import Chat, button_id, open_case, pseudonym, register, to

ID_CHARS = string.ascii_letters + string.digits + "_-.@"
NAME_CHARS = string.ascii_letters + "éëïöüçñß ÆØÅ"


def _visible(reply: Reply) -> str:
    """Everything of a reply a trusted person's platform could show or carry."""
    parts = [reply.text, reply.to.user, reply.to.chat or "", reply.to.team or "", reply.thread or "",
             reply.tag or ""]
    parts += [f"{b.id} {b.label}" for b in reply.buttons]
    return "\n".join(parts)


identities = st.fixed_dictionaries({
    "platform": st.sampled_from(["console", "slack", "telegram"]),
    "user": st.text(ID_CHARS, min_size=6, max_size=24),
    "chat": st.text(ID_CHARS, min_size=6, max_size=24),
    "team": st.text(ID_CHARS, min_size=6, max_size=12),
    "name": st.text(NAME_CHARS, min_size=6, max_size=30).map(str.strip).filter(lambda s: len(s) >= 6),
})
messages = st.lists(
    st.text(min_size=1, max_size=120).filter(
        lambda s: any(c.isalnum() for c in s) and not s.strip().startswith("/")),
    min_size=1, max_size=3)


def test_nothing_a_trusted_person_receives_identifies_the_employee(tmp_path: Path, kb) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'p.db'}"
    core = build_core(Settings(database_url=url, encryption_keys=Cipher.new_key(), _env_file=None), kb)  # type: ignore[call-arg]
    register(core, "tp-anna")
    register(core, "U0TPSLACK", platform="slack")
    chat = Chat(core)

    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
    @given(who=identities, said=messages, kind=st.sampled_from([None, "Ongewenst gedrag", "Strafbaar feit"]))
    def run(who: dict[str, str], said: list[str], kind: str | None) -> None:
        secrets_ = [who["user"], who["chat"], who["team"], who["name"]]
        if who["user"] in ("tp-anna", "U0TPSLACK"):
            return
        for s in secrets_:  # the employee did not type their own identity
            if any(s.lower() in m.lower() for m in said):
                return
        extra = {"display_name": who["name"]}
        from handlers.types import Address, IncomingMessage

        def send(text: str = "", action: str | None = None) -> list[Reply]:
            msg = IncomingMessage(address=Address(who["platform"], who["user"], who["chat"], who["team"]),
                                  org=chat.org, text=text, action=action, **extra)  # type: ignore[arg-type]
            return core.handle(msg)

        received: list[Reply] = []
        r = send("/vertrouwenspersoon")
        r = send(action=r[-1].buttons[0].id)  # consent
        kinds = r[-1].buttons
        r = send(action=(next(b.id for b in kinds if kind and kind in b.label) if kind else kinds[-1].id))
        r = send(said[0])
        received += [x for x in r if x.to.user != who["user"]]
        take = button_id(r, "tp-anna", "Oppakken")
        received += chat.send("tp-anna", action=take)
        for text in said[1:]:
            received += [x for x in send(text) if x.to.user != who["user"]]
        received += chat.send("tp-anna", f"/antwoord {pseudonym(received)} Dank je.")
        received += chat.send("tp-anna", f"/gesprek {pseudonym(received)}")
        received += chat.send("tp-anna", f"/naam {pseudonym(received)}")
        received += [x for x in send("/stop") if x.to.user != who["user"]]
        for x in send("/verwijder ja"):
            if x.to.user != who["user"]:
                received.append(x)
        tp_side = [x for x in received if x.to.user in ("tp-anna", "U0TPSLACK")]
        assert tp_side, "the trusted persons received nothing"
        for reply in tp_side:
            seen = _visible(reply).lower()
            for s in secrets_:
                assert s.lower() not in seen, f"{s!r} leaked to a trusted person: {reply.text!r}"

    run()


def test_raw_database_file_holds_no_message_and_no_identity(tmp_path: Path, kb) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "raw.db"
    core = build_core(Settings(database_url=f"sqlite:///{db}", encryption_keys=Cipher.new_key(),
                               _env_file=None), kb)  # type: ignore[call-arg]
    register(core, "tp-anna")
    chat = Chat(core)
    employee, name = "emp-Zq81xKv", "Wilhelmina Vlekkenschoon"
    markers = ["Onderwerp-Kaasschaaf-Alpha", "Antwoord-Tulpenbol-Beta", "Vervolg-Molenwiek-Gamma", name]
    r = open_case(chat, employee, first=f"Het gaat over {markers[0]}.", display_name=name)
    case_take = button_id(r, "tp-anna", "Oppakken")
    chat.send("tp-anna", action=case_take)
    chat.send("tp-anna", f"/antwoord {pseudonym(r)} {markers[1]}")
    chat.send(employee, f"En {markers[2]}.", display_name=name)
    r2 = chat.send(employee, "/naam", display_name=name)
    chat.press(employee, r2, "Ja, maak mijn naam bekend", display_name=name)
    assert any(name in x.text for x in to(chat.inbox["tp-anna"], "tp-anna"))  # it was really sent
    core.services.engine.dispose()

    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("raw.db"))
    for marker in markers:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            assert marker.encode(encoding) not in raw, f"{marker!r} is readable in the database file"

    # the employee's platform id: only as a bot user (conversation state), never next to a case
    conn = sqlite3.connect(db)
    hits = []
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'"):
        cols = [c[1] for c in conn.execute(f"PRAGMA table_info({table})")]
        for col in cols:
            n = conn.execute(f"SELECT COUNT(*) FROM {table} WHERE CAST({col} AS TEXT) LIKE ?",
                             (f"%{employee}%",)).fetchone()[0]
            if n:
                hits.append((table, col))
    assert hits == []  # not even the conversation state: it is keyed by a keyed hash
    assert employee.encode() not in raw
    recipients = {r for (r,) in conn.execute("SELECT recipient FROM outbox WHERE tag LIKE 'sealed:%'")}
    assert recipients <= {""}
    conn.close()
