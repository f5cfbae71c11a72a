"""`integrity-bot nlu build` (train the reading model into the package) and `integrity-bot explain`."""

from __future__ import annotations

import argparse
import sys

from bot.settings import Settings


def cmd_build(args: argparse.Namespace, settings: Settings) -> int:
    try:
        from knowledge.nlu.training import build
    except ModuleNotFoundError as exc:  # scikit-learn is a build-time tool, not a run-time need
        print(f"Training needs {exc.name}: pip install '.[nlu]'", file=sys.stderr)
        return 2
    model, errors = build()
    if errors:
        for err in errors:
            print(err)
        print(f"\n{len(errors)} error(s) in the examples; nothing was built.")
        return 1
    heads = ", ".join(f"{name} {len(classes)} classes" for name, (_, _, classes) in model.heads.items())
    print(f"Built: {model.meta['trained_on']} examples, {len(model.index)} features, {heads}.")
    return 0


def cmd_explain(args: argparse.Namespace, settings: Settings) -> int:
    from knowledge.engine import KnowledgeBase
    from knowledge.loader import KnowledgeBaseError
    from knowledge.nlu.explain import explain

    try:
        kb = KnowledgeBase.load(settings.kb_dir, settings.contacts_file)
    except KnowledgeBaseError as exc:
        print(exc, file=sys.stderr)
        return 2
    org = (args.org or settings.default_org).lower()
    if org not in kb.organisations:
        print(f"Unknown organisation '{org}'. Choose from: {', '.join(sorted(kb.organisations))}", file=sys.stderr)
        return 2
    for line in explain(kb, org, args.question):
        print(line)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    nlu = sub.add_parser("nlu", help="the learned understanding layer")
    nlu_sub = nlu.add_subparsers(dest="nlu_command", required=True)
    build = nlu_sub.add_parser("build", help="train the reading model from knowledge/examples and write it")
    build.set_defaults(func=cmd_build)
    explain = sub.add_parser("explain", help="show how a question is read: cue rules, rules, model, examples")
    explain.add_argument("--org", help="organisation slug, e.g. ommen")
    explain.add_argument("question", help="the question, in quotes")
    explain.set_defaults(func=cmd_explain)
