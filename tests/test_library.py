"""The library: `clean()` and a reusable `Cleaner`."""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor

import pytest

from cleaner import Article, Cleaner, Config, InputTooLargeError, NotTextError, clean
from cleaner.fixtures import iter_docs

from .conftest import FIXTURES

DOCS = list(iter_docs(FIXTURES))


def test_clean_accepts_text_and_bytes_alike():
    doc = DOCS[0]
    assert clean(doc.text) == clean(doc.text.encode("utf-8")) == clean(doc.text.encode("utf-16"))


def test_article_is_frozen():
    article = clean(DOCS[0].text)
    assert isinstance(article, Article)
    with pytest.raises(dataclasses.FrozenInstanceError):
        article.body = "x"  # type: ignore[misc]


@pytest.mark.parametrize("doc", DOCS[::5], ids=lambda d: d.doc_id)
def test_body_lines_are_input_lines_in_order(doc):
    body = clean(doc.text).body.split("\n")
    it = iter(doc.lines)
    assert all(any(line == candidate for candidate in it) for line in body if line)


def test_every_input_line_gets_a_line_and_blank_lines_no_label():
    doc = DOCS[1]
    article = clean(doc.text)
    assert [ln.text for ln in article.lines] == list(doc.lines)
    assert all((ln.label == "") == (not ln.text.strip()) for ln in article.lines)
    assert all(0.0 <= ln.score <= 1.0 for ln in article.lines)


def test_cleaner_is_reusable_across_threads():
    cleaner = Cleaner()
    texts = [d.text for d in DOCS[:12]]
    sequential = [cleaner.clean(t) for t in texts]
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(cleaner.clean, texts)) == sequential


def test_empty_and_blank_input_give_an_empty_article():
    for text in ("", "   \n\n  \t\n"):
        article = clean(text)
        assert article.body == "" and article.title is None


def test_binary_input_is_refused():
    with pytest.raises(NotTextError):
        clean(b"\x00\x00\x01\x02" * 50)


def test_max_bytes_is_enforced():
    with pytest.raises(InputTooLargeError):
        Cleaner(config=Config(max_bytes=10)).clean("x" * 11)


def test_strip_dateline_changes_only_the_first_body_line():
    text = (
        "Judul Berita Contoh Hari Ini\n\nJAKARTA, KOMPAS.com - Pemerintah kota menambah armada bus listrik untuk "
        "rute baru yang melayani warga di pinggiran kota mulai pekan depan.\n\nWarga menyambut baik rencana itu "
        "karena ongkos perjalanan menjadi lebih murah dibanding sebelumnya."
    )
    plain = clean(text)
    stripped = clean(text, Config(strip_dateline=True))
    first, *rest = plain.body.split("\n")
    s_first, *s_rest = stripped.body.split("\n")
    assert first.startswith("JAKARTA, KOMPAS.com - ")
    assert s_first == first[len("JAKARTA, KOMPAS.com - "):]
    assert s_rest == rest
