"""The may-I engine as a user meets it: verdicts, clarification, referral, language."""

from __future__ import annotations

from knowledge.engine import KnowledgeBase, Pending


def test_clarify_then_verdict_and_the_pending_question_is_taken_once(kb: KnowledgeBase) -> None:
    first, pending = kb.answer("ommen", "Een leverancier gaf me een fles wijn, mag ik die houden?")
    assert first.intent == "clarify" and first.needs == ["value"] and pending is not None
    second, pending = kb.answer("ommen", "zo'n 20 euro", pending)
    assert second.intent == "rule" and second.verdict == "consult"
    assert second.sources[0]["org"] == "ommen"


def test_a_new_question_while_waiting_for_the_value_is_answered_as_new(kb: KnowledgeBase) -> None:
    _, pending = kb.answer("ommen", "Mag ik een cadeau van een leverancier aannemen?")
    answer, _ = kb.answer("ommen", "Een collega pest mij, bij wie kan ik terecht?", pending)
    assert answer.intent == "route" and answer.report_type == "unwanted_behaviour"


def test_follow_up_with_another_amount_re_evaluates(kb: KnowledgeBase) -> None:
    first, pending = kb.answer("ommen", "Mag ik een fles wijn van 25 euro van een leverancier aannemen?")
    assert first.verdict == "consult"
    second, _ = kb.answer("ommen", "En als hij 70 euro kost?", pending)
    assert second.verdict == "not_allowed"


def test_dont_know_the_value_gives_the_general_rule(kb: KnowledgeBase) -> None:
    _, pending = kb.answer("ommen", "Mag ik een kerstpakket van een aannemer aannemen?")
    answer, _ = kb.answer("ommen", "geen idee", pending)
    assert answer.intent == "rule" and answer.verdict in ("consult", "not_allowed")


def test_decisive_facts_are_answered_at_once(kb: KnowledgeBase) -> None:
    for text in ("Een inwoner wil me 20 euro contant geven, mag dat?",
                 "Er staat een kerstpakket van een leverancier op mijn huisadres, mag ik het houden?",
                 "Tijdens de aanbesteding biedt een inschrijver me bonbons aan. Mag dat?"):
        answer, _ = kb.answer("ommen", text)
        assert answer.intent == "rule" and answer.verdict == "not_allowed", text


def test_threshold_of_one_organisation_is_never_given_for_another(kb: KnowledgeBase) -> None:
    from handlers.render import answer_text

    for org in ("leidschendam-voorburg", "haarlem"):
        answer, _ = kb.answer(org, "Mag ik een fles wijn van 30 euro van een leverancier aannemen?")
        assert answer.intent == "rule" and answer.verdict in ("consult", "unknown")
        assert "50" not in answer_text(answer)
        assert all(s["org"] in (org, "national") for s in answer.sources)


def test_topic_the_documents_leave_open_is_unknown_with_referral(kb: KnowledgeBase) -> None:
    answer, _ = kb.answer("haarlem", "Mag ik op Facebook iets posten over een project van mijn afdeling?")
    assert answer.verdict == "unknown" and answer.channels
    assert answer.sources[0]["org"] == "haarlem"


def test_english_question_gets_english_text(kb: KnowledgeBase) -> None:
    answer, _ = kb.answer("samentwente", "A supplier wants to give me a watch worth 150 euros. May I accept it?")
    assert answer.lang == "en" and answer.verdict == "not_allowed" and "Don't" in answer.headline


def test_typos_and_missing_accents_are_understood(kb: KnowledgeBase) -> None:
    answer, _ = kb.answer("ommen", "mag ik een kadootje van een leverancer aannemen van 20 eur")
    assert answer.topic == "gifts" and answer.verdict == "consult"


def test_off_topic_and_greetings(kb: KnowledgeBase) -> None:
    assert kb.answer("ommen", "Wie wint het WK voetbal?")[0].intent in ("fallback", "help")
    assert kb.answer("ommen", "hallo")[0].intent == "help"  # CONTRACT.md: a greeting is help
    assert kb.answer("ommen", "help")[0].intent == "help"


def test_pending_state_round_trips_through_json(kb: KnowledgeBase) -> None:
    import json

    _, pending = kb.answer("samentwente", "Mag ik een kerstpakket van een leverancier aannemen?")
    restored = Pending.from_dict(json.loads(json.dumps(pending.to_dict())))
    answer, _ = kb.answer("samentwente", "90 euro", restored)
    assert answer.verdict == "not_allowed"


def test_manager_as_the_problem_changes_the_route(kb: KnowledgeBase) -> None:
    answer, _ = kb.answer("ommen", "Mijn leidinggevende intimideert mij. Bij wie kan ik terecht?")
    assert answer.channels[:2] == ["trusted_person", "mayor"]
    via, _ = kb.answer("ommen", "Kan ik via mijn leidinggevende melden dat een collega wordt gepest?")
    assert via.channels[:2] != ["trusted_person", "mayor"]


def test_asking_for_the_rules_of_a_topic_gives_an_overview_with_source(kb: KnowledgeBase) -> None:
    answer, _ = kb.answer("ommen", "Wat zijn de regels voor cadeaus?")
    assert answer.intent == "info" and answer.topic == "gifts" and "50" in answer.reason
    assert answer.sources[0]["org"] == "ommen"
