"""Load and validate the knowledge base YAML, reporting errors a coordinator can act on.

Every problem is reported with the file, the line, the entry (e.g. topics.gifts.situations[2])
and a plain explanation, and loading goes on so that one run shows all errors at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from knowledge.schema import Contact, National, Organisation
from knowledge.strict_yaml import strict_load

PACKAGE_DIR = Path(__file__).resolve().parent
ORGS_DIR = PACKAGE_DIR / "orgs"
NATIONAL_FILE = PACKAGE_DIR / "national.yaml"
LEXICON_FILE = PACKAGE_DIR / "lexicon.yaml"
VOCABULARY_FILE = PACKAGE_DIR / "vocabulary.txt"


@dataclass(frozen=True)
class KbError:
    """One problem in one file."""

    file: str
    line: int | None
    entry: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.entry}: {self.message}" if self.entry else f"{where}: {self.message}"


@dataclass
class LoadResult:
    organisations: dict[str, Organisation] = field(default_factory=dict)
    national: National | None = None
    lexicon: dict[str, Any] = field(default_factory=dict)
    errors: list[KbError] = field(default_factory=list)


class KnowledgeBaseError(Exception):
    """The knowledge base cannot be used; str() lists every error."""

    def __init__(self, errors: list[KbError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


def _line_of(lazy: _LazyNode | None, loc: tuple[Any, ...]) -> int | None:
    """Line (1-based) of the YAML node at a pydantic error location, as near as it exists."""
    node = lazy.get() if lazy is not None else None
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if getattr(k, "value", None) == str(key)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            nxt = node.value[key]
        else:
            nxt = None
        if nxt is None:
            break
        node, line = nxt, nxt.start_mark.line + 1
    return line


def _entry(loc: tuple[Any, ...]) -> str:
    out = ""
    for key in loc:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


_PLAIN = {
    "missing": "this field is required but missing",
    "extra_forbidden": "unknown field (a typo? see knowledge/schema.py for the allowed fields)",
    "literal_error": "not an allowed value",
    "string_type": "must be text",
    "float_parsing": "must be a number",
    "int_parsing": "must be a whole number",
    "list_type": "must be a list ( - item per line, or [a, b] )",
    "bool_parsing": "must be true or false",
    "string_pattern_mismatch": "only lower-case letters, digits, - and _ are allowed",
    "too_short": "must not be empty",
}


def _validate(model: type[BaseModel], data: Any, node: _LazyNode | None, file: str) -> tuple[Any, list[KbError]]:
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            msg = _PLAIN.get(err["type"], err["msg"])
            if err["type"] == "literal_error":
                msg = f"{msg}: {err['msg'].removeprefix('Input should be ')}"
            if err["type"] == "value_error":
                msg = err["msg"].removeprefix("Value error, ")
            errors.append(KbError(file, _line_of(node, loc), _entry(loc), msg))
        return None, errors


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster


class _LazyNode:
    """The YAML node tree, composed only when an error needs a line number (slow in Python)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._node: yaml.Node | None = None

    def get(self) -> yaml.Node | None:
        if self._node is None:
            self._node = yaml.compose(self._text, Loader=_Loader)
        return self._node


def _read_yaml(path: Path) -> tuple[Any, _LazyNode | None, list[KbError]]:
    try:
        text = path.read_text(encoding="utf-8")
        return strict_load(text), _LazyNode(text), []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        return None, None, [KbError(str(path), line, "", f"not valid YAML: {problem}")]
    except (OSError, UnicodeDecodeError) as exc:
        return None, None, [KbError(str(path), None, "", f"cannot read the file: {exc}")]


def _load_org(path: Path) -> tuple[Organisation | None, list[KbError]]:
    data, node, errors = _read_yaml(path)
    if errors:
        return None, errors
    if not isinstance(data, dict):
        return None, [KbError(str(path), 1, "", "the file must be a mapping (key: value lines)")]
    org, errors = _validate(Organisation, data, node, str(path))
    if org is not None and org.org != path.stem:
        errors.append(KbError(str(path), _line_of(node, ("org",)), "org",
                              f"'{org.org}' must equal the file name '{path.stem}'"))
    return org, errors


def _apply_contact_overrides(orgs: dict[str, Organisation], path: Path) -> list[KbError]:
    """Deployment-specific names and numbers: {org: [{channel: ..., name: ..., phone: ...}]}."""
    data, node, errors = _read_yaml(path)
    if errors or data is None:
        return errors
    if not isinstance(data, dict):
        return [KbError(str(path), 1, "", "must map organisation slugs to lists of contacts")]
    for slug, items in data.items():
        if not isinstance(slug, str) or slug not in orgs:
            errors.append(KbError(str(path), _line_of(node, (slug,)), str(slug), "unknown organisation"))
            continue
        org = orgs[slug]
        current = {c.channel: c for c in org.contacts}
        if items is not None and not isinstance(items, list):
            errors.append(KbError(str(path), _line_of(node, (slug,)), str(slug),
                                  "must be a list of contacts ( - channel: ... per contact)"))
            continue
        for i, item in enumerate(items or []):
            if not isinstance(item, dict) or not isinstance(item.get("channel"), str):
                errors.append(KbError(str(path), _line_of(node, (slug, i)), f"{slug}[{i}]",
                                      "each override needs a channel"))
                continue
            base = current.get(item["channel"])
            merged = {**(base.model_dump(exclude_none=True) if base else {}), **item}
            contact, errs = _validate(Contact, merged, None, str(path))
            for e in errs:
                errors.append(KbError(str(path), _line_of(node, (slug, i)), f"{slug}[{i}]{e.entry}", e.message))
            if contact is not None:
                current[contact.channel] = contact
        orgs[slug] = org.model_copy(update={"contacts": list(current.values())})
    return errors


def load(extra_dir: Path | None = None, contacts_file: Path | None = None) -> LoadResult:
    """Read every organisation, the national file and the lexicon; collect all errors.

    Files in `extra_dir` add organisations or replace a built-in one with the same slug.
    """
    result = LoadResult()
    paths = {p.stem: p for p in sorted(ORGS_DIR.glob("*.yaml"))}
    if extra_dir is not None:
        if not extra_dir.is_dir():
            result.errors.append(KbError(str(extra_dir), None, "", "the knowledge directory does not exist"))
        else:
            paths.update({p.stem: p for p in sorted(extra_dir.glob("*.yaml")) if p.stem != "national"})
    for slug, path in sorted(paths.items()):
        org, errors = _load_org(path)
        result.errors += errors
        if org is not None and not errors:
            result.organisations[slug] = org
    national_path = NATIONAL_FILE
    if extra_dir is not None and (extra_dir / "national.yaml").is_file():
        national_path = extra_dir / "national.yaml"
    data, node, errors = _read_yaml(national_path)
    result.errors += errors
    if not errors:
        result.national, errors = _validate(National, data, node, str(national_path))
        result.errors += errors
    data, _, errors = _read_yaml(LEXICON_FILE)
    result.errors += errors
    result.lexicon = data or {}
    if contacts_file is not None:
        result.errors += _apply_contact_overrides(result.organisations, contacts_file)
    result.errors += _check_national_refs(result)
    return result


def _check_national_refs(result: LoadResult) -> list[KbError]:
    """'national:<id>' sources must name a document of the national file."""
    if result.national is None:
        return []
    from knowledge.schema import _all_sources

    ids = {d.id for d in result.national.documents}
    errors = []
    for slug, org in result.organisations.items():
        for src, where in _all_sources(org):
            if src.document.startswith("national:") and src.document.split(":", 1)[1] not in ids:
                errors.append(KbError(str(ORGS_DIR / f"{slug}.yaml"), None, where,
                                      f"'{src.document}' is not a document of the national file "
                                      f"(known: {', '.join(sorted(ids))})"))
    return errors


def load_vocabulary() -> set[str]:
    """Words that are spelled right even though the lexicon does not list them."""
    lines = VOCABULARY_FILE.read_text(encoding="utf-8").splitlines()
    return {w.strip() for w in lines if w.strip() and not w.startswith("#")}
