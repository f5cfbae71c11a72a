"""`integrity-bot kb coverage` and the quote check of `kb check`: the knowledge base against its documents."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.settings import Settings
from knowledge.coverage import coverage
from knowledge.loader import LoadResult, load
from knowledge.quotes import SEEDS_ENV, entries, quote_problems, seeds_dir

EXAMPLES = 2  # rule sentences shown per uncovered section


def check_quotes(result: LoadResult, explicit: str | None) -> tuple[bool, str]:
    """Print every quote its document lacks; (all found, a short line for the summary)."""
    seeds = seeds_dir(Path(explicit) if explicit else None)
    if seeds is None:
        return True, f"citaten niet gecontroleerd: brondocumenten niet gevonden (zet {SEEDS_ENV})"
    problems = [f"{slug}: {p}" for slug, org in sorted(result.organisations.items())
                for p in quote_problems(org, seeds)]
    for p in problems:
        print(p)
    if problems:
        print(f"\n{len(problems)} citaat/citaten niet gevonden in de brondocumenten ({seeds}) / quote(s) not found.")
        return False, ""
    n = sum(len(e.grounds.quote) for org in result.organisations.values() for e in entries(org))
    return True, f"{n} citaten gevonden in de brondocumenten"


def cmd_kb_coverage(args: argparse.Namespace, settings: Settings) -> int:
    result = load(settings.kb_dir, settings.contacts_file)
    org = result.organisations.get(args.org.strip().lower())  # slugs are case-insensitive
    if org is None:
        if result.errors:
            print("De kennisbank bevat fouten; draai eerst: integrity-bot kb check", file=sys.stderr)
        else:
            print(f"Onbekende organisatie '{args.org}'. Kies uit: {', '.join(sorted(result.organisations))}",
                  file=sys.stderr)
        return 2
    seeds = seeds_dir(Path(args.seeds) if args.seeds else None)
    if seeds is None:
        print(f"De brondocumenten zijn niet gevonden. Geef de map met --seeds of zet {SEEDS_ENV}.", file=sys.stderr)
        return 2
    docs = coverage(org, seeds)
    if not docs:
        print(f"Geen van de documenten van {org.name} staat in {seeds}.", file=sys.stderr)
        return 2
    for doc in docs:
        print(f"{org.name} — {doc.title} ({doc.file})\n")
        for s in doc.sections:
            mark = "✓" if s.cited_by else ("✗" if s.rule_sentences else "·")
            indent = "" if s.major else "  "
            print(f"{indent}{mark} {s.title}  (r. {s.line})")
            for where in s.cited_by:
                print(f"{indent}      {where}")
        gaps = doc.gaps
        cited = sum(1 for s in doc.sections if s.cited_by)
        print(f"\n{cited} van {len(doc.sections)} secties geciteerd; "
              f"{len(gaps)} secties met regels die geen enkel antwoord dekt:")
        for s in gaps:
            rules = s.rule_sentences
            print(f"  ✗ {s.title} (r. {s.line}): {len(rules)} zin(nen) met een regel, bijvoorbeeld")
            for sentence in rules[:EXAMPLES]:
                print(f"      \"{sentence if len(sentence) <= 160 else sentence[:157] + '...'}\"")
        print()
    print("✓ geciteerd  ✗ regels zonder antwoord  · geen regels (geen actie nodig)")
    return 0


def register_kb_tools(kb_sub: argparse._SubParsersAction) -> None:
    cov = kb_sub.add_parser("coverage", help="per section of the source document: which entries cite it, "
                                              "and the sections with rules no entry covers")
    cov.add_argument("--org", required=True, help="organisation slug, e.g. ommen")
    cov.add_argument("--seeds", help=f"directory of the source documents (default: ${SEEDS_ENV} or ../shared/seeds)")
    cov.set_defaults(func=cmd_kb_coverage)
