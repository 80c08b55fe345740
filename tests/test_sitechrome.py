"""Site-level chrome: line keys, bounded per-site counts, and body lines turned chrome."""

from __future__ import annotations

import random

from cleaner import sitechrome
from cleaner.core import Article, Line

PROMO = "Dapatkan berita terbaru setiap hari, langsung di ponsel Anda."


def article(lines: list[tuple[str, str]]) -> Article:
    body = "\n".join(t for t, lab in lines if lab == "body")
    return Article(title=None, published=None, updated=None, authors=(), editors=(), source=None, location=None,
                   captions=(), description=None, body=body, lines=tuple(Line(t, lab, 0.9) for t, lab in lines))


def test_normalised_lines_ignore_case_spaces_and_digits():
    assert sitechrome.normalise("  Hak  Cipta © 2024\tKabar Kota ") == "hak cipta © 0 kabar kota"
    assert sitechrome.line_key("Hak Cipta © 2024 Kabar Kota") == sitechrome.line_key("HAK CIPTA © 2025  kabar kota")
    assert sitechrome.line_key("Hak Cipta © 2024 Kabar Kota") != sitechrome.line_key("Hak Cipta © 2024 Kabar Desa")


def test_short_lines_are_not_judged():
    # A dateline alone is body (LABELS.md) and repeats across a site's articles.
    assert sitechrome.line_key("Jakarta -") is None
    assert sitechrome.document_keys(["Jakarta -", "", PROMO, PROMO]) == {sitechrome.line_key(PROMO)}


def test_site_of_url():
    assert sitechrome.site_of_url("https://www.kabarkota.example/berita/1") == "kabarkota.example"
    assert sitechrome.site_of_url("http://daerah.kabarkota.example:8080/x") == "daerah.kabarkota.example"
    assert sitechrome.site_of_url("not a url") == ""
    assert sitechrome.site_of_url("http://[::1") == ""
    assert sitechrome.site_of_url(None) == "" and sitechrome.site_of_url(42) == ""


def test_a_line_in_most_documents_of_a_site_is_chrome_and_one_in_few_is_not():
    counts = sitechrome.SiteCounts()
    rare = "Kutipan yang muncul di dua berita yang berkaitan satu sama lain."
    for i in range(10):
        lines = [f"Kalimat pertama berita nomor {'abcdefghij'[i]} tentang banjir."]
        lines += [PROMO] if i < 6 else []
        lines += [rare] if i < 2 else []
        counts.add("kabarkota.example", sitechrome.document_keys(lines))
        counts.add("lain.example", sitechrome.document_keys([PROMO]) if i < 4 else frozenset())
    table = counts.chrome(min_share=0.5, min_docs=5)
    assert table.keys("kabarkota.example") == {sitechrome.line_key(PROMO)}
    assert table.keys("lain.example") == frozenset()  # 4 of 10: below the share
    assert table.keys("nowhere.example") == frozenset()
    few = sitechrome.SiteCounts()
    for _ in range(4):
        few.add("kecil.example", sitechrome.document_keys([PROMO]))
    assert few.chrome(min_share=0.5, min_docs=5).keys("kecil.example") == frozenset()  # too few documents


def test_counts_stay_bounded_and_still_find_the_frequent_lines():
    rng = random.Random(7)
    counter = sitechrome.SiteCounter(capacity=256)
    frequent, occasional = 101, 202
    for doc in range(400):
        keys = {rng.getrandbits(60) + 1000 for _ in range(150)}  # unique lines flood the summary
        if doc % 10 < 7:
            keys.add(frequent)  # in 70% of the documents
        if doc % 10 == 0:
            keys.add(occasional)  # in 10%
        counter.add(keys)
        assert len(counter.counts) < 2 * 256 + 151
    assert counter.docs == 400
    # Misra-Gries: never high, and low by at most (occurrences) / (capacity + 1) = 400 * 151 / 257.
    assert 280 - 400 * 151 // 257 <= counter.counts[frequent] <= 280
    assert counter.counts.get(occasional, 0) <= 40
    assert frequent in counter.frequent(min_share=0.1, min_docs=5)


def test_merged_counts_equal_counts_taken_in_one_go():
    docs = [sitechrome.document_keys([PROMO, f"Berita yang ke-{chr(97 + i)} dari seri."]) for i in range(12)]
    whole = sitechrome.SiteCounts()
    parts = [sitechrome.SiteCounts(), sitechrome.SiteCounts()]
    for i, keys in enumerate(docs):
        whole.add("s", keys)
        parts[i % 2].add("s", keys)
    merged = sitechrome.SiteCounts()
    for part in parts:
        merged.merge(part)
    assert merged.sites["s"].counts == whole.sites["s"].counts and merged.docs == whole.docs == 12


def test_apply_turns_repeated_body_lines_into_chrome_and_leaves_the_rest():
    a = article([("Judul Berita Banjir", "title"), ("JAKARTA - Banjir merendam kota sejak pagi.", "body"),
                 ("", ""), (PROMO, "body"), ("Warga mengungsi ke balai desa.", "body"), (PROMO, "caption")])
    out = sitechrome.apply(a, frozenset({sitechrome.line_key(PROMO)}))
    assert out.body == "JAKARTA - Banjir merendam kota sejak pagi.\nWarga mengungsi ke balai desa."
    assert [ln.label for ln in out.lines] == ["title", "body", "", "chrome", "body", "caption"]
    assert out.title == a.title and len(out.lines) == len(a.lines)
    assert sitechrome.apply(a, frozenset()) is a
    assert sitechrome.apply(a, frozenset({12345})) is a
    stripped = sitechrome.apply(a, frozenset({sitechrome.line_key(PROMO)}), strip_dateline=True)
    assert stripped.body.startswith("Banjir merendam kota")


def test_copies_of_one_page_count_once():
    counts = sitechrome.SiteCounts()
    page = sitechrome.document_keys([PROMO, "Banjir merendam kota sejak pagi, warga mengungsi."])
    for _ in range(10):
        counts.add("salinan.example", page)
    for i in range(4):
        counts.add("salinan.example", sitechrome.document_keys([f"Berita lain nomor {'abcd'[i]} hari ini ya."]))
    assert counts.sites["salinan.example"].docs == 5
    assert counts.chrome(min_share=0.5, min_docs=5).keys("salinan.example") == frozenset()
