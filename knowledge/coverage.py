"""Which parts of a source document the knowledge base rests on, and which rules it leaves out.

The seed documents are plain text taken from PDFs and web pages, without markup for headings.
A heading is a short line standing alone after a blank line (or a `<p>…</p>` line), such as
"Giften, relatiegeschenken en uitnodigingen" or "Basisnorm 9: Relatiegeschenken". Every quote
is placed in the section where it stands; a section that contains sentences with a rule
(must, may, never, report …) but no quote is a gap: the coordinator's to-do list.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.quotes import entries, normalise
from knowledge.schema import Organisation

_RULE_WORDS = re.compile(
    r"\b(moet|moeten|mag je|mag niet|mogen niet|nooit|verplicht\w*|verboden|toegestaan|melden|meld je|"
    r"meldt|dien(?:t|en)|neem(?:t)? je geen|je neemt|sla\w* .{0,30}af|aangifte|geheim te houden|"
    r"ten ?minste|minimaal|eens per|\w+maal per|per jaar|jaarlijks|binnen \w+ (?:dagen|weken))\b", re.I)
_NUMBERED = re.compile(r"^(\d+(\.\d+)*\.?\s|Bijlage\s+\d|Hoofdstuk\s+\d|Basisnorm\s+\d)", re.I)
_NOT_A_HEADING = re.compile(r"_{3,}|\]\(#\)|\.{4,}|^\d{1,2} \w+ \d{4}$")
# "Een voorbeeld", "Een ander voorbeeld", "Twee dilemma's": part of the section above, not a section
_EXAMPLE = re.compile(r"^(een |twee |drie )?(ander |nog een )?(voorbeeld(en)?|dilemma'?s?)\b", re.I)


@dataclass
class Section:
    """One section of a document: its heading, where it starts, and what cites it."""

    title: str
    line: int  # 1-based line of the heading in the seed file
    major: bool  # a numbered chapter, an appendix or a Basisnorm
    text: str = ""
    cited_by: list[str] = field(default_factory=list)

    @property
    def rule_sentences(self) -> list[str]:
        """Sentences of the section that state a rule (an obligation, a ban, a duty to report)."""
        sentences = re.split(r"(?<=[.;!?])\s+", normalise(self.text))
        if "....." in self.text:
            return []  # a table of contents
        return [s for s in sentences if len(s) > 25 and not s.endswith("?") and _RULE_WORDS.search(s)]


def _is_heading(lines: list[str], i: int) -> str | None:
    raw = lines[i]
    line = raw.strip()
    tag = re.match(r"^<p>([^<]{3,90})</p>", line)
    if tag:
        return tag.group(1).strip()
    if not line or "\t" in raw or _NOT_A_HEADING.search(line) or _EXAMPLE.match(line):
        return None
    if i > 0 and lines[i - 1].strip():
        return None  # a heading stands alone after a blank line
    numbered = bool(_NUMBERED.match(line))
    if len(line) > (160 if numbered else 90) or len(line.split()) > (25 if numbered else 12):
        return None
    if line.startswith(("-", "•", "*", "|", "<", "→", "(", "'", '"')) or not (line[0].isupper() or line[0].isdigit()):
        return None
    if re.search(r"[;,:!]$", line) or (line.endswith(".") and not numbered):
        return None
    if line.endswith("?") and ":" in line:
        return None  # "Wat doe je: neem je het aan of niet?" is a question to the reader
    if numbered and line.endswith("."):
        after = re.sub(r"^\d+(\.\d+)*\.?\s+", "", line)
        following = next((x.strip() for x in lines[i + 1:] if x.strip()), "")
        if not after[:1].isupper() or re.match(r"^\d+\.", following):
            return None  # an item of a numbered list, not a chapter
    return line


def sections(text: str) -> list[Section]:
    """The document split at its headings, in order (text before the first heading included)."""
    lines = text.splitlines()
    found: list[Section] = [Section("(begin)", 1, True)]
    body: list[list[str]] = [[]]
    for i in range(len(lines)):
        title = _is_heading(lines, i)
        if title is not None:
            found.append(Section(title, i + 1, bool(_NUMBERED.match(title))))
            rest = lines[i].strip().split("</p>", 1)[1] if lines[i].strip().startswith("<p>") else ""
            body.append([rest] if rest.strip() else [])  # "<p>Basisnorm 5: …</p> <p>text …" on one line
        else:
            body[-1].append(lines[i])
    for section, part in zip(found, body, strict=True):
        section.text = "\n".join(part)
    return [s for s in found if s.title != "(begin)" or s.text.strip()]


@dataclass
class DocumentCoverage:
    """One seed document of an organisation, section by section."""

    document: str  # the document id in the organisation file
    title: str
    file: str
    sections: list[Section]

    @property
    def gaps(self) -> list[Section]:
        """Sections with rules that no entry cites."""
        return [s for s in self.sections if not s.cited_by and s.rule_sentences]


def coverage(org: Organisation, seeds: Path) -> list[DocumentCoverage]:
    """Per document of the organisation: which entries cite which section, and the gaps."""
    result = []
    for doc in org.documents:
        if not doc.file or not (seeds / doc.file).is_file():
            continue
        secs = sections((seeds / doc.file).read_text(encoding="utf-8"))
        norms = [normalise(f"{s.title}\n{s.text}") for s in secs]
        starts, joined, at = [], [], 0
        for n in norms:
            starts.append(at)
            joined.append(n)
            at += len(n) + 1
        whole = " ".join(joined)
        cov = DocumentCoverage(doc.id, doc.title, doc.file, secs)
        for entry in entries(org):
            own = {s.document for s in entry.sources}
            if own and doc.id not in own and own & {d.id for d in org.documents}:
                continue  # the entry cites another document of this organisation
            for q in entry.grounds.quote:
                pos = whole.find(normalise(q))
                if pos < 0:
                    continue
                section = secs[bisect.bisect_right(starts, pos) - 1]
                if entry.where not in section.cited_by:
                    section.cited_by.append(entry.where)
        result.append(cov)
    return result
