#!/usr/bin/env python3
"""Score existing article extractors ("peers") on the labelled corpus, as a yardstick for cleaner.

Four tables, one per collection:
  seeds, pages (text), text  -- the scraped text; HTML peers get it wrapped as one <p> per line
  pages (HTML input)         -- the raw saved page, for the peers built for HTML

Each engine is `callable(text_or_html) -> body_text`, scored with cleaner.metrics.BodyScore against
the gold body (the `body` lines of the document).  An engine that raises scores an empty body on that
document, and the errors are counted.  Run through run-peers.sh, which installs the peers.
"""

from __future__ import annotations

import argparse
import html
import json
import logging
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cleaner.fixtures import iter_docs
from cleaner.metrics import BodyScore

REPO = Path(__file__).resolve().parents[1]

Engine = Callable[[str], str]


# ---------------------------------------------------------------- inputs


def non_blank(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def wrap_paragraphs(text: str) -> str:
    """The scraped text as the simplest HTML a peer can read: one <p> per non-blank line.

    No <title>: peers that compare paragraphs with the title would otherwise get a hint the
    scraped text does not have.
    """
    paragraphs = "\n".join(f"<p>{html.escape(line)}</p>" for line in non_blank(text))
    return f'<html><head><meta charset="utf-8"></head><body>\n{paragraphs}\n</body></html>'


def html_to_text(fragment: str) -> str:
    """Text of an HTML fragment with a line break after each block, so words never glue across blocks."""
    import lxml.html

    root = lxml.html.fromstring(fragment)
    for el in root.iter("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote"):
        el.tail = "\n" + (el.tail or "")
    return root.text_content()


# ---------------------------------------------------------------- peers (HTML in, text out)
# Each factory imports its library and does its one-off set-up, so a missing peer is skipped alone.


def make_justext() -> Engine:
    import justext

    stoplist = justext.get_stoplist("Indonesian")

    def run(page: str) -> str:
        paragraphs = justext.justext(page, stoplist)
        return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)

    return run


def make_boilerpy3() -> Engine:
    from boilerpy3 import extractors

    extractor = extractors.ArticleExtractor()
    return extractor.get_content


def make_goose3() -> Engine:
    from goose3 import Goose

    # Indonesian stop words, as jusText gets: goose3 ships them, but defaults to English when the
    # page states no language (the wrapped text never does).
    goose = Goose({"target_language": "id", "use_meta_language": False})
    return lambda page: goose.extract(raw_html=page).cleaned_text


def make_trafilatura() -> Engine:
    import trafilatura

    return lambda page: trafilatura.extract(page) or ""  # None when it finds no main text


def make_readability() -> Engine:
    from readability import Document

    return lambda page: html_to_text(Document(page).summary())


def make_resiliparse() -> Engine:
    from resiliparse.extract.html2text import extract_plain_text

    return lambda page: extract_plain_text(page, main_content=True)


HTML_PEERS = {
    "readability-lxml": make_readability,
    "trafilatura": make_trafilatura,
    "goose3": make_goose3,
    "boilerpy3": make_boilerpy3,
    "jusText": make_justext,
    "resiliparse": make_resiliparse,
}

# The peers also run on the scraped text (wrapped as <p>); readability and resiliparse are left out
# there, as they only make sense on a real page.
TEXT_PEERS = ("jusText", "boilerpy3", "goose3", "trafilatura")


# ---------------------------------------------------------------- baselines (text in, text out)


def keep_everything(text: str) -> str:
    return "\n".join(non_blank(text))


# A hand-written list of the chrome lines any Indonesian news scrape is full of: what a developer
# would write in an afternoon.  One line at a time, no context (so a headline after a bare
# "Baca juga" survives).
CHROME_LINES = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^baca( juga| selengkapnya)?\b",  # related-article teasers
        r"^(advertisement|iklan|sponsored)$",
        r"^scroll to (continue|resume)",
        r"^artikel ini (telah|sudah) (tayang|terbit)",
        r"^\(\s*[a-z*]{1,6}(\s*/\s*[a-z]{1,6})*\s*\)$",  # end codes: (nvc/nvc), (ren), (*)
        r"©|\bcopyright\b|all rights reserved|hak cipta",
        r"^(#\w+\s*)+$",  # hashtag lines
        r"^(bagikan|share|follow|ikuti( kami| kanal| berita)?)\b",
        r"^simak (breaking news|berita|video|juga)",
        r"^(lihat|tonton|saksikan) (juga|video)",
        r"google news|whatsapp channel|saluran whatsapp|telegram channel",
        r"^(download|unduh) (aplikasi|app)",
        r"^(berita|artikel) (terkait|terkini|lainnya|populer|pilihan)",
        r"^(terkini|terpopuler|populer|rekomendasi|topik|tag|tags)( lainnya)?\s*:?$",
        r"^(editor|penulis|reporter|pewarta|redaktur|sumber|kontributor)\s*:",  # bylines
        r"^(foto|ilustrasi|video)\s*:",  # photo credits
        r"^\d{1,2}:\d{2}$",  # video durations
        r"^(instagram|facebook|twitter|tiktok|youtube|x)\s*:\s*\S+$",
        r"^(halaman \d+|selanjutnya|sebelumnya|load more|tampilkan lebih banyak)$",
    )
]
SENTENCE_PUNCTUATION = re.compile(r"[.!?:;,\"“”]")


def is_menu_like(line: str) -> bool:
    """A short line without sentence punctuation: a menu item, a section or a tag.

    A lone dateline ("Jakarta -") is body, so a line ending in a dash is kept.
    """
    words = line.split()
    return len(words) < 4 and not SENTENCE_PUNCTUATION.search(line) and not line.rstrip().endswith(("-", "–", "—"))


def regex_baseline(text: str) -> str:
    kept = []
    for line in non_blank(text):
        stripped = line.strip()
        if is_menu_like(stripped) or any(p.search(stripped) for p in CHROME_LINES):
            continue
        kept.append(line)
    return "\n".join(kept)


# ---------------------------------------------------------------- engine tables


def cleaner_engines(corpus: Path) -> dict[str, Engine]:
    """The project's cleaner, scored as on unseen sites: leave one site out.

    For each site of the three text collections a model is trained on every other site (plus the
    project's fixtures of other sites) and cleans that site's documents; the engine then looks the
    body up by the document's text.  Needs the training extra (scikit-learn) installed.
    """
    try:
        from cleaner.evaluate import loso_articles
    except ImportError as exc:
        print(f"skipping cleaner: {exc}", file=sys.stderr)
        return {}
    docs = [d for sub in ("pages", "text", "seeds") for d in iter_docs(corpus / sub)]
    print(f"cleaner: leave-one-site-out over {len({d.site for d in docs})} sites ...", file=sys.stderr)
    articles = loso_articles(docs, list(iter_docs(REPO / "fixtures")), jobs=2)
    bodies = {doc.text: article.body for doc, article in zip(docs, articles)}
    return {"cleaner (leave-one-site-out)": bodies.__getitem__}


def load_peers(names) -> dict[str, Engine]:
    engines = {}
    for name in names:
        try:
            engines[name] = HTML_PEERS[name]()
        except ImportError as exc:
            print(f"skipping {name}: {exc}", file=sys.stderr)
    return engines


def text_engines(corpus: Path) -> dict[str, Engine]:
    engines: dict[str, Engine] = {"keep everything": keep_everything, "regex baseline": regex_baseline}
    for name, peer in load_peers(TEXT_PEERS).items():
        engines[name] = lambda text, peer=peer: peer(wrap_paragraphs(text))
    engines.update(cleaner_engines(corpus))
    return engines


def cleaner_html_engines(corpus: Path) -> dict[str, Engine]:
    """The cleaner on the raw pages, leave-one-site-out (`cleaner.train_html.loso_articles`): for each
    site an HTML model is trained on the other sites' pages (plus the fixture pages of other sites)
    and cleans that site's pages; the engine looks the body up by the page's text."""
    try:
        from cleaner import train_html
    except ImportError as exc:
        print(f"skipping cleaner (HTML): {exc}", file=sys.stderr)
        return {}
    pages = train_html.iter_pages(corpus / "pages")
    print(f"cleaner (HTML): leave-one-site-out over {len({p.doc.site for p in pages})} sites ...", file=sys.stderr)
    articles = train_html.loso_articles(pages, train_html.iter_pages(REPO / "fixtures" / "html"), jobs=2)
    # Keyed as load_inputs reads the page, so the lookup finds it.
    bodies = {p.path.read_text(encoding="utf-8", errors="replace"): a.body for p, a in zip(pages, articles)}
    return {"cleaner (leave-one-site-out)": bodies.__getitem__}


def html_engines(corpus: Path) -> dict[str, Engine]:
    return {**load_peers(HTML_PEERS), **cleaner_html_engines(corpus)}


# ---------------------------------------------------------------- running and scoring


@dataclass
class Result:
    score: BodyScore = field(default_factory=BodyScore)
    errors: int = 0
    seconds: float = 0.0
    first_error: str = ""

    def as_dict(self) -> dict:
        out = self.score.as_dict()
        out.pop("line_accuracy")  # the peers return text, not line decisions
        rate = self.score.docs / self.seconds if self.seconds else None
        out.update(errors=self.errors, seconds=round(self.seconds, 3), docs_per_second=rate and round(rate, 2))
        if self.first_error:
            out["first_error"] = self.first_error
        return out


def load_inputs(folder: Path, kind: str) -> list[tuple[str, str, str]]:
    """(doc_id, engine input, gold body) for each labelled document in a folder."""
    items = []
    for doc in iter_docs(folder):
        if kind == "html":
            source = (folder / f"{doc.doc_id}.html").read_text(encoding="utf-8", errors="replace")
        else:
            source = doc.text  # blank lines kept: they are the paragraph breaks of text/
        items.append((doc.doc_id, source, doc.gold_body_text()))
    return items


def run_engine(engine: Engine, items) -> Result:
    result = Result()
    for doc_id, source, gold in items:
        start = time.perf_counter()
        try:
            body = engine(source)
        except Exception as exc:  # noqa: BLE001 -- any crash of a peer scores as extracting nothing
            body = ""
            result.errors += 1
            result.first_error = result.first_error or f"{doc_id}: {type(exc).__name__}: {exc}"[:200]
        result.seconds += time.perf_counter() - start
        result.score.add(body or "", gold)
    return result


COLLECTIONS = (  # (table name, corpus folder, input kind)
    ("seeds (scraped text; peers get it as <p>)", "seeds", "text"),
    ("pages (scraped text; peers get it as <p>)", "pages", "text"),
    ("text (scraped text; peers get it as <p>)", "text", "text"),
    ("pages (HTML input)", "pages", "html"),
)


def markdown_table(title: str, results: dict[str, Result]) -> str:
    rows = [
        f"### {title}",
        "",
        "| engine | documents | P | R | F1 | perfect | errors | docs/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, res in sorted(results.items(), key=lambda kv: -kv[1].score.f1):
        s = res.score
        rate = f"{s.docs / res.seconds:.1f}" if res.seconds else "-"
        rows.append(
            f"| {name} | {s.docs} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} "
            f"| {s.perfect_share:.3f} | {res.errors} | {rate} |"
        )
    return "\n".join(rows) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--corpus", type=Path, default=REPO / ".." / "shared" / "corpus",
        help="default: ../shared/corpus from the repo root",
    )
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the results as JSON")
    parser.add_argument("--only", choices=("text", "html"), help="run only the text tables or only the HTML table")
    args = parser.parse_args(argv)
    # The peers log a warning per odd page (unparsed dates, nested links): it drowns the progress.
    for name in ("goose3", "boilerpy3", "trafilatura", "readability", "htmldate", "courlan"):
        logging.getLogger(name).setLevel(logging.ERROR)

    kinds = [args.only] if args.only else ["text", "html"]
    engines = {kind: (text_engines if kind == "text" else html_engines)(args.corpus) for kind in kinds}
    report = {}
    for title, folder, kind in [c for c in COLLECTIONS if c[2] in kinds]:
        items = load_inputs(args.corpus / folder, kind)
        results = {}
        for name, engine in engines[kind].items():
            results[name] = res = run_engine(engine, items)
            print(f"[{title}] {name}: {len(items)} docs, {res.seconds:.1f}s, {res.errors} errors", file=sys.stderr)
            if res.first_error:
                print(f"    first error: {res.first_error}", file=sys.stderr)
        print(markdown_table(title, results))
        report[title] = {name: res.as_dict() for name, res in results.items()}

    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
