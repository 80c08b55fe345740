"""The DOM features' fast path (whole columns in numpy, one look-up per distinct line context, the sparse
ids gathered in numpy) computes what the plain line-by-line definition below computes, cell for cell."""

from __future__ import annotations

import numpy as np
import pytest

from cleaner import Cleaner, Config
from cleaner import domfeatures as D
from cleaner import html as H

from .conftest import FIXTURES
from .test_html import PAGE

HTML_FIXTURES = sorted((FIXTURES / "html").rglob("*.html"))


def _reference(extractor: D.DomFeatureExtractor, page: H.Page):
    """DOM_NAMES and the sparse ids of a page, one line at a time in Python floats."""
    lines = page.lines
    n = len(lines)
    text = extractor.text.document([ln.text for ln in lines], [i == 0 for i in range(n)],
                                   [i == n - 1 for i in range(n)])
    scores: dict[int, float] = {}
    for ln in lines:
        t = ln.text
        if len(t) >= D.CONTENT_MIN_CHARS and ln.link_chars <= D.CONTENT_MAX_LINK_SHARE * len(t):
            score = 1.0 + t.count(",") + min(len(t) / 100.0, 3.0)
            scores[ln.parent] = scores.get(ln.parent, 0.0) + score
            scores[ln.grandparent] = scores.get(ln.grandparent, 0.0) + score / 2
    candidates = [(s, -e) for e, s in scores.items() if e in page.spans]
    first, end = page.spans[-max(candidates)[1]] if candidates else (0, n)
    best = max(scores.values(), default=0.0) or 1.0
    max_depth = max((ln.depth for ln in lines), default=0) or 1.0
    total = sum(len(ln.text) for ln in lines) or 1.0
    col = {name: i for i, name in enumerate(D.DOM_NAMES)}
    dom = np.zeros((n, len(D.DOM_NAMES)))
    ids: list[int] = []
    offsets = [0]
    before = 0
    for i, ln in enumerate(lines):
        size, share = len(ln.text), ln.link_chars / max(len(ln.text), 1)
        siblings = [o for o in lines if o.parent == ln.parent]
        row = {
            "log_depth": np.log1p(ln.depth), "depth_share": ln.depth / max_depth, "link_share": share,
            "all_link": share >= 0.9, "log_position_elements": max(ln.element, 0) / max(page.elements, 1),
            "no_tokens": not ln.tokens, "in_main": first <= i < end, "before_main": np.log1p(max(first - i, 0)),
            "after_main": np.log1p(max(i - end + 1, 0)), "parent_score_share": scores.get(ln.parent, 0.0) / best,
            "parent_link_share": sum(o.link_chars for o in siblings) / max(sum(len(o.text) for o in siblings), 1),
            "log_siblings": np.log1p(len(siblings) - 1),
            "same_parent_prev": i > 0 and lines[i - 1].parent == ln.parent,
            "same_parent_next": i < n - 1 and lines[i + 1].parent == ln.parent, "char_position": before / total,
        }
        for name, value in row.items():
            dom[i, col[name]] = value
        before += size
        cells, own_ids = extractor._of_line(ln.tag, ln.tokens, ln.contexts)
        dom[i, cells] = 1.0
        ids += text.sparse_ids[text.sparse_offsets[i]:text.sparse_offsets[i + 1]].tolist() + own_ids.tolist()
        offsets.append(len(ids))
    return np.hstack([text.dense, dom]), ids, offsets


def _pages():
    yield H.read_page(PAGE)
    yield H.read_page("<html><body></body></html>")
    yield H.read_page("<html><body>" + "".join(f"<div class='k{i % 4}'><p>Baris {i}, satu, dua, tiga, empat lima"
                                               f" enam.</p><a href=#>tautan {i}</a></div>" for i in range(40))
                      + "</body></html>")
    for path in HTML_FIXTURES:
        yield H.read_page(path.read_bytes())


@pytest.fixture(scope="module")
def extractor() -> D.DomFeatureExtractor:
    cleaner = Cleaner(config=Config(input_format="html"))
    cleaner.clean(PAGE)
    return cleaner._dom_features


@pytest.mark.parametrize("index", range(3 + len(HTML_FIXTURES)))
def test_page_features_equal_the_line_by_line_definition(extractor, index):
    page = list(_pages())[index]
    feats = extractor.page(page)
    dense, ids, offsets = _reference(extractor, page)
    np.testing.assert_array_equal(feats.dense, dense)
    assert feats.sparse_ids.tolist() == ids and feats.sparse_offsets.tolist() == offsets
    assert feats.sparse_ids.dtype == np.int64 and feats.sparse_offsets.dtype == np.int64
