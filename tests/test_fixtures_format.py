from pathlib import Path

import pytest

from cleaner.fixtures import LABELS, FormatError, format_tsv, iter_docs, parse_gold, parse_tsv

from .conftest import FIXTURES

ALL = sorted(FIXTURES.rglob("*.tsv"))


def test_enough_fixtures_over_enough_sites():
    docs = list(iter_docs(FIXTURES))
    assert len(docs) >= 40
    assert len({d.site for d in docs}) >= 15


@pytest.mark.parametrize("path", ALL, ids=[str(p.relative_to(FIXTURES)) for p in ALL])
def test_fixture_is_well_formed(path: Path):
    raw = path.read_text(encoding="utf-8")
    assert "\r" not in raw and raw.endswith("\n")
    doc = parse_tsv(raw, path.stem)
    assert doc.site and path.parent.name == doc.site
    assert doc.labels.count("title") <= 1
    assert set(doc.labels) <= {"", *LABELS}
    if "title" in doc.headers:
        assert doc.headers["title"] in doc.lines


def test_round_trip_keeps_lines_and_labels():
    text = "@site\tcontoh.id\n@author\tA\n@author\tB\ntitle\tJudul\n\nbody\tIsi\tdengan tab\nchrome\t(abc/def)\n"
    doc = parse_tsv(text)
    assert doc.headers == {"site": "contoh.id", "author": ["A", "B"]}
    assert doc.lines == ("Judul", "", "Isi\tdengan tab", "(abc/def)")
    assert format_tsv(doc.lines, doc.labels, doc.headers) == text


@pytest.mark.parametrize("bad", ["junk\tline\n", "body no tab\n", "@site\n"])
def test_malformed_documents_raise_format_error(bad):
    with pytest.raises(FormatError):
        parse_tsv(bad, "x")


def test_glued_gold_document():
    doc = parse_gold("Isi satu.Baca juga: X", "@site\tcontoh.id\nIsi satu.", "g")
    assert doc.site == "contoh.id" and doc.gold_body_text() == "Isi satu."
