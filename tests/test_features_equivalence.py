"""The optimised feature extractor must give exactly the output of the frozen reference.

`tests/reference_features.py` is the straightforward implementation the shipped model was trained
with; `cleaner/features.py` is free to be fast, never to differ.
"""

from __future__ import annotations

import random
import re
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from cleaner import features, lexicon
from cleaner.fixtures import iter_docs
from cleaner.segment import segment_lines

from . import reference_features as reference
from .conftest import CORPUS, FIXTURES

LEX = lexicon.load()


def _assert_same(lines: list[str], blank_before=None, blank_after=None, extractor=None) -> None:
    blank_before = list(blank_before) if blank_before is not None else [False] * len(lines)
    blank_after = list(blank_after) if blank_after is not None else [False] * len(lines)
    want = reference.document(lines, blank_before, blank_after, LEX)
    if extractor is None:
        got = features.document(lines, blank_before, blank_after, LEX)
    else:
        got = extractor.document(lines, blank_before, blank_after)
    assert got.dense.shape == want.dense.shape
    assert got.dense.dtype == want.dense.dtype
    if not np.array_equal(got.dense, want.dense):
        bad = np.argwhere(~np.isclose(got.dense, want.dense, rtol=0, atol=1e-12))
        details = [(lines[i][:80], features.DENSE_NAMES[j], got.dense[i, j], want.dense[i, j]) for i, j in bad[:5]]
        assert len(bad) == 0, details
    np.testing.assert_array_equal(got.sparse_ids, want.sparse_ids)
    np.testing.assert_array_equal(got.sparse_offsets, want.sparse_offsets)
    assert got.sparse_ids.dtype == want.sparse_ids.dtype
    assert got.sparse_offsets.dtype == want.sparse_offsets.dtype
    np.testing.assert_array_equal(got.lengths, want.lengths)
    assert got.lengths.dtype == want.lengths.dtype


def _assert_doc(doc, extractor=None) -> None:
    seg = segment_lines(doc.lines)
    _assert_same(seg.content_lines, seg.blank_before, seg.blank_after, extractor)


def test_contract_unchanged():
    assert features.FEATURE_VERSION == reference.FEATURE_VERSION
    assert features.DENSE_NAMES == reference.DENSE_NAMES
    assert features.HASH_BUCKETS == reference.HASH_BUCKETS


def test_fixtures():
    docs = list(iter_docs(FIXTURES))
    assert docs
    for doc in docs:
        _assert_doc(doc)


def _corpus_docs() -> list:
    roots = [CORPUS / name for name in ("pages", "text", "seeds") if (CORPUS / name).is_dir()]
    if not roots:
        pytest.skip(f"the labelled corpus is not at {CORPUS} (set CLEANER_CORPUS)")
    docs = list(iter_docs(*roots))
    if (CORPUS / "glued").is_dir():
        docs += list(iter_docs(CORPUS / "glued", glued=True))
    return docs


def test_corpus():
    for doc in _corpus_docs():
        _assert_doc(doc)


def test_corpus_with_shared_extractor():
    """One extractor (warm caches) over every document, twice: caches must never change a result."""
    if not hasattr(features, "FeatureExtractor"):
        pytest.skip("no FeatureExtractor")
    extractor = features.FeatureExtractor(LEX)
    docs = list(iter_docs(FIXTURES))
    try:
        docs += _corpus_docs()
    except pytest.skip.Exception:
        pass
    for _ in range(2):
        for doc in docs:
            _assert_doc(doc, extractor)


def test_small_caches_evict_correctly():
    if not hasattr(features, "FeatureExtractor"):
        pytest.skip("no FeatureExtractor")
    extractor = features.FeatureExtractor(LEX, max_cached_lines=7)
    for doc in list(iter_docs(FIXTURES))[:6] * 2:
        _assert_doc(doc, extractor)


EDGE_LINES = [
    "x",
    ".",
    "...",
    "…",
    "!!!???",
    "-",
    "—",
    "|",
    "| | |",
    "(",
    ")",
    "()",
    "[AB/CD]",
    "(ant/foto)",
    "(Foto: Ist)",
    "@",
    "#",
    "@handle #tag",
    "0",
    "12345",
    "1.234.567,89",
    "1,2",
    "12:30",
    "1:02:03",
    "12.30 WIB",
    "Senin, 16 Okt 2023 12:30 WIB",
    "16/10/2023",
    "2023-10-16",
    "Jum'at",
    "3 jam yang lalu",
    "5 menit lalu",
    "JAKARTA, KOMPAS.com - Pemerintah",
    "Jakarta -Jadwal",
    "Jakarta (ANTARA) - Presiden",
    "Baca Juga: Berita lain",
    "baca juga",
    "Home",
    "https://example.com/x",
    "www.example.id",
    "café résumé naïve",
    "ÉCOLE Ñandú ñandú",
    "Москва — столица России.",
    "МОСКВА",
    "北京欢迎你",
    "東京 2023年10月16日",
    "emoji 😀😀😀 here 🇮🇩",
    "😀",
    "\tindented with tab",
    "tab\tin\tthe\tmiddle",
    "trailing tab\t",
    "   leading spaces",
    "trailing spaces   ",
    "many     spaces     between      words",
    "a" + " " * 500 + "b",
    "9" * 60,
    "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15",
    "²³ superscripts ¹",
    "Arabic-Indic digits ٠١٢٣ and fullwidth １２３ and ５",
    "٣",
    "１２:３０",
    "ǅemal ǈ ǋ titlecase letters",
    "Roman Ⅻ ⅻ numerals",
    "ß straße İstanbul ı",
    "combining e\u0301 accent",
    "zero\u200bwidth\u200bspace",
    "nbsp\u00a0between\u00a0words",
    "ideographic\u3000space",
    "line\u2028separator",
    "\x0bvertical\x0ctab and form feed\x1c\x1d\x1e\x1f",
    "\x00nul\x7fdel",
    "multi\nline inside one line\n",
    "x\ny",
    "Dia mengatakan bahwa pemerintah akan segera membangun jalan di daerah yang belum memiliki akses.",
    "DIA MENGATAKAN BAHWA PEMERINTAH AKAN SEGERA MEMBANGUN JALAN DI DAERAH YANG BELUM MEMILIKI AKSES.",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "AAaa99..  ,,--__",
    "__init__ snake_case words_with_underscores",
    "\"Quoted line.\"",
    "“Curly quoted.”",
    "‘single’",
    "► Next",
    "• bullet",
    "> quoted",
    "x" * 100_000,
    ("Kata " * 20_000).strip(),
    ("é1 " * 40_000).strip(),
    ("Jakarta, 16 Okt 2023 | " * 3_000).strip(),
]


FILLER = [
    "Jakarta, Kompas - Pemerintah akan membangun jalan baru di daerah itu tahun depan.",
    "Baca Juga: Harga cabai naik",
    "Home",
    "Senin, 16 Oktober 2023 12:30 WIB",
    "Dia mengatakan bahwa warga yang tinggal di sana sudah lama menunggu jalan tersebut dibangun.",
] * 4


def test_edge_lines_each_alone():
    for line in EDGE_LINES:
        _assert_same([line], [True], [True])
        # within a longer document too (short documents may take another path)
        _assert_same(FILLER[:7] + [line] + FILLER[7:], [True] * 21, [False] * 21)


def test_edge_lines_together():
    _assert_same(EDGE_LINES, [i % 2 == 0 for i in range(len(EDGE_LINES))], [i % 3 == 0 for i in range(len(EDGE_LINES))])


EXOTIC_LINES = [
    "Osman Sınav dari Turki",  # dotless i: IGNORECASE matches it to "i", lowering keeps it
    "İstanbul, Senin (16/10)",  # dotted capital I lowers to two characters
    "ſenin 16 Okt",  # long s: matches "s" when ignoring case
    "ΟΔΟΣ ΑΣ'Α ΣΑΣ",  # capital sigma lowers by its neighbours
    "two\nlines in one",
    "x" * 10 + "\n" + "Senin 12:30",
]


def test_lines_left_to_the_line_at_a_time_path():
    lines = FILLER + EXOTIC_LINES + FILLER[:9] + EXOTIC_LINES[::-1]
    _assert_same(lines, [i % 2 == 0 for i in range(len(lines))], [i % 3 == 0 for i in range(len(lines))])
    _assert_same(FILLER[:3] + EXOTIC_LINES * 3)  # mostly such lines


def test_small_chunks_and_short_line_limits(monkeypatch):
    """Documents batched in many chunks, and lines too long for a batch (limits made small here)."""
    monkeypatch.setattr(features, "_CHUNK_CHARS", 400, raising=False)
    monkeypatch.setattr(features, "_MAX_LINE", 90, raising=False)
    for doc in list(iter_docs(FIXTURES))[:5]:
        _assert_doc(doc)
    _assert_same(FILLER + EXOTIC_LINES + EDGE_LINES[:50])


@pytest.mark.parametrize("by_line_below", [0, 10**9])
def test_token_ids_numpy_and_line_by_line(monkeypatch, by_line_below):
    """Sparse tokens hashed all with numpy, or all line by line (the batch picks by line count)."""
    monkeypatch.setattr(features, "_TOKENS_BY_LINE", by_line_below, raising=False)
    for doc in list(iter_docs(FIXTURES))[:8]:
        _assert_doc(doc)
    _assert_same(FILLER + EXOTIC_LINES + EDGE_LINES)
    rng = random.Random(7)
    _assert_same([_random_line(rng, _PIECES + _RARE_PIECES) for _ in range(300)])


def test_other_lexicons():
    """Lexicons that are not plain alternations of phrases (the batch runs their patterns as they are)."""
    odd = lexicon.Lexicon(
        chrome=re.compile(r"baca\s+juga|home"),
        nav=re.compile(r"(?<!\w)(?:ber.ta|x)(?!\w)"),
        meta=re.compile(r"(?<!\w)(?:ke\ sana|dia)(?!\w)"),  # plain, as lexicon.load builds them
        caption=re.compile(r"(?<!\w)(?:foto|jakarta)(?!\w)", re.IGNORECASE),
        stopwords=frozenset({"dan", "yang", "Dia", "ke sana", "jum'at"}),
    )
    lines = FILLER + EDGE_LINES[:60] + ["Berita lainnya", "BERITA terkini", "ke sana kemari", "Foto: Jakarta"]
    want = reference.document(lines, [False] * len(lines), [True] * len(lines), odd)
    for got in (
        features.document(lines, [False] * len(lines), [True] * len(lines), odd),
        features.FeatureExtractor(odd).document(lines, [False] * len(lines), [True] * len(lines)),
    ):
        np.testing.assert_array_equal(got.dense, want.dense)
        np.testing.assert_array_equal(got.sparse_ids, want.sparse_ids)
        np.testing.assert_array_equal(got.sparse_offsets, want.sparse_offsets)


def test_extractor_shared_between_threads():
    extractor = features.FeatureExtractor(LEX, max_cached_lines=50)
    docs = list(iter_docs(FIXTURES))
    wanted = {}
    for doc in docs:
        seg = segment_lines(doc.lines)
        wanted[doc.doc_id] = reference.document(seg.content_lines, list(seg.blank_before), list(seg.blank_after), LEX)

    def work(order):
        for doc in order:
            seg = segment_lines(doc.lines)
            got = extractor.document(seg.content_lines, list(seg.blank_before), list(seg.blank_after))
            want = wanted[doc.doc_id]
            assert np.array_equal(got.dense, want.dense) and np.array_equal(got.sparse_ids, want.sparse_ids)

    with ThreadPoolExecutor(4) as pool:
        for future in [pool.submit(work, docs[k:] + docs[:k]) for k in range(4)]:
            future.result()


def test_lone_surrogates_fail_alike():
    # A lone surrogate that reaches a hashed token cannot be encoded: both must refuse alike, and
    # agree when the surrogate stays out of the tokens.
    with pytest.raises(UnicodeEncodeError):
        reference.document(["surrogate \udcff escaped"], [True], [True], LEX)
    with pytest.raises(UnicodeEncodeError):
        features.document(["surrogate \udcff escaped"], [True], [True], LEX)
    _assert_same(["fine words here and the surrogate comes late \udcff"])


def test_empty_document():
    _assert_same([], [], [])


def test_one_line():
    _assert_same(["Satu baris saja."], [True], [True])


def test_repeated_lines_and_heads():
    head = "Presiden Joko Widodo mengatakan bahwa pembangunan IKN terus berjalan"
    lines = [head + " dan seterusnya " * 10, head + ".", "Home", "Home", " home ", "HOME", head + ".", "x"]
    _assert_same(lines)


def test_intrinsic_and_sparse_tokens_unchanged():
    for line in EDGE_LINES:
        assert features.intrinsic(line, LEX) == reference.intrinsic(line, LEX)
        words = reference._WORD.findall(line.strip())
        assert features.sparse_tokens(line.strip(), words) == reference.sparse_tokens(line.strip(), words)
        assert features._shape(line) == reference._shape(line)
        assert features._hash(line) == reference._hash(line)


_PIECES = [
    "a", "Z", "é", "É", "ñ", "ß", "ǅ", "Ⅻ", "Д", "д", "中", "😀", "\u0301", "\u200b", "ª", "º",
    "0", "7", "²", "٣", "５", "½", " ", "  ", "\t", "\u00a0", "\u3000", "\u2028", "\x0b", "\x1c", "\x85",
    ".", ",", ":", ";", "-", "–", "—", "/", "|", "(", ")", "[", "]", "'", "’", "\"", "“", "@", "#", "*",
    "…", "...", "•", "►", ">", "_", "WIB", "wita", "GMT", "http://", "www.", ".com/", "Senin", "jum'at",
    "Okt", "Desember", "12", "16 Okt", "Okt 16", "12:30", "1:02:03", "16/10/2023", "2023-10-16",
    "3 jam yang lalu", "Jakarta", "JAKARTA", "KOMPAS.com", "(ANTARA)", " - ", "(ant/foto)", "(foto: ist)",
    "Baca Juga", "baca juga:", "home", "Berita Terkait", "Editor:", "Penulis", "foto:", "yang", "dan", "di",
    "dengan", "untuk", "ini", "itu", "adalah", "pemerintah", "kata", "Presiden", "1.000", "2023", "ke-2",
]
# Characters the batch leaves to the line-at-a-time path: only in some documents.
_RARE_PIECES = ["İ", "ı", "ſ", "Σ", "\n"]


def _random_line(rng: random.Random, pieces: list[str]) -> str:
    while True:
        n = rng.choice([1, 2, 3, 5, 8, 15, 30, 60])
        text = "".join(rng.choice(pieces) + rng.choice(["", " ", " ", "  "]) for _ in range(n))
        if text.strip():
            return text


def test_random_documents():
    rng = random.Random(20240601)
    for k in range(300):
        n = rng.choice([1, 2, 3, 5, 9, 20, 80])
        pieces = _PIECES + _RARE_PIECES if k % 4 == 0 else _PIECES
        lines = [_random_line(rng, pieces) for _ in range(n)]
        # Repeats, so that counts, shapes and heads of neighbours line up now and then.
        for _ in range(n // 4):
            lines[rng.randrange(n)] = rng.choice(lines)
        _assert_same(lines, [rng.random() < 0.5 for _ in lines], [rng.random() < 0.5 for _ in lines])


def test_every_bmp_character():
    """Each character of the Basic Multilingual Plane (and a few beyond) inside a line, alone and with context."""
    chars = [chr(c) for c in range(0x10000)] + [chr(c) for c in (0x10000, 0x1D7CE, 0x1F600, 0x20000, 0xE0001)]
    encodable = [ch for ch in chars if not 0xD800 <= ord(ch) < 0xE000]
    chunk = 64
    lines = []
    for start in range(0, len(encodable), chunk):
        block = "".join(encodable[start:start + chunk])
        lines.append("x" + block + "x")
        lines.append("Ab " + " ".join(block) + " 9")
    _assert_same(lines)
    for ch in chars:
        line = "a" + ch + ch + "b"
        assert features._shape(line) == reference._shape(line)
