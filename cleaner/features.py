"""The one feature contract, shared by training and inference so the two cannot drift.

Each non-blank line becomes a dense vector (its own shape and cues, its place in the document, and
the same of its neighbours) plus a few hashed sparse tokens (its first words, short lines whole).
Bump FEATURE_VERSION whenever the output of this module changes: a shipped model records the version
it was trained with and is refused by a different one.

`intrinsic` defines a line's own features one line at a time; `document` computes exactly the same
for all lines at once (numpy over the document's characters and words, regular expressions only
where they could match) and is checked against a frozen copy of the line-at-a-time module by
tests/test_features_equivalence.py. For many documents hold a `FeatureExtractor`.
"""

from __future__ import annotations

import math
import operator
import re
import zlib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, repeat
from operator import itemgetter

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
_DATELINE = re.compile(
    r"^[A-Z][\w.'’/ ]{0,40}?(?:,\s*[\w.'’()/ ]{1,40}?)?\s*(?:\([\w .]+\)\s*)?[-–—]{1,2}(?:\s|$|(?=[A-Z]))"
)
_CREDIT = re.compile(r"[(\[][^()\[\]]{0,60}/[^()\[\]]{0,60}[)\]]\s*$|\((?:foto|dok|ist)[^)]*\)\s*$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?][\"”’')]*$")
_DIGIT = re.compile(r"\d")
_UPPER = re.compile(r"[A-Z]")
_LETTER = re.compile(r"[A-Za-z]")

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


# ---------------------------------------------------------------------------------------------
# Shapes. A translation table does the per-character mapping in C; the mapping of a character is
# exactly the one of the original loop (isdigit first, then isalpha with isupper, then isspace).


class _ShapeTable(dict):
    """Code point -> shape character, for str.translate; characters not listed are worked out on
    demand (never stored: the table is shared and stays constant)."""

    __slots__ = ()

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        shape = _shape_char(ch)
        if shape == ch:
            raise LookupError  # str.translate keeps the character as it is
        return shape


def _shape_char(ch: str) -> str:
    if ch.isdigit():
        return "9"
    if ch.isalpha():
        return "A" if ch.isupper() else "a"
    if ch.isspace():
        return " "
    return ch


@lru_cache(maxsize=1)
def _shape_line() -> _ShapeTable:
    """Latin, Greek, Cyrillic and general punctuation listed up front: the rest goes through
    __missing__.  Built on first use: the batch makes its shapes without it."""
    return _ShapeTable(
        {code: _shape_char(chr(code)) for code in (*range(0x530), *range(0x2000, 0x2070), *range(0x20A0, 0x20C0))}
    )


_SHAPE_RUNS = re.compile(r"(.)\1*", re.S)
_HEAD12 = itemgetter(slice(None, 12))
_HEAD6 = itemgetter(slice(None, 6))


def _shape(text: str) -> str:
    """A coarse shape: letters as a/A, digits as 9, runs collapsed ('Rabu, 16 Okt' -> 'Aa, 9 Aa')."""
    return "".join(_SHAPE_RUNS.findall(text[:40].translate(_shape_line())))


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
    """Features of a line on its own, and its sparse tokens.

    The line-at-a-time definition of the features: `document` computes the same for all lines of a
    document at once (and uses this for lines it cannot batch exactly).
    """
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


# ---------------------------------------------------------------------------------------------
# The batched computation. Every feature above is a property of one line; the batch computes them
# for many lines at once: character counts with numpy over the lines joined by "\n", word-level
# cues from one pass over the document's words, and the regular expressions only on the lines
# that a cheap test shows could match at all (a superset), where the original pattern decides.
# It relies on facts about Python's Unicode handling that hold for every character but a few
# (below): the lines holding one of those, lines with a "\n" and over-long lines go line at a time
# (`intrinsic`), as do documents of a few lines, where a batch costs more than it saves.

# Character flags, as the line-at-a-time code tests a character. Bits 0-3 are the first-character
# features and bits 4-7 the last-character ones, in INTRINSIC_NAMES order, so that each group is
# read out with one table lookup.
_C_UPPER = 1 << 0  # str.isupper()                  starts_upper
_C_ISDIGIT = 1 << 1  # str.isdigit()                starts_digit
_C_QUOTE = 1 << 2  # one of "“'‘                    starts_quote
_C_BULLET = 1 << 3  # one of -•·*►▶>                starts_bullet
_C_SENTENCE = 1 << 4  # one of .!?                  sentence_end (unless quotes follow)
_C_COLON = 1 << 5  # :                              ends_colon
_C_COMMA = 1 << 6  # ,                              ends_comma
_C_DASH = 1 << 7  # one of -–—                      ends_dash
_C_WORD = 1 << 8  # \w: str.isalnum() or "_" (the definition the re module uses)
_C_DECIMAL = 1 << 9  # \d: str.isdecimal()
_C_AZ = 1 << 10  # [A-Z]
_C_QUOTE_TAIL = 1 << 11  # may follow a sentence end: "”’')
_C_TIME_SEP = 1 << 12  # : or .
_C_DATE_SEP = 1 << 13  # / or -
_C_ODD_SPACE = 1 << 14  # white space other than " " (_normalise turns it into " ")
_C_OPEN = 1 << 15  # ( or [
_C_CLOSE = 1 << 16  # ) or ]
_C_LPAREN = 1 << 17
_C_RPAREN = 1 << 18
_C_ELLIPSIS = 1 << 19  # …
_C_DOT = 1 << 20
# Lowering this character is not one character to one, changes whether it is a word character,
# depends on its neighbours (final sigma), or case-insensitive matching against an ASCII letter
# disagrees with lowering (İ, ı, ſ): the batch's reading of words and of IGNORECASE would be off.
_C_EXOTIC = 1 << 21
_NIBBLE = np.array([[(v >> b) & 1 for b in range(4)] for v in range(16)], dtype=np.float64)
_NIBBLE.flags.writeable = False

# Per-line counts, three 21-bit fields to an int64 so that one reduceat sums three counts (lines of
# 2**21 characters or more take the line-at-a-time path).
_FIELD_BITS = 21
_FIELD = (1 << _FIELD_BITS) - 1
_MAX_LINE = _FIELD - 1  # longer lines go line at a time
_FIELD_SHIFTS = np.array([[0], [_FIELD_BITS], [2 * _FIELD_BITS]], dtype=np.int64)
_PACKED = (("[A-Z]", "[A-Za-z]", r"\d"), ("isdigit", ".", ","), ("|", "@", "#"), ("-–—", "/", ""))
_QUOTE_TAIL = "\"”’')"
_ASCII_FOLD = re.compile("[a-z]", re.IGNORECASE)
_ASCII_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")


def _in_field(ch: str, field: str) -> bool:
    if field == "[A-Z]":
        return "A" <= ch <= "Z"
    if field == "[A-Za-z]":
        return "A" <= ch <= "Z" or "a" <= ch <= "z"
    if field == r"\d":
        return ch.isdecimal()
    if field == "isdigit":
        return ch.isdigit()
    return ch in field if field else False


def _char_info(code: int) -> tuple[int, tuple[int, ...], int, int]:
    """(flags, packed count fields, shape character, lowered character or " " when not \\w)."""
    ch = chr(code)
    word = ch.isalnum() or ch == "_"
    lower = ch.lower()
    flags = 0
    for bit, test in (
        (_C_UPPER, ch.isupper()),
        (_C_ISDIGIT, ch.isdigit()),
        (_C_QUOTE, ch in "\"“'‘"),
        (_C_BULLET, ch in "-•·*►▶>"),
        (_C_SENTENCE, ch in ".!?"),
        (_C_COLON, ch == ":"),
        (_C_COMMA, ch == ","),
        (_C_DASH, ch in "-–—"),
        (_C_WORD, word),
        (_C_DECIMAL, ch.isdecimal()),
        (_C_AZ, "A" <= ch <= "Z"),
        (_C_QUOTE_TAIL, ch in _QUOTE_TAIL),
        (_C_TIME_SEP, ch in ":."),
        (_C_DATE_SEP, ch in "/-"),
        (_C_ODD_SPACE, ch.isspace() and ch != " " and ch != "\n"),
        (_C_OPEN, ch in "(["),
        (_C_CLOSE, ch in ")]"),
        (_C_LPAREN, ch == "("),
        (_C_RPAREN, ch == ")"),
        (_C_ELLIPSIS, ch == "…"),
        (_C_DOT, ch == "."),
        (
            _C_EXOTIC,
            len(lower) != 1
            or (lower.isalnum() or lower == "_") != word
            or ch == "\u03a3"
            or (_ASCII_FOLD.match(ch) is not None) != (lower in _ASCII_LOWER),
        ),
    ):
        if test:
            flags |= bit
    packed = tuple(
        sum(int(_in_field(ch, field)) << (_FIELD_BITS * k) for k, field in enumerate(fields)) for fields in _PACKED
    )
    # Lines are joined by "\n" (never inside a line here), which keeps its place in the shapes.
    shape = "\n" if ch == "\n" else _shape_char(ch)
    low = ord(lower) if word and len(lower) == 1 else 32
    return flags, packed, ord(shape), low


def _class_tables(infos: list[tuple]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Class -> flags, packed counts (4 rows), shape code, lowered code, as arrays."""
    flags = np.array([i[0] for i in infos], dtype=np.uint32)
    packed = np.array([i[1] for i in infos], dtype=np.int64).reshape(len(infos), len(_PACKED)).T.copy()
    shape = np.array([i[2] for i in infos], dtype=np.uint32)
    low = np.array([i[3] for i in infos], dtype=np.uint32)
    return flags, packed, shape, low


def _frozen(*arrays):
    for a in arrays:
        a.flags.writeable = False
    return arrays


# Classes known up front: ASCII (class = code), then Latin-1 and Latin Extended-A, general
# punctuation, currency and letterlike symbols, arrows and geometric shapes (the bullets), minus the
# exotic characters. Any other character gets a class per document.
_STATIC_LIMIT = 0x2600
_STATIC_RANGES = ((0, 0x180), (0x2000, 0x2070), (0x20A0, 0x20D0), (0x2100, 0x2150), (0x2190, 0x2200), (0x25A0, 0x2600))


def _char_tables(codes: list[int]) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """`_class_tables([_char_info(c) for c in codes])` and which codes are exotic, worked out a
    property at a time over all the codes (the per-character loop costs some 20 ms at import)."""
    chars = list(map(chr, codes))
    code = np.array(codes, dtype=np.int64)

    def each(method) -> np.ndarray:
        return np.fromiter(map(method, chars), dtype=bool, count=len(chars))

    # Each character's place in the punctuation that flags and counts test for (-1: none of it).
    listed = "".join(dict.fromkeys("\"“'‘-•·*►▶>.!?:,–—()[]/…|@#" + _QUOTE_TAIL))
    place = np.array(list(map(listed.find, chars)), dtype=np.int64)

    def among(members: str) -> np.ndarray:
        hit = np.zeros(len(listed) + 1, dtype=bool)  # the last entry stands for -1
        hit[[listed.index(m) for m in members]] = True
        return hit[place]

    lowers = list(map(str.lower, chars))
    isdigit, isdecimal, isalpha = each(str.isdigit), each(str.isdecimal), each(str.isalpha)
    isupper, isspace = each(str.isupper), each(str.isspace)
    word = each(str.isalnum) | (code == ord("_"))
    single = np.fromiter((len(low) == 1 for low in lowers), dtype=bool, count=len(chars))
    lower_word = np.fromiter((low.isalnum() or low == "_" for low in lowers), dtype=bool, count=len(chars))
    folds = np.zeros(len(chars), dtype=bool)  # the pattern matches one character: one scan finds them all
    folds[[m.start() for m in _ASCII_FOLD.finditer("".join(chars))]] = True
    lower_ascii = np.fromiter((low in _ASCII_LOWER for low in lowers), dtype=bool, count=len(chars))
    az = (code >= ord("A")) & (code <= ord("Z"))
    exotic = ~single | (lower_word != word) | (code == 0x03A3) | (folds != lower_ascii)
    flags = np.zeros(len(chars), dtype=np.uint32)
    for bit, test in (
        (_C_UPPER, isupper),
        (_C_ISDIGIT, isdigit),
        (_C_QUOTE, among("\"“'‘")),
        (_C_BULLET, among("-•·*►▶>")),
        (_C_SENTENCE, among(".!?")),
        (_C_COLON, among(":")),
        (_C_COMMA, among(",")),
        (_C_DASH, among("-–—")),
        (_C_WORD, word),
        (_C_DECIMAL, isdecimal),
        (_C_AZ, az),
        (_C_QUOTE_TAIL, among(_QUOTE_TAIL)),
        (_C_TIME_SEP, among(":.")),
        (_C_DATE_SEP, among("/-")),
        (_C_ODD_SPACE, isspace & (code != ord(" ")) & (code != ord("\n"))),
        (_C_OPEN, among("([")),
        (_C_CLOSE, among(")]")),
        (_C_LPAREN, among("(")),
        (_C_RPAREN, among(")")),
        (_C_ELLIPSIS, among("…")),
        (_C_DOT, among(".")),
        (_C_EXOTIC, exotic),
    ):
        flags[test] |= bit
    in_field = {
        "[A-Z]": az, "[A-Za-z]": az | ((code >= ord("a")) & (code <= ord("z"))), r"\d": isdecimal, "isdigit": isdigit,
    }
    counted = {f: in_field[f] if f in in_field else among(f) for fs in _PACKED for f in fs}
    packed = np.array([
        sum(counted[f].astype(np.int64) << (_FIELD_BITS * k) for k, f in enumerate(fs)) for fs in _PACKED
    ], dtype=np.int64)
    # As _shape_char: digits first, then letters by case, then white space (but "\n" stays).
    shape = np.where(isspace & (code != ord("\n")), ord(" "), code).astype(np.uint32)
    shape[isalpha] = np.where(isupper[isalpha], ord("A"), ord("a"))
    shape[isdigit] = ord("9")
    low = np.array([ord(lw) if len(lw) == 1 else 32 for lw in lowers], dtype=np.uint32)
    low[~(word & single)] = 32
    return exotic, (flags, packed, shape, low)


def _static_tables() -> tuple[list[int], tuple[np.ndarray, ...]]:
    codes = [c for lo, hi in _STATIC_RANGES for c in range(lo, hi)]
    exotic, tables = _char_tables(codes)
    keep = ~exotic
    flags, packed, shape, low = tables
    return list(np.array(codes)[keep].tolist()), (flags[keep], packed[:, keep].copy(), shape[keep], low[keep])


_STATIC_CODES, _STATIC_TABLES = _static_tables()
_STATIC_TABLES = _frozen(*_STATIC_TABLES)
_STATIC_CLASS = np.full(_STATIC_LIMIT, -1, dtype=np.intp)
_STATIC_CLASS[_STATIC_CODES] = np.arange(len(_STATIC_CODES))
_frozen(_STATIC_CLASS)
(_ASCII_LOW_U8,) = _frozen(_STATIC_TABLES[3][:128].astype(np.uint8))

# Columns of INTRINSIC_NAMES that one lookup fills: by min(words, MAX_WORDS), and by first and
# last character.
_WORD_COLUMNS = slice(1, 9)
(_BY_WORDS,) = _frozen(
    np.array(
        [
            [math.log1p(k), k == 1, k == 2, k == 3, 4 <= k <= 6, 7 <= k <= 12, 13 <= k <= 25, k >= 26]
            for k in range(MAX_WORDS + 1)
        ],
        dtype=np.float64,
    )
)
(_LOG1P_CHARS,) = _frozen(np.array([math.log1p(k) for k in range(MAX_CHARS + 1)]))
_FIRST_COLUMNS = slice(13, 17)  # starts_upper, starts_digit, starts_quote, starts_bullet
_LAST_COLUMNS = slice(9, 13)  # sentence_end, ends_colon, ends_comma, ends_dash
_COL = {name: i for i, name in enumerate(INTRINSIC_NAMES)}

# Word bits: what a lowered word (a maximal \w run, UTF-8) is, for the cues that are about words.
_W_STOP = 1 << 0
_W_SINGLE = (1 << 1, 1 << 2, 1 << 3, 1 << 4)  # a whole one-word phrase of chrome, meta, caption, nav
_W_ANY_SINGLE = sum(_W_SINGLE)
_W_SINGLE_ARRAY = np.array(_W_SINGLE, dtype=np.int64)
_CUE_COLUMNS = np.array([34, 36, 38, 42])  # chrome_cue, meta_cue, caption_cue, nav_word
_CUE_START_COLUMNS = np.array([35, 37, 39])  # the same at the start of the line (nav words have none)
_W_FIRST = 1 << 5  # the first word of a longer phrase
_W_SECOND = 1 << 6  # the second word of a longer phrase
_W_DAY = 1 << 7  # a day name of _DATE on its own (jum'at is the words jum, at)
_W_JUM = 1 << 8
_W_MONTH = 1 << 9
_W_ZONE = 1 << 10
_W_LALU = 1 << 11
_DAY_WORDS = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu", "ahad")
_MONTH_WORDS = tuple(_MONTH[3:-1].split("|"))
_ZONE_WORDS = ("wib", "wita", "wit", "gmt")


def _date_word_bits() -> dict[bytes, int]:
    bits: dict[bytes, int] = {}
    for words, bit in ((_DAY_WORDS, _W_DAY), (("jum",), _W_JUM), (_MONTH_WORDS, _W_MONTH), (_ZONE_WORDS, _W_ZONE)):
        for word in words:
            bits[word.encode()] = bits.get(word.encode(), 0) | bit
    bits[b"lalu"] = _W_LALU
    return bits


_DATE_WORD_BITS = _date_word_bits()

_SEED = {prefix: zlib.crc32(prefix.encode()) for prefix in ("0:", "1:", "2:", "3:", "last:", "bi:", "line:", "shape:")}
# Where a date in figures starts, given the position of a "/" (d/m/y) or a "-" (yyyy-mm-dd).
_DATE_STARTS = {47: lambda at: (at - 1, at - 2), 45: lambda at: (at - 4,)}
_MASK = HASH_BUCKETS - 1
_PLAIN_PHRASES = re.compile(r"[\w /’'|]*")
_LEXICON_PREFIX, _LEXICON_SUFFIX = r"(?<!\w)(?:", r")(?!\w)"


def _phrases(pattern: re.Pattern) -> list[str] | None:
    """The phrases of a lexicon pattern, or None when it is not the plain alternation the lexicon
    builds, of phrases that start and end with a word character (the batch then runs the pattern
    itself on every line)."""
    source = pattern.pattern
    if pattern.flags != re.UNICODE or not (source.startswith(_LEXICON_PREFIX) and source.endswith(_LEXICON_SUFFIX)):
        return None
    body = source[len(_LEXICON_PREFIX): -len(_LEXICON_SUFFIX)]
    phrases = [part.replace("\\", "") for part in body.split("|")]
    joined = "|".join(sorted(phrases, key=len, reverse=True))
    # re.escape, one phrase at a time, leaves word characters, "/" and quotes alone and escapes
    # spaces; the phrases hold no "|", so escaping them joined escapes them one by one.
    if _PLAIN_PHRASES.fullmatch(joined):
        escaped = joined.replace(" ", "\\ ")
    else:
        escaped = re.escape(joined).replace("\\|", "|")
    if escaped != body:
        return None
    for p in phrases:
        if not (p and (p[0].isalnum() or p[0] == "_") and (p[-1].isalnum() or p[-1] == "_")):
            return None
    return phrases


class _Tables:
    """What the batch needs to know about a lexicon."""

    def __init__(self, lex: Lexicon):
        self.lex = lex
        self.patterns = (lex.chrome, lex.meta, lex.caption, lex.nav)
        words = dict(_DATE_WORD_BITS)
        get = words.get
        pairs: dict[tuple[bytes, bytes], int] = {}
        self.opaque = []  # lexicons whose pattern is not a plain alternation of such phrases
        for j, pattern in enumerate(self.patterns):
            phrases = _phrases(pattern)
            if phrases is None:
                self.opaque.append(j)
                continue
            single = _W_SINGLE[j]
            for runs in map(_WORD.findall, phrases):
                first = runs[0].encode()
                if len(runs) == 1:
                    words[first] = get(first, 0) | single
                else:
                    second = runs[1].encode()
                    words[first] = get(first, 0) | _W_FIRST
                    words[second] = get(second, 0) | _W_SECOND
                    pairs[(first, second)] = pairs.get((first, second), 0) | (1 << j)
        for word in lex.stopwords:
            key = word.encode("utf-8", "surrogatepass")
            words[key] = get(key, 0) | _W_STOP
        self.word_bits = words
        self.pairs = pairs


class _Batch:
    """Intrinsic features of many lines, the way `intrinsic` computes them one by one."""

    __slots__ = ("own", "ids", "offsets", "shapes", "normalised", "leads", "date_leads")

    def __init__(self, own, ids, offsets, shapes, normalised, leads=None, date_leads=None):
        self.own = own  # (lines, len(INTRINSIC_NAMES)) float64
        self.ids = ids  # hashed sparse tokens, concatenated
        self.offsets = offsets  # (lines + 1,)
        self.shapes = shapes  # _shape(line)[:6] of each stripped line: what the context compares
        self.normalised = normalised  # _normalise(line)
        # What the context columns need of each line on its own (see _line_keys); set by
        # _intrinsic_batch, so that the line cache keeps them too.
        self.leads = leads
        self.date_leads = date_leads


def _line_of(starts: np.ndarray, positions) -> np.ndarray:
    return np.searchsorted(starts, positions, side="right") - 1


def _classes(joined: str, char_cache: dict | None):
    """Codes, classes and class tables of the characters of a document, or the positions of its
    exotic characters."""
    if joined.isascii():
        codes = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
        return codes, codes, _STATIC_TABLES, True
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if codes.max() < _STATIC_LIMIT:
        classes = np.take(_STATIC_CLASS, codes)
        if classes.min() >= 0:
            return codes, classes, _STATIC_TABLES, False
        other = _nonzero(classes < 0)
    else:
        classes = np.take(_STATIC_CLASS, np.minimum(codes, _STATIC_LIMIT - 1))
        other = _nonzero((codes >= _STATIC_LIMIT) | (classes < 0))
    other_codes = codes[other]
    # Sorted distinct codes without np.unique, whose first call imports numpy.ma (10 ms).
    uniq = np.array(sorted(set(other_codes.tolist())), dtype=codes.dtype)
    where = np.searchsorted(uniq, other_codes)
    infos = []
    exotic = []
    for c in uniq.tolist():
        info = None if char_cache is None else char_cache.get(c)
        if info is None:
            info = _char_info(c)
            if char_cache is not None:
                char_cache[c] = info
        exotic.append(bool(info[0] & _C_EXOTIC))
        infos.append(info)
    if any(exotic):
        return other[np.array(exotic)[where]]
    classes[other] = len(_STATIC_CODES) + where
    tables = tuple(np.concatenate([a, b], axis=-1) for a, b in zip(_STATIC_TABLES, _class_tables(infos), strict=True))
    return codes, classes, tables, False


def _batch(stripped: list[str], joined: str, tables: _Tables, char_cache: dict | None) -> _Batch | set[int]:
    """The batch for stripped, non-empty lines without "\\n" (joined by "\\n"), or the lines it
    cannot do exactly."""
    n = len(stripped)
    lens = np.fromiter(map(len, stripped), dtype=np.int64, count=n)
    if lens.max() > _MAX_LINE:
        return set((lens > _MAX_LINE).nonzero()[0].tolist())
    ends = np.cumsum(lens + 1) - 1  # the "\n" after each line (one past the end for the last)
    starts = ends - lens
    found = _classes(joined, char_cache)
    if isinstance(found, np.ndarray):
        return set(_line_of(starts, found).tolist())
    codes, classes, (flags_t, packed_t, shape_t, low_t), ascii_doc = found
    last = ends - 1
    flags = np.take(flags_t, classes)
    first_flags = flags[starts]
    last_flags = flags[last]
    sums = np.add.reduceat(np.take(packed_t, classes, axis=1), starts, axis=1)
    (upper, letters, decimals), (isdigit, dots, commas), (pipes, ats, hashes), (dashes, slashes, _) = (
        sums[:, None, :] >> _FIELD_SHIFTS
    ) & _FIELD

    # Words: the lowered document with every non-word character a space, split. Lowering is one
    # character to one here, so these are the lowered words of each line, at the same places.
    if ascii_doc:
        words = np.take(_ASCII_LOW_U8, codes).tobytes().split()
    elif low_t.max() < 128:  # the other characters are not word characters, or lower to ASCII
        words = np.take(low_t.astype(np.uint8), classes).tobytes().split()
    else:
        words = np.take(low_t, classes).tobytes().decode("utf-32-le").encode("utf-8").split()
    is_word = flags & _C_WORD != 0
    word_start = is_word.copy()
    word_start[1:] &= ~is_word[:-1]
    word_pos = _nonzero(word_start)
    if len(word_pos) != len(words):
        return set(range(n))
    word_line = _line_of(starts, word_pos)
    n_words = np.bincount(word_line, minlength=n)
    first_word = np.cumsum(n_words) - n_words
    wbits = np.fromiter(map(tables.word_bits.get, words, repeat(0)), dtype=np.int64, count=len(words))
    low_joined = joined.lower()
    lowered = low_joined.split("\n")

    own = np.zeros((n, len(INTRINSIC_NAMES)))
    own[:, 0] = _LOG1P_CHARS[np.minimum(lens, MAX_CHARS)]
    own[:, _WORD_COLUMNS] = _BY_WORDS[np.minimum(n_words, MAX_WORDS)]
    own[:, _FIRST_COLUMNS] = _NIBBLE[first_flags & 15]
    own[:, _LAST_COLUMNS] = _NIBBLE[(last_flags >> 4) & 15]
    for i in _nonzero(last_flags & _C_QUOTE_TAIL).tolist():
        own[i, 9] = stripped[i].rstrip(_QUOTE_TAIL)[-1:] in (".", "!", "?")
    own[:, 17] = upper / np.maximum(letters, 1)
    upper_words = np.bincount(word_line, weights=np.take(flags, word_pos) & _C_UPPER, minlength=n) / _C_UPPER
    np.divide(upper_words, n_words, out=own[:, 18], where=n_words > 0)
    own[:, 19] = decimals / lens
    stop = np.bincount(word_line, weights=wbits & _W_STOP, minlength=n) / _W_STOP
    stop_share = own[:, 20]
    np.divide(stop, n_words, out=stop_share, where=n_words > 0)
    own[:, 21] = np.minimum(commas, 10) / 10
    own[:, 22] = np.minimum(pipes, 5) / 5
    own[:, 24] = ats > 0
    own[:, 25] = hashes > 0
    own[:, 30] = (isdigit > 0) & (isdigit + dots + commas == lens)
    own[:, 40] = (n_words >= PROSE_MIN_WORDS) & (stop_share >= PROSE_MIN_STOPWORD_SHARE)
    own[:, 41] = (first_flags & _C_LPAREN != 0) & (last_flags & _C_RPAREN != 0)
    own[:, 44] = letters == 0
    ellipsis = last_flags & _C_ELLIPSIS != 0
    dotted = _nonzero((last_flags & _C_DOT != 0) & (lens >= 3))
    ellipsis[dotted] = (codes[last[dotted] - 1] == 46) & (codes[last[dotted] - 2] == 46)
    own[:, 45] = ellipsis

    def mark(col: int, rows) -> None:
        own[rows, col] = 1.0

    def confirm(col: int, method, rows) -> None:
        for i in rows.tolist() if isinstance(rows, np.ndarray) else rows:
            if method(stripped[i]):
                own[i, col] = 1.0

    flagged = _nonzero(wbits & (_W_DAY | _W_JUM | _W_MONTH | _W_ZONE | _W_LALU))
    by_bit = wbits[flagged]

    def word_rows(bit: int) -> np.ndarray:
        return word_line[flagged[by_bit & bit != 0]]

    # Lexicon cues: one-word phrases straight from the words; longer phrases (and lexicons that are
    # not plain alternations) by the lexicon's own pattern, on the lines where one could start.
    multi: list = [set() for _ in range(4)]
    if len(words) > 1:
        starts_pair = (wbits[:-1] & _W_FIRST != 0) & (wbits[1:] & _W_SECOND != 0) & (word_line[:-1] == word_line[1:])
        for k in _nonzero(starts_pair).tolist():
            pair = tables.pairs.get((words[k], words[k + 1]), 0)
            for j in range(4):
                if pair >> j & 1:
                    multi[j].add(int(word_line[k]))
    for j in tables.opaque:
        multi[j] = range(n)
    hits = _nonzero(wbits & _W_ANY_SINGLE)
    if len(hits):
        rows = word_line[hits]
        which = wbits[hits, None] & _W_SINGLE_ARRAY != 0  # (hit, lexicon)
        hit, lexicon = which.nonzero()
        own[rows[hit], _CUE_COLUMNS[lexicon]] = 1.0
        hit, lexicon = (which[:, :3] & (word_pos[hits] - starts[rows] < 3)[:, None]).nonzero()
        own[rows[hit], _CUE_START_COLUMNS[lexicon]] = 1.0
    for j, col in enumerate(_CUE_COLUMNS.tolist()):
        search = tables.patterns[j].search
        for i in multi[j]:
            m = search(lowered[i])
            own[i, col] = m is not None
            if col != 42:
                own[i, col + 1] = m is not None and m.start() < 3
    own[:, 43] = own[:, 42] * (n_words <= 4)

    # Dates: a day name on its own is one; the other forms need a closer look.
    mark(26, word_rows(_W_DAY))
    date_rows = set(word_rows(_W_JUM).tolist())
    for k in flagged[by_bit & _W_MONTH != 0].tolist():  # "16 Okt", "Okt 16": a number of 1-2 digits next to it
        row = word_line[k]
        for other in (k - 1, k + 1):
            if 0 <= other < len(words) and word_line[other] == row:
                text = words[other].decode()
                if len(text) <= 2 and text.isdecimal():
                    date_rows.add(int(row))
    # Times, and dates in figures: a separator between two digits, where a match would have to
    # start one, two or four characters before it (matching at a position sees what precedes it).
    decimal = flags & _C_DECIMAL != 0
    between = _nonzero((flags[1:-1] & (_C_TIME_SEP | _C_DATE_SEP) != 0) & decimal[:-2] & decimal[2:]) + 1
    if len(between):
        rows = _line_of(starts, between)
        time_match, date_match = _TIME.match, _DATE.match
        for row, at, sep in zip(rows.tolist(), (between - starts[rows]).tolist(), codes[between].tolist(), strict=True):
            text = stripped[row]
            if sep == 58 or sep == 46:  # : .
                if own[row, 27] == 0 and (time_match(text, at - 1) or (at >= 2 and time_match(text, at - 2))):
                    own[row, 27] = 1.0
            elif own[row, 26] == 0 and any(q >= 0 and date_match(text, q) for q in _DATE_STARTS[sep](at)):
                own[row, 26] = 1.0
    confirm(26, _DATE.search, sorted(i for i in date_rows if not own[i, 26]))
    own[:, 47] = own[:, 26] * (n_words <= 8)
    mark(28, word_rows(_W_ZONE))
    confirm(46, _RELATIVE_TIME.search, sorted(set(word_rows(_W_LALU).tolist())))

    url_rows = _nonzero(slashes)
    at = low_joined.find("www")  # "www." is matched in any case
    if at >= 0:
        extra = []
        while at >= 0:
            row = int(_line_of(starts, at))
            extra.append(row)
            at = low_joined.find("www", ends[row])
        url_rows = sorted(set(url_rows.tolist()).union(extra))
    confirm(23, _URL.search, url_rows)
    closes = last_flags & _C_CLOSE != 0
    confirm(33, _CREDIT.search, _nonzero(closes))
    confirm(31, _END_CODE.match, _nonzero(closes & (first_flags & _C_OPEN != 0)))
    confirm(29, _DURATION.match, _nonzero((first_flags & _C_DECIMAL != 0) & (lens >= 4) & (lens <= 8)))
    confirm(32, _DATELINE.match, _nonzero((first_flags & _C_AZ != 0) & (dashes > 0)))

    # Shapes of the first 40 characters of each line (and the "\n" after it), runs collapsed.
    heads = np.minimum(lens, 40) + 1
    head_end = np.cumsum(heads)
    positions = np.arange(int(head_end[-1])) + np.repeat(starts - (head_end - heads), heads)
    positions[-1] = 0  # past the end of the document: stands for the "\n", written below
    shape_codes = np.take(shape_t, np.take(classes, positions))
    shape_codes[head_end - 1] = 10
    keep = np.empty(len(shape_codes), dtype=bool)
    keep[0] = True
    np.not_equal(shape_codes[1:], shape_codes[:-1], out=keep[1:])
    shape_codes = shape_codes[keep]
    shape_bytes = None
    if ascii_doc or shape_codes.max() < 128:
        shape_bytes = shape_codes.astype(np.uint8).tobytes()
        shapes = shape_bytes.decode("ascii").split("\n")
        shape_bytes = shape_bytes.split(b"\n")
        shape_bytes.pop()
    else:
        shapes = shape_codes.tobytes().decode("utf-32-le", "surrogatepass").split("\n")
    shapes.pop()

    # _normalise: lowered, white space runs as one space; most lines already are.
    normalised = lowered
    odd = _nonzero(flags & _C_ODD_SPACE)
    at = joined.find("  ")
    if len(odd) or at >= 0:
        spaced = set(_line_of(starts, odd).tolist())
        while at >= 0:
            row = int(_line_of(starts, at))
            spaced.add(row)
            at = joined.find("  ", ends[row])
        normalised = list(lowered)
        for i in spaced:
            normalised[i] = " ".join(normalised[i].split())

    ids, offsets = _token_ids(words, n_words, first_word, shapes, shape_bytes)
    return _Batch(own, ids, offsets, list(map(_HEAD6, shapes)), normalised)


# Below this many lines the tokens are hashed line by line: the numpy version costs some 60 us
# however few the lines, and saves some 0.5 us a line on long documents (measured: even at 200).
_TOKENS_BY_LINE = 200


def _token_ids(words: list[bytes], n_words: np.ndarray, first_word: np.ndarray, shapes: list[str], shape_bytes):
    """The hashed `sparse_tokens` of each line (in their order), from the lowered UTF-8 words.

    A token is a prefix and bytes: its hash is the crc32 of the bytes started from the prefix's.
    """
    if shape_bytes is None:  # cut to 12 characters, then encoded
        shape_tokens = "\n".join(map(_HEAD12, shapes)).encode("utf-8").split(b"\n")
    else:  # ASCII: cut the bytes
        shape_tokens = list(map(_HEAD12, shape_bytes))
    if len(n_words) < _TOKENS_BY_LINE:
        return _token_ids_by_line(words, n_words, first_word, shape_tokens)
    n = len(n_words)
    first4 = np.minimum(n_words, 4)
    some = n_words >= 1
    two = n_words >= 2
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(first4 + some + two + (some & (n_words <= 4)) + 1, out=offsets[1:])  # see sparse_tokens
    base = offsets[:-1]
    ids = np.empty(int(offsets[-1]), dtype=np.int64)
    crc32 = zlib.crc32
    word = words.__getitem__

    def put(dest: np.ndarray, data, prefix: str) -> None:
        ids[dest] = np.fromiter(map(crc32, data, repeat(_SEED[prefix])), dtype=np.int64, count=len(dest))

    for j in range(4):  # j:word for the first four words
        rows = _nonzero(n_words > j)
        put(base[rows] + j, map(word, (first_word[rows] + j).tolist()), f"{j}:")
    rows = _nonzero(some)
    put(base[rows] + first4[rows], map(word, (first_word[rows] + n_words[rows] - 1).tolist()), "last:")
    rows = _nonzero(two)
    w0 = first_word[rows]
    bigrams = list(map(b" ".join, zip(map(word, w0.tolist()), map(word, (w0 + 1).tolist()), strict=True)))
    put(base[rows] + first4[rows] + 1, bigrams, "bi:")
    # line:... for lines of one to four words: the word, the bigram, or the words joined.
    rows1 = _nonzero(n_words == 1)
    rows34 = _nonzero((n_words == 3) | (n_words == 4))
    line_words = list(map(word, first_word[rows1].tolist()))
    line_words += compress(bigrams, (n_words[rows] == 2).tolist())
    spans = zip(first_word[rows34].tolist(), (first_word[rows34] + n_words[rows34]).tolist(), strict=True)
    line_words += [b" ".join(words[a:b]) for a, b in spans]
    put(np.concatenate([base[rows1] + 2, base[rows[n_words[rows] == 2]] + 4, base[rows34] + n_words[rows34] + 2]),
        line_words, "line:")
    put(offsets[1:] - 1, shape_tokens, "shape:")
    ids &= _MASK
    return ids, offsets


_WORD_SEEDS = tuple(_SEED[f"{j}:"] for j in range(4))


def _token_ids_by_line(words: list[bytes], n_words: np.ndarray, first_word: np.ndarray, shape_tokens: list[bytes]):
    """`_token_ids` one line at a time, in the order of `sparse_tokens`."""
    crc32 = zlib.crc32
    last, bi, whole, shape = _SEED["last:"], _SEED["bi:"], _SEED["line:"], _SEED["shape:"]
    ids: list[int] = []
    offsets = [0]
    for start, count, shape_token in zip(first_word.tolist(), n_words.tolist(), shape_tokens, strict=True):
        own = words[start: start + count]
        ids += map(crc32, own[:4], _WORD_SEEDS)
        if count:
            ids.append(crc32(own[-1], last))
            if count >= 2:
                ids.append(crc32(own[0] + b" " + own[1], bi))
            if count <= 4:
                ids.append(crc32(b" ".join(own), whole))
        ids.append(crc32(shape_token, shape))
        offsets.append(len(ids))
    return np.array(ids, dtype=np.int64) & _MASK, np.array(offsets, dtype=np.int64)


def _batch_by_line(stripped: list[str], lex: Lexicon) -> _Batch:
    """The same as `_batch`, one line at a time with `intrinsic` (for what `_batch` cannot do)."""
    n = len(stripped)
    own = np.zeros((n, len(INTRINSIC_NAMES)))
    ids: list[int] = []
    offsets = [0]
    for i, text in enumerate(stripped):
        vec, tokens = intrinsic(text, lex)
        own[i] = vec
        ids.extend(_hash(t) for t in tokens)
        offsets.append(len(ids))
    return _Batch(
        own,
        np.asarray(ids, dtype=np.int64),
        np.asarray(offsets, dtype=np.int64),
        [_shape(t)[:6] for t in stripped],
        [_normalise(t) for t in stripped],
    )


class FeatureExtractor:
    """`document` for one lexicon, with what it learns kept for the next documents.

    It keeps the lexicon's derived tables, and a bounded cache of the own features of lines of up
    to 200 characters, keyed by the line (crawled pages repeat their menus, footers and bylines;
    about 1.2 KB a line, so some 12 MB at the default bound, after which the cache starts over).
    The caches hold only results that do not depend on the document, so they never change an
    output; they are dicts of values never changed once stored, so one extractor may serve many
    threads. `max_cached_lines=0` turns the line cache off.
    """

    def __init__(self, lex: Lexicon, max_cached_lines: int = 10_000):
        self.lex = lex
        self._tables = _Tables(lex)
        self._max_lines = max_cached_lines
        self._lines: dict[str, tuple] = {}
        self._chars: dict[int, tuple] = {}  # non-ASCII characters met, and what they are

    def document(self, lines: list[str], blank_before: list[bool], blank_after: list[bool]) -> DocFeatures:
        """Features of a document's non-blank lines (given in order, with their blank-line neighbours)."""
        return _document(lines, blank_before, blank_after, self._tables, self)

    def _intrinsic(self, stripped: list[str]) -> _Batch:
        if len(self._chars) > 100_000:
            self._chars.clear()
        return _intrinsic_batch(stripped, self._tables, self._chars)


# Measured costs, in characters' worth: a line at a time costs _LINE_COST plus its characters, a
# batch _BATCH_COST plus a little per character. Fewer lines than that go one at a time.
_BATCH_COST = 800
_LINE_COST = 60


# Characters batched at once: the batch holds some 60 bytes per character while it works.
_CHUNK_CHARS = 1 << 20


def _line_keys(stripped: list[str]) -> tuple[list[str | None], list[bool]]:
    """Per line, its opening pair of words (lead_repeats counts the lines sharing it; None for a
    line that does not open with two words) and whether a date starts a long line (date_lead)."""
    leads = [" ".join(t[:LEAD_CHARS].lower().split()[:2]) for t in stripped]
    leads = [k if k.count(" ") == 1 else None for k in leads]
    search = _DATE.search
    dates = [t.count(" ") >= DATE_LEAD_MIN_WORDS and search(t, 0, DATE_LEAD_CHARS) is not None for t in stripped]
    return leads, dates


def _intrinsic_batch(stripped: list[str], tables: _Tables, char_cache: dict | None) -> _Batch:
    """`intrinsic` of each stripped line (and its `_line_keys`): batched (in chunks of lines), and
    line at a time for the lines the batch cannot do exactly."""
    batch = _own_batch(stripped, tables, char_cache)
    batch.leads, batch.date_leads = _line_keys(stripped)
    return batch


def _own_batch(stripped: list[str], tables: _Tables, char_cache: dict | None) -> _Batch:
    n = len(stripped)
    lens = np.fromiter(map(len, stripped), dtype=np.int64, count=n)
    ends = np.cumsum(lens)
    total = int(ends[-1]) if n else 0
    if _LINE_COST * n + total < _BATCH_COST or not all(stripped):
        return _batch_by_line(stripped, tables.lex)  # (a blank line fails as the definition does)
    if total <= _CHUNK_CHARS:
        return _chunk(stripped, tables, char_cache)
    # Each chunk ends with the line that reaches the next multiple of _CHUNK_CHARS.
    cuts = np.searchsorted(ends, np.arange(_CHUNK_CHARS, total, _CHUNK_CHARS)) + 1
    bounds = [0, *sorted(set(np.clip(cuts, 1, n - 1).tolist())), n]
    return _merge(n, [
        (list(range(lo, hi)), _chunk(stripped[lo:hi], tables, char_cache)) for lo, hi in zip(bounds, bounds[1:])
    ])


def _chunk(stripped: list[str], tables: _Tables, char_cache: dict | None) -> _Batch:
    n = len(stripped)
    joined = "\n".join(stripped)
    slow: set[int] = set()
    if joined.count("\n") != n - 1:
        slow = {i for i, text in enumerate(stripped) if "\n" in text}
    parts = []
    for _ in range(3):  # over-long lines come out first, then lines with exotic characters
        fast_rows = [i for i in range(n) if i not in slow]
        if not fast_rows:
            break
        fast = [stripped[i] for i in fast_rows] if slow else stripped
        result = _batch(fast, "\n".join(fast) if slow else joined, tables, char_cache)
        if isinstance(result, _Batch):
            if not slow:
                return result
            parts.append((fast_rows, result))
            break
        slow.update(fast_rows[i] for i in result)
    else:
        slow = set(range(n))
    slow_rows = sorted(slow)
    parts.append((slow_rows, _batch_by_line([stripped[i] for i in slow_rows], tables.lex)))
    return _merge(n, parts)


def _merge(n: int, parts: list[tuple[list[int], _Batch]]) -> _Batch:
    """One batch of n lines from batches of some of them (with their line numbers)."""
    own = np.empty((n, len(INTRINSIC_NAMES)))
    sizes = np.empty(n, dtype=np.int64)
    shapes: list = [None] * n
    normalised: list = [None] * n
    for rows, batch in parts:
        own[rows] = batch.own
        sizes[rows] = np.diff(batch.offsets)
        for k, i in enumerate(rows):
            shapes[i] = batch.shapes[k]
            normalised[i] = batch.normalised[k]
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    ids = np.empty(int(offsets[-1]), dtype=np.int64)
    for rows, batch in parts:
        counts = np.diff(batch.offsets)
        ids[np.repeat(offsets[rows] - batch.offsets[:-1], counts) + np.arange(len(batch.ids))] = batch.ids
    return _Batch(own, ids, offsets, shapes, normalised)


def _nonzero(flags: np.ndarray) -> np.ndarray:
    return flags.nonzero()[0]


def _document(lines, blank_before, blank_after, tables: _Tables, extractor: FeatureExtractor | None) -> DocFeatures:
    n = len(lines)
    if n == 0:
        return DocFeatures(np.zeros((0, len(DENSE_NAMES))), np.zeros(0, np.int64), np.zeros(1, np.int64), np.zeros(0))
    stripped = list(map(str.strip, lines))
    if extractor is None:
        batch = _intrinsic_batch(stripped, tables, None)
    elif extractor._max_lines <= 0:
        batch = extractor._intrinsic(stripped)
    else:
        batch = _cached(stripped, extractor)
    own, ids, offsets, shapes, normalised = batch.own, batch.ids, batch.offsets, batch.shapes, batch.normalised
    leads, date_leads = batch.leads, batch.date_leads

    # The context columns, as the line-at-a-time definition computes them (the same numpy calls
    # where floating point functions are involved).
    lengths = np.fromiter(map(len, stripped), dtype=np.float64, count=n)
    context = np.zeros((n, len(CONTEXT_NAMES)))
    positions = np.arange(n)
    context[:, 0] = positions / max(n - 1, 1)
    context[:, 1] = (n - 1 - positions) / max(n - 1, 1)
    context[:, 2] = math.log1p(n)
    context[:, 3] = _log_repeats(normalised)
    context[:, 4] = _flags(blank_before)
    context[:, 5] = _flags(blank_after)
    prose = own[:, _COL["is_prose"]] > 0
    _prose_columns(context, prose, positions)
    context[:, 11] = lengths / lengths.max()
    context[0, 12] = 1.0
    context[n - 1, 13] = 1.0
    # The context shape is the shape of the line as given (the stripped one's unless it has edges).
    if lines != stripped:
        shapes = list(shapes)
        for i, (text, bare) in enumerate(zip(lines, stripped, strict=True)):
            if text != bare:
                shapes[i] = _shape(text)[:6]
    same_shape = _flags(list(map(operator.eq, shapes[1:], shapes[:-1])))
    context[1:, 14] = same_shape
    context[:-1, 15] = same_shape
    seen = _nonzero(prose & (own[:, _COL["has_dateline"]] > 0))
    if len(seen):
        context[seen[0]:, 16] = 1.0
    # Some scrapers store a paragraph together with the rest of the article glued after it, then
    # the paragraph alone: the long copy starts like the next line and is chrome.
    candidates = (lengths[:-1] >= HEAD_CHARS) & (lengths[1:] >= HEAD_CHARS) & (lengths[:-1] > 1.5 * lengths[1:])
    for i in _nonzero(candidates).tolist():
        if stripped[i][:HEAD_CHARS] == stripped[i + 1][:HEAD_CHARS]:
            context[i, 17] = 1.0
            context[i + 1, 18] = 1.0
    context[:, 19] = _log_repeats(leads)  # lines without an opening pair (None) count once: log 1 = 0
    context[:, 20] = _flags(date_leads)
    return DocFeatures(_with_neighbours(own, context), ids, offsets, lengths)


def _prose_columns(context: np.ndarray, prose: np.ndarray, positions: np.ndarray) -> None:
    """in_prose_region, before_prose, after_prose and the prose windows of 3 and 8 lines."""
    n = len(prose)
    prose_at = _nonzero(prose)
    first_prose, last_prose = (prose_at[0], prose_at[-1]) if len(prose_at) else (n, -1)
    context[first_prose: last_prose + 1, 6] = 1.0
    context[:, 7] = np.log1p(np.maximum(first_prose - positions, 0))
    context[:, 8] = np.log1p(np.maximum(positions - last_prose, 0))
    cumulative = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(prose, out=cumulative[1:])
    # Both windows at once: integer counts, divided (exact, like one window at a time).
    lo = np.maximum(positions[:, None] - _PROSE_RADII, 0)
    hi = np.minimum(positions[:, None] + _PROSE_RADII + 1, n)
    context[:, 9:11] = (cumulative[hi] - cumulative[lo]) / (hi - lo)


# The prose windows' radii, lines each way (prose_window_3, prose_window_8).
_PROSE_RADII = np.array([3, 8])
_PROSE_RADII.flags.writeable = False


def _flags(values):
    """Flags for a float column: a list of Python bools (ints) read through bytes, several times
    faster than numpy's conversion of a list; anything else as it is."""
    if type(values) is list:
        try:
            return np.frombuffer(bytes(values), dtype=np.uint8)
        except (TypeError, ValueError):  # not all small ints: numpy converts them
            pass
    return values


def _log_repeats(keys: list) -> np.ndarray:
    """Per key, the log of the number of times it occurs in keys (a None key counts once)."""
    counts = Counter(keys)
    counts[None] = 1
    top = max(counts.values())
    repeats = np.fromiter(map(counts.__getitem__, keys), dtype=np.intp, count=len(keys))
    return (_LOG_COUNTS if top < len(_LOG_COUNTS) else _log_counts(top))[repeats]


def _with_neighbours(own: np.ndarray, context: np.ndarray) -> np.ndarray:
    """The dense matrix: own features, context, then for each neighbour offset its own features
    and whether it exists (zeros past the document's edges)."""
    n, width = own.shape
    reach = max(map(abs, NEIGHBOUR_OFFSETS))
    padded = np.zeros((n + 2 * reach, width + 1))
    padded[reach: reach + n, :width] = own
    padded[reach: reach + n, width] = 1.0
    neighbours = [padded[reach + offset: reach + offset + n] for offset in NEIGHBOUR_OFFSETS]
    return np.concatenate([own, context, *neighbours], axis=1)


def _log_counts(top: int) -> np.ndarray:
    return np.array([0.0] + [math.log(k) for k in range(1, top + 1)])


# Counts of a line or of a lead pair in one document; larger ones (rare) get their own table.
_LOG_COUNTS = _log_counts(63)
_LOG_COUNTS.flags.writeable = False


# Lines the cache keeps: menus, footers, bylines and the like repeat across pages, paragraphs
# hardly ever (in the corpus, 3 of 1177 repeated lines are longer).
_CACHED_CHARS = 200


def _cached(stripped: list[str], extractor: FeatureExtractor) -> _Batch:
    """The lines' own features from the extractor's line cache where it has them; the rest
    computed in one batch and remembered."""
    cache = extractor._lines
    entries = list(map(cache.get, stripped))
    missing = entries.count(None)
    if missing:
        todo = list(dict.fromkeys(compress(stripped, map(operator.not_, entries))))
        batch = extractor._intrinsic(todo)
        fresh = _entries(todo, batch)
        keep = [entry for entry in fresh if len(entry[0]) <= _CACHED_CHARS]
        if 0 < len(keep) <= extractor._max_lines:
            if len(cache) + len(keep) > extractor._max_lines:
                cache.clear()
            cache.update(keep)
        if missing == len(stripped):  # nothing was cached: all from the batch
            if len(todo) == len(stripped):
                return batch
            return _take(batch, list(map(dict(zip(todo, range(len(todo)))).__getitem__, stripped)))
        fresh = dict(fresh)
        for k in list(compress(range(len(entries)), map(operator.not_, entries))):  # the few lines not cached
            entries[k] = fresh[stripped[k]]
    rows, tokens, shapes, normalised, leads, date_leads = zip(*entries)
    # The entries hold bytes: joined and read as one array each, much faster than concatenating
    # hundreds of small arrays.
    sizes = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens)) // _ID_BYTES
    offsets = np.zeros(len(tokens) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    own = np.frombuffer(b"".join(rows)).reshape(len(rows), len(INTRINSIC_NAMES))  # read-only, as cached
    ids = np.frombuffer(bytearray(b"".join(tokens)), dtype=np.int64)  # writeable: the caller's to keep
    return _Batch(own, ids, offsets, list(shapes), list(normalised), list(leads), list(date_leads))


# Bytes of a token id and of a row of own features, as the cache keeps them.
_ID_BYTES = np.dtype(np.int64).itemsize
_ROW_BYTES = np.dtype(np.float64).itemsize * len(INTRINSIC_NAMES)


def _entries(texts: list[str], batch: _Batch) -> list[tuple[str, tuple]]:
    """(line, its cache entry) for the lines of a batch.  An entry holds its row of own features
    and its token ids as bytes: immutable, so threads may share them, and independent of the
    batch, which is not kept alive by them."""
    own = batch.own.tobytes()
    rows = map(own.__getitem__, map(slice, range(0, len(own), _ROW_BYTES), range(_ROW_BYTES, len(own) + 1, _ROW_BYTES)))
    ids = batch.ids.tobytes()
    bounds = (batch.offsets * _ID_BYTES).tolist()
    tokens = map(ids.__getitem__, map(slice, bounds[:-1], bounds[1:]))
    return list(zip(texts, zip(rows, tokens, batch.shapes, batch.normalised, batch.leads, batch.date_leads)))


def _take(batch: _Batch, index: list[int]) -> _Batch:
    """The batch of lines batch[index[0]], batch[index[1]], ..."""
    counts = np.diff(batch.offsets)[index]
    offsets = np.zeros(len(index) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    within = np.arange(int(offsets[-1])) - np.repeat(offsets[:-1], counts)
    ids = batch.ids[np.repeat(batch.offsets[index], counts) + within]
    shapes = list(map(batch.shapes.__getitem__, index))
    normalised = list(map(batch.normalised.__getitem__, index))
    leads = list(map(batch.leads.__getitem__, index))
    date_leads = list(map(batch.date_leads.__getitem__, index))
    return _Batch(batch.own[index], ids, offsets, shapes, normalised, leads, date_leads)


def document(lines: list[str], blank_before: list[bool], blank_after: list[bool], lex: Lexicon) -> DocFeatures:
    """Features of a document's non-blank lines (given in order, with their blank-line neighbours).

    For many documents, hold a `FeatureExtractor` instead: it works out the lexicon's tables once
    and remembers lines it has seen.
    """
    return _document(lines, blank_before, blank_after, _Tables(lex), None)
