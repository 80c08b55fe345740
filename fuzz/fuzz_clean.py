"""Fuzz target: bytes -> `cleaner.clean` (decoding, line splitting, features, model, fields).

Expected: an Article, or the documented `NotTextError` / `InputTooLargeError`.  Anything else raised
is a crash, and so is an Article that invents or edits text: every input line must come back as
one `Line`, and the body must be some of those lines, in order (of a glued line, its body spans).  Run for 10 minutes:

    python fuzz/fuzz_clean.py -max_total_time=600 -timeout=10 -rss_limit_mb=4096 fuzz/corpus-clean
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy  # noqa: E402,F401  -- imported before instrumenting: not ours, and large
from harness import fixture_seeds, instrumented, run  # noqa: E402

with instrumented():
    from cleaner import Cleaner, Config, InputTooLargeError, NotTextError
    from cleaner.decode import decode

CLEANER = Cleaner(config=Config(max_bytes=1 << 20))
STRIPPING = Cleaner(model=CLEANER.model, config=Config(strip_dateline=True, max_bytes=1 << 20))


def _document(data: bytes) -> bytes | str:
    """The first byte picks how the rest reaches `clean`: as bytes, or as a str (the library takes both)."""
    mode, payload = (data[0] % 3, data[1:]) if data else (0, data)
    if mode == 1:
        return payload.decode("utf-8", "surrogateescape")  # may hold lone surrogates
    if mode == 2:
        return payload.decode("latin-1")  # any code point below 256, controls included
    return payload


def _kept(line) -> str:
    """A body line as printed: the input line, or a glued line's body spans, each unchanged."""
    if not line.spans:
        return line.text
    assert "".join(t for t, _, _ in line.spans) == line.text, "spans do not tile their line"
    kept = "".join(t for t, label, _ in line.spans if label == "body")
    return kept.rstrip() if line.spans[-1][1] != "body" else kept


def test_one_input(data: bytes) -> None:
    doc = _document(data)
    try:
        article = CLEANER.clean(doc)
    except (NotTextError, InputTooLargeError):
        return
    lines = decode(doc).split("\n")
    assert [ln.text for ln in article.lines] == lines, "lines changed"
    body = article.body.split("\n") if article.body else []
    kept = [ln for ln in article.lines if ln.label == "body"]
    assert body == [_kept(ln) for ln in kept], "body is not its body lines (or their body spans)"
    it = iter(lines)
    assert all(any(ln.text == line for line in it) for ln in kept), "body line not in the input, or out of order"
    assert all(0.0 <= ln.score <= 1.0 for ln in article.lines), "score outside [0, 1]"
    stripped = STRIPPING.clean(doc).body.split("\n")
    plain = article.body.split("\n")
    assert stripped[1:] == plain[1:] and plain[0].endswith(stripped[0]), "strip_dateline edited the body"


if __name__ == "__main__":
    run(test_one_input, fixture_seeds())
