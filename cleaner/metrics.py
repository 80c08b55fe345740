"""The quality measures of LABELS.md, defined once for `cleaner evaluate`, tests and benchmarks."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    """Word tokens: lower-cased, split on non-word characters."""
    return _TOKEN.findall(text.lower())


def body_precision_recall(predicted: str, gold: str) -> tuple[float, float]:
    """Token-multiset precision and recall of one document's body.

    An empty prediction of an empty gold is perfect; an empty side against a non-empty one scores 0
    on the side that is undefined, the convention of the article-extraction benchmarks.
    """
    pred, ref = Counter(tokens(predicted)), Counter(tokens(gold))
    n_pred, n_ref = sum(pred.values()), sum(ref.values())
    if n_pred == 0 and n_ref == 0:
        return 1.0, 1.0
    common = sum((pred & ref).values())
    precision = common / n_pred if n_pred else 0.0
    recall = common / n_ref if n_ref else 0.0
    return precision, recall


def is_perfect(predicted: str, gold: str) -> bool:
    """The body has exactly the gold body's tokens, in order."""
    return tokens(predicted) == tokens(gold)


@dataclass
class BodyScore:
    """Running totals over documents; F1 from the averaged precision and recall."""

    docs: int = 0
    precision_sum: float = 0.0
    recall_sum: float = 0.0
    perfect: int = 0
    lines: int = 0
    lines_right: int = 0

    def add(self, predicted: str, gold: str, line_pairs=()) -> None:
        p, r = body_precision_recall(predicted, gold)
        self.docs += 1
        self.precision_sum += p
        self.recall_sum += r
        self.perfect += is_perfect(predicted, gold)
        for pred_body, gold_body in line_pairs:
            self.lines += 1
            self.lines_right += pred_body == gold_body

    @property
    def precision(self) -> float:
        return self.precision_sum / self.docs if self.docs else 0.0

    @property
    def recall(self) -> float:
        return self.recall_sum / self.docs if self.docs else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def line_accuracy(self) -> float | None:
        return self.lines_right / self.lines if self.lines else None

    @property
    def perfect_share(self) -> float:
        return self.perfect / self.docs if self.docs else 0.0

    def as_dict(self) -> dict:
        return {
            "documents": self.docs,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "line_accuracy": None if self.line_accuracy is None else round(self.line_accuracy, 4),
            "perfect": round(self.perfect_share, 4),
        }
