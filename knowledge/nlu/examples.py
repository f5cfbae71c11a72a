"""Labelled example utterances (knowledge/examples/*.yaml): loading, validating, with file and line.

A coordinator adds an example by editing YAML; `kb check` reports every problem with its file and
line. A file has `defaults` (the label of every example unless it says otherwise) and `examples`:
plain strings, or mappings with `text` and the label fields that differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge.nlu.reading import INTENTS, Reading

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"
TOPICS = ("gifts", "invitations", "side_jobs", "financial_interests", "conflict_of_interest",
          "confidential_information", "social_media", "conduct", "private_use", "work_time", "clothing",
          "political", "oath", "reporting", "trusted_person", "values")
REPORT_TYPES = ("misconduct", "integrity_violation", "unwanted_behaviour", "external_aggression", "crime")
_FIELDS = {"text", "intent", "topic", "report_type", "info", "org", "situation"}


@dataclass(frozen=True)
class Example:
    """One labelled utterance and where it is written."""

    text: str
    reading: Reading
    file: str
    line: int
    org: str | None = None
    info: str | None = None
    situation: str | None = None

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class ExampleError:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def example_files(directory: Path = EXAMPLES_DIR) -> list[Path]:
    return sorted(directory.glob("*.yaml")) if directory.is_dir() else []


def load_examples(directory: Path = EXAMPLES_DIR) -> tuple[list[Example], list[ExampleError]]:
    """Every example of every file, and every problem found (loading goes on past errors)."""
    examples: list[Example] = []
    errors: list[ExampleError] = []
    for path in example_files(directory):
        found, problems = _load_file(path)
        examples += found
        errors += problems
    return examples, errors


def _scalar(node: yaml.Node) -> object:
    return yaml.safe_load(yaml.serialize(node)) if node is not None else None


def _mapping(node: yaml.Node) -> dict[str, yaml.Node]:
    return {k.value: v for k, v in node.value} if isinstance(node, yaml.MappingNode) else {}


def _load_file(path: Path) -> tuple[list[Example], list[ExampleError]]:
    name = path.name
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", 0) + 1
        return [], [ExampleError(name, line, f"not valid YAML: {exc}")]
    top = _mapping(root) if root is not None else {}
    defaults = _scalar(top["defaults"]) if "defaults" in top else {}
    if not isinstance(defaults, dict):
        return [], [ExampleError(name, top["defaults"].start_mark.line + 1, "defaults must be a mapping")]
    items = top.get("examples")
    if not isinstance(items, yaml.SequenceNode):
        return [], [ExampleError(name, 1, "the file needs a list under 'examples'")]
    examples, errors = [], []
    for node in items.value:
        line = node.start_mark.line + 1
        value = _scalar(node)
        fields = {"text": value} if isinstance(value, str) else value
        if not isinstance(fields, dict):
            errors.append(ExampleError(name, line, "an example is a text or a mapping with 'text'"))
            continue
        label = {**defaults, **fields}
        problem = _problem(label)
        if problem:
            errors.append(ExampleError(name, line, problem))
            continue
        reading = Reading.of(label["intent"], label.get("topic"), label.get("report_type"))
        examples.append(Example(str(label["text"]).strip(), reading, name, line, label.get("org"),
                                label.get("info"), label.get("situation")))
    return examples, errors


def _problem(label: dict) -> str | None:
    unknown = set(label) - _FIELDS
    if unknown:
        return f"unknown field(s) {', '.join(sorted(unknown))}; allowed: {', '.join(sorted(_FIELDS))}"
    if not isinstance(label.get("text"), str) or not label["text"].strip():
        return "the example has no text"
    if label.get("intent") not in INTENTS:
        return f"intent must be one of {', '.join(INTENTS)}"
    if label.get("topic") is not None and label["topic"] not in TOPICS:
        return f"unknown topic {label['topic']!r}"
    if label["intent"] in ("rule", "info") and not label.get("topic"):
        return f"a {label['intent']} example needs a topic"
    if label.get("report_type") is not None:
        if label["intent"] != "route":
            return "only a route example has a report_type"
        if label["report_type"] not in REPORT_TYPES:
            return f"unknown report_type {label['report_type']!r}"
    if (label.get("info") or label.get("situation")) and not label.get("org"):
        return "an example with an info item or a situation names its org"
    return None
