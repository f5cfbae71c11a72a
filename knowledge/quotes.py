"""Find every quote of the knowledge base in its source document, and where it stands.

A quote is verbatim, but the seed texts come from PDFs: line breaks, doubled spaces, bold
markers and words broken with a hyphen ("arbo- coördinator") differ from a clean copy. Both
sides are normalised the same way before the search, so only the words have to match.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from knowledge.schema import Grounded, Organisation, Source

SEEDS_ENV = "INTEGRITY_SEEDS_DIR"
_BESIDE_CHECKOUT = Path(__file__).resolve().parents[2] / "shared" / "seeds"

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "\u00ad": None,
                         "–": "-", "—": "-", "\u00a0": " "})


def normalise(text: str) -> str:
    """Whitespace, quotation marks, dashes, markup (bold, italics, <p>) and hyphenation made uniform."""
    text = text.translate(_QUOTES).replace("**", "")
    text = re.sub(r"</?[a-z]+>|(?<!\w)\*(?=\w)|(?<=\w)\*(?!\w)", " ", text)  # <p>, <i>, *bewust*
    text = re.sub(r"(\w)-\s+(\w)", r"\1\2", text)  # "arbo- coördinator", "oud-\nmedewerker"
    text = re.sub(r"(\w)-(\w)", r"\1\2", text)  # so "arbo-coördinator" and "arbocoördinator" meet
    return re.sub(r"\s+", " ", text).strip()


def seeds_dir(explicit: Path | None = None) -> Path | None:
    """Where the source documents are: the argument, $INTEGRITY_SEEDS_DIR, or ../shared/seeds."""
    for candidate in (explicit, os.environ.get(SEEDS_ENV), _BESIDE_CHECKOUT):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


@lru_cache(maxsize=16)
def _document_text(path: Path) -> str:
    return normalise(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Entry:
    """One grounded entry of an organisation file, with a readable place and its source."""

    where: str  # e.g. topics.gifts.money, routes.crime, contacts[coordinator], info.oath
    kind: str  # situation | route | variant | contact | info
    grounds: Grounded
    sources: tuple[Source, ...]  # the main source first, then `also_sources`


def entries(org: Organisation) -> Iterator[Entry]:
    """Every situation, route (and variant), contact and info item of the organisation."""
    for slug, topic in org.topics.items():
        for s in topic.situations:
            yield Entry(f"topics.{slug}.{s.id}", "situation", s, (s.source, *s.also_sources))
    for rtype, route in org.routes.items():
        yield Entry(f"routes.{rtype}", "route", route, (route.source, *route.also_sources))
        for v in route.variants:
            yield Entry(f"routes.{rtype}.{v.id}", "variant", v, (v.source,))
    for c in org.contacts:
        yield Entry(f"contacts[{c.channel}]", "contact", c, (c.source,) if c.source else ())
    for i in org.info:
        yield Entry(f"info.{i.id}", "info", i, (i.source,))


def _files_for(org: Organisation, sources: tuple[Source, ...]) -> list[str]:
    """The seed files a quote may come from: the cited documents', else all of the organisation's
    (an entry resting on national law quotes the organisation's sentence that refers to it)."""
    files = {d.id: d.file for d in org.documents if d.file}
    cited = list(dict.fromkeys(files[s.document] for s in sources if s.document in files))
    return cited or list(files.values())


def locate(org: Organisation, entry: Entry, quote: str, seeds: Path) -> tuple[str, int] | None:
    """(seed file, character offset in its normalised text) of the quote, or None."""
    needle = normalise(quote)
    for name in _files_for(org, entry.sources):
        path = seeds / name
        if not path.is_file():
            continue
        at = _document_text(path).find(needle)
        if at >= 0:
            return name, at
    return None


def quote_problems(org: Organisation, seeds: Path) -> list[str]:
    """Every quote of the organisation that its document does not contain, explained."""
    problems = []
    for entry in entries(org):
        files = _files_for(org, entry.sources)
        missing = [f for f in files if not (seeds / f).is_file()]
        if missing and len(missing) == len(files):
            problems.append(f"{entry.where}: source document file {', '.join(missing)} is not in {seeds}")
            continue
        for q in entry.grounds.quote:
            if locate(org, entry, q, seeds) is None:
                short = q if len(q) <= 90 else q[:87] + "..."
                problems.append(f"{entry.where}: quote not found in {', '.join(files)}: \"{short}\"")
    return problems
