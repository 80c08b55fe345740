"""Sequence decoding: the most likely label sequence given per-line scores and label transitions.

A `Baca Juga` line is followed by a headline that looks like body on its own; the transition
table (learned from the labelled documents) is what carries that context across lines.
"""

from __future__ import annotations

import numpy as np


def viterbi(emissions: np.ndarray, transitions: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Best path through `emissions` (lines x labels, log scores); returns label indices."""
    n, k = emissions.shape
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    back = np.zeros((n, k), dtype=np.int64)
    score = start + emissions[0]
    for i in range(1, n):
        candidates = score[:, None] + transitions
        back[i] = candidates.argmax(axis=0)
        score = candidates[back[i], np.arange(k)] + emissions[i]
    path = np.zeros(n, dtype=np.int64)
    path[-1] = int(score.argmax())
    for i in range(n - 1, 0, -1):
        path[i - 1] = back[i, path[i]]
    return path
