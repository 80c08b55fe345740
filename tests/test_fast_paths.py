"""The fast paths of inference compute what their plain definitions compute.

Each speed-up (tables built a column at a time, the second stage scored block by block, products
in row blocks, counts in C) is checked here against the straightforward code it replaces.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from cleaner import Config, lexicon
from cleaner import features as F
from cleaner import model as M
from cleaner.core import Cleaner, default_model
from cleaner.decode import NotTextError, decode
from cleaner.fixtures import iter_docs
from cleaner.segment import segment_lines

from .conftest import FIXTURES

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def test_static_character_tables_match_the_per_character_definition():
    codes = [c for lo, hi in F._STATIC_RANGES for c in range(lo, hi)]
    kept = [c for c in codes if not F._char_info(c)[0] & F._C_EXOTIC]
    assert F._STATIC_CODES == kept
    for got, want in zip(F._STATIC_TABLES, F._class_tables([F._char_info(c) for c in kept]), strict=True):
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


def test_character_tables_beyond_the_static_ranges():
    # Greek (final sigma), Turkish dotted/dotless i, Kelvin sign, ligatures, fullwidth forms, emoji.
    codes = [*range(0x370, 0x400), 0x130, 0x131, 0x17F, 0x212A, 0xFB00, 0xFB01, *range(0xFF00, 0xFF70), 0x1F600]
    exotic, tables = F._char_tables(codes)
    infos = [F._char_info(c) for c in codes]
    np.testing.assert_array_equal(exotic, [bool(i[0] & F._C_EXOTIC) for i in infos])
    for got, want in zip(tables, F._class_tables(infos), strict=True):
        np.testing.assert_array_equal(got, want)


def _docs(limit: int = 12):
    return list(iter_docs(FIXTURES))[:limit]


def _features(doc):
    seg = segment_lines(doc.lines)
    return F.FeatureExtractor(lexicon.load()).document(seg.content_lines, list(seg.blank_before),
                                                       list(seg.blank_after))


def test_blockwise_second_stage_equals_the_stacked_matrix():
    model = default_model()
    assert model._blocks is not None  # the shipped model has the stacked layout
    for doc in _docs():
        feats = _features(doc)
        first = M.softmax(model.first.logits(feats.dense, feats.sparse_ids, feats.sparse_offsets))
        stacked = M.stack_features(first, feats.dense)
        want = M.softmax(model.second.logits(stacked, feats.sparse_ids[:0], feats.sparse_offsets))
        np.testing.assert_allclose(model.probabilities(feats), want, rtol=0, atol=1e-12)


def test_product_in_row_blocks(monkeypatch):
    rng = np.random.default_rng(0)
    dense, weights = rng.normal(size=(1000, 40)), rng.normal(size=(40, 5))
    monkeypatch.setattr(M, "BLAS_SINGLE_THREAD_WORK", 7 * 40 * 5)  # blocks of 7 rows, the last one short
    np.testing.assert_allclose(M._product(dense, weights), dense @ weights, rtol=0, atol=1e-12)
    assert M._product(dense[:0], weights).shape == (0, 5)


@pytest.mark.parametrize("sizes", [[3, 1, 4], [2, 0, 3, 0], [0], [1]])
def test_sparse_sums_with_and_without_lines_lacking_tokens(sizes):
    rng = np.random.default_rng(1)
    weights = rng.normal(size=(50, 5))
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    ids = rng.integers(0, 50, size=int(offsets[-1]))
    want = np.array([weights[ids[a:b]].sum(axis=0) for a, b in zip(offsets[:-1], offsets[1:])])
    np.testing.assert_allclose(M._sparse_sums(weights, ids, offsets), want, rtol=0, atol=1e-12)


def test_a_model_of_another_layout_is_scored_the_plain_way():
    model = default_model()
    second = M.Stage(model.second.mean[:-1], model.second.scale[:-1], model.second.w_dense[:-1],
                     model.second.w_sparse, model.second.bias)
    odd = M.Model(model.first, second, model.transitions, model.start, model.prior, model.prior_weight,
                  model.manifest)
    assert odd._blocks is None


def test_labels_do_not_depend_on_the_line_cache():
    cached = Cleaner(config=Config(glued=False))
    fresh = Cleaner(config=Config(glued=False))
    fresh._features = F.FeatureExtractor(fresh._lexicon, max_cached_lines=0)
    for doc in _docs(20) * 2:  # the second round reads short lines from the cache
        a, b = cached.clean(doc.text), fresh.clean(doc.text)
        assert [(ln.label, ln.score) for ln in a.lines] == [(ln.label, ln.score) for ln in b.lines]


def _pinned_bytes(extractor: F.FeatureExtractor) -> int:
    """Bytes of the rows and token ids the line cache keeps alive (for entries that are arrays,
    the arrays they are views of)."""
    bases = {}
    for row, tokens, *_ in extractor._lines.values():
        for arr in (row, tokens):
            if isinstance(arr, bytes):
                bases[id(arr)] = len(arr)
                continue
            base = arr.base if arr.base is not None else arr
            bases[id(base)] = base.nbytes
    return sum(bases.values())


def test_the_line_cache_keeps_no_long_lines_alive():
    # Pages of one short line each and hundreds of long paragraphs: only the short lines are
    # cached, so only they may stay in memory (kept as views of the whole batch, the long lines
    # stayed too: some 250 KB a page, gigabytes before the cache filled up).
    extractor = F.FeatureExtractor(lexicon.load())
    paragraph = "Harga beras di pasar desa naik lagi minggu ini kata warga setempat kepada wartawan. " * 3
    for page in range(50):
        lines = [f"Judul nomor {page}"] + [f"{paragraph}{page} {k}" for k in range(300)]
        extractor.document(lines, [False] * len(lines), [False] * len(lines))
    assert len(extractor._lines) == 50
    assert _pinned_bytes(extractor) < 50 * 2_000


def test_control_characters_are_counted_as_the_pattern_counts_them():
    # Just above and just below the share that makes input "not text", with other characters
    # (multi-byte ones, form feed, NEL, CR) that must not count.
    filler = "é—中\x0c\x85 kata " * 40
    n = len(filler)
    limit = int(0.01 * n) + 2
    for count, fails in ((limit, False), (limit + 3, True)):
        text = filler + "\x01" * count
        assert (len(_CONTROL.findall(text)) > 0.01 * len(text) + 2) == fails
        if fails:
            with pytest.raises(NotTextError):
                decode(text)
        else:
            assert decode(text) == text


def test_lone_surrogates_still_replaced():
    assert decode("a\udc80b é") == "a\ufffdb é"
    assert decode("é \ud800") == "é \ufffd"


@pytest.mark.parametrize("lines", [[], [""], ["a"], ["", "a", " ", "b", ""], ["a", "b"], [" \u3000", "x", "\t"]])
def test_segment_marks_blank_neighbours(lines):
    seg = segment_lines(lines)
    content = tuple(i for i, line in enumerate(lines) if line.strip())
    assert seg.content == content
    assert seg.blank_before == tuple(i == 0 or not lines[i - 1].strip() for i in content)
    assert seg.blank_after == tuple(i == len(lines) - 1 or not lines[i + 1].strip() for i in content)


def test_lexicon_patterns_compile_on_first_use_and_match_alike():
    lex = lexicon.load()
    for lazy in (lex.chrome, lex.nav, lex.meta, lex.caption):
        compiled = re.compile(lazy.pattern)
        assert lazy.flags == compiled.flags
        for text in ("baca juga: banjir", "home | berita", "foto: dok. istimewa", "tidak ada apa-apa"):
            assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in compiled.finditer(text)]
            got, want = lazy.search(text), compiled.search(text)
            assert (got.span() if got else None) == (want.span() if want else None)
