"""The trained reading model at run time: numpy only, loaded once, a fraction of a millisecond a message.

Files (written by `integrity-bot nlu build`, shipped in the package): `model/meta.json` (features,
classes, the fingerprint of the examples it was trained on, cross-validated figures) and
`model/weights.npz` (idf, and per head the coefficients and intercepts).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge.nlu.features import ngrams
from knowledge.nlu.reading import Reading

MODEL_DIR = Path(__file__).resolve().parent / "model"


@dataclass(frozen=True)
class Scored:
    """A candidate and the model's probability for it."""

    label: str
    p: float


class ReadingModel:
    """Scores every reading (and every info item of an organisation) for one message."""

    def __init__(self, meta: dict, weights: dict[str, np.ndarray]) -> None:
        self.meta = meta
        self.index = {f: i for i, f in enumerate(meta["features"])}
        self.idf = weights["idf"].astype(np.float32)
        self.heads = {name: (weights[f"{name}_coef"].astype(np.float32), weights[f"{name}_intercept"],
                             list(meta["heads"][name]))
                      for name in meta["heads"]}

    @classmethod
    def load(cls, directory: Path = MODEL_DIR) -> ReadingModel | None:
        """The shipped model, or None where none has been built."""
        meta_file, weights_file = directory / "meta.json", directory / "weights.npz"
        if not meta_file.exists() or not weights_file.exists():
            return None
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        with np.load(weights_file) as data:
            weights = {k: data[k] for k in data.files}
        return cls(meta, weights)

    @property
    def fingerprint(self) -> dict[str, str]:
        return dict(self.meta.get("fingerprint", {}))

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Sparse tf-idf vector: feature indices and L2-normalised values."""
        counts = Counter(f for f in ngrams(text) if f in self.index)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        idx = np.fromiter((self.index[f] for f in counts), dtype=np.int64, count=len(counts))
        tf = np.fromiter((1.0 + math.log(n) for n in counts.values()), dtype=np.float32, count=len(counts))
        values = tf * self.idf[idx]
        norm = float(np.sqrt(np.dot(values, values)))
        return idx, values / norm if norm else values

    def scores(self, head: str, text: str, only: set[str] | None = None,
               vec: tuple[np.ndarray, np.ndarray] | None = None) -> list[Scored]:
        """Probabilities of the head's classes (optionally only some), best first."""
        coef, intercept, classes = self.heads[head]
        idx, values = vec if vec is not None else self.vector(text)
        logits = intercept + (values @ coef[idx] if len(idx) else 0.0)
        keep = [i for i, c in enumerate(classes) if only is None or c in only]
        if not keep:
            return []
        sub = logits[keep]
        exp = np.exp(sub - sub.max())
        probs = exp / exp.sum()
        order = np.argsort(-probs)
        return [Scored(classes[keep[i]], float(probs[i])) for i in order]

    def readings(self, text: str, vec: tuple[np.ndarray, np.ndarray] | None = None) -> list[tuple[Reading, float]]:
        return [(Reading.from_label(s.label), s.p) for s in self.scores("reading", text, vec=vec)]

    def info_items(self, text: str, org: str, vec: tuple[np.ndarray, np.ndarray] | None = None) -> list[Scored]:
        """The organisation's info items (and the national ones) for an info question."""
        if "info" not in self.heads:
            return []
        classes = self.heads["info"][2]
        mine = {c for c in classes if c.startswith((f"{org}:", "national:"))}
        return [Scored(s.label.split(":", 1)[1], s.p) for s in self.scores("info", text, mine, vec)]
