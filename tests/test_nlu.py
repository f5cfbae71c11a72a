"""The learned understanding layer as users and coordinators meet it.

Examples are data a coordinator edits; the model is trained from them; rules and model together
decide the reading; cue rules decide boundaries the codes draw; no green light on a guess.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from knowledge.engine import KnowledgeBase
from knowledge.evaluate import rule_answer
from knowledge.facts import Facts
from knowledge.nlu.combine import decide
from knowledge.nlu.examples import EXAMPLES_DIR, load_examples
from knowledge.nlu.model import ReadingModel
from knowledge.nlu.reading import Reading
from knowledge.nlu.training import fingerprint, save, stale_reason, train
from tests.conftest import Console

BIN = Path(sys.executable).parent / "integrity-bot"


def test_the_examples_cover_every_topic_and_report_type() -> None:
    examples, errors = load_examples()
    assert not errors, errors[:5]
    assert len(examples) >= 1500
    topics = Counter(e.reading.topic for e in examples)
    reports = Counter(e.reading.report_type for e in examples if e.reading.report_type)
    for topic in ("gifts", "invitations", "side_jobs", "financial_interests", "conflict_of_interest",
                  "confidential_information", "social_media", "conduct", "private_use", "work_time",
                  "clothing", "political", "oath", "trusted_person", "values"):
        assert topics[topic] >= 60, (topic, topics[topic])
    for rtype in ("misconduct", "integrity_violation", "unwanted_behaviour", "external_aggression", "crime"):
        assert reports[rtype] >= 40, (rtype, reports[rtype])


def test_a_wrong_label_is_reported_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text(
        "defaults: {intent: rule, topic: gifts}\nexamples:\n  - mag ik dit houden\n"
        "  - {text: mag ik dit, topic: presents}\n  - {text: iets, intent: route, report_type: gossip}\n",
        encoding="utf-8")
    examples, errors = load_examples(tmp_path)
    assert len(examples) == 1
    assert [(e.file, e.line) for e in errors] == [("mine.yaml", 4), ("mine.yaml", 5)]
    assert "presents" in errors[0].message and "gossip" in errors[1].message


def test_the_shipped_model_is_built_from_todays_examples() -> None:
    assert stale_reason(ReadingModel.load()) is None


def test_an_added_example_makes_the_model_stale_until_rebuilt(tmp_path: Path) -> None:
    examples_dir = tmp_path / "examples"
    shutil.copytree(EXAMPLES_DIR, examples_dir)
    model = ReadingModel.load()
    assert stale_reason(model, examples_dir) is None
    with (examples_dir / "gifts.yaml").open("a", encoding="utf-8") as f:
        f.write("  - mag ik die taart van de bakker houden\n")
    assert "nlu build" in (stale_reason(model, examples_dir) or "")
    examples, _ = load_examples(examples_dir)
    rebuilt = train(examples, fingerprint(examples_dir))
    save(rebuilt, tmp_path / "model")
    assert stale_reason(ReadingModel.load(tmp_path / "model"), examples_dir) is None


def test_a_new_example_fixes_a_reading_after_a_rebuild(tmp_path: Path) -> None:
    """What a coordinator does: add examples of a new phrase, rebuild, and the model reads it."""
    examples, _ = load_examples()
    phrase = "zwobbelen met de grimpelaar"  # words no example has
    before = train(examples).readings(f"mag ik {phrase}")[0][0]
    extra = [*examples, *[type(examples[0])(f"mag ik {phrase} {i}", Reading("rule", "clothing"), "x.yaml", i)
                          for i in range(5)]]
    after = train(extra).readings(f"mag ik {phrase}")[0][0]
    assert before != Reading("rule", "clothing") and after == Reading("rule", "clothing")


@pytest.mark.parametrize("text", [
    "de leverancier gaf me een nieuwe telefoon als bedankje, mag ik die houden?",
    "A supplier wants to give me a laptop for the good cooperation. Can I accept it?",
    "kreeg van de aannemer een tablet cadeau, is dat goed?",
])
def test_a_suppliers_gift_of_a_device_is_never_green(kb: KnowledgeBase, text: str) -> None:
    answer, _ = kb.answer("ommen", text)
    assert answer.topic == "gifts" and answer.verdict != "allowed", (answer.intent, answer.topic, answer.verdict)


@pytest.mark.parametrize("text", [
    "de aannemer zei dat hij 500 euro voor me had als ik zijn vergunning wat sneller regel",
    "A contractor offered me cash if I approve his permit faster. What now?",
    "een inschrijver bood me een weekend weg aan in ruil voor de opdracht",
])
def test_an_offer_in_exchange_for_a_decision_is_bribery_reported_and_red(console: Console, text: str) -> None:
    answer = console.ask("u1", text)
    assert answer.intent == "route" and answer.report_type == "crime" and answer.verdict == "not_allowed"
    assert answer.sources and all(s["org"] in ("ommen", "national") for s in answer.sources)


@pytest.mark.parametrize("text", [
    "mijn collega schrijft uren die hij niet gewerkt heeft, wat moet ik doen?",
    "er verdwijnt geld uit de kas bij burgerzaken",
    "mijn leidinggevende heeft zijn vriend een opdracht gegeven zonder offertes op te vragen",
])
def test_someone_elses_wrongdoing_is_a_report_not_a_rule(kb: KnowledgeBase, text: str) -> None:
    answer, _ = kb.answer("ommen", text)
    assert answer.intent == "route", (answer.intent, answer.topic)


@pytest.mark.parametrize("text", ["hoi", "goedemorgen!", "bedankt", "thanks!"])
def test_greetings_and_thanks_are_help_as_the_contract_says(kb: KnowledgeBase, text: str) -> None:
    answer, _ = kb.answer("ommen", text)
    assert answer.intent == "help" and answer.topic is None


def test_no_green_light_when_the_reading_is_not_sure(kb: KnowledgeBase) -> None:
    org = kb.org("ommen")
    sure = rule_answer(org, kb.national, "private_use", {"provided-devices"}, Facts(), "nl")
    unsure = rule_answer(org, kb.national, "private_use", {"provided-devices"}, Facts(), "nl", allow_green=False)
    assert sure.verdict == "allowed" and unsure.verdict in ("consult", "not_allowed", "unknown")


def test_rules_and_model_agreeing_answer_and_disagreeing_unsure_readings_are_asked() -> None:
    gifts, private = Reading("rule", "gifts"), Reading("rule", "private_use")
    agree = decide(gifts, [(gifts, 0.8), (private, 0.1)])
    assert agree.reading == gifts and agree.confident
    model_sure = decide(private, [(gifts, 0.9), (private, 0.05)])
    assert model_sure.reading == gifts and not model_sure.confident
    unsure = decide(private, [(gifts, 0.25), (Reading("rule", "invitations"), 0.05), (private, 0.105)])
    assert unsure.why == "clarify" and set(unsure.alternatives) == {gifts, private}
    off_topic = decide(Reading("fallback"), [(gifts, 0.3), (Reading("fallback"), 0.2)])
    assert off_topic.reading == Reading("fallback")


def test_asking_which_reading_is_meant_then_answering_it(kb: KnowledgeBase) -> None:
    from knowledge.engine import Understanding
    from knowledge.matcher import Analyzed
    from knowledge.nlu.combine import Decision

    gifts, private = Reading("rule", "gifts"), Reading("rule", "private_use")
    question = Analyzed("mag ik die telefoon van de leverancier houden", kb.corrector)
    decision = Decision(gifts, "clarify", private, alternatives=[gifts, private])
    ask, pending = kb._answer_for(kb.org("ommen"), question, Understanding("choose", decision=decision), Facts(), "nl")
    assert ask.intent == "clarify" and [o.id for o in ask.options] == [
        "reading:rule/gifts", "reading:rule/private_use", "reading:none"]
    chosen, _ = kb.apply_action("ommen", "reading:rule/gifts", pending)
    assert chosen.topic == "gifts" and chosen.intent in ("rule", "clarify")
    other, _ = kb.apply_action("ommen", "reading:none", pending)
    assert other.intent == "fallback"


def test_explain_shows_the_readings_and_the_nearest_example() -> None:
    out = subprocess.run([str(BIN), "explain", "--org", "ommen", "mag ik een fles wijn van de leverancier houden"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "rules read: rule/gifts" in out.stdout and "model: rule/gifts" in out.stdout
    assert "decided: rule/gifts" in out.stdout
    assert "nearest example" in out.stdout and ".yaml:" in out.stdout
