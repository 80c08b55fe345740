"""The shipped model: plain numpy arrays plus a JSON manifest, verified on load, scored with numpy.

No pickle anywhere: arrays are read with `allow_pickle=False`, and the manifest's checksum and
feature contract must match before a model is used.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cleaner import features
from cleaner.fixtures import LABELS
from cleaner.sequence import viterbi

ARRAYS_FILE = "model.npz"
MANIFEST_FILE = "manifest.json"
RETRAIN_HINT = "retrain it with `cleaner train ../shared/corpus --output models/`"

# Context window of first-stage probabilities that the second stage sees: three lines each way
# covers a `Baca Juga` line, its headline and the paragraph after.
STACK_OFFSETS = (-3, -2, -1, 1, 2, 3)

# Headlines of Indonesian news sites stay near 100 characters (the longest in the labelled data is
# 100); a longer line is a paragraph, however much it sits where a title would.
TITLE_MAX_CHARS = 200

# A scraped article page has at least one paragraph.  When decoding keeps no line, the likeliest
# body line is kept after all, if it is paragraph-sized and the longest line of the page: single-
# paragraph articles (a whole story in one line, a one-paragraph brief) otherwise vanish whenever
# their one line scores a little below another label, and their paragraph is the longest text on
# the page.  A page with no article at all (a photo gallery, a newsletter sign-up page; the gold
# body is empty) kept one of its many captions this way, while longer captions stood beside it;
# nor is a line decoded as a caption, or standing between two captions, taken for the story.
MIN_FALLBACK_BODY_CHARS = 80

# An article has one headline (LABELS.md: copies in share bars and related boxes are chrome).  The
# likeliest title line becomes the title when its probability reaches this floor, even if chrome
# outscored it: on unseen sites the title's probability is often spread thin, yet it stays the
# likeliest headline of the page.
TITLE_MIN_PROB = 0.05
# The headline heads the article: it is looked for above the first paragraph, at most this many
# lines up (menus and tickers come between on some pages; related lists come after the body).
TITLE_SEARCH_LINES = 40


class ModelError(RuntimeError):
    """A model file that is missing, damaged or made for other features."""


@dataclass(frozen=True)
class Stage:
    """One linear layer: standardised dense features and hashed sparse tokens to label logits.

    A stage without sparse inputs has an empty `w_sparse` (0 rows).
    """

    mean: np.ndarray
    scale: np.ndarray
    w_dense: np.ndarray
    w_sparse: np.ndarray
    bias: np.ndarray

    def __post_init__(self):
        # Standardisation folded into the weights once, so scoring is one product per document.
        folded = self.w_dense / self.scale[:, None]
        object.__setattr__(self, "_w", folded)
        object.__setattr__(self, "_b", self.bias - self.mean @ folded)

    def logits(self, dense: np.ndarray, ids: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        out = _product(dense, self._w)
        out += self._b
        if len(ids) and len(self.w_sparse):
            out += _sparse_sums(self.w_sparse, ids, offsets)
        return out


def _sparse_sums(weights: np.ndarray, ids: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Per line, the sum of the weight rows of its tokens ids[offsets[i]:offsets[i+1]]."""
    rows = np.take(weights, ids, axis=0)  # (the same rows as weights[ids], gathered 3x faster)
    if len(offsets) > 1 and (offsets[1:] > offsets[:-1]).all():  # no line without tokens: one reduceat
        return np.add.reduceat(rows, offsets[:-1], axis=0)
    summed = np.vstack([np.zeros((1, weights.shape[1])), np.cumsum(rows, axis=0)])
    return summed[offsets[1:]] - summed[offsets[:-1]]


# A BLAS product (rows x features) @ (features x labels) starts worker threads once rows x features x
# labels passes a threshold (OpenBLAS: 4 * 65536 per thread).  For these thin products the threads
# cost far more than they save: on a busy two-core machine a 400-line page took 3 ms of CPU instead
# of 0.2 ms.  Products are therefore taken in blocks of rows below that threshold.
BLAS_SINGLE_THREAD_WORK = 4 * 65536


def _captioned(path: np.ndarray, i: int) -> bool:
    """Whether line i is decoded as a caption or stands between two captions."""
    caption = LABELS.index("caption")
    return path[i] == caption or (0 < i < len(path) - 1 and path[i - 1] == caption == path[i + 1])


def _product(dense: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """dense @ weights, one BLAS call per block of rows small enough to stay on one thread."""
    rows = max(1, BLAS_SINGLE_THREAD_WORK // max(1, weights.shape[0] * weights.shape[1]))
    if len(dense) <= rows:
        return dense @ weights
    out = np.empty((len(dense), weights.shape[1]))
    for start in range(0, len(dense), rows):
        np.matmul(dense[start: start + rows], weights, out=out[start: start + rows])
    return out


# numpy sums a row of fewer numbers than this one after another (longer rows pairwise): the order
# a sum down a column follows too.
SEQUENTIAL_ROW_SUM = 8


def softmax(logits: np.ndarray) -> np.ndarray:
    """Each row's softmax.

    For a few labels it is worked out on a transposed copy: numpy reduces a short row slowly, while
    down the columns of the copy a reduction is a few elementwise operations.  The maximum is the
    same, and the sums add the same terms in the same order (tests/test_model.py checks both ways
    give the same bits)."""
    if logits.ndim != 2 or not len(logits) or logits.shape[1] >= SEQUENTIAL_ROW_SUM:
        z = np.exp(logits - logits.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)
    z = logits.T.copy()
    z -= z.max(axis=0)
    np.exp(z, out=z)
    z /= z.sum(axis=0)
    return z.T.copy()


def _main_block(body: np.ndarray) -> tuple[int, int]:
    """The run of lines with the largest total (p_body - 0.5): where the article most likely is.

    An article is one block with interruptions; lines far outside it (glossaries, related
    summaries) are chrome even when they read like prose.

    Kadane's scan, walked only where a run is open: a run opens at a line above 0.5 and closes
    once its total drops to 0 or below; the lines between runs (most chrome) cannot change the
    answer and are skipped.  The totals are the same sums, in the same order, as a full scan's.
    """
    values = body - 0.5
    best, best_span = 0.0, (0, -1)
    n, i = len(values), 0
    opens = np.flatnonzero(values > 0).tolist()
    values = values.tolist()  # Python floats: the same doubles, faster
    for start in opens:
        if start < i:
            continue  # inside the run walked last
        total, i = 0.0, start
        while i < n:
            total += values[i]
            if total > best:
                best, best_span = total, (start, i)
            i += 1
            if total <= 0:
                break
    return best_span


# Columns of document_context: in the main block, lines before it, lines after it, offset from the title.
DOCUMENT_CONTEXT_COLUMNS = 4


def document_context(probs: np.ndarray) -> np.ndarray:
    """Per-line place relative to the main block and to the likeliest title line."""
    n = len(probs)
    positions = np.arange(n)
    lo, hi = _main_block(probs[:, LABELS.index("body")])
    title_at = int(probs[:, LABELS.index("title")].argmax())
    out = np.zeros((n, DOCUMENT_CONTEXT_COLUMNS))
    out[lo: hi + 1, 0] = 1.0
    out[:, 1] = np.log1p(np.maximum(lo - positions, 0))
    out[:, 2] = np.log1p(np.maximum(positions - hi, 0))
    from_title = positions - title_at
    out[:, 3] = np.sign(from_title) * np.log1p(np.abs(from_title))
    return out


def stack_features(probs: np.ndarray, dense: np.ndarray) -> np.ndarray:
    """Second-stage input: the first stage's label probabilities around each line, plus its own."""
    n, k = probs.shape
    pad = max(STACK_OFFSETS)
    padded = np.vstack([np.zeros((pad, k + 1)), np.column_stack([probs, np.ones(n)]), np.zeros((pad, k + 1))])
    blocks = [probs] + [padded[pad + o: pad + o + n] for o in STACK_OFFSETS] + [document_context(probs), dense]
    return np.hstack(blocks)


@dataclass(frozen=True)
class Model:
    first: Stage
    second: Stage
    transitions: np.ndarray  # (labels, labels) log-probabilities, weighted
    start: np.ndarray  # (labels,) log-probabilities, weighted
    prior: np.ndarray  # (labels,) log of label frequencies in training
    prior_weight: float
    manifest: dict

    def __post_init__(self):
        # The prior's share of each emission, the same for every document.
        object.__setattr__(self, "_prior_term", self.prior_weight * self.prior)
        # The second stage is linear in blocks of its input (stack_features): the first stage's
        # probabilities, their shifted copies, the document context, the dense features.  Scoring
        # takes each block's product on its own, so the wide stacked matrix is never built, and the
        # dense block shares one product with the first stage.
        k, d = self.first._w.shape[1], self.first._w.shape[0]
        widths = (k, len(STACK_OFFSETS) * (k + 1), DOCUMENT_CONTEXT_COLUMNS, d)
        w = self.second._w
        if w.shape[0] != sum(widths) or len(self.second.w_sparse) or w.shape[1] != k:
            object.__setattr__(self, "_blocks", None)  # not the stacked layout: score the plain way
            return
        own, shifted, context, dense = np.split(w, np.cumsum(widths)[:-1])
        per_offset = shifted.reshape(len(STACK_OFFSETS), k + 1, k)
        near = np.vstack([own, np.zeros((1, k))])  # (probabilities, 1) -> the own block
        object.__setattr__(self, "_blocks", (
            np.hstack([self.first._w, dense]),  # dense features -> first stage | second stage
            np.hstack([near, *per_offset]),  # (probabilities, 1) -> own | each offset
            context,
        ))

    def probabilities(self, feats: features.DocFeatures) -> np.ndarray:
        """Per-line label probabilities from the two stacked stages (no sequence decoding)."""
        if self._blocks is None:
            first = softmax(self.first.logits(feats.dense, feats.sparse_ids, feats.sparse_offsets))
            stacked = stack_features(first, feats.dense)
            return softmax(self.second.logits(stacked, feats.sparse_ids[:0], feats.sparse_offsets))
        dense_w, near_w, context_w = self._blocks
        n, k = len(feats.dense), len(self.first.bias)
        both = _product(feats.dense, dense_w)
        logits = both[:, :k] + self.first._b
        if len(feats.sparse_ids) and len(self.first.w_sparse):
            logits += _sparse_sums(self.first.w_sparse, feats.sparse_ids, feats.sparse_offsets)
        first = softmax(logits)
        # The second stage, block by block (see __post_init__); equal to stack_features @ weights.
        near = np.ones((n, k + 1))
        near[:, :k] = first
        terms = _product(near, near_w)
        out = both[:, k:] + self.second._b
        out += terms[:, :k]
        for j, offset in enumerate(STACK_OFFSETS, 1):
            lo, hi = max(0, -offset), min(n, n - offset)  # rows whose neighbour at `offset` exists
            if lo < hi:
                out[lo:hi] += terms[lo + offset: hi + offset, j * k: (j + 1) * k]
        out += _product(document_context(first), context_w)
        return softmax(out)

    def label(self, feats: features.DocFeatures) -> tuple[np.ndarray, np.ndarray]:
        """Label indices of each line (Viterbi over the probabilities) and their probabilities."""
        if len(feats.dense) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        probs = self.probabilities(feats)
        # np.clip(probs, 1e-9, 1.0) by its two halves (np.clip costs more than both).
        emissions = np.log(np.minimum(np.maximum(probs, 1e-9), 1.0)) - self._prior_term
        emissions[feats.lengths > TITLE_MAX_CHARS, LABELS.index("title")] = -np.inf
        path = viterbi(emissions, self.transitions, self.start)
        self._one_title(path, probs, feats.lengths)
        body = LABELS.index("body")
        if not (path == body).any():
            candidates = np.where(feats.lengths >= MIN_FALLBACK_BODY_CHARS, probs[:, body], -1.0)
            best = int(candidates.argmax())
            if candidates[best] > 0 and feats.lengths[best] == feats.lengths.max() and not _captioned(path, best):
                path[best] = body
        return path, probs[np.arange(len(path)), path]


    @staticmethod
    def _one_title(path: np.ndarray, probs: np.ndarray, lengths: np.ndarray) -> None:
        title, body, chrome = LABELS.index("title"), LABELS.index("body"), LABELS.index("chrome")
        is_body = path == body
        if is_body.any():
            # The lines from TITLE_SEARCH_LINES above the first paragraph down to it.
            first_body = int(is_body.argmax())
            near = slice(max(first_body - TITLE_SEARCH_LINES, 0), first_body + 1)
        else:
            near = slice(0, len(path))  # a page with no paragraph (a gallery) still has its headline somewhere
        p_title = np.zeros(len(path))
        p_title[near] = np.where(lengths[near] <= TITLE_MAX_CHARS, probs[near, title], 0.0)
        best = int(p_title.argmax())
        titles = np.flatnonzero(path == title)
        path[titles[titles != best]] = chrome
        if p_title[best] >= TITLE_MIN_PROB and (path[best] != body or p_title[best] > probs[best, body]):
            path[best] = title


STAGE_FIELDS = ("mean", "scale", "w_dense", "w_sparse", "bias")


def to_arrays(model: Model) -> dict:
    arrays = {f"first_{f}": getattr(model.first, f) for f in STAGE_FIELDS}
    arrays.update({f"second_{f}": getattr(model.second, f) for f in STAGE_FIELDS})
    arrays.update(transitions=model.transitions, start=model.start, prior=model.prior)
    return arrays


def save(model: Model, folder: Path) -> None:
    """Write the arrays and the manifest (with the arrays' checksum); same model, same bytes."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    arrays_path = folder / ARRAYS_FILE
    # Written by hand rather than with np.savez, whose zip entries carry the current time: with a
    # fixed timestamp and sorted entries the bytes depend only on the arrays.
    with zipfile.ZipFile(arrays_path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, value in sorted(to_arrays(model).items()):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(value, dtype=np.float32), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, buf.getvalue())
    manifest = dict(model.manifest, sha256=hashlib.sha256(arrays_path.read_bytes()).hexdigest())
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def default_folder():
    """The model shipped inside the installed package (`models/` of the checkout)."""
    try:
        # The installed package's folder, found without importlib.resources (10 ms of start-up).
        import cleaner.models

        return Path(cleaner.models.__file__).resolve().parent
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "models"


def expected_shapes(dense: int) -> dict[str, tuple[int, ...]]:
    """The shape of every array of a model whose first stage reads `dense` columns."""
    k = len(LABELS)
    stacked = k + len(STACK_OFFSETS) * (k + 1) + DOCUMENT_CONTEXT_COLUMNS + dense
    shapes = {"transitions": (k, k), "start": (k,), "prior": (k,)}
    for stage, width, sparse in (("first", dense, features.HASH_BUCKETS), ("second", stacked, 0)):
        shapes.update({
            f"{stage}_mean": (width,), f"{stage}_scale": (width,), f"{stage}_w_dense": (width, k),
            f"{stage}_w_sparse": (sparse, k), f"{stage}_bias": (k,),
        })
    return shapes


def _wrong_shapes(arrays: dict, dense: int) -> str:
    """Arrays missing or not of the shape the features need, as a message ('' when all fit)."""
    wrong = []
    for name, shape in expected_shapes(dense).items():
        if name not in arrays:
            wrong.append(f"{name} missing")
        elif arrays[name].shape != shape:
            wrong.append(f"{name} is {arrays[name].shape}, not {shape}")
    return "; ".join(wrong)


def load(folder=None, dense_features: int | None = None) -> Model:
    """Load and verify a model folder; raise ModelError with a way out when it does not fit.

    `dense_features` is the width of the dense input the caller will feed: the text features by
    default; models for other inputs (HTML, spans) add their own columns after those.
    """
    folder = default_folder() if folder is None else Path(folder)
    expected_dense = len(features.DENSE_NAMES) if dense_features is None else dense_features
    try:
        manifest = json.loads(folder.joinpath(MANIFEST_FILE).read_text(encoding="utf-8"))
        raw = folder.joinpath(ARRAYS_FILE).read_bytes()
    except (OSError, ValueError) as err:
        raise ModelError(f"cannot read the model in {folder}: {err}; {RETRAIN_HINT}") from None
    if not isinstance(manifest, dict) or hashlib.sha256(raw).hexdigest() != manifest.get("sha256"):
        raise ModelError(f"the model in {folder} does not match its manifest checksum; {RETRAIN_HINT}")
    if manifest.get("feature_version") != features.FEATURE_VERSION or manifest.get("labels") != list(LABELS):
        raise ModelError(
            f"the model in {folder} was trained for feature version {manifest.get('feature_version')}, "
            f"this cleaner computes version {features.FEATURE_VERSION}; {RETRAIN_HINT}"
        )
    layout = (manifest.get("dense_features"), manifest.get("hash_buckets"), manifest.get("stack_offsets"))
    if layout != (expected_dense, features.HASH_BUCKETS, list(STACK_OFFSETS)):
        raise ModelError(f"the model in {folder} has another feature layout; {RETRAIN_HINT}")
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as data:
            arrays = {k: data[k].astype(np.float64) for k in data.files}
        wrong = _wrong_shapes(arrays, expected_dense)
        if wrong:
            raise ModelError(f"the model in {folder} is damaged: its arrays do not fit ({wrong}); {RETRAIN_HINT}")
        model = Model(
            first=Stage(*(arrays[f"first_{f}"] for f in STAGE_FIELDS)),
            second=Stage(*(arrays[f"second_{f}"] for f in STAGE_FIELDS)),
            transitions=arrays["transitions"],
            start=arrays["start"],
            prior=arrays["prior"],
            prior_weight=float(manifest["prior_weight"]),
            manifest=manifest,
        )
    except (KeyError, ValueError, TypeError, OSError, zipfile.BadZipFile) as err:
        raise ModelError(f"the model in {folder} is damaged ({err}); {RETRAIN_HINT}") from None
    return model
