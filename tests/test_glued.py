"""Glued documents end to end: golden fixtures, documents without chrome left alone, the tsv and
JSON views of split lines, and (slow) a leave-one-site-out floor on the glued corpus."""

from __future__ import annotations

import json

import pytest

from cleaner import Cleaner, Config, glued
from cleaner.fixtures import iter_docs
from cleaner.metrics import is_perfect, tokens
from cleaner.render import render

from .conftest import FIXTURES

GLUED = FIXTURES / "glued"
DOCS = list(iter_docs(GLUED, glued=True))

needs_model = pytest.mark.skipif(glued.default_model() is None, reason="no span model shipped in models/spans")


@pytest.fixture(scope="module")
def cleaner():
    return Cleaner()


def test_glued_fixtures_are_there_and_well_formed():
    assert len(DOCS) >= 8 and len({d.site for d in DOCS}) >= 5
    for doc in DOCS:
        assert doc.site and doc.gold_body is not None
        # The gold is the scraped text with spans cut: its tokens are a subsequence of the input's.
        it = iter(tokens(doc.text))
        assert all(tok in it for tok in tokens(doc.gold_body))


def test_fixture_readers_skip_the_glued_folder_unless_asked():
    assert not list(iter_docs(FIXTURES / "glued"))
    assert all(d.gold_body is None for d in iter_docs(FIXTURES))


# Known misses, kept as strict expected failures until fixed: what precedes the dateline on the
# first line (a deck, a byline) is kept when the model is unsure (one example of each in the corpus).
KNOWN_MISSES = {
    "panen-raya-jagung": "a deck before the dateline is kept",
    "razia-knalpot-brong": "'Laporan Wartawan ...' before the dateline is kept",
}


@needs_model
@pytest.mark.parametrize("doc", [
    pytest.param(d, marks=pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[d.doc_id])) if d.doc_id in KNOWN_MISSES
    else d for d in DOCS
], ids=[d.doc_id for d in DOCS])
def test_golden_glued_fixture(doc, cleaner):
    article = cleaner.clean(doc.text)
    assert is_perfect(article.body, doc.gold_body), article.body


@needs_model
def test_kept_bytes_are_the_input_bytes(cleaner):
    doc = next(d for d in DOCS if "jembatan" in d.doc_id)
    article = cleaner.clean(doc.text)
    (line,) = [ln for ln in article.lines if ln.spans]
    # The spans are the line, in order; the body is the kept spans, byte for byte.
    assert "".join(t for t, _, _ in line.spans) == doc.text
    assert article.body == "".join(t for t, label, _ in line.spans if label == "body").rstrip()
    assert any(label == "chrome" for _, label, _ in line.spans)


@needs_model
def test_line_documents_are_never_split(cleaner):
    # Line-labelled fixtures (paragraphs one a line) are not glued: the span step leaves them alone,
    # even where a chrome line is long (a related list glued into one line); where a body line is
    # glued (two pages hold a 1800-character paragraph), nothing of it is cut.
    off = Cleaner(config=Config(glued=False))
    for doc in iter_docs(FIXTURES):
        assert cleaner.clean(doc.text).body == off.clean(doc.text).body, doc.doc_id


@needs_model
def test_switch_off_keeps_glued_lines_whole():
    doc = next(d for d in DOCS if "harga-beras" in d.doc_id)
    article = Cleaner(config=Config(glued=False)).clean(doc.text)
    assert "Baca juga" in article.body


@needs_model
def test_tsv_lists_the_spans_and_json_explains_them(cleaner):
    doc = next(d for d in DOCS if "harga-beras" in d.doc_id)
    article = cleaner.clean(doc.text)
    tsv = render(article, "tsv")
    spans = [row.split("\t") for row in tsv.splitlines() if row.startswith("@span\t")]
    assert spans and all(len(row) == 4 and row[1] == "1" and row[2] in ("body", "chrome") for row in spans)
    assert any(row[2] == "chrome" and row[3].startswith("Baca juga") for row in spans)
    # The labelled rows are still one per input line, the line whole.
    assert [row for row in tsv.splitlines() if not row.startswith("@")] == [f"body\t{doc.text}"]
    lines = json.loads(render(article, "json", explain=True))["lines"]
    assert lines[0]["spans"][0]["label"] in ("body", "chrome")


@needs_model
def test_forced_glued_mode_splits_a_paragraph_document(cleaner):
    glued_text = next(d for d in DOCS if "harga-beras" in d.doc_id).text
    # Three paragraphs, each shorter than a glued line: left whole unless glued mode is forced.
    text = glued_text.replace("  Meski begitu", "\n\nMeski begitu").replace(" Ketua paguyuban", "\n\nKetua paguyuban")
    assert not any(ln.spans for ln in cleaner.clean(text).lines)
    forced = Cleaner(config=Config(glued=True)).clean(text)
    assert all(ln.spans for ln in forced.lines if ln.label == "body")
    assert "Baca juga" not in forced.body


@pytest.mark.slow
def test_leave_one_site_out_floor_on_a_glued_site(corpus):
    # One site left out (kompas.com, the most documents): a span model trained on the rest.
    from cleaner import train_spans

    docs = list(iter_docs(corpus / "glued", glued=True))
    lines = list(iter_docs(corpus / "text", corpus / "seeds"))
    held = [d for d in docs if d.site == "kompas.com"]
    prepared = train_spans.prepare_all([d for d in [*docs, *DOCS] if d.site != "kompas.com"],
                                       [d for d in lines if d.site != "kompas.com"])
    overall, _, rows = train_spans.loso(held, prepared)
    assert overall.f1 >= 0.98
    for doc, article in rows:
        if tokens(doc.text) == tokens(doc.gold_body):
            assert article.body.split() == doc.text.split()
