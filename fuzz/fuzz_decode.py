"""Fuzz target: bytes -> `cleaner.decode.decode` (encodings, BOMs, NUL bytes, line endings).

Expected: text, or `NotTextError`.  Anything else raised, or text that breaks the contract below,
is a crash.  Run for 10 minutes (see fuzz/README.md):

    python fuzz/fuzz_decode.py -max_total_time=600 -timeout=10 -rss_limit_mb=4096 fuzz/corpus-decode
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import fixture_seeds, instrumented, run  # noqa: E402

with instrumented():
    from cleaner.decode import NotTextError, decode
    from cleaner.segment import segment_text


def test_one_input(data: bytes) -> None:
    try:
        text = decode(data)
    except NotTextError as err:
        assert str(err).startswith("not text"), err
        return
    assert isinstance(text, str)
    assert "\r" not in text, "line endings not normalised"
    text.encode("utf-8")  # writable: no lone surrogates
    # The str path agrees with the bytes path, and line splitting covers the text exactly.
    assert decode(text.lstrip("\ufeff")) == text.lstrip("\ufeff")
    seg = segment_text(text)
    assert "\n".join(seg.lines) == text
    assert all(seg.lines[i].strip() for i in seg.content)


if __name__ == "__main__":
    run(test_one_input, fixture_seeds())
