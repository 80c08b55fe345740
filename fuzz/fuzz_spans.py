"""Fuzz target: a line -> `cleaner.spans.split` and `remove` (the splitter of glued text).

Expected: spans that tile the line exactly (joined, they give it back), and a removal that keeps
every other character as it was.  Anything raised is a crash.  Run for 10 minutes (fuzz/README.md):

    python fuzz/fuzz_spans.py -max_total_time=600 -timeout=10 -rss_limit_mb=4096 /tmp/cleaner-fuzz/spans
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import fixture_seeds, instrumented, run  # noqa: E402

with instrumented():
    from cleaner.spans import remove, split, texts


def _line(data: bytes) -> str:
    # Glued text is one line: its paragraphs' newlines are what the crawl lost.
    return data.decode("utf-8", "replace").replace("\n", " ").replace("\r", " ")


def test_one_input(data: bytes) -> None:
    line = _line(data)
    spans = split(line)
    assert "".join(texts(line, spans)) == line, "spans do not give the line back"
    if not line:
        assert spans == []
        return
    assert spans[0].start == 0 and spans[-1].end == len(line), "spans do not cover the line"
    assert all(a.end == b.start for a, b in zip(spans, spans[1:])), "spans overlap or leave a gap"
    assert all(s.start < s.end for s in spans), "empty span"
    # Drop a pattern of spans chosen by the input itself: what stays is the kept spans, unchanged.
    drop = [bool((data[i % len(data)] >> (i % 8)) & 1) for i in range(len(spans))]
    out = remove(line, spans, drop)
    kept = "".join(t for t, d in zip(texts(line, spans), drop) if not d)
    assert kept.startswith(out) and not kept[len(out):].strip(), "removal edited a kept span"


if __name__ == "__main__":
    run(test_one_input, fixture_seeds())
