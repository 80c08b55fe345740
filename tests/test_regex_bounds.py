"""Bounded regex work: adversarial lines must not make any pattern backtrack catastrophically.

These are guards, not benchmarks: every call below takes milliseconds, and a pattern that turns
quadratic or exponential on one of these shapes takes seconds to hours.  The shapes are the ones
that hurt backtracking engines: long runs of what a quantifier accepts (spaces, dashes, digits,
commas, letters), almost-matches repeated (dates, datelines, bylines, `Baca juga`), nesting, and
each of those behind the prefixes that anchored patterns look for.
"""

from __future__ import annotations

import time

import pytest

from cleaner import Cleaner, features, fields, lexicon
from cleaner.decode import decode
from cleaner.fixtures import LABELS

# Seconds one call may take.  Measured: a few to 80 ms for every case here.
LIMIT = 2.0
N = 100_000

UNITS = {
    "spaces": " ",
    "tabs-and-spaces": " \t",
    "nbsp": "\u00a0",
    "dashes": "-",
    "dash-space": "- ",
    "em-dashes": "—",
    "digits": "1",
    "digit-space": "1 ",
    "commas": ",",
    "comma-space": ", ",
    "dots": ".",
    "slashes": "/",
    "pipes": "| ",
    "colons": ":",
    "a": "a",
    "A": "A",
    "Aa-word": "Aa ",
    "A-dot": "A.",
    "open-parens": "(",
    "nested-parens": "((a)",
    "paren-slash": "(a/",
    "brackets": "[",
    "quotes": "“",
    "emoji": "😀",
    "baca-juga": "Baca juga: ",
    "date": "16 Oktober 2024 ",
    "date-no-year": "16 Oktober ",
    "numeric-date": "1/1/2024 ",
    "numeric-date-broken": "1/1/",
    "iso-date": "2024-10-16T",
    "time": "12:30 ",
    "time-zone": "12.30 WIB ",
    "relative": "2 jam yang ",
    "dateline": "JAKARTA, ",
    "dateline-media": "KOMPAS.com - ",
    "domain": "a.co",
    "domain-dots": "Kompas.com.",
    "byline": "Reporter: Nama, ",
    "laporan": "Laporan Wartawan ",
    "team": "Tim ",
    "code": "(nvc/",
    "upper-dash": "AB-",
    "mixed": "A-1/2, (b) ",
}


def _repeat(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _line(unit: str, size: int = N) -> str:
    """A non-blank line of `size` characters made of `unit` (framed by letters if `unit` is blank)."""
    text = _repeat(unit, size)
    return text if text.strip() else "a" + text[2:] + "b"


def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


@pytest.fixture(scope="module")
def lex():
    return lexicon.load()


@pytest.mark.parametrize("unit", UNITS.values(), ids=UNITS.keys())
def test_features_bounded(unit, lex):
    long = _line(unit)
    lines = [long, long[:1000], "Baca juga: " + long, "JAKARTA, KOMPAS.com - " + long]
    seconds, feats = timed(features.document, lines, [True] * 4, [True] * 4, lex)
    assert seconds < LIMIT, f"features.document took {seconds:.1f} s on {unit!r} * {N}"
    assert len(feats.dense) == 4


PREFIXES = (
    "", "Baca juga: ", "JAKARTA, KOMPAS.com - ", "Jakarta (ANTARA) - ", "Liputan6.com, ", "Penulis: ",
    "Editor ", "Laporan Wartawan Tribunnews.com, ", "Rabu, 16 Oktober 2024 | ", "16 ", "(", "Tim ",
)


@pytest.mark.parametrize("unit", UNITS.values(), ids=UNITS.keys())
def test_fields_bounded(unit):
    worst = 0.0, ""
    for prefix in PREFIXES:
        for size in (1000, N):
            text = prefix + _line(unit, size)
            # Each label reaches other patterns: title (site suffix), meta (dates, bylines, deck),
            # body (dateline on the first line, byline glued to the last), caption, chrome (header zone).
            lines = [(text, label) for label in LABELS] + [(text, "meta"), ("Judul", "title"), (text, "body")]
            seconds, _ = timed(fields.extract, lines)
            seconds += timed(fields.strip_dateline, text)[0]
            worst = max(worst, (seconds, f"{prefix!r} + {unit!r} * {size}"))
    assert worst[0] < LIMIT, f"fields took {worst[0]:.1f} s on {worst[1]}"


@pytest.mark.parametrize("unit", UNITS.values(), ids=UNITS.keys())
def test_decode_bounded(unit):
    text = _repeat(unit, N) + "\r\n" + _repeat(unit + "\r", N)
    seconds, _ = timed(decode, text.encode("utf-8"))
    assert seconds < LIMIT


def test_whole_pipeline_bounded_on_a_document_of_adversarial_lines():
    # Every shape at once, 1000 characters a line, with blank lines between: one document.
    lines = [_line(unit, 1000) for unit in UNITS.values()]
    doc = "\n\n".join(lines * 3)
    seconds, article = timed(Cleaner().clean, doc)
    assert seconds < 5 * LIMIT
    assert len(article.lines) == len(doc.split("\n"))


def test_the_guard_can_fail():
    # The bound is real: a pattern that backtracks catastrophically blows it on a short input.
    import re

    evil = re.compile(r"^(a+)+$")
    seconds, _ = timed(evil.match, "a" * 24 + "!")
    assert seconds > LIMIT / 100  # tens of milliseconds already at 25 characters; hours at 60


def test_dates_of_a_line_are_found_in_linear_time():
    # Regression: `fields._stamps` checked each date against every date found before it (quadratic:
    # 1.6 s for 3000 dates, 10 ms for a 1000-character meta line of them; now 0.07 s and 1.5 ms).
    line = "1/1/2024 " * 3000
    seconds, stamps = timed(fields._stamps, line)
    assert len(stamps) == 3000
    assert seconds < 0.5
    # ... and a document whose meta lines are all dates stays in milliseconds a line.
    meta = [(line[:1000], "meta")] * 200
    seconds, found = timed(fields.extract, meta)
    assert found.published == "2024-01-01" and seconds < LIMIT
