#!/usr/bin/env python3
"""Header fields from HTML page metadata (cleaner.pagemeta) on ../shared/corpus/pages.

For each `<id>.html` with its labelled `<id>.tsv`, three readings of the fields are scored against the
`.tsv` gold headers with `cleaner.evaluate.field_right` (title exact, published to the minute or the
day, author/editor sets, location and source case-insensitive):

  metadata  pagemeta.read(page) alone
  printed   fields.extract over the page's lines with their GOLD labels (the best a line labeller can do)
  merged    pagemeta.merge(printed, metadata)

With `--loso`, two more: the printed fields from the labels a model trained without the page's site
gives its lines (`cleaner.evaluate.loso_articles`, trained on the other sites' pages plus
--extra folders and fixtures/), and their merge with the metadata.  That is what the cleaner meets on
a site it has never seen; it trains one model per site (minutes: `--loso-labels FILE` keeps the
predicted labels in FILE, and a later run with the same FILE reads them instead of training again).

Counts are "right / pages whose gold states the field", overall and without mediaindonesia.com (the
33 pages the issue's peer figures were measured on: trafilatura title 20/33, published 1/33, author
11/28; goose3 title 24/33, published 9/33, author 8/28).  `--details` prints every miss.

    python3 benchmarks/html_fields.py [--corpus ../shared/corpus] [--details] [--loso [-j 2]]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cleaner import fields, pagemeta  # noqa: E402
from cleaner.evaluate import FIELD_NAMES, field_right  # noqa: E402
from cleaner.fixtures import read_doc  # noqa: E402

# Pages added to the corpus after the peer figures were taken (13 sites, 33 pages then).
LATER_SITES = ("mediaindonesia.com",)
READINGS = ("metadata", "printed", "merged")
LOSO_READINGS = ("printed (LOSO labels)", "merged (LOSO labels)")


def parse_page(path: Path):
    """The page parsed as the cleaner parses it (encoding from BOM, <meta charset> or detection)."""
    from cleaner import html

    return html.parse(path.read_bytes())


def printed_fields(doc, labels) -> fields.Fields:
    return fields.extract([(t, lab) for t, lab in zip(doc.lines, labels) if lab])


def readings(doc, html_path: Path, predicted=None) -> tuple[dict, float]:
    root = parse_page(html_path)
    start = time.process_time()  # CPU time: the machine's load does not count
    page = pagemeta.read(root)
    seconds = time.process_time() - start
    printed = printed_fields(doc, doc.labels)
    out = {"metadata": page, "printed": printed, "merged": pagemeta.merge(printed, page)}
    if predicted is not None:
        loso = printed_fields(doc, predicted)
        out[LOSO_READINGS[0]] = loso
        out[LOSO_READINGS[1]] = pagemeta.merge(loso, page)
    return out, seconds


def loso_labels(docs: list, extra_roots: list[Path], jobs: int, keep: Path | None) -> list[list[str]]:
    """Each document's line labels from a model trained without its site (read from `keep` if there)."""
    if keep is not None and keep.exists():
        saved = json.loads(keep.read_text(encoding="utf-8"))
        if all(d.doc_id in saved and len(saved[d.doc_id]) == len(d.lines) for d in docs):
            return [saved[d.doc_id] for d in docs]
        print(f"{keep} does not match the corpus: training again", file=sys.stderr)
    from cleaner.evaluate import loso_articles
    from cleaner.fixtures import iter_docs

    extra = [d for root in extra_roots if root.exists() for d in iter_docs(root)]
    print(f"training {len({d.site for d in docs})} leave-one-site-out models ...", file=sys.stderr)
    labels = [[line.label for line in a.lines] for a in loso_articles(docs, extra, jobs=jobs)]
    if keep is not None:
        keep.write_text(json.dumps({d.doc_id: lab for d, lab in zip(docs, labels)}), encoding="utf-8")
    return labels


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    ap.add_argument("--details", action="store_true", help="print every field a reading gets wrong")
    ap.add_argument("--loso", action="store_true", help="also score fields from leave-one-site-out labels")
    ap.add_argument("--extra", type=Path, nargs="*", help="more training folders for --loso (default: "
                    "the corpus text/ and seeds/, and fixtures/)")
    ap.add_argument("--loso-labels", type=Path, metavar="FILE", help="keep (or reuse) the --loso labels in FILE")
    ap.add_argument("-j", "--jobs", type=int, default=1)
    args = ap.parse_args(argv)
    pages = sorted((args.corpus / "pages").glob("*.html"))
    if not pages:
        print(f"no pages under {args.corpus / 'pages'}", file=sys.stderr)
        return 2
    # counts[subset][reading][field] = [right, stated]
    subsets = ("all", "issue")
    docs = [read_doc(p.with_suffix(".tsv")) for p in pages]
    predicted = [None] * len(docs)
    names = READINGS
    if args.loso:
        extra = args.extra if args.extra is not None else [
            args.corpus / "text", args.corpus / "seeds", REPO / "fixtures"
        ]
        predicted = loso_labels(docs, extra, args.jobs, args.loso_labels)
        names = READINGS + LOSO_READINGS
    counts = {s: {r: {f: [0, 0] for f in FIELD_NAMES} for r in names} for s in subsets}
    title_first = {s: [0, 0] for s in subsets}  # the alternative rule: the metadata headline before the printed one
    total_seconds = 0.0
    n = {s: 0 for s in subsets}
    for html_path, doc, article in zip(pages, docs, predicted):
        found, seconds = readings(doc, html_path, article)
        total_seconds += seconds
        in_subsets = ["all"] + ([] if doc.site in LATER_SITES else ["issue"])
        for s in in_subsets:
            n[s] += 1
        for reading, got in found.items():
            for name in FIELD_NAMES:
                right = field_right(name, got, doc.headers) if hasattr(got, name) else None
                if right is None:
                    continue
                for s in in_subsets:
                    counts[s][reading][name][0] += right
                    counts[s][reading][name][1] += 1
                if args.details and not right:
                    gold = doc.headers.get({"authors": "author", "editors": "editor"}.get(name, name))
                    print(f"  {doc.doc_id:34} {reading:21} {name:9} got {getattr(got, name)!r} gold {gold!r}")
        if "title" in doc.headers:
            alt = found["metadata"].title or found["printed"].title
            for s in in_subsets:
                title_first[s][0] += alt is not None and alt.strip() == doc.headers["title"].strip()
                title_first[s][1] += 1
    titles = {"all": f"all {n['all']} pages", "issue": f"the issue's {n['issue']} pages (no {', '.join(LATER_SITES)})"}
    for s, label in titles.items():
        print(f"\n### Fields on {label}: right / stated\n")
        print("| reading | " + " | ".join(FIELD_NAMES) + " |")
        print("|---|" + "---:|" * len(FIELD_NAMES))
        for reading in names:
            cells = []
            for name in FIELD_NAMES:
                right, stated = counts[s][reading][name]
                cells.append(f"{right}/{stated}" if stated else "-")
            print(f"| {reading} | " + " | ".join(cells) + " |")
        right, stated = title_first[s]
        print(f"\ntitle with the metadata headline preferred over the printed one: {right}/{stated}")
    print(f"\npagemeta.read: {1000 * total_seconds / len(pages):.2f} ms CPU per page (parsing excluded)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
