"""Site-level chrome: body F1 / perfect documents before and after `cleaner.sitechrome`, leave-one-site-out.

    python benchmarks/sitechrome.py [--cache FILE] [--refresh] [-j N] [--grid]

Each corpus document (../shared/corpus pages + text + seeds) is cleaned by a model trained without
its site (`cleaner.evaluate.loso_articles`: minutes, so the articles are cached in `--cache` and
reused until `--refresh`).  Then the documents are grouped by `@site`, the site's line counts are
taken over all its documents (the first pass of batch mode), and the body lines that repeat in
enough of them become chrome.  Printed: body P/R/F1, line accuracy and perfect documents before and
after, overall and per site, for the shipped constants (and with `--grid`, for a grid of them).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from cleaner.fixtures import iter_docs  # noqa: E402

CORPUS = Path(os.environ.get("CLEANER_CORPUS", REPO.parent / "shared" / "corpus"))
PARTS = ("pages", "text", "seeds")
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "cleaner-loso-articles.pkl"


def _fingerprint(docs) -> str:
    """The documents: a cache made from other inputs is not reused (after a change to the model's
    code, pass --refresh)."""
    h = hashlib.sha256()
    for doc in docs:
        h.update(doc.doc_id.encode() + b"\0" + doc.text.encode() + b"\0" + "\0".join(doc.labels).encode() + b"\0")
    return h.hexdigest()


def loso_cached(docs, fixtures, cache: Path, refresh: bool, jobs: int) -> list:
    from cleaner.evaluate import loso_articles

    key = _fingerprint(docs)
    if cache.exists() and not refresh:
        with open(cache, "rb") as fh:
            stored_key, articles = pickle.load(fh)
        if stored_key == key:
            return articles
        print(f"(cache {cache} is stale: recomputing)", file=sys.stderr)
    articles = loso_articles(docs, fixtures, jobs=jobs)
    with open(cache, "wb") as fh:
        pickle.dump((key, articles), fh)
    return articles


def load_corpus():
    docs = list(iter_docs(*[CORPUS / p for p in PARTS]))
    fixtures = list(iter_docs(REPO / "fixtures"))
    return docs, fixtures


def _key(min_chars: int, digits: bool):
    from cleaner import sitechrome

    return lambda line: sitechrome.line_key(line, min_chars, digits)


def with_site_chrome(docs, articles, min_share: float, min_docs: int, min_chars: int, digits: bool) -> list:
    """The articles after the second pass, the first pass counted over each site's documents."""
    from cleaner import sitechrome

    key = _key(min_chars, digits)
    counts = sitechrome.SiteCounts()
    for doc in docs:
        counts.add(doc.site, sitechrome.document_keys(doc.lines, key))
    table = counts.chrome(min_share, min_docs)
    return [sitechrome.apply(a, table.keys(d.site), key=key) for d, a in zip(docs, articles)]


def report(docs, articles):
    from cleaner.evaluate import Report

    rep = Report()
    for doc, article in zip(docs, articles):
        rep.add(doc, article)
    return rep


def changed_lines(docs, before, after) -> tuple[int, int]:
    """(lines turned chrome whose gold is not body: right; whose gold is body: wrong)."""
    right = wrong = 0
    for doc, a, b in zip(docs, before, after):
        for old, new, gold in zip(a.lines, b.lines, doc.labels):
            if old.label == "body" and new.label == "chrome":
                if gold == "body":
                    wrong += 1
                else:
                    right += 1
    return right, wrong


def _row(name: str, d: dict) -> str:
    acc = "-" if d["line_accuracy"] is None else f"{d['line_accuracy']:.4f}"
    return (f"| {name} | {d['documents']} | {d['precision']:.4f} | {d['recall']:.4f} | {d['f1']:.4f} | {acc} | "
            f"{d['perfect']:.1%} |")


def compare(docs, before, after) -> None:
    b, a = report(docs, before).as_dict(), report(docs, after).as_dict()
    print("| site | docs | P | R | F1 | line acc | perfect |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for site in b["sites"]:
        if b["sites"][site] != a["sites"][site]:
            print(_row(f"{site} before", b["sites"][site]))
            print(_row(f"{site} after", a["sites"][site]))
    print(_row("**all** before", b["overall"]))
    print(_row("**all** after", a["overall"]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="leave-one-site-out articles (pickle)")
    ap.add_argument("--refresh", action="store_true", help="recompute the cached articles")
    ap.add_argument("-j", "--jobs", type=int, default=1)
    ap.add_argument("--grid", action="store_true", help="also print a grid of the constants")
    args = ap.parse_args()
    docs, fixtures = load_corpus()
    articles = loso_cached(docs, fixtures, args.cache, args.refresh, args.jobs)
    from cleaner import sitechrome

    print(f"{len(docs)} documents, {len({d.site for d in docs})} sites, leave-one-site-out labels")
    base = report(docs, articles).as_dict()["overall"]
    if args.grid:
        print("| share | min docs | min chars | digits | F1 | perfect | line acc | right | wrong |")
        print("|---:|---:|---:|---|---:|---:|---:|---:|---:|")
        print(f"| - | - | - | - | {base['f1']:.4f} | {base['perfect']:.1%} | {base['line_accuracy']:.4f} | - | - |")
        for share in (0.2, 0.3, 0.4, 0.5, 0.6, 0.8):
            for min_docs in (3, 5, 8):
                for min_chars in (0, 12, 24):
                    for digits in (False, True):
                        after = with_site_chrome(docs, articles, share, min_docs, min_chars, digits)
                        d = report(docs, after).as_dict()["overall"]
                        right, wrong = changed_lines(docs, articles, after)
                        print(f"| {share} | {min_docs} | {min_chars} | {digits} | {d['f1']:.4f} | {d['perfect']:.1%} "
                              f"| {d['line_accuracy']:.4f} | {right} | {wrong} |")
    after = with_site_chrome(docs, articles, sitechrome.MIN_SHARE, sitechrome.MIN_DOCS, sitechrome.MIN_CHARS, True)
    right, wrong = changed_lines(docs, articles, after)
    print(f"\nshipped constants: MIN_SHARE {sitechrome.MIN_SHARE}, MIN_DOCS {sitechrome.MIN_DOCS}, "
          f"MIN_CHARS {sitechrome.MIN_CHARS}; body lines turned chrome: {right} right, {wrong} wrong\n")
    compare(docs, articles, after)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
