"""Header fields on the cleaner's own output, leave one site out, per corpus folder.

    python benchmarks/fields.py [--corpus ../shared/corpus] [--labels FILE] [--misses]

For each site, a model is trained on every other site's documents of pages, text and seeds (plus
the fixtures of other sites) and cleans that site's documents of all four folders (glued
included: the line model's output on them).  The fields are then read from those lines by the
current `cleaner.fields` through `Cleaner._article`, the code path of the filter, and scored
against the `@` gold headers with `cleaner.evaluate.field_right` (the matching rules of LABELS.md).

Training the leave-one-site-out models takes minutes; the labelled lines do not depend on the field
reader, so `--labels FILE` keeps them: computed and written when FILE is absent, read when present
(delete it after a change to features or the model).  `--misses` prints every wrong field.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from cleaner.evaluate import FIELD_NAMES, field_right, loso_articles  # noqa: E402
from cleaner.fixtures import iter_docs  # noqa: E402

FOLDERS = ("pages", "text", "seeds", "glued")
# Fields with a target in the issue (source has none; it is shown for information).
TARGETS = {"title": 0.98, "published": 0.95, "authors": 0.90, "editors": 0.90, "location": 0.95}


def labelled_lines(corpus: Path, cache: Path | None) -> dict:
    """{folder: [(doc, [(text, label, score)])]} from leave-one-site-out models."""
    docs = {folder: list(iter_docs(corpus / folder, glued=folder == "glued")) for folder in FOLDERS}
    if cache is not None and cache.exists():
        stored = json.loads(cache.read_text(encoding="utf-8"))
        return {f: [(d, stored[f][d.doc_id]) for d in docs[f]] for f in FOLDERS}
    everything = [d for f in FOLDERS for d in docs[f]]
    extra = list(iter_docs(REPO / "fixtures"))
    start = time.perf_counter()
    articles = iter(loso_articles(everything, extra, jobs=1))
    print(f"leave-one-site-out labels in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    out = {f: [(d, [(ln.text, ln.label, ln.score) for ln in next(articles).lines]) for d in docs[f]] for f in FOLDERS}
    if cache is not None:
        stored = {f: {d.doc_id: rows for d, rows in out[f]} for f in FOLDERS}
        cache.write_text(json.dumps(stored), encoding="utf-8")
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--labels", type=Path, help="cache of the leave-one-site-out labels (JSON)")
    parser.add_argument("--misses", action="store_true", help="print every wrong field")
    args = parser.parse_args(argv)

    from cleaner.core import Cleaner

    cleaner = Cleaner()
    by_folder = labelled_lines(args.corpus, args.labels)
    totals = {n: [0, 0] for n in FIELD_NAMES}
    print("| corpus | docs | " + " | ".join(FIELD_NAMES) + " |")
    print("|---|---:|" + "---:|" * len(FIELD_NAMES))
    for folder in FOLDERS:
        counts = {n: [0, 0] for n in FIELD_NAMES}
        for doc, rows in by_folder[folder]:
            texts, labels, scores = zip(*rows) if rows else ((), (), ())
            article = cleaner._article(list(texts), list(labels), list(scores))
            for name in FIELD_NAMES:
                right = field_right(name, article, doc.headers)
                if right is None:
                    continue
                counts[name][0] += right
                counts[name][1] += 1
                if not right and args.misses:
                    key = {"authors": "author", "editors": "editor"}.get(name, name)
                    got = getattr(article, name)
                    print(f"  miss {folder}/{doc.doc_id[:40]} {name}: gold={doc.headers[key]!r} got={got!r}",
                          file=sys.stderr)
        for name in FIELD_NAMES:
            totals[name][0] += counts[name][0]
            totals[name][1] += counts[name][1]
        print(f"| {folder} | {len(by_folder[folder])} | " + " | ".join(_cell(*counts[n]) for n in FIELD_NAMES) + " |")
    docs = sum(len(v) for v in by_folder.values())
    print(f"| **all** | {docs} | " + " | ".join(_cell(*totals[n]) for n in FIELD_NAMES) + " |")
    short = [n for n, target in TARGETS.items() if totals[n][1] and totals[n][0] / totals[n][1] < target]
    print("targets: " + ", ".join(f"{n} >= {t:.0%}" for n, t in TARGETS.items())
          + ("; short: " + ", ".join(short) if short else "; all met"))
    return 0


def _cell(right: int, total: int) -> str:
    return "-" if not total else f"{right / total:.0%} ({right}/{total})"


if __name__ == "__main__":
    sys.exit(main())
