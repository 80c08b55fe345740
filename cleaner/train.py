"""Training: the only module that imports scikit-learn.  Fit, cross-validate by site, export arrays.

Seeded and deterministic: the same documents and parameters give the same model bytes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import platform
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.linear_model import LogisticRegression

from cleaner import features, lexicon
from cleaner.fixtures import LABELS, LabelledDoc
from cleaner.model import STACK_OFFSETS, Model, Stage, softmax, stack_features
from cleaner.segment import segment_lines

SEED = 20241016


@dataclass(frozen=True)
class Params:
    """Training knobs; the defaults are the ones leave-one-site-out evaluation chose."""

    # Inverse L2 strength of the two stages: strong regularisation, since with a few dozen sites
    # many features correlate with a label on some sites only.
    c_first: float = 0.1
    c_second: float = 0.1
    # Lines of long pages outnumber a short text's lines tenfold; weighting each line by
    # lines**-doc_weight_power keeps the short texts from being drowned out.
    doc_weight_power: float = 0.5
    # Emissions may be divided by label priors**prior_weight to favour rare labels; evaluation
    # showed it costs body lines to meta and title, so it is off.
    prior_weight: float = 0.0
    # The second stage already sees its neighbours' scores; the transitions only settle close
    # calls (leave-one-site-out: 0.1 keeps more documents perfect than 0 or 0.3 and up).
    transition_weight: float = 0.1
    stack_folds: int = 3
    seed: int = SEED


@dataclass(frozen=True)
class Prepared:
    doc: LabelledDoc
    feats: features.DocFeatures
    y: np.ndarray


def prepare(doc: LabelledDoc, lex=None, extractor: features.FeatureExtractor | None = None) -> Prepared:
    """Features and labels of a document; pass one `extractor` for many documents (it is faster)."""
    seg = segment_lines(doc.lines)
    if extractor is None:
        extractor = features.FeatureExtractor(lex or lexicon.load(), max_cached_lines=0)
    feats = extractor.document(seg.content_lines, list(seg.blank_before), list(seg.blank_after))
    y = np.array([LABELS.index(doc.labels[i]) for i in seg.content], dtype=np.int64)
    return Prepared(doc, feats, y)


def _sparse(items: list[Prepared]) -> sp.csr_matrix:
    ids = np.concatenate([p.feats.sparse_ids for p in items])
    indptr, base = [0], 0
    for p in items:
        indptr.extend(base + p.feats.sparse_offsets[1:])
        base += p.feats.sparse_offsets[-1]
    m = sp.csr_matrix((np.ones(len(ids)), ids, np.asarray(indptr)), shape=(len(indptr) - 1, features.HASH_BUCKETS))
    m.sum_duplicates()
    return m


def _weights(items: list[Prepared], power: float) -> np.ndarray:
    return np.concatenate([np.full(len(p.y), max(len(p.y), 1) ** -power) for p in items])


def fit_stage(
    dense: np.ndarray, sparse: sp.csr_matrix, y: np.ndarray, weights: np.ndarray, c: float, seed: int
) -> Stage:
    mean = dense.mean(axis=0)
    scale = dense.std(axis=0)
    scale[scale == 0] = 1.0
    x = sp.hstack([sp.csr_matrix((dense - mean) / scale), sparse]).tocsr()
    clf = LogisticRegression(C=c, max_iter=1000, tol=1e-4, random_state=seed)
    clf.fit(x, y, sample_weight=weights / weights.mean())
    # Labels absent from y still need a column: give them a very low logit.
    w = np.zeros((x.shape[1], len(LABELS)))
    b = np.full(len(LABELS), -30.0)
    for j, label in enumerate(clf.classes_):
        w[:, label] = clf.coef_[j] if len(clf.classes_) > 2 else (clf.coef_[0] if j else -clf.coef_[0])
        b[label] = clf.intercept_[j] if len(clf.classes_) > 2 else (clf.intercept_[0] if j else -clf.intercept_[0])
    d = dense.shape[1]
    return Stage(mean, scale, w[:d], w[d:], b)


def _site_folds(items: list[Prepared], k: int) -> list[int]:
    """Fold of each document: whole sites to a fold, so stacking learns from unseen-site scores."""
    sites = sorted({p.doc.site for p in items})
    order = sorted(sites, key=lambda s: hashlib.sha256(s.encode()).hexdigest())
    fold_of = {s: i % k for i, s in enumerate(order)}
    return [fold_of[p.doc.site] for p in items]


def _first_stage_probs(stage: Stage, items: list[Prepared]) -> list[np.ndarray]:
    return [softmax(stage.logits(p.feats.dense, p.feats.sparse_ids, p.feats.sparse_offsets)) for p in items]


def fingerprint(docs: list[LabelledDoc]) -> str:
    h = hashlib.sha256()
    for doc in sorted(docs, key=lambda d: (d.site, d.doc_id)):
        h.update(doc.doc_id.encode())
        for text, label in zip(doc.lines, doc.labels):
            h.update(f"{label}\t{text}\n".encode())
    return h.hexdigest()


def fit(docs: list[LabelledDoc], params: Params = Params(), prepared: list[Prepared] | None = None) -> Model:
    items = prepared if prepared is not None else [prepare(d) for d in docs]
    items = [p for p in items if len(p.y)]
    dense = np.vstack([p.feats.dense for p in items])
    sparse = _sparse(items)
    y = np.concatenate([p.y for p in items])
    w = _weights(items, params.doc_weight_power)
    first = fit_stage(dense, sparse, y, w, params.c_first, params.seed)

    # Out-of-fold first-stage probabilities, so the second stage learns how far to trust them
    # on sites the first stage has not seen.
    folds = np.array(_site_folds(items, params.stack_folds))
    oof: list[np.ndarray | None] = [None] * len(items)
    for k in range(params.stack_folds):
        train_idx = [i for i in range(len(items)) if folds[i] != k]
        test_idx = [i for i in range(len(items)) if folds[i] == k]
        if not test_idx:
            continue
        sub = [items[i] for i in train_idx]
        stage = fit_stage(
            np.vstack([p.feats.dense for p in sub]), _sparse(sub), np.concatenate([p.y for p in sub]),
            _weights(sub, params.doc_weight_power), params.c_first, params.seed,
        )
        for i, probs in zip(test_idx, _first_stage_probs(stage, [items[i] for i in test_idx])):
            oof[i] = probs
    stacked = np.vstack([stack_features(oof[i], items[i].feats.dense) for i in range(len(items))])
    second = fit_stage(stacked, sp.csr_matrix((len(y), 0)), y, w, params.c_second, params.seed)

    k = len(LABELS)
    trans = np.ones((k, k))
    start = np.ones(k)
    for p in items:
        start[p.y[0]] += 1
        np.add.at(trans, (p.y[:-1], p.y[1:]), 1)
    trans = np.log(trans / trans.sum(axis=1, keepdims=True))
    start = np.log(start / start.sum())
    prior = np.log(np.bincount(y, minlength=k) + 1.0) - np.log(len(y) + k)
    manifest = {
        "format": 1,
        "feature_version": features.FEATURE_VERSION,
        "labels": list(LABELS),
        "dense_features": int(dense.shape[1]),
        "hash_buckets": features.HASH_BUCKETS,
        "stack_offsets": list(STACK_OFFSETS),
        "prior_weight": params.prior_weight,
        "params": params.__dict__,
        "training": {"documents": len(items), "lines": int(len(y)), "fingerprint": fingerprint([p.doc for p in items])},
        "library_versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scikit-learn": sklearn.__version__,
        },
    }
    return Model(first, second, params.transition_weight * trans, params.transition_weight * start, prior,
                 params.prior_weight, manifest)


def with_scores(model: Model, scores: dict) -> Model:
    """The model with its leave-one-site-out scores recorded in the manifest."""
    return dataclasses.replace(model, manifest=dict(model.manifest, loso_scores=scores))
