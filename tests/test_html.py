"""HTML input: detection, decoding, safe parsing, segmentation, label transfer, and the HTML path end to end."""

from __future__ import annotations

import codecs
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cleaner import Cleaner, Config, NotTextError
from cleaner import html as H
from cleaner.fixtures import LabelledDoc, read_doc

from .conftest import FIXTURES, REPO

HTML_FIXTURES = sorted((FIXTURES / "html").rglob("*.html"))
PAGE = (
    "<!DOCTYPE html><html><head><title>Judul</title><style>p{color:red}</style>"
    "<script>var x = 'jangan tampil';</script></head><body>"
    "<div class='header'><ul class='nav'><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li></ul></div>"
    "<div class='read__content'><p>Paragraf pertama   berita\n ini.</p><p>Baris satu<br>baris dua</p>"
    "<div class='baca-juga'><strong>Baca juga:</strong> <a href='#'>Judul lain</a></div>"
    "<noscript>aktifkan javascript</noscript><template><p>templat</p></template>"
    "<div hidden>tersembunyi</div><div style='display: none'>juga tersembunyi</div>"
    "<span>teks</span> <b>sebaris</b></div></body></html>"
)


def lines_of(page) -> list[str]:
    return H.read_page(page).texts


# ---------------------------------------------------------------- detection


@pytest.mark.parametrize("doc", [
    PAGE, PAGE.encode(), "\ufeff" + PAGE, codecs.BOM_UTF8 + PAGE.encode(), PAGE.encode("utf-16"),
    "  <!-- saved -->\n<html><body><p>x</p></body></html>", "<?xml version='1.0'?><html><body>x</body></html>",
    "<div class='a'><p>satu</p><p>dua</p></div>",
], ids=range(8))
def test_pages_are_detected(doc):
    assert H.looks_like_html(doc)


@pytest.mark.parametrize("doc", [
    "JAKARTA, KOMPAS.com - Harga cabai naik.\nBaca juga: Harga bawang turun",
    "Penulis menulis <p> di tengah kalimat, tapi ini teks biasa.\nBaris kedua.",
    b"", "", "<3 kata cinta\nbaris kedua", "(nvc/nvc)",
], ids=range(6))
def test_scraped_text_is_not_html(doc):
    assert not H.looks_like_html(doc)


# ---------------------------------------------------------------- decoding


def test_meta_charset_is_honoured():
    page = ('<html><head><meta charset="windows-1252"></head>'
            "<body><p>\u201cKutipan\u201d \u2013 caf\u00e9</p></body></html>")
    assert lines_of(page.encode("cp1252")) == ["\u201cKutipan\u201d \u2013 caf\u00e9"]


def test_http_equiv_charset_and_latin1_label_read_as_windows_1252():
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"></head>'
            '<body><p>\u201ckata\u201d</p></body></html>')
    assert lines_of(page.encode("cp1252")) == ["\u201ckata\u201d"]


def test_declared_utf8_that_is_not_falls_back_to_detection():
    page = '<html><head><meta charset="utf-8"></head><body><p>\u201cKata\u201d</p></body></html>'
    assert lines_of(page.encode("cp1252")) == ["\u201cKata\u201d"]


def test_bom_wins_over_meta():
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>caf\u00e9 \u2014 \u00e0</p></body></html>'
    assert lines_of(codecs.BOM_UTF8 + page.encode("utf-8")) == ["caf\u00e9 \u2014 \u00e0"]
    assert lines_of(page.encode("utf-16")) == ["caf\u00e9 \u2014 \u00e0"]


def test_binary_is_not_text():
    with pytest.raises(NotTextError):
        H.read_page(b"<html>" + bytes(range(256)) * 50)


# ---------------------------------------------------------------- segmentation


def test_lines_as_a_reader_sees_them():
    assert lines_of(PAGE) == [
        "Home", "News", "Paragraf pertama berita ini.", "Baris satu", "baris dua", "Baca juga: Judul lain",
        "teks sebaris",
    ]


def test_line_tokens_are_the_nearest_distinct_ones():
    # Thirty nested wrappers, each with its own class and a shared one: a line gets the innermost
    # tokens first, each once, cut at MAX_TOKENS_PER_LINE; siblings and cousins under other
    # wrappers get their own nearest tokens.
    depth = 30
    opening = "".join(f"<div class='w{i} shared'>" for i in range(depth))
    doc = (f"<html><body>{opening}<p class='lead shared'>Kalimat terdalam di sini.</p></div>"
           f"<p>Kalimat kedua tanpa kelas.</p>{'</div>' * (depth - 1)}"
           "<section id='lain'><p>Kalimat di bagian lain.</p></section></body></html>")
    lines = {ln.text: ln for ln in H.read_page(doc).lines}
    inner = lines["Kalimat terdalam di sini."].tokens
    expected = ("lead", "shared", *(f"w{i}" for i in reversed(range(depth))))[:H.MAX_TOKENS_PER_LINE]
    assert inner == expected
    assert lines["Kalimat kedua tanpa kelas."].tokens == ("w28", "shared", *(f"w{i}" for i in range(27, 5, -1)))
    assert lines["Kalimat di bagian lain."].tokens == ("lain",)


def test_dom_context_of_lines():
    page = H.read_page(PAGE)
    by_text = {ln.text: ln for ln in page.lines}
    home, related, para = by_text["Home"], by_text["Baca juga: Judul lain"], by_text["Paragraf pertama berita ini."]
    assert home.tag == "li" and home.link_chars == len("Home") and {"header", "nav"} <= set(home.tokens)
    assert "a" in home.contexts and "li" in home.contexts
    assert related.tokens[:2] == ("baca", "juga") and 0 < related.link_chars < len(related.text)
    assert para.tag == "p" and para.link_chars == 0 and para.tokens[:2] == ("read", "content")
    assert para.depth > home.depth - 2
    # The paragraphs' container holds their lines.
    first, end = page.spans[para.parent]
    assert page.lines[first:end][0] is para


def test_memos_shared_across_pages_change_nothing():
    # A Cleaner keeps the tokens of class/id values and the merged line tokens from page to page.
    pages = [PAGE, *(p.read_bytes() for p in HTML_FIXTURES)]
    fresh = [H.read_page(p) for p in pages]
    names, merges = {}, {}
    for _ in range(2):
        for page, alone in zip(reversed(pages), reversed(fresh)):
            shared = H.segment_page(H.parse(page), names, merges)
            assert (shared.lines, shared.spans, shared.elements) == (alone.lines, alone.spans, alone.elements)


def test_made_up_tags_do_not_grow_what_the_walk_remembers():
    words = "".join(f"<x-{i} class='c{i}'>kata{i} </x-{i}>" for i in range(2000))
    doc = f"<html><body><p>{words}</p></body></html>"
    assert lines_of(doc) == [" ".join(f"kata{i}" for i in range(2000))]
    assert len(H._INSIDES) <= H.MAX_INSIDES
    assert all(len(inside.inner) <= H.MAX_TAGS_REMEMBERED for inside in H._INSIDES.values())


def test_entities_and_white_space():
    assert lines_of("<html><body><p>A&amp;B&nbsp;&nbsp;C &lt;tag&gt;</p><p>\t \n</p></body></html>") == ["A&B C <tag>"]


def test_broken_markup_keeps_its_text():
    page = "<html><body><div><p>satu<p>dua</div></span><td>tiga<li>empat</b> lima</body>"
    assert lines_of(page) == ["satu", "dua", "tiga", "empat lima"]


def test_unclosed_inline_elements_past_libxml2s_default_depth_keep_their_text():
    page = "<html><body>" + "".join(f"<p><font size=2>paragraf {i}" for i in range(600)) + "</body></html>"
    lines = lines_of(page)
    assert lines[0] == "paragraf 0" and lines[-1] == "paragraf 599" and len(lines) == 600


def test_empty_and_textless_pages():
    for doc in ("", b"   ", "<!-- nothing -->", "<html><head><title>x</title></head></html>"):
        assert lines_of(doc) == []
    article = Cleaner().clean("<html><body></body></html>")
    assert article.body == "" and article.lines == ()


# ---------------------------------------------------------------- safety


def test_100000_nested_levels_cannot_crash_it():
    page = "<html><body>" + "<div>" * 100_000 + "dalam" + "</div>" * 100_000 + "<p>sesudah</p></body></html>"
    start = time.perf_counter()
    article = Cleaner().clean(page)
    assert time.perf_counter() - start < 30
    assert isinstance(article.body, str)
    span = "<html><body><p>" + "<span>x" * 100_000 + "</p></body></html>"
    assert len(H.read_page(span).lines) <= 3


def test_entity_expansion_is_not_performed():
    bomb = ('<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
            "<html><body><p>&d;&d;&d;&d;</p></body></html>")
    text = "\n".join(lines_of(bomb))
    assert "aaaaaaaaaa" not in text and len(text) < 200


def test_external_entities_and_network_are_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("RAHASIA-JANGAN-DIBACA", encoding="utf-8")
    page = (f'<!DOCTYPE html [<!ENTITY x SYSTEM "file://{secret}">]>'
            f'<html><body><p>&x;</p><iframe src="file://{secret}"></iframe>'
            f'<object data="file://{secret}"></object><img src="http://192.0.2.1/x.png"></body></html>')
    assert "RAHASIA" not in "\n".join(lines_of(page))


# ---------------------------------------------------------------- label transfer


def test_labels_transfer_by_alignment():
    from cleaner.train_html import transfer_labels

    gold = LabelledDoc("d", ("Menu", "Judul", "Isi berita  panjang.", "Baca juga: lain", "Footer kecil"),
                       ("chrome", "title", "body", "chrome", "chrome"), {})
    page = ["Menu", "Masuk", "Judul", "isi berita panjang.", "Baca juga:", "lain", "Footer kecil"]
    assert transfer_labels(page, gold) == ["chrome", "chrome", "title", "body", "chrome", "chrome", "chrome"]


def test_corpus_pages_segment_close_to_their_tsv(corpus):
    """The page's lines are the .tsv's lines (98% of the page lines are a .tsv line), and every title,
    meta, body and caption line of the .tsv is found on the page, so the transferred body is the gold body."""
    import difflib

    from cleaner.train_html import iter_pages

    matched = total = 0
    for page in iter_pages(corpus / "pages"):
        gold = [" ".join(t.split()).casefold() for t in page.gold.lines if t.strip()]
        mine = [" ".join(t.split()).casefold() for t in page.doc.lines]
        matched += sum(b.size for b in difflib.SequenceMatcher(None, gold, mine, autojunk=False).get_matching_blocks())
        total += len(mine)
        assert page.doc.body_lines() == page.gold.body_lines(), page.doc.doc_id
        for label in ("title", "meta", "caption"):
            assert page.doc.labels.count(label) == page.gold.labels.count(label), (page.doc.doc_id, label)
    assert matched / total >= 0.97


# ---------------------------------------------------------------- the HTML path end to end


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner()


@pytest.mark.parametrize("path", HTML_FIXTURES, ids=[str(p.relative_to(FIXTURES)) for p in HTML_FIXTURES])
def test_fixture_page_gives_its_gold(cleaner, path):
    gold = read_doc(path.with_suffix(".tsv"))
    article = cleaner.clean(path.read_bytes())
    assert [ln.text for ln in article.lines] == [t for t in gold.lines if t.strip()]
    assert article.body.split("\n") == gold.gold_body_text().split("\n")
    assert article.title == gold.headers["title"]
    assert article.published[:16] == gold.headers["published"][:16]
    assert list(article.authors) == gold.headers["author"]


def test_input_format_decides(cleaner):
    path = HTML_FIXTURES[0]
    as_text = Cleaner(config=Config(input_format="text")).clean(path.read_bytes())
    assert any("<" in ln.text for ln in as_text.lines)  # the markup stays, line by line
    as_html = Cleaner(config=Config(input_format="html")).clean(path.read_bytes())
    assert as_html == cleaner.clean(path.read_bytes())
    with pytest.raises(ValueError, match="input_format"):
        Config(input_format="pdf")


def test_cli_tsv_of_a_page_is_the_fixture_format(tmp_path):
    path = HTML_FIXTURES[0]
    out = subprocess.run([sys.executable, "-m", "cleaner", "--format", "tsv", str(path)], capture_output=True,
                         cwd=REPO, check=True).stdout.decode("utf-8")
    gold = read_doc(path.with_suffix(".tsv"))
    rows = [r for r in out.splitlines() if r and not r.startswith("@")]
    assert rows == [f"{lab}\t{t}" for t, lab in zip(gold.lines, gold.labels) if t.strip()]
    forced = subprocess.run([sys.executable, "-m", "cleaner", "--input-format", "text", str(path)],
                            capture_output=True, cwd=REPO)
    assert forced.returncode == 0
    bad = subprocess.run([sys.executable, "-m", "cleaner", "--input-format", "pdf", str(path)], capture_output=True,
                         cwd=REPO)
    assert bad.returncode == 2 and b"Traceback" not in bad.stderr


def test_batch_cleans_html_files(tmp_path):
    src = tmp_path / "in"
    (src / "a").mkdir(parents=True)
    page = HTML_FIXTURES[0]
    (src / "a" / "page.html").write_bytes(page.read_bytes())
    proc = subprocess.run([sys.executable, "-m", "cleaner", "--input-dir", str(src), "--output-dir",
                           str(tmp_path / "out"), "-q", "--no-site-chrome"], capture_output=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    gold = read_doc(page.with_suffix(".tsv"))
    assert (tmp_path / "out" / "a" / "page.txt").read_text(encoding="utf-8") == gold.gold_body_text() + "\n"


def test_the_filter_does_not_import_lxml_for_text():
    code = ("import sys; from cleaner import Cleaner; Cleaner().clean('Jakarta - Harga naik.'); "
            "print('lxml' in sys.modules, 'sklearn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=REPO, check=True).stdout
    assert out.split() == [b"False", b"False"]


def test_the_html_path_does_not_import_sklearn():
    code = ("import sys; from cleaner import Cleaner; Cleaner().clean('<html><body><p>Jakarta - Harga naik.</p>"
            "</body></html>'); print('lxml' in sys.modules, 'sklearn' in sys.modules, 'scipy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=REPO, check=True).stdout
    assert out.split() == [b"True", b"False", b"False"]


def test_shipped_html_model_records_its_loso_scores():
    import json

    manifest = json.loads((REPO / "models" / "html" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["input"] == "html" and manifest["dense_features"] > manifest["hash_buckets"] * 0
    assert manifest["loso_scores"]["overall"]["f1"] >= 0.97
    assert Path(REPO / "models" / "html" / "model.npz").is_file()
