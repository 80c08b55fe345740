"""Sequence decoding: the most likely label sequence given per-line scores and label transitions.

A `Baca Juga` line is followed by a headline that looks like body on its own; the transition
table (learned from the labelled documents) is what carries that context across lines.
"""

from __future__ import annotations

import numpy as np


def viterbi_full(emissions: np.ndarray, transitions: np.ndarray, start: np.ndarray, end=None) -> np.ndarray:
    """Textbook Viterbi over `emissions` (lines x labels, log scores); returns label indices.

    `end`, when given, is added to the last line's scores (the transition into a fixed next label).
    """
    n, k = emissions.shape
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    back = np.zeros((n, k), dtype=np.int64)
    score = start + emissions[0]
    columns = np.arange(k)
    for i in range(1, n):
        candidates = score[:, None] + transitions
        back[i] = candidates.argmax(axis=0)
        score = candidates[back[i], columns] + emissions[i]
    if end is not None:
        score = score + end
    path = np.zeros(n, dtype=np.int64)
    path[-1] = int(score.argmax())
    for i in range(n - 1, 0, -1):
        path[i - 1] = back[i, path[i]]
    return path


def viterbi(emissions: np.ndarray, transitions: np.ndarray, start: np.ndarray) -> np.ndarray:
    """The same path as `viterbi_full`, decoded only where the transitions can change a label.

    A line whose best label beats every other by more than the largest gain its two transitions
    could bring keeps that label in the best path (switching it away always loses).  Such lines
    cut the document into short uncertain runs, each decoded on its own between fixed labels: on
    news pages most lines are certain, and the per-line Python loop shrinks to a few lines.
    """
    n, k = emissions.shape
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    path = emissions.argmax(axis=1)
    if k < 2:
        return path
    top2 = np.partition(emissions, k - 2, axis=1)[:, k - 2:]
    margin = top2[:, 1] - top2[:, 0]
    spread = max(transitions.max() - transitions.min(), start.max() - start.min())  # (np.ptp, for less)
    uncertain = ~(margin > 2 * spread)
    if not uncertain.any():
        return path
    edges = np.flatnonzero(np.diff(np.concatenate([[0], uncertain.astype(np.int8), [0]])))
    for a, b in zip(edges[::2], edges[1::2]):
        entry = start if a == 0 else transitions[path[a - 1]]
        exit_ = None if b == n else transitions[:, path[b]]
        if b - a == 1:  # one uncertain line between fixed labels, as viterbi_full scores it
            score = entry + emissions[a]
            path[a] = (score if exit_ is None else score + exit_).argmax()
            continue
        path[a:b] = viterbi_full(emissions[a:b], transitions, entry, exit_)
    return path
