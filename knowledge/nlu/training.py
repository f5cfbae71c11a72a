"""Build-time training of the reading model (scikit-learn), and the fingerprint that tells it is stale.

Training data: the examples in knowledge/examples/ and, in a checkout, the single-turn labelled
cases in tests/cases/*.jsonl. Only this module imports scikit-learn; the bot at run time does not.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge.nlu.examples import EXAMPLES_DIR, Example, example_files, load_examples
from knowledge.nlu.features import CHAR_SIZES, ngrams
from knowledge.nlu.model import MODEL_DIR, ReadingModel
from knowledge.nlu.reading import Reading

FEATURE_VERSION = f"ngrams-w1-w2-c{'-'.join(map(str, CHAR_SIZES))}-v1"
CASES_DIR = Path(__file__).resolve().parents[2] / "tests" / "cases"
C_READING = 20.0
C_INFO = 20.0
MIN_DF = 2


@dataclass(frozen=True)
class Sample:
    text: str
    label: str
    where: str


def case_examples(directory: Path = CASES_DIR) -> list[Example]:
    """Single-turn labelled cases as examples: their expected reading (clarify is a rule question)."""
    found: list[Example] = []
    for path in sorted(directory.glob("*.jsonl")) if directory.is_dir() else []:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            case = json.loads(line)
            expect = case.get("expect", {})
            intent = expect.get("intent")
            if len(case["turns"]) != 1 or not intent:
                continue
            if isinstance(intent, list):  # two fair readings teach nothing, except "not a question at all"
                if not set(intent) <= {"fallback", "help"}:
                    continue
                intent = "fallback"
            if intent == "clarify":
                intent = "rule" if expect.get("topic") != "reporting" else "route"
            rtype = expect.get("report_type")
            if isinstance(rtype, list):
                rtype = rtype[0]  # the first of the accepted types
            if intent not in ("rule", "route", "confide", "info", "help", "fallback"):
                continue
            if intent in ("rule", "info") and not expect.get("topic"):
                continue
            found.append(Example(case["turns"][0], Reading.of(intent, expect.get("topic"), rtype),
                                 f"tests/cases/{path.name}", n, case.get("org")))
    return found


def _digest(paths: Iterable[Path]) -> str:
    h = hashlib.sha256(FEATURE_VERSION.encode())
    for p in paths:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def fingerprint(examples_dir: Path = EXAMPLES_DIR, cases_dir: Path = CASES_DIR) -> dict[str, str]:
    """What the model was trained on: the examples (always) and the case sets (where present)."""
    found = {"examples": _digest(example_files(examples_dir))}
    if cases_dir.is_dir():
        found["cases"] = _digest(sorted(cases_dir.glob("*.jsonl")))
    return found


def stale_reason(model: ReadingModel | None, examples_dir: Path = EXAMPLES_DIR,
                 cases_dir: Path = CASES_DIR) -> str | None:
    """Why the shipped model does not fit the examples (None when it does)."""
    if model is None:
        return "no trained model: run `integrity-bot nlu build`"
    now, built = fingerprint(examples_dir, cases_dir), model.fingerprint
    for part in ("examples", "cases"):
        if part in now and now[part] != built.get(part):
            return f"the {part} changed since the model was built: run `integrity-bot nlu build`"
    return None


def _vocabulary(samples: Sequence[Sample]) -> list[str]:
    df: dict[str, int] = {}
    for s in samples:
        for f in set(ngrams(s.text)):
            df[f] = df.get(f, 0) + 1
    return sorted(f for f, n in df.items() if n >= MIN_DF)


def _matrix(samples: Sequence[Sample], model: ReadingModel):  # type: ignore[no-untyped-def]
    from scipy.sparse import csr_matrix

    rows, cols, vals = [], [], []
    for r, s in enumerate(samples):
        idx, values = model.vector(s.text)
        rows += [r] * len(idx)
        cols += idx.tolist()
        vals += values.tolist()
    return csr_matrix((vals, (rows, cols)), shape=(len(samples), len(model.index)), dtype=np.float32)


def _fit(x, labels: list[str], c: float) -> tuple[np.ndarray, np.ndarray, list[str]]:  # type: ignore[no-untyped-def]
    from sklearn.linear_model import LogisticRegression

    classes = sorted(set(labels))
    if len(classes) == 1:  # one class: a constant head
        return np.zeros((x.shape[1], 1), dtype=np.float16), np.zeros(1, dtype=np.float32), classes
    clf = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    clf.fit(x, labels)
    return clf.coef_.T.astype(np.float16), clf.intercept_.astype(np.float32), list(clf.classes_)


def train(examples: Sequence[Example], fingerprint_: dict[str, str] | None = None) -> ReadingModel:
    """A model trained on these examples (readings, and info items where examples name them)."""
    readings = [Sample(e.text, e.reading.label, e.where) for e in examples]
    infos = [Sample(e.text, f"{e.org}:{e.info}", e.where) for e in examples if e.info and e.org]
    features = _vocabulary(readings)
    df = {f: 0 for f in features}
    for s in readings:
        for f in set(ngrams(s.text)):
            if f in df:
                df[f] += 1
    n = len(readings)
    idf = np.array([np.log((1 + n) / (1 + df[f])) + 1.0 for f in features], dtype=np.float32)
    shell = ReadingModel({"features": features, "heads": {}}, {"idf": idf})
    heads, weights = {}, {"idf": idf}
    for name, samples, c in (("reading", readings, C_READING), ("info", infos, C_INFO)):
        if not samples:
            continue
        coef, intercept, classes = _fit(_matrix(samples, shell), [s.label for s in samples], c)
        heads[name] = classes
        weights[f"{name}_coef"], weights[f"{name}_intercept"] = coef, intercept
    meta = {"features": features, "heads": heads, "fingerprint": fingerprint_ or {},
            "feature_version": FEATURE_VERSION, "trained_on": len(readings)}
    return ReadingModel(meta, weights)


def all_training_examples() -> tuple[list[Example], list[str]]:
    """The examples and the labelled cases; the errors of the example files as strings."""
    examples, errors = load_examples()
    return [*examples, *case_examples()], [str(e) for e in errors]


def save(model: ReadingModel, directory: Path = MODEL_DIR) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    weights = {"idf": model.idf}
    for name, (coef, intercept, _) in model.heads.items():
        weights[f"{name}_coef"], weights[f"{name}_intercept"] = coef.astype(np.float16), intercept
    np.savez_compressed(directory / "weights.npz", **weights)
    (directory / "meta.json").write_text(json.dumps(model.meta, ensure_ascii=False, indent=0), encoding="utf-8")


def build() -> tuple[ReadingModel, list[str]]:
    """Train on everything and write the model into the package; returns it and any example errors."""
    examples, errors = all_training_examples()
    if errors:
        return ReadingModel({"features": [], "heads": {}}, {"idf": np.zeros(0)}), errors
    model = train(examples, fingerprint())
    save(model)
    return model, []
