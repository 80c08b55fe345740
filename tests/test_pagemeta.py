"""Unit tests for cleaner.pagemeta: header fields from a page's own metadata, and the merge.

Every page here is written for the test and every name is invented.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import lxml.html
import pytest

from cleaner import fields, pagemeta
from cleaner.evaluate import field_right
from cleaner.fixtures import read_doc

REPO = Path(__file__).resolve().parents[1]


def page(head: str = "", body: str = "<p>Isi berita.</p>"):
    return lxml.html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>")


def ld(text: str) -> str:
    return f'<script type="application/ld+json">{text}</script>'


def meta(key: str, value: str, attr: str = "property") -> str:
    return f'<meta {attr}="{key}" content="{value}">'


# ---------------------------------------------------------------------------------------------
# Title


def test_title_from_og_title_before_the_title_tag():
    root = page(
        "<title>Petani Sukamaju Panen Raya Lebih Awal - Warta Desa</title>"
        + meta("og:title", "Petani Sukamaju Panen Raya Lebih Awal")
    )
    assert pagemeta.read(root).title == "Petani Sukamaju Panen Raya Lebih Awal"


@pytest.mark.parametrize(
    "title",
    [
        "Jembatan Baru Dibuka untuk Warga - Kompas.com",  # a media name, as fields strips it
        "Jembatan Baru Dibuka untuk Warga | Republika Online",
        "Jembatan Baru Dibuka untuk Warga - Kompas.com Regional",  # a media name with a section
        "Jembatan Baru Dibuka untuk Warga :: Okezone News",
        "Jembatan Baru Dibuka untuk Warga - Warta Lembah",  # the page's own og:site_name
    ],
)
def test_title_site_suffix_is_cut(title):
    root = page(f"<title>{title}</title>" + meta("og:site_name", "Warta Lembah"))
    assert pagemeta.read(root).title == "Jembatan Baru Dibuka untuk Warga"


def test_title_colon_inside_a_headline_is_kept():
    root = page("<title>Bupati Lembah: Jalan Desa Rampung Tahun Ini</title>")
    assert pagemeta.read(root).title == "Bupati Lembah: Jalan Desa Rampung Tahun Ini"


def test_site_name_that_is_the_headline_does_not_empty_the_title():
    # A broken template puts the headline in og:site_name: nothing may be cut to nothing.
    head = "<title>Harga Cabai Turun :: Warta Pasar</title>" + meta("og:site_name", "Harga Cabai Turun :: Warta Pasar")
    assert pagemeta.read(page(head)).title == "Harga Cabai Turun :: Warta Pasar"


def test_title_inside_svg_is_not_the_page_title():
    root = page("", '<svg><title>Ikon cari</title></svg><p>Isi.</p>')
    assert pagemeta.read(root).title is None


def test_jsonld_headline_wins_over_og_title():
    root = page(
        meta("og:title", "Judul Pendek - Warta Lembah")
        + ld('{"@type": "NewsArticle", "headline": "Judul Lengkap Berita Lembah Hijau"}')
    )
    assert pagemeta.read(root).title == "Judul Lengkap Berita Lembah Hijau"


# ---------------------------------------------------------------------------------------------
# JSON-LD shapes


def test_jsonld_news_article_fields():
    root = page(
        ld(
            """{"@context": "https://schema.org", "@type": "NewsArticle",
            "headline": "Sungai Lembah Meluap", "datePublished": "2024-03-05T08:15:42+07:00",
            "dateModified": "2024-03-05T10:02:11+07:00",
            "author": {"@type": "Person", "name": "Sekar Ayuningtyas"},
            "editor": [{"@type": "Person", "name": "Bima Santoso"}],
            "publisher": {"@type": "Organization", "name": "Warta Lembah"}}"""
        )
    )
    got = pagemeta.read(root)
    assert got == pagemeta.PageMeta(
        title="Sungai Lembah Meluap",
        published="2024-03-05T08:15:00+07:00",
        updated="2024-03-05T10:02:00+07:00",
        authors=("Sekar Ayuningtyas",),
        editors=("Bima Santoso",),
        site_name="Warta Lembah",
    )


@pytest.mark.parametrize(
    "author, expected",
    [
        ('"Sekar Ayuningtyas"', ("Sekar Ayuningtyas",)),
        ('{"@type": "Person", "name": "Sekar Ayuningtyas"}', ("Sekar Ayuningtyas",)),
        (
            '[{"@type": "Person", "name": "Sekar Ayuningtyas"}, {"@type": "Person", "name": "Raka Pratama"}]',
            ("Sekar Ayuningtyas", "Raka Pratama"),
        ),
        ('"Sekar Ayuningtyas dan Raka Pratama"', ("Sekar Ayuningtyas", "Raka Pratama")),
        ('{"@type": "Organization", "name": "Warta Lembah"}', ()),
    ],
)
def test_jsonld_author_shapes(author, expected):
    root = page(ld(f'{{"@type": "ReportageNewsArticle", "headline": "Judul", "author": {author}}}'))
    assert pagemeta.read(root).authors == expected


def test_jsonld_graph_with_id_references():
    root = page(
        ld(
            """{"@context": "https://schema.org", "@graph": [
              {"@type": "Organization", "@id": "https://warta.test/#org", "name": "Warta Lembah"},
              {"@type": "WebPage", "@id": "https://warta.test/a", "name": "Judul Halaman - Warta Lembah"},
              {"@type": "Article", "headline": "Panen Kopi Melimpah", "datePublished": "2023-07-01",
               "author": {"@id": "https://warta.test/#/person/1"}, "publisher": {"@id": "https://warta.test/#org"}},
              {"@type": ["Person"], "@id": "https://warta.test/#/person/1", "name": "Dewi Lestari Putri"}
            ]}"""
        )
    )
    got = pagemeta.read(root)
    assert (got.title, got.published, got.authors, got.site_name) == (
        "Panen Kopi Melimpah",
        "2023-07-01",  # a date alone stays a date
        ("Dewi Lestari Putri",),
        "Warta Lembah",
    )


def test_jsonld_top_level_list_and_first_article_wins():
    root = page(
        ld(
            """[{"@type": "BreadcrumbList", "itemListElement": []},
                {"@type": "NewsArticle", "headline": "Pasar Malam Dibuka Lagi", "author": "Galih Permana"},
                {"@type": "NewsArticle", "headline": "Berita Lain", "author": "Orang Lain Lagi"}]"""
        )
    )
    got = pagemeta.read(root)
    assert (got.title, got.authors) == ("Pasar Malam Dibuka Lagi", ("Galih Permana",))


@pytest.mark.parametrize(
    "block",
    [
        '{"@type": "NewsArticle", "headline": ',  # cut off
        "not json at all",
        "[" * 5000 + "]" * 5000,  # nesting deeper than the parser's recursion limit
        '{"@graph": {"@graph": {"@graph": {"@graph": {"@graph": {"@type": "NewsArticle", "headline": "X"}}}}}}',
        '{"@type": 42, "headline": ["a", 1], "author": {"name": null}, "datePublished": 20240101}',
        "",
    ],
)
def test_malformed_jsonld_never_raises_and_other_sources_still_count(block):
    root = page(ld(block) + meta("og:title", "Judul dari OpenGraph") + meta("author", "Nina Kartika", "name"))
    got = pagemeta.read(root)
    assert got.title == "Judul dari OpenGraph"
    assert got.authors == ("Nina Kartika",)


def test_huge_jsonld_list_is_cheap():
    # Under the size bound, over the bound on objects looked at.
    block = "[" + ",".join(['{"@type": "Thing", "name": "x"}'] * 14_000) + "]"
    start = time.perf_counter()
    pagemeta.read(page(ld(block)))
    assert time.perf_counter() - start < 2.0


def test_jsonld_with_raw_newlines_trailing_comma_and_comment_wrapper():
    block = '<!--\n{"@type": "NewsArticle", "headline": "Baris\tbaru\ndi judul", "author": "Rudi Hartono",}\n-->'
    got = pagemeta.read(page(ld(block)))
    assert (got.title, got.authors) == ("Baris baru di judul", ("Rudi Hartono",))


# ---------------------------------------------------------------------------------------------
# Dates and zones


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2024-10-16T21:45:59+07:00", "2024-10-16T21:45:00+07:00"),  # seconds dropped: to the minute
        ("2016-02-16T13:01:52+0700", "2016-02-16T13:01:00+07:00"),
        ("2020-10-09T14:58:53+08:00", "2020-10-09T14:58:00+08:00"),  # WITA kept
        ("2021-01-02T03:04:05+09:00", "2021-01-02T03:04:00+09:00"),  # WIT kept
        ("2016-02-16T02:10:56Z", "2016-02-16T09:10:00+07:00"),  # a UTC clock, moved to western Indonesian time
        ("2016-02-16T02:10:56+00:00", "2016-02-16T09:10:00+07:00"),
        ("2016-02-16T20:10:56Z", "2016-02-17T03:10:00+07:00"),  # past midnight
        ("2020-07-09 07:26:05", "2020-07-09T07:26:00+07:00"),  # no zone: WIB, as fields reads printed times
        ("2014-07-13T20:07:27.8200000", "2014-07-13T20:07:00+07:00"),
        ("2022/12/10 13:19:56", "2022-12-10T13:19:00+07:00"),
        ("2022-12-10T13-19-56Z", "2022-12-10T13:19:00+07:00"),  # local time with a false Z
        ("2015-11-05 T10:08:58Z", "2015-11-05T10:08:00+07:00"),
        ("2015-11-05 10:08:58Z", "2015-11-05T17:08:00+07:00"),  # a plain space before the time: a real Z
        ("2015-11-05 T10:08:58+08:00", "2015-11-05T10:08:00+08:00"),  # an odd shape keeps a stated zone
        ("2023-07-01", "2023-07-01"),
        ("Kamis 09 Juli 2020 07:26 WIB", "2020-07-09T07:26:00+07:00"),  # printed, read as fields reads it
        ("Senin, 3 Juni 2024", "2024-06-03"),
    ],
)
def test_published_normalised(value, expected):
    assert pagemeta.read(page(meta("article:published_time", value))).published == expected


@pytest.mark.parametrize("value", ["2024-13-45T10:00:00+07:00", "2024-02-30", "kemarin", "2024-01-01T10:00+25:00", ""])
def test_unreadable_dates_are_none(value):
    assert pagemeta.read(page(meta("article:published_time", value))).published is None


def test_utc_stamp_gives_way_to_the_same_instant_in_a_local_zone():
    root = page(
        ld('{"@type": "Article", "headline": "J", "datePublished": "2020-10-09T06:58:53+00:00"}')
        + meta("article:published_time", "2020-10-09T14:58:53+08:00")
    )
    assert pagemeta.read(root).published == "2020-10-09T14:58:00+08:00"


def test_opengraph_time_wins_over_a_site_wide_itemprop_date():
    root = page(
        meta("datePublished", "2014-07-13T20:07:27", "itemprop")
        + meta("article:published_time", "2020-07-09T07:26:05+07:00")
    )
    assert pagemeta.read(root).published == "2020-07-09T07:26:00+07:00"


@pytest.mark.parametrize("key", ["pubdate", "publishdate", "dtk:publishdate", "datePublished"])
def test_indonesian_pubdate_tags(key):
    root = page(meta(key, "2022-12-10T13-19-56Z", "name"))
    assert pagemeta.read(root).published == "2022-12-10T13:19:00+07:00"


def test_modified_time():
    root = page(
        meta("article:published_time", "2024-03-05T08:15:00+07:00")
        + meta("article:modified_time", "2024-03-05T09:30:00+07:00")
    )
    assert pagemeta.read(root).updated == "2024-03-05T09:30:00+07:00"


# ---------------------------------------------------------------------------------------------
# Who is an author


@pytest.mark.parametrize(
    "value",
    [
        "Warta Cyber Media",  # og:site_name's words
        "Kompas Cyber Media",  # a media brand
        "Liputan6.com",
        "Okezone",
        "PT. Lembah Media Baru - Lembah.co.id",
        "CV Sinar Pena",
        "wartalembah.com developer",
        "Redaksi",
        "Tim Redaksi",
        "Admin",
        "https://www.facebook.com/wartalembah",
        "@wartalembah",
        "bgs",  # a lower-case staff code
    ],
)
def test_site_or_organisation_is_not_an_author(value):
    root = page(meta("author", value, "name") + meta("og:site_name", "Warta Cyber Media"))
    assert pagemeta.read(root).authors == ()


def test_desk_credit_is_kept_as_printed():
    # "Tim <desk>" is how some sites credit a regional team; fields keeps it when printed.
    assert pagemeta.read(page(meta("author", "Tim detikLembah", "name"))).authors == ("Tim detikLembah",)


def test_person_from_meta_author_and_a_later_key_when_the_first_is_the_site():
    root = page(meta("author", "Okezone", "name") + meta("dable:author", "Intan Permatasari", "name"))
    assert pagemeta.read(root).authors == ("Intan Permatasari",)


# ---------------------------------------------------------------------------------------------
# Microdata


def test_microdata_byline_of_the_article_item():
    body = (
        '<article itemscope itemtype="http://schema.org/NewsArticle">'
        '<h1 itemprop="headline">Sawah Baru di Lereng Bukit</h1>'
        '<time itemprop="datePublished" datetime="2019-04-02T11:20:31+07:00">Selasa, 2 April 2019</time>'
        '<p>Pewarta: <span itemprop="author">Fajar Nugroho dan Laila Sari</span></p>'
        '<p>Editor: <span itemprop="editor">Yoga Pratama</span></p>'
        '<div itemscope itemtype="http://schema.org/ListItem"><span itemprop="author">Bukan Penulis Ini</span></div>'
        "</article>"
    )
    got = pagemeta.read(page("", body))
    assert (got.title, got.published, got.authors, got.editors) == (
        "Sawah Baru di Lereng Bukit",
        "2019-04-02T11:20:00+07:00",
        ("Fajar Nugroho", "Laila Sari"),
        ("Yoga Pratama",),
    )


def test_microdata_of_a_related_article_item_is_not_read():
    body = (
        '<div itemscope itemtype="https://schema.org/NewsArticle"><span itemprop="author">Wulan Sari</span></div>'
        '<aside><div itemscope itemtype="https://schema.org/NewsArticle">'
        '<span itemprop="author">Penulis Berita Lain</span><span itemprop="editor">Editor Lain</span></div></aside>'
    )
    got = pagemeta.read(page("", body))
    assert (got.authors, got.editors) == (("Wulan Sari",), ())


def test_microdata_person_with_a_label_and_a_printed_date():
    body = (
        '<div itemscope itemtype="http://schema.org/WebPage">'
        '<div itemprop="datePublished">Rabu, 17 Februari 2016 | 14:02 WIB</div>'
        '<div itemprop="author" itemscope itemtype="http://schema.org/Person">Oleh : <a>Putri Anjani</a></div>'
        "</div>"
    )
    got = pagemeta.read(page("", body))
    assert (got.published, got.authors) == ("2016-02-17T14:02:00+07:00", ("Putri Anjani",))


def test_microdata_broken_datetime_gives_way_to_the_printed_time():
    body = '<span itemprop="datePublished" datetime="18 Jun 2015 at &lt;b&gt;">18 Jun 2015 at 06:25 WIB</span>'
    assert pagemeta.read(page("", body)).published == "2015-06-18T06:25:00+07:00"


# ---------------------------------------------------------------------------------------------
# Robustness


def test_read_leaves_the_tree_unchanged():
    root = page(ld('{"@type": "NewsArticle", "headline": "J"}') + "<title>J - Kompas.com</title>")
    before = lxml.html.tostring(root)
    pagemeta.read(root)
    assert lxml.html.tostring(root) == before


def test_page_without_metadata_is_empty():
    assert pagemeta.read(page()) == pagemeta.EMPTY


def test_fragment_root_and_broken_markup():
    root = lxml.html.fromstring('<div><meta property="og:title" content="Judul Pecahan"><p>tanpa penutup')
    assert pagemeta.read(root).title == "Judul Pecahan"


def test_not_a_tree_gives_empty():
    assert pagemeta.read(None) == pagemeta.EMPTY


def test_import_does_not_load_lxml():
    code = "import sys, cleaner.pagemeta; print('lxml' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------------------------------------
# Merge

PRINTED = fields.Fields(
    title="Warga Sukamaju Panen Raya Lebih Awal",
    published="2024-03-05T08:15:00+07:00",
    updated=None,
    authors=("Sekar Ayuningtyas",),
    editors=("Bima Santoso",),
    source="WARTA.COM",
    location="LEMBAH",
    captions=("Foto sawah.",),
    description=None,
)
META = pagemeta.PageMeta(
    title="Judul Metadata",
    published="2024-03-05T08:10:00+07:00",
    updated="2024-03-05T11:00:00+07:00",
    authors=("Orang Metadata",),
    editors=("Editor Metadata",),
    site_name="Warta",
)


def test_merge_printed_wins_where_it_states_a_field():
    merged = pagemeta.merge(PRINTED, replace(META, title="Warga Sukamaju Panen Raya Lebih Awal Tahun Ini"))
    assert merged == replace(PRINTED, updated="2024-03-05T11:00:00+07:00")


@pytest.mark.parametrize(
    "printed, expected",
    [
        ("Judul Metadata", "Judul Metadata"),
        ("Liputan: Judul Metadata!", "Liputan: Judul Metadata!"),  # the same headline as printed
        ("Nasional", "Judul Metadata"),  # a section name taken for the headline
        ("Share 0 Tweet 0 Komentar", "Judul Metadata"),
    ],
)
def test_merge_title_printed_only_when_it_agrees(printed, expected):
    assert pagemeta.merge(replace(PRINTED, title=printed), META).title == expected


def test_merge_title_printed_when_metadata_has_none():
    assert pagemeta.merge(PRINTED, replace(META, title=None)).title == PRINTED.title


def test_merge_fills_gaps_from_metadata():
    empty = fields.extract([])
    merged = pagemeta.merge(empty, META)
    assert (merged.title, merged.published, merged.authors, merged.editors) == (
        "Judul Metadata",
        "2024-03-05T08:10:00+07:00",
        ("Orang Metadata",),
        ("Editor Metadata",),
    )
    assert merged.source is None and merged.location is None  # printed-only fields


@pytest.mark.parametrize(
    "printed, page, expected",
    [
        ("2024-03-05", "2024-03-05T08:10:00+07:00", "2024-03-05T08:10:00+07:00"),  # more precise, same day
        ("2024-03-05T09:00:00+08:00", "2024-03-05T08:10:00+07:00", "2024-03-05T09:00:00+08:00"),
        # a day or more apart: the printed date is a related item's
        ("2024-03-02T11:09:00+07:00", "2024-03-05T08:10:00+07:00", "2024-03-05T08:10:00+07:00"),
        ("2024-03-04", "2024-03-05T08:10:00+07:00", "2024-03-05T08:10:00+07:00"),
        # the same instant near midnight in two zones is not another day
        ("2024-03-05T23:30:00+07:00", "2024-03-06T00:30:00+08:00", "2024-03-05T23:30:00+07:00"),
        (None, "2024-03-05", "2024-03-05"),
        ("2024-03-05T09:00:00+07:00", None, "2024-03-05T09:00:00+07:00"),
    ],
)
def test_merge_published(printed, page, expected):
    merged = pagemeta.merge(replace(PRINTED, published=printed), replace(META, published=page))
    assert merged.published == expected


@pytest.mark.parametrize(
    "updated, expected",
    [
        ("2024-03-05T11:00:00+07:00", "2024-03-05T11:00:00+07:00"),
        ("2024-03-05T08:15:00+07:00", None),  # equal to the publication: no update
        ("2024-03-04T20:00:00+07:00", None),  # before it: a template's mistake
        ("2024-03-06", None),  # a date alone says nothing of an update on the day
    ],
)
def test_merge_updated_only_when_later(updated, expected):
    assert pagemeta.merge(PRINTED, replace(META, updated=updated)).updated == expected


def test_merge_metadata_author_who_is_the_printed_editor_is_dropped():
    # Several sites put the editor who posted the piece in the metadata author.
    printed = replace(PRINTED, authors=(), editors=("Bima Santoso",))
    merged = pagemeta.merge(printed, replace(META, authors=("bima santoso",)))
    assert merged.authors == ()
    assert merged.editors == ("Bima Santoso",)


def test_merge_keeps_the_printed_type():
    assert type(pagemeta.merge(PRINTED, pagemeta.EMPTY)) is fields.Fields
    assert pagemeta.merge(PRINTED, pagemeta.EMPTY) == PRINTED


# ---------------------------------------------------------------------------------------------
# On the labelled pages (skipped without ../shared/corpus)

# Floors measured with benchmarks/html_fields.py: metadata alone, all pages.
METADATA_TITLE_FLOOR = 32
METADATA_PUBLISHED_FLOOR = 20
METADATA_AUTHORS_FLOOR = 13


def test_corpus_pages_metadata_floors_and_merge_never_loses(corpus):
    parser = lxml.html.HTMLParser(no_network=True)
    right = {"title": 0, "published": 0, "authors": 0}
    for html_path in sorted((corpus / "pages").glob("*.html")):
        doc = read_doc(html_path.with_suffix(".tsv"))
        got = pagemeta.read(lxml.html.document_fromstring(html_path.read_bytes(), parser=parser))
        for name in right:
            right[name] += bool(field_right(name, got, doc.headers))
        printed = fields.extract([(t, lab) for t, lab in zip(doc.lines, doc.labels) if lab])
        merged = pagemeta.merge(printed, got)
        for name in ("title", "published", "authors", "editors"):
            if field_right(name, printed, doc.headers):
                assert field_right(name, merged, doc.headers), (doc.doc_id, name)
    assert right["title"] >= METADATA_TITLE_FLOOR
    assert right["published"] >= METADATA_PUBLISHED_FLOOR
    assert right["authors"] >= METADATA_AUTHORS_FLOOR
