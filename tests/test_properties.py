"""Invariants of `clean()` over generated documents and mutated fixtures (hypothesis).

For every input: no exception escapes but the documented `NotTextError` / `InputTooLargeError`;
every input line comes back as one `Line`; the body is some of the input's lines, in order, never
invented or edited; with `strip_dateline` only the body's first line changes, to a suffix of itself;
the same input gives the same article every time.  The fuzz targets in fuzz/ check the same over
arbitrary bytes; a short run of them stands in here for the long fuzzing run.
"""

from __future__ import annotations

import codecs
import dataclasses
import importlib.util
import os
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner import Cleaner, Config, InputTooLargeError, NotTextError, clean
from cleaner.decode import decode
from cleaner.fixtures import iter_docs
from cleaner.html import looks_like_html

from .conftest import FIXTURES, REPO

DOCS = list(iter_docs(FIXTURES))
CLEANER = Cleaner()
STRIPPING = Cleaner(model=CLEANER.model, config=Config(strip_dateline=True))
SMALL = Cleaner(model=CLEANER.model, config=Config(max_bytes=2000))

# A longer hunt: CLEANER_PROPERTY_EXAMPLES=5000 pytest tests/test_properties.py
PROPERTY = settings(
    max_examples=int(os.environ.get("CLEANER_PROPERTY_EXAMPLES", "150")),
    deadline=None,
    database=None,  # nothing written into the checkout; a failure prints its @reproduce_failure
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ---------------------------------------------------------------------------------------------
# Generated documents

WORDS = (
    "pemerintah kota warga jalan banjir harga beras pasar menteri presiden rapat sekolah siswa guru "
    "polisi kasus korban rumah sakit dokter pasien kereta bandara pesawat rupiah saham bank laut "
    "yang dan di ke dari untuk dengan pada dalam itu ini akan telah sudah tidak juga karena oleh "
    "Jakarta Surabaya Bandung Semarang Medan Makassar Indonesia Jokowi Prabowo DPR KPK BMKG PLN"
).split()
MONTHS = "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember".split()
DAYS = "Senin Selasa Rabu Kamis Jumat Sabtu Minggu".split()
CHROME = (
    "ADVERTISEMENT", "SCROLL TO CONTINUE WITH CONTENT", "Baca juga:", "BACA JUGA", "Terkini Lainnya",
    "Artikel ini telah tayang di Kompas.com", "Share", "Bagikan artikel ini", "(nvc/nvc)", "#banjir #jakarta",
    "Copyright © 2024 Kompas.com", "Video Pilihan", "Simak berita lainnya di Google News", "Home", "Indeks",
)

words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(" ".join)
prose = st.lists(words, min_size=1, max_size=4).map(lambda parts: ", ".join(parts).capitalize() + ".")
headline = st.lists(st.sampled_from(WORDS), min_size=3, max_size=10).map(lambda w: " ".join(w).title())
date_line = st.builds(
    "{}, {} {} {} | {:02d}:{:02d} WIB".format,
    st.sampled_from(DAYS), st.integers(1, 31), st.sampled_from(MONTHS), st.integers(1990, 2030),
    st.integers(0, 23), st.integers(0, 59),
) | st.builds("Kompas.com - {:02d}/{:02d}/{}, {}".format, st.integers(0, 40), st.integers(0, 13),
              st.integers(1899, 2101), st.sampled_from(["06:16", "99:99", "7.30 WITA"])) | st.builds(
    "{} {} yang lalu".format, st.integers(0, 999), st.sampled_from(["jam", "menit", "hari", "minggu"]))
byline = st.builds("{}: {}".format, st.sampled_from(["Penulis", "Editor", "Reporter", "Rep", "Red", "Oleh"]),
                   headline) | st.builds("({})".format, headline)
dateline = st.builds("{}{}".format, st.sampled_from(
    ["JAKARTA, KOMPAS.com - ", "Jakarta - ", "Liputan6.com, Jakarta - ", "Jakarta (ANTARA) - ",
     "KONTAN.CO.ID - JAKARTA. ", "SURABAYA -", "Anak-anak ", "COVID-19 - ", " - ", "A, B - ", ""]), prose)
chrome = st.sampled_from(CHROME) | st.builds("Baca juga: {}".format, headline)
blank = st.sampled_from(["", " ", "\t", "   \t ", "\u00a0", "\u3000"])
noise = st.text(max_size=60)  # any unicode, line breaks and controls included
controls = st.text(st.characters(whitelist_categories=("Cc",)), min_size=1, max_size=3)


@st.composite
def with_controls(draw, line):
    text = draw(line)
    at = draw(st.integers(0, len(text)))
    return text[:at] + draw(controls) + text[at:]


line = st.one_of(
    prose, prose, prose, headline, date_line, byline, dateline, chrome, blank, blank, noise,
    with_controls(prose),
)


@st.composite
def documents(draw):
    """A scraped document as the library receives it: a str, or bytes in some encoding."""
    lines = draw(st.lists(line, max_size=60))
    text = draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines) + draw(st.sampled_from(["", "\n"]))
    form = draw(st.sampled_from(["str", "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"]))
    if form == "str":
        return text
    try:
        return text.encode(form)
    except UnicodeEncodeError:
        return text.encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Mutated fixtures

JUNK = st.one_of(chrome, noise, controls, date_line, st.just(""), st.text("-=|.,:()0123456789 a", max_size=200))


@st.composite
def mutated_fixtures(draw):
    doc = draw(st.sampled_from(DOCS))
    lines = list(doc.lines)
    rnd = draw(st.randoms(use_true_random=False))
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["drop", "duplicate", "swap", "shuffle", "insert", "cut", "glue", "split"]))
        at = draw(st.integers(0, max(len(lines) - 1, 0)))
        if op == "insert" or not lines:
            lines.insert(at, draw(JUNK))
        elif op == "drop":
            del lines[at]
        elif op == "duplicate":
            lines.insert(at, lines[at])
        elif op == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif op == "shuffle":
            block = lines[at : at + draw(st.integers(2, 20))]
            rnd.shuffle(block)
            lines[at : at + len(block)] = block
        elif op == "cut":  # a line cut short, as a scraper's limit would
            lines[at] = lines[at][: draw(st.integers(0, len(lines[at])))]
        elif op == "glue" and at + 1 < len(lines):  # two lines scraped as one
            lines[at : at + 2] = [lines[at] + " " + lines[at + 1]]
        elif op == "split":
            cut = draw(st.integers(0, len(lines[at])))
            lines[at : at + 1] = [lines[at][:cut], lines[at][cut:]]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# The invariants


def _clean_or_refuse(doc, cleaner=CLEANER):
    """The article, or None for a documented refusal; any other exception fails the test."""
    try:
        return cleaner.clean(doc)
    except (NotTextError, InputTooLargeError) as err:
        assert str(err), "a refusal says why"
        return None


def _assert_subsequence(part: list[str], whole: list[str]) -> None:
    it = iter(whole)
    missing = [p for p in part if not any(p == w for w in it)]
    assert not missing, f"body lines not in the input, in order: {missing[:3]}"


def _fuzz_module(name: str):
    path = REPO / "fuzz" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"_fuzz_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


# A body line as the article must print it (a glued line: its body spans, unchanged); the same check
# as the clean fuzz target's, so the two cannot drift apart.
CLEAN_TARGET = _fuzz_module("fuzz_clean")
_kept = CLEAN_TARGET._kept


def check_invariants(doc) -> None:
    article = _clean_or_refuse(doc)
    if article is None:
        try:
            decode(doc)
        except NotTextError:
            return
        raise AssertionError("refused, though it decodes and is under every limit")
    if looks_like_html(doc):
        check_page_invariants(doc, article)
        return
    lines = decode(doc).split("\n")
    # Every input line comes back once, unchanged; labels only on non-blank lines, scores in [0, 1].
    assert [ln.text for ln in article.lines] == lines
    assert all(bool(ln.label) == bool(ln.text.strip()) for ln in article.lines)
    assert all(0.0 <= ln.score <= 1.0 for ln in article.lines)
    # The body: non-blank input lines, in order, the ones labelled body; from a glued line only
    # whole spans are cut, every other character stays.
    body = article.body.split("\n") if article.body else []
    assert all(b.strip() for b in body)
    assert body == [_kept(ln) for ln in article.lines if ln.label == "body"]
    _assert_subsequence([ln.text for ln in article.lines if ln.label == "body"], lines)
    assert article.title is None or article.title.strip()
    # strip_dateline: only the body's first line changes, to a suffix of itself; nothing else.
    stripped = STRIPPING.clean(doc)
    plain_lines, stripped_lines = article.body.split("\n"), stripped.body.split("\n")
    assert stripped_lines[1:] == plain_lines[1:]
    assert plain_lines[0].endswith(stripped_lines[0])
    assert dataclasses.replace(stripped, body=article.body) == article
    # Deterministic: the same input, the same article, from the same or a fresh cleaner.
    assert CLEANER.clean(doc) == article
    assert clean(doc) == article


def check_page_invariants(doc, article) -> None:
    """An input taken for HTML: its lines are the page's lines as a reader sees them (not the
    markup's), the body is the ones labelled body, and the same page gives the same article."""
    assert all("\n" not in ln.text and ln.text.strip() and ln.label for ln in article.lines)
    assert all(0.0 <= ln.score <= 1.0 for ln in article.lines)
    assert article.body.split("\n") == [ln.text for ln in article.lines if ln.label == "body"] or (
        not article.body and not any(ln.label == "body" for ln in article.lines))
    assert CLEANER.clean(doc) == article


@PROPERTY
@given(documents())
def test_generated_documents_keep_the_invariants(doc):
    check_invariants(doc)


@PROPERTY
@given(mutated_fixtures())
def test_mutated_fixtures_keep_the_invariants(doc):
    check_invariants(doc)


@PROPERTY
@given(mutated_fixtures(), st.sampled_from(["utf-8", "utf-16", "utf-16-be", "utf-8-sig"]), st.data())
def test_mutated_fixture_bytes_keep_the_invariants(text, encoding, data):
    raw = bytearray(text.encode(encoding))
    for _ in range(data.draw(st.integers(0, 3))):  # a few damaged bytes
        if raw:
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    check_invariants(bytes(raw))


@PROPERTY
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_are_cleaned_or_refused_as_documented(data):
    check_invariants(data)


@PROPERTY
@given(documents())
def test_size_limit_is_the_only_other_refusal(doc):
    size = len(doc) if isinstance(doc, bytes) else len(doc.encode("utf-8"))
    try:
        SMALL.clean(doc)
    except InputTooLargeError as err:
        assert size > 2000 and str(size) in str(err)
    except NotTextError:
        pass
    else:
        assert size <= 2000


def test_invariants_hold_on_every_fixture():
    for doc in DOCS:
        check_invariants(doc.text)
        check_invariants(codecs.BOM_UTF8 + doc.text.replace("\n", "\r\n").encode())


def test_a_broken_invariant_is_caught():
    # The checks above must be able to fail: an article with an edited body line is rejected.
    doc = DOCS[0].text
    article = CLEANER.clean(doc)
    lines = doc.split("\n")
    edited = [line + " (edited)" for line in article.body.split("\n")]
    try:
        _assert_subsequence(edited, lines)
    except AssertionError:
        return
    raise AssertionError("an edited body line passed the subsequence check")


# ---------------------------------------------------------------------------------------------
# The fuzz targets, run briefly on hypothesis' bytes (the long run is in fuzz/README.md)




FUZZ_DECODE = _fuzz_module("fuzz_decode").test_one_input
FUZZ_CLEAN = CLEAN_TARGET.test_one_input
FUZZ_HTML = _fuzz_module("fuzz_html").test_one_input
FUZZ_SPANS = _fuzz_module("fuzz_spans").test_one_input


@PROPERTY
@given(st.binary(max_size=2000) | documents().map(lambda d: d if isinstance(d, bytes) else d.encode("utf-8")))
def test_fuzz_targets_short_run(data):
    FUZZ_DECODE(data)
    FUZZ_CLEAN(data)
    FUZZ_SPANS(data)


HTML_PIECES = st.sampled_from([
    "<div class='baca-juga'>", "</div>", "<p>", "</p>", "<br>", "<script>var a=1;</script>", "<a href='/x'>",
    "</a>", "<h1>", "</h1>", "<!--", "-->", "&amp;", "&nbsp;", "<![CDATA[", "<table><tr><td>", "<style>", "<b>",
    "<!DOCTYPE html SYSTEM 'http://example.invalid/x.dtd' [<!ENTITY e 'eee'>]>", "&e;",
    "<meta charset='windows-1252'>", "<span style='display:none'>", "Baca juga: ", "JAKARTA, KOMPAS.com - ",
    "Paragraf berita yang cukup panjang untuk dibaca sebagai badan artikel. ", "\n", "\x00", "é", "\ufeff",
])


@PROPERTY
@given(st.lists(HTML_PIECES, max_size=60).map("".join).map(lambda s: s.encode("utf-8", "surrogatepass"))
       | st.binary(max_size=2000))
def test_fuzz_html_target_short_run(data):
    FUZZ_HTML(data)


def test_fuzz_harness_keeps_array_comparisons_from_the_native_tracer(monkeypatch):
    # atheris' native comparison tracer never releases the result; for numpy arrays that leaked a
    # new array per comparison (fuzz/README.md), so only plain values may reach it.
    import types

    import numpy as np

    harness = _fuzz_module("harness")
    seen = []
    fake = types.SimpleNamespace(_trace_cmp=lambda a, b, op, counter, const: seen.append((a, b)) or a == b)
    monkeypatch.setattr(harness, "atheris", fake)
    monkeypatch.setitem(sys.modules, "atheris", fake)
    monkeypatch.setitem(sys.modules, "atheris.version_dependent", types.SimpleNamespace(CMP_OP_SHIFT_AMOUNT=0))
    harness._leak_free_compare_tracing()
    trace_cmp = fake._trace_cmp
    assert trace_cmp("a", "a", 2, 0, False) is True and seen == [("a", "a")]
    result = trace_cmp(np.arange(3), 1, 2, 1, False)  # ==
    assert result.tolist() == [False, True, False] and len(seen) == 1
    assert trace_cmp(np.arange(3), 1, 0, 2, False).tolist() == [True, False, False]  # <
    assert trace_cmp(np.arange(3), 1, 5, 3, False).tolist() == [False, True, True]  # >=
