"""Glued documents: lines that hold several units (a whole article in one CSV cell) are split into
spans (`spans.split`), the spans are labelled by a model of the line model's family (two stacked
linear stages over the shared text features plus span columns), and chrome spans are cut.

A span is kept when the model calls it `body`, cut otherwise (chrome, meta or caption alike: the
glued gold does not say which).  It is conservative: a span is cut only when the model gives `body`
less than `CUT_PROB`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from cleaner import features
from cleaner import model as model_io
from cleaner.fixtures import LABELS
from cleaner.spans import CUE_TYPES, Span, remove, split

# A line this long is a glued cell, not a paragraph: the longest body paragraph among the ~1000 of
# the line-labelled corpus is under 500 characters but for two (720 and 5297).
GLUED_LINE_CHARS = 600

# A chrome candidate is cut when the model gives `body` less than this probability.  Candidates are
# the spans that open with a chrome cue, the headline after a `Baca juga`, what precedes the dateline
# on a document's first line (a deck, a caption), and the spans of a one-line teaser (a short cell
# that ends in "...").  Any other span is running text and never cut: on leave-one-site-out runs
# even a bound of 0.002 cut list items and quotes of stories.
CUT_PROB = 0.5
# A one-line document this short that ends in "..." is a teaser or a caption, not an article.
TEASER_MAX_CHARS = 300

BODY = LABELS.index("body")
CHROME = LABELS.index("chrome")

SPAN_KINDS = ("text", "cue", "gap", "dateline", "headline")
SPAN_NAMES = (
    *(f"kind_{k}" for k in SPAN_KINDS),
    *(f"cue_{c}" for c in CUE_TYPES),
    "first_in_line", "last_in_line", "line_position", "line_log_chars", "line_spans_log", "line_is_long",
    "seam_before", "lower_content_share", "prev_lower_end", "next_lower_start", "doc_log_chars",
    "doc_one_line", "line_ends_ellipsis", "span_ends_ellipsis", "doc_position", "spans_to_doc_end",
    "before_dateline", "teaser",
)
# The span columns follow the text features in the model's dense input.
DENSE_WIDTH = len(features.DENSE_NAMES) + len(SPAN_NAMES)

_COLUMN = {name: j for j, name in enumerate(SPAN_NAMES)}
_KIND = {k: _COLUMN[f"kind_{k}"] for k in SPAN_KINDS}
# Columns filled per span, and per line (in the order of span_columns' line_info after the length).
_PER_SPAN = [_COLUMN[c] for c in ("first_in_line", "last_in_line", "line_position", "seam_before",
                                  "lower_content_share", "prev_lower_end", "next_lower_start",
                                  "span_ends_ellipsis")]
_PER_LINE = [_COLUMN[c] for c in ("line_log_chars", "line_is_long", "line_ends_ellipsis", "line_spans_log")]
_WORDS = re.compile(r"[^\W\d_][\w'’-]*")
_ELLIPSIS = re.compile(r"(?:\.\.\.|…)\s*$")


@dataclass(frozen=True)
class SpanDoc:
    """The spans of some lines of a document, in order."""

    line_of: tuple[int, ...]  # per span: the index of its line in the document
    spans: tuple[Span, ...]
    texts: tuple[str, ...]


def is_glued_line(line: str) -> bool:
    return len(line) >= GLUED_LINE_CHARS


def segment(lines, which) -> SpanDoc:
    """Spans of the lines at the indices `which` (each non-blank), in order."""
    line_of, spans, texts = [], [], []
    for i in which:
        line = lines[i]
        for span in split(line):
            line_of.append(i)
            spans.append(span)
            texts.append(line[span.start: span.end])
    return SpanDoc(tuple(line_of), tuple(spans), tuple(texts))


def span_columns(doc: SpanDoc, lines, stopwords: frozenset) -> np.ndarray:
    """The span columns (SPAN_NAMES) of each span."""
    n = len(doc.spans)
    out = np.zeros((n, len(SPAN_NAMES)))
    if not n:
        return out
    line_of = doc.line_of
    used = sorted(set(line_of))
    per_line = {i: line_of.count(i) for i in used}
    line_info = {i: (len(lines[i]), math.log1p(len(lines[i])), is_glued_line(lines[i]),
                     bool(_ELLIPSIS.search(lines[i])), math.log1p(per_line[i])) for i in used}
    words = [_WORDS.findall(t) for t in doc.texts]
    rows = []
    for k, (i, span, text, ws) in enumerate(zip(line_of, doc.spans, doc.texts, words)):
        length = line_info[i][0]
        lower = len([w for w in ws if w[0].islower() and w.lower() not in stopwords])
        rows.append((
            k == 0 or line_of[k - 1] != i,
            k == n - 1 or line_of[k + 1] != i,
            span.start / max(length, 1),
            span.start > 0 and not lines[i][span.start - 1].isspace(),
            lower / max(len(ws), 1),
            k > 0 and bool(words[k - 1]) and words[k - 1][-1][0].islower(),
            k < n - 1 and bool(words[k + 1]) and words[k + 1][0][0].islower(),
            text.rstrip().endswith(("...", "…")),
        ))
    out[:, _PER_SPAN] = rows
    out[:, _PER_LINE] = [line_info[i][1:] for i in line_of]
    out[np.arange(n), [_KIND[s.kind] for s in doc.spans]] = 1.0
    cued = [k for k, s in enumerate(doc.spans) if s.cue]
    out[cued, [_COLUMN[f"cue_{doc.spans[k].cue}"] for k in cued]] = 1.0
    out[:, _COLUMN["doc_position"]] = np.arange(n) / max(n - 1, 1)
    out[:, _COLUMN["spans_to_doc_end"]] = np.log1p(np.arange(n - 1, -1, -1))
    out[:, _COLUMN["doc_log_chars"]] = math.log1p(sum(len(lines[i]) for i in used))
    out[:, _COLUMN["doc_one_line"]] = len(used) == 1
    out[:, _COLUMN["before_dateline"]] = _before_dateline(doc)
    out[:, _COLUMN["teaser"]] = _teaser(doc, lines)
    return out


def _before_dateline(doc: SpanDoc) -> np.ndarray:
    """Spans of the document's first line that come before its dateline (a deck, a caption, a byline)."""
    flags = np.zeros(len(doc.spans), dtype=bool)
    if not doc.spans:
        return flags
    first_line = doc.line_of[0]
    for k, (i, span) in enumerate(zip(doc.line_of, doc.spans)):
        if i != first_line:
            break
        if span.kind == "dateline":
            flags[:k] = True
            break
    return flags


def _teaser(doc: SpanDoc, lines) -> np.ndarray:
    """All spans of a one-line document that is short and ends in an ellipsis."""
    one = len(set(doc.line_of)) == 1 and bool(doc.spans)
    line = lines[doc.line_of[0]] if one else ""
    return np.full(len(doc.spans), one and len(line.strip()) <= TEASER_MAX_CHARS and bool(_ELLIPSIS.search(line)))


def candidates(doc: SpanDoc, lines) -> np.ndarray:
    """The spans that may be cut (chrome candidates, see CUT_PROB); the others are always kept."""
    cue = np.array([s.kind in ("cue", "headline") for s in doc.spans], dtype=bool)
    return cue | _before_dateline(doc) | _teaser(doc, lines)


def doc_features(doc: SpanDoc, lines, extractor: features.FeatureExtractor) -> features.DocFeatures:
    """The text features of each span (spans as lines), with the span columns appended."""
    n = len(doc.spans)
    before = [k == 0 or doc.line_of[k - 1] != doc.line_of[k] for k in range(n)]
    after = [k == n - 1 or doc.line_of[k + 1] != doc.line_of[k] for k in range(n)]
    base = extractor.document(list(doc.texts), before, after)
    dense = np.hstack([base.dense, span_columns(doc, lines, extractor.lex.stopwords)])
    return features.DocFeatures(dense, base.sparse_ids, base.sparse_offsets, base.lengths)


@dataclass(frozen=True)
class SpanModel:
    model: model_io.Model
    cut_prob: float = CUT_PROB

    def probabilities(self, feats: features.DocFeatures) -> np.ndarray:
        if len(feats.dense) == 0:
            return np.zeros((0, len(LABELS)))
        return self.model.probabilities(feats)

    def cuts(self, doc: SpanDoc, lines, extractor) -> tuple[np.ndarray, np.ndarray]:
        """Per span: cut or not, and the probability of `body`."""
        if not doc.spans:
            return np.zeros(0, dtype=bool), np.zeros(0)
        may_cut = candidates(doc, lines)
        if not may_cut.any():
            # Nothing here may be cut: the spans are not scored (their probability reads 1).
            return may_cut, np.ones(len(doc.spans))
        p_body = self.probabilities(doc_features(doc, lines, extractor))[:, BODY]
        return may_cut & (p_body < self.cut_prob), p_body


@dataclass(frozen=True)
class SplitLine:
    """A line of a glued document after the span step: what is left of it, and its labelled spans."""

    text: str  # the line without its cut spans (every kept byte as it was)
    spans: tuple[tuple[str, str, float], ...]  # (span text, "body" or "chrome", probability of body)


def glued_lines(lines, content, labels, force: bool = False) -> list[int]:
    """The lines the span step splits: none unless the document is glued.

    Glued: one non-blank line, or a body line longer than a paragraph ever is (a long chrome line,
    a related list glued into one, does not make the story glued).  Cheap, so that callers load the
    span model only for documents that need it.
    """
    if not content:
        return []
    which = list(content) if len(content) == 1 else [i for i in content if labels[i] == "body"]
    if not (force or len(content) == 1 or any(is_glued_line(lines[i]) for i in which)):
        return []
    return which


def apply(span_model: SpanModel, lines, content, labels, extractor, force: bool = False) -> dict[int, SplitLine]:
    """The span step of a document: its glued lines split, labelled and cut, by line index.

    Runs on glued documents only (one non-blank line, or a body line of GLUED_LINE_CHARS or more; or
    every document with `force`), on the lines the line model kept as body; a one-line document is
    the exception: its line is split whatever label the line model gave it (a CSV cell scores alone,
    and the line model has no context there).
    """
    which = glued_lines(lines, content, labels, force)
    if not which:
        return {}
    doc = segment(lines, which)
    cut, p_body = span_model.cuts(doc, lines, extractor)
    out: dict[int, SplitLine] = {}
    for i in which:
        ks = [k for k, line_index in enumerate(doc.line_of) if line_index == i]
        drop = [bool(cut[k]) for k in ks]
        text = remove(lines[i], [doc.spans[k] for k in ks], drop)
        out[i] = SplitLine(text, tuple(
            (doc.texts[k], "chrome" if d else "body", float(p_body[k])) for k, d in zip(ks, drop)
        ))
    return out


def default_folder():
    return model_io.default_folder().joinpath("spans")


@lru_cache(maxsize=1)
def default_model() -> SpanModel | None:
    """The shipped span model (None when the package has none: glued lines are then left whole)."""
    folder = default_folder()
    if not folder.joinpath(model_io.MANIFEST_FILE).is_file():
        return None
    return load(folder)


def load(folder) -> SpanModel:
    return SpanModel(model_io.load(folder, dense_features=DENSE_WIDTH))
