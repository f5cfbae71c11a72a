"""Authorisation: whoever is neither the case's employee nor its trusted person gets nothing from it.

An outsider who somehow knows the case id or the pseudonym tries every door: buttons, commands,
thread replies. They must get the same answer as for a case that does not exist, and nothing may
reach the employee or change the case.
"""

from __future__ import annotations

import pytest

from handlers.dispatcher import Core
from storage import cases as store
from storage.db import session_scope
from storage.roles import remove_role
from tests.confide_support import ORG, Chat, button_id, open_case, pseudonym, register, texts, to


@pytest.fixture
def setup(core: Core) -> tuple[Chat, str, str]:
    """A case of 'emp' taken by 'tp-anna'; returns (chat, case id, pseudonym)."""
    register(core, "tp-anna")
    register(core, "tp-other-org", org="ommen")
    chat = Chat(core)
    r = open_case(chat, "emp", first="Eerste bericht met details.")
    take = button_id(r, "tp-anna", "Oppakken")
    chat.send("tp-anna", action=take)
    chat.send("emp", "Tweede bericht, geheim.")
    return chat, take.rsplit(":", 1)[1], pseudonym(r)


def _state(core: Core, case_id: str) -> tuple:
    with session_scope(core.services.engine) as s:
        c = store.get_case(s, case_id)
        assert c is not None
        return (c.state, c.taken_by, c.kind, c.formal_report_at, c.closed_at,
                len(store.messages(s, store.Sealer(core.services.cipher), c)))


@pytest.mark.parametrize("intruder", ["outsider", "tp-other-org"])
def test_buttons_with_a_real_case_id_give_nothing(setup: tuple[Chat, str, str], core: Core,
                                                  intruder: str) -> None:
    chat, case_id, _ = setup
    before = _state(core, case_id)
    unknown = chat.send(intruder, action="confide:tp:take:doesnotexist0000000000")
    for verb in ("take", "askname", "reported", "close", "kind", "outcome"):
        suffix = ":crime" if verb == "kind" else ":advice" if verb == "outcome" else ""
        r = chat.send(intruder, action=f"confide:tp:{verb}:{case_id}{suffix}")
        assert [x.text for x in r] == [x.text for x in unknown]  # same as for a case that does not exist
        assert not to(r, "emp") and not to(r, "tp-anna")
    assert _state(core, case_id) == before


@pytest.mark.parametrize("intruder", ["outsider", "tp-other-org"])
def test_commands_with_id_or_pseudonym_give_nothing(setup: tuple[Chat, str, str], core: Core,
                                                    intruder: str) -> None:
    chat, case_id, name = setup
    before = _state(core, case_id)
    for ref in (case_id, name, f"Melder {name}"):
        for command in (f"/antwoord {ref} hallo", f"/gesprek {ref}", f"/naam {ref}", f"/sluit {ref}",
                        f"/gemeld {ref}", f"/oppakken {ref}"):
            r = chat.send(intruder, command)
            seen = texts(r, intruder)
            assert "Eerste bericht" not in seen and "geheim" not in seen
            assert not to(r, "emp") and not to(r, "tp-anna")
    assert _state(core, case_id) == before


def test_a_forged_thread_reply_is_not_an_answer(setup: tuple[Chat, str, str], core: Core) -> None:
    chat, case_id, _ = setup
    for thread in (f"handoff:{case_id}", f"case:{case_id}"):
        r = chat.send("outsider", "Ik doe alsof ik de vertrouwenspersoon ben", thread=thread)
        assert not to(r, "emp") and not to(r, "tp-anna")


def test_outsider_list_shows_no_cases(setup: tuple[Chat, str, str]) -> None:
    chat, _, name = setup
    r = chat.send("outsider", "/gesprekken")
    assert name not in texts(r, "outsider")


def test_the_employees_buttons_do_not_work_for_someone_else(setup: tuple[Chat, str, str], core: Core) -> None:
    chat, case_id, _ = setup
    before = _state(core, case_id)
    reveal = next(b.id for r in chat.inbox["emp"] for b in r.buttons if b.id.startswith("confide:me:delete:"))
    token = reveal.split(":")[3]
    for verb in ("deleteyes", "close", "revealyes"):
        r = chat.send("outsider", action=f"confide:me:{verb}:{token}")
        assert not to(r, "tp-anna") and not to(r, "emp")
        assert "geen vertrouwelijk gesprek" in texts(r, "outsider")
    assert _state(core, case_id) == before


def test_a_removed_trusted_person_loses_access(setup: tuple[Chat, str, str], core: Core) -> None:
    chat, case_id, name = setup
    with session_scope(core.services.engine) as s:
        remove_role(s, ORG, "trusted_person", "console", "tp-anna")
    r = chat.send("tp-anna", f"/antwoord {name} nog steeds hier?")
    assert not to(r, "emp")
    r = chat.send("tp-anna", "in de thread", thread=f"handoff:{case_id}")
    assert not to(r, "emp")


def test_the_second_trusted_person_cannot_read_the_taken_case(setup: tuple[Chat, str, str],
                                                              core: Core) -> None:
    chat, case_id, name = setup
    register(core, "tp-bob")
    r = chat.send("tp-bob", f"/gesprek {name}")
    assert "geheim" not in texts(r, "tp-bob") and "Eerste bericht" not in texts(r, "tp-bob")
    r = chat.send("tp-bob", "meelezen", thread=f"case:{case_id}")
    assert not to(r, "emp")
    # the taker can
    r = chat.send("tp-anna", f"/gesprek {name}")
    assert "Tweede bericht, geheim." in texts(r, "tp-anna")


def test_case_ids_are_unguessable(setup: tuple[Chat, str, str], core: Core) -> None:
    _, case_id, _ = setup
    assert len(case_id) >= 22  # token_urlsafe(16): 128 random bits
    token = next(b.id for r in setup[0].inbox["emp"] for b in r.buttons).split(":")[3]
    assert len(token) >= 22
