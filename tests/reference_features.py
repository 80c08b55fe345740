# FROZEN REFERENCE for tests/test_features_equivalence.py: a verbatim copy of cleaner/features.py as of
# FEATURE_VERSION 1 (the straightforward, slow implementation). The optimised cleaner/features.py must
# produce exactly the same output. Change this file only together with FEATURE_VERSION (i.e. when
# the features themselves change and models are retrained), never to make a failing test pass.
# ruff: noqa: E501
"""The one feature contract, shared by training and inference so the two cannot drift.

Each non-blank line becomes a dense vector (its own shape and cues, its place in the document, and
the same of its neighbours) plus a few hashed sparse tokens (its first words, short lines whole).
Bump FEATURE_VERSION whenever the output of this module changes: a shipped model records the version
it was trained with and is refused by a different one.
"""

from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass

import numpy as np

from cleaner.lexicon import Lexicon

FEATURE_VERSION = 2

# 2**15 buckets keep collisions rare for the few thousand distinct tokens that matter while the
# sparse weight table stays under a megabyte.
HASH_BUCKETS = 1 << 15

# Neighbours whose own features join a line's vector: chrome comes in runs ("Baca Juga" + headline,
# related lists), and two lines each way see the run and its edge.
NEIGHBOUR_OFFSETS = (-2, -1, 1, 2)

# A line counts as running prose when it has this many words and this share of function words:
# headlines, menu items and names rarely do.
PROSE_MIN_WORDS = 10
PROSE_MIN_STOPWORD_SHARE = 0.12

# Lengths are capped where paragraphs end: a whole article glued into one line must look like a
# long paragraph, not like a point far outside anything the model was fitted on.
MAX_CHARS = 800
MAX_WORDS = 120

# Related lists print each item as "<SITE> | <date> <summary>" or start every headline alike:
# a date this early in a long line, or an opening pair of words shared by many lines, marks a list.
DATE_LEAD_CHARS = 30
DATE_LEAD_MIN_WORDS = 8
LEAD_CHARS = 40

# Characters compared when looking for a line that repeats the start of its neighbour.
HEAD_CHARS = 40

_WORD = re.compile(r"\w+")
_DAY = r"(?:senin|selasa|rabu|kamis|jum'?at|sabtu|minggu|ahad)"
_MONTH = (
    r"(?:januari|februari|pebruari|maret|april|mei|juni|juli|agustus|september|oktober|november|desember"
    r"|jan|feb|mar|apr|jun|jul|agu|agt|ags|agus|sep|sept|okt|oct|nov|des|dec|may|aug)"
)
_DATE = re.compile(
    rf"(?<!\w)(?:{_DAY}\b|\d{{1,2}}\s+{_MONTH}\b|{_MONTH}\s+\d{{1,2}}\b|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}})",
    re.IGNORECASE,
)
_TIME = re.compile(r"(?<!\d)\d{1,2}[:.]\d{2}(?!\d)")
_ZONE = re.compile(r"\b(?:WIB|WITA|WIT|GMT)\b", re.IGNORECASE)
_RELATIVE_TIME = re.compile(r"\b\d+\s+(?:detik|menit|jam|hari|minggu|bulan|tahun)\s+(?:yang\s+)?lalu\b", re.IGNORECASE)
_DURATION = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?$")
_END_CODE = re.compile(r"^[(\[]\s*[\w*.\-]{1,15}(?:\s*/\s*[\w*.\-]{1,15}){0,3}\s*[)\]]$")
_URL = re.compile(r"https?://|www\.|\.(?:com|id|co|net)/", re.IGNORECASE)
# A dash right after the place may be glued to the next word by the scraper ("Jakarta -Jadwal").
_DATELINE = re.compile(r"^[A-Z][\w.'’/ ]{0,40}?(?:,\s*[\w.'’()/ ]{1,40}?)?\s*(?:\([\w .]+\)\s*)?[-–—]{1,2}(?:\s|$|(?=[A-Z]))")
_CREDIT = re.compile(r"[(\[][^()\[\]]{0,60}/[^()\[\]]{0,60}[)\]]\s*$|\((?:foto|dok|ist)[^)]*\)\s*$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?][\"”’')]*$")
_DIGIT = re.compile(r"\d")
_UPPER = re.compile(r"[A-Z]")
_LETTER = re.compile(r"[A-Za-z]")
_SHAPE_RUN = re.compile(r"(.)\1+")

INTRINSIC_NAMES = (
    "log_chars", "log_words", "words_1", "words_2", "words_3", "words_4_6", "words_7_12",
    "words_13_25", "words_26_plus", "sentence_end", "ends_colon", "ends_comma", "ends_dash",
    "starts_upper", "starts_digit", "starts_quote", "starts_bullet", "upper_share",
    "titlecase_share", "digit_share", "stopword_share", "comma_count", "pipe_count", "has_url",
    "has_handle", "has_hashtag", "has_date", "has_time", "has_zone", "is_duration", "is_number",
    "is_end_code", "has_dateline", "has_credit", "chrome_cue", "chrome_cue_start", "meta_cue",
    "meta_cue_start", "caption_cue", "caption_cue_start", "is_prose", "in_parens", "nav_word", "nav_word_short",
    "no_letters", "ends_ellipsis", "relative_time", "date_only",
)
CONTEXT_NAMES = (
    "rel_position", "from_end", "log_lines", "repeats", "blank_before", "blank_after", "in_prose_region",
    "before_prose", "after_prose", "prose_window_3", "prose_window_8", "length_share", "is_first",
    "is_last", "prev_same_shape", "next_same_shape", "dateline_seen", "holds_next", "held_by_prev",
    "lead_repeats", "date_lead",
)


def _neighbour_names() -> tuple[str, ...]:
    return tuple(f"{name}@{offset:+d}" for offset in NEIGHBOUR_OFFSETS for name in (*INTRINSIC_NAMES, "exists"))


DENSE_NAMES = INTRINSIC_NAMES + CONTEXT_NAMES + _neighbour_names()


@dataclass(frozen=True)
class DocFeatures:
    """Features of one document's non-blank lines, ready for a linear model."""

    dense: np.ndarray  # (lines, len(DENSE_NAMES)) float64
    sparse_ids: np.ndarray  # hashed token ids of all lines, concatenated
    sparse_offsets: np.ndarray  # (lines + 1,): line i owns sparse_ids[offsets[i]:offsets[i+1]]
    lengths: np.ndarray  # (lines,) characters of each stripped line


def _hash(token: str) -> int:
    return zlib.crc32(token.encode("utf-8")) & (HASH_BUCKETS - 1)


def _shape(text: str) -> str:
    """A coarse shape: letters as a/A, digits as 9, runs collapsed ('Rabu, 16 Okt' -> 'Aa, 9 Aa')."""
    out = []
    for ch in text[:40]:
        if ch.isdigit():
            out.append("9")
        elif ch.isalpha():
            out.append("A" if ch.isupper() else "a")
        elif ch.isspace():
            out.append(" ")
        else:
            out.append(ch)
    return _SHAPE_RUN.sub(r"\1", "".join(out))


def sparse_tokens(text: str, words: list[str]) -> list[str]:
    lowered = [w.lower() for w in words]
    tokens = [f"{i}:{w}" for i, w in enumerate(lowered[:4])]
    if lowered:
        tokens.append(f"last:{lowered[-1]}")
        if len(lowered) >= 2:
            tokens.append(f"bi:{lowered[0]} {lowered[1]}")
        if len(lowered) <= 4:
            tokens.append("line:" + " ".join(lowered))
    tokens.append("shape:" + _shape(text)[:12])
    return tokens


def intrinsic(text: str, lex: Lexicon) -> tuple[list[float], list[str]]:
    """Features of a line on its own, and its sparse tokens."""
    stripped = text.strip()
    words = _WORD.findall(stripped)
    n_words = len(words)
    n_chars = len(stripped)
    lowered = stripped.lower()
    letters_found = len(_LETTER.findall(stripped))
    letters = letters_found or 1
    stop = sum(1 for w in words if w.lower() in lex.stopwords)
    stop_share = stop / n_words if n_words else 0.0
    chrome = lex.chrome.search(lowered)
    meta = lex.meta.search(lowered)
    caption = lex.caption.search(lowered)
    nav = lex.nav.search(lowered)
    has_date = bool(_DATE.search(stripped))
    first = stripped[0]
    last = stripped[-1]
    titlecase = sum(1 for w in words if w[0].isupper()) / n_words if n_words else 0.0
    is_prose = n_words >= PROSE_MIN_WORDS and stop_share >= PROSE_MIN_STOPWORD_SHARE
    vec = [
        math.log1p(min(n_chars, MAX_CHARS)),
        math.log1p(min(n_words, MAX_WORDS)),
        n_words == 1,
        n_words == 2,
        n_words == 3,
        4 <= n_words <= 6,
        7 <= n_words <= 12,
        13 <= n_words <= 25,
        n_words >= 26,
        bool(_SENTENCE_END.search(stripped)),
        last == ":",
        last == ",",
        last in "-–—",
        first.isupper(),
        first.isdigit(),
        first in "\"“'‘",
        first in "-•·*►▶>",
        len(_UPPER.findall(stripped)) / letters,
        titlecase,
        len(_DIGIT.findall(stripped)) / max(n_chars, 1),
        stop_share,
        min(stripped.count(","), 10) / 10,
        min(stripped.count("|"), 5) / 5,
        bool(_URL.search(stripped)),
        "@" in stripped,
        "#" in stripped,
        has_date,
        bool(_TIME.search(stripped)),
        bool(_ZONE.search(stripped)),
        bool(_DURATION.match(stripped)),
        stripped.replace(".", "").replace(",", "").isdigit(),
        bool(_END_CODE.match(stripped)),
        bool(_DATELINE.match(stripped)),
        bool(_CREDIT.search(stripped)),
        chrome is not None,
        chrome is not None and chrome.start() < 3,
        meta is not None,
        meta is not None and meta.start() < 3,
        caption is not None,
        caption is not None and caption.start() < 3,
        is_prose,
        first == "(" and last == ")",
        nav is not None,
        nav is not None and n_words <= 4,
        letters_found == 0,
        stripped.endswith(("...", "…")),
        bool(_RELATIVE_TIME.search(stripped)),
        has_date and n_words <= 8,
    ]
    return vec, sparse_tokens(stripped, words)


def _normalise(text: str) -> str:
    return " ".join(text.lower().split())


def document(lines: list[str], blank_before: list[bool], blank_after: list[bool], lex: Lexicon) -> DocFeatures:
    """Features of a document's non-blank lines (given in order, with their blank-line neighbours)."""
    n = len(lines)
    n_intrinsic = len(INTRINSIC_NAMES)
    if n == 0:
        return DocFeatures(np.zeros((0, len(DENSE_NAMES))), np.zeros(0, np.int64), np.zeros(1, np.int64), np.zeros(0))
    own = np.zeros((n, n_intrinsic))
    ids: list[int] = []
    offsets = [0]
    for i, text in enumerate(lines):
        vec, tokens = intrinsic(text, lex)
        own[i] = vec
        ids.extend(_hash(t) for t in tokens)
        offsets.append(len(ids))

    prose_col = INTRINSIC_NAMES.index("is_prose")
    dateline_col = INTRINSIC_NAMES.index("has_dateline")
    prose = own[:, prose_col] > 0
    positions = np.arange(n)
    prose_at = positions[prose]
    first_prose, last_prose = (prose_at[0], prose_at[-1]) if len(prose_at) else (n, -1)
    counts: dict[str, int] = {}
    normalised = [_normalise(t) for t in lines]
    for key in normalised:
        counts[key] = counts.get(key, 0) + 1
    cumulative = np.concatenate([[0], np.cumsum(prose)])

    def window_share(radius: int) -> np.ndarray:
        lo = np.clip(positions - radius, 0, n)
        hi = np.clip(positions + radius + 1, 0, n)
        return (cumulative[hi] - cumulative[lo]) / (hi - lo)

    lengths = np.array([len(t.strip()) for t in lines], dtype=float)
    shapes = [_shape(t)[:6] for t in lines]
    # Some scrapers store a paragraph together with the rest of the article glued after it, then
    # the paragraph alone: the long copy starts like the next line and is chrome.
    heads = [t.strip()[:HEAD_CHARS] for t in lines]
    holds_next = np.array([
        i < n - 1 and len(heads[i]) == HEAD_CHARS and heads[i] == heads[i + 1] and lengths[i] > 1.5 * lengths[i + 1]
        for i in range(n)
    ])
    dateline_seen = np.cumsum(own[:, dateline_col] * prose) > 0
    leads = [" ".join(t.strip()[:LEAD_CHARS].lower().split()[:2]) for t in lines]
    lead_counts: dict[str, int] = {}
    for key in leads:
        lead_counts[key] = lead_counts.get(key, 0) + 1
    lead_repeats = [math.log(lead_counts[k]) if k.count(" ") == 1 else 0.0 for k in leads]
    date_lead = [
        t.strip().count(" ") >= DATE_LEAD_MIN_WORDS and bool(_DATE.search(t.strip()[:DATE_LEAD_CHARS])) for t in lines
    ]
    context = np.column_stack([
        positions / max(n - 1, 1),
        (n - 1 - positions) / max(n - 1, 1),
        np.full(n, math.log1p(n)),
        [math.log(counts[k]) for k in normalised],
        blank_before,
        blank_after,
        (positions >= first_prose) & (positions <= last_prose),
        np.log1p(np.maximum(first_prose - positions, 0)),
        np.log1p(np.maximum(positions - last_prose, 0)),
        window_share(3),
        window_share(8),
        lengths / lengths.max(),
        positions == 0,
        positions == n - 1,
        [i > 0 and shapes[i] == shapes[i - 1] for i in range(n)],
        [i < n - 1 and shapes[i] == shapes[i + 1] for i in range(n)],
        dateline_seen,
        holds_next,
        np.concatenate([[False], holds_next[:-1]]),
        lead_repeats,
        date_lead,
    ])
    blocks = [own, context]
    padded = np.vstack([np.zeros((2, n_intrinsic + 1)), np.column_stack([own, np.ones(n)]), np.zeros((2, n_intrinsic + 1))])
    for offset in NEIGHBOUR_OFFSETS:
        blocks.append(padded[2 + offset: 2 + offset + n])
    dense = np.hstack(blocks).astype(np.float64)
    return DocFeatures(dense, np.asarray(ids, dtype=np.int64), np.asarray(offsets, dtype=np.int64), lengths)
