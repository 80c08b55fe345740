"""Fuzz target: bytes -> the HTML path (`cleaner.html` detection, decoding, parsing, segmentation, the
HTML model and page metadata).

Expected: an Article, or the documented `NotTextError` / `InputTooLargeError`.  Anything else raised
is a crash, and so is a body line that is not one of the page's segmented lines.  Run for 10 minutes:

    python fuzz/fuzz_html.py -max_total_time=600 -timeout=10 -rss_limit_mb=4096 /tmp/cleaner-fuzz/html
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy  # noqa: E402,F401  -- imported before instrumenting: not ours, and large
from harness import REPO, instrumented, run  # noqa: E402

with instrumented():
    from cleaner import Cleaner, Config, InputTooLargeError, NotTextError
    from cleaner.html import looks_like_html

CLEANER = Cleaner(config=Config(input_format="html", max_bytes=1 << 20))

# Openings that make the rest of the input a page, so mutations exercise parsing, not detection.
PREFIXES = (b"", b"<!DOCTYPE html><html><body>", b"<html><head><meta charset='windows-1252'></head><body><div>")


def html_seeds() -> list[bytes]:
    return [p.read_bytes()[:4096] for p in sorted((REPO / "fixtures").rglob("*.html"))]


def test_one_input(data: bytes) -> None:
    prefix, payload = (PREFIXES[data[0] % len(PREFIXES)], data[1:]) if data else (b"", data)
    doc = prefix + payload
    looks_like_html(doc)  # never raises
    try:
        article = CLEANER.clean(doc)
    except (NotTextError, InputTooLargeError):
        return
    texts = [ln.text for ln in article.lines]
    assert all("\n" not in t for t in texts), "a segmented line holds a newline"
    body = article.body.split("\n") if article.body else []
    it = iter(texts)
    assert all(any(b == t for t in it) for b in body), "body line not among the page's lines, or out of order"
    assert all(0.0 <= ln.score <= 1.0 for ln in article.lines), "score outside [0, 1]"


if __name__ == "__main__":
    run(test_one_input, html_seeds())
