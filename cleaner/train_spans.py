"""Training the span model of glued documents (imports scikit-learn through `train`).

Span labels come from the gold: a span of a glued document is `body` when its characters survive in
the gold body (aligned in order), `chrome` otherwise.  Line-labelled documents add glued copies of
themselves: their article region joined into one line, each span labelled by the lines it came from.
Seeded and deterministic, like the line model.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
from pathlib import Path

import numpy as np

from cleaner import features, glued, lexicon, train
from cleaner import model as model_io
from cleaner.fixtures import LABELS, LabelledDoc
from cleaner.metrics import BodyScore
from cleaner.segment import segment_lines

# A span counts as kept when at least this share of its non-space characters is in the gold.
KEPT_SHARE = 0.5
# Glued copies of line-labelled documents: the article region (first to last body line) plus this
# many lines after it, where bylines, `Baca juga` and syndication notes sit in a CSV cell (a cell
# starts with the story: the page's title and date lines before the body are not in it).
SYNTHETIC_MARGIN = 3


@dataclasses.dataclass(frozen=True)
class SpanParams:
    """The line model's training knobs, as leave-one-site-out runs on glued documents chose them."""

    c_first: float = 0.3
    c_second: float = 0.3
    doc_weight_power: float = 0.5
    transition_weight: float = 0.0
    stack_folds: int = 3
    seed: int = train.SEED

    def line_params(self) -> train.Params:
        return train.Params(c_first=self.c_first, c_second=self.c_second, doc_weight_power=self.doc_weight_power,
                            transition_weight=self.transition_weight, stack_folds=self.stack_folds, seed=self.seed)


def kept_chars(scraped: str, gold: str) -> np.ndarray:
    """Per character of the scraped text: whether it survives in the gold (in-order alignment)."""
    kept = np.zeros(len(scraped), dtype=bool)
    matcher = difflib.SequenceMatcher(None, scraped, gold, autojunk=False)
    for block in matcher.get_matching_blocks():
        kept[block.a: block.a + block.size] = True
    return kept


def _span_labels(doc: glued.SpanDoc, char_labels) -> np.ndarray:
    """Label of each span from per-line arrays of per-character label indices: `body` when most of
    its non-space characters are body, else the commonest other label among them."""
    y = []
    body = LABELS.index("body")
    for i, span, text in zip(doc.line_of, doc.spans, doc.texts):
        labels = char_labels[i][span.start: span.end]
        solid = labels[np.array([not c.isspace() for c in text], dtype=bool)]
        if len(solid) and (solid == body).mean() >= KEPT_SHARE:
            y.append(body)
        else:
            others = solid[solid != body]
            y.append(int(np.bincount(others).argmax()) if len(others) else LABELS.index("chrome"))
    return np.array(y, dtype=np.int64)


def glued_examples(doc: LabelledDoc) -> tuple[list[str], list[np.ndarray]]:
    """Lines of a glued document and per-line character labels (body where kept in the gold, else chrome)."""
    text = doc.text
    kept = kept_chars(text, doc.gold_body_text())
    labels = np.where(kept, LABELS.index("body"), LABELS.index("chrome"))
    flags, pos = [], 0
    for line in doc.lines:
        flags.append(labels[pos: pos + len(line)])
        pos += len(line) + 1
    return list(doc.lines), flags


def synthetic(doc: LabelledDoc) -> LabelledDoc | None:
    """A glued copy of a line-labelled document: its article region joined into one line.

    Returned as a glued document (the joined line, and its gold: the body lines' text joined alike).
    """
    content = [(t, lab) for t, lab in zip(doc.lines, doc.labels) if lab]
    body_at = [k for k, (_, lab) in enumerate(content) if lab == "body"]
    if not body_at:
        return None
    lo, hi = body_at[0], min(len(content), body_at[-1] + 1 + SYNTHETIC_MARGIN)
    # A byline or a date line just above the story ("Laporan Wartawan ...") is in the cell too.
    while lo > 0 and body_at[0] - lo < SYNTHETIC_MARGIN and content[lo - 1][1] == "meta":
        lo -= 1
    region = [(t.strip(), lab) for t, lab in content[lo:hi]]
    # Half the documents glued with a space, half with nothing after an end mark (both occur in crawls).
    tight = int(hashlib.sha256(doc.doc_id.encode()).hexdigest(), 16) % 2 == 0
    parts, gold_parts = [], []
    for t, lab in region:
        sep = "" if tight and parts and parts[-1][-1:] in ".!?\"”" else " "
        piece = (sep if parts else "") + t
        parts.append(piece)
        gold_parts.append(piece if lab == "body" else (chr(LABELS.index(lab) + 1) * len(piece)))
    line = "".join(parts)
    marks = "".join(gold_parts)
    return LabelledDoc(f"{doc.doc_id}#glued", (line,), ("",), dict(doc.headers), gold_body=marks)


def _flags_of_synthetic(doc: LabelledDoc) -> tuple[list[str], list[np.ndarray]]:
    """A synthetic copy's gold marks each non-body character by chr(label index + 1)."""
    body = LABELS.index("body")
    codes = [ord(c) - 1 if ord(c) <= len(LABELS) else body for c in doc.gold_body]
    return list(doc.lines), [np.array(codes, dtype=np.int64)]


def prepare(doc: LabelledDoc, extractor: features.FeatureExtractor) -> train.Prepared | None:
    """Span features and labels of a glued document (or a synthetic glued copy)."""
    if doc.doc_id.endswith("#glued"):
        lines, flags = _flags_of_synthetic(doc)
    else:
        lines, flags = glued_examples(doc)
    seg = segment_lines(lines)
    span_doc = glued.segment(lines, seg.content)
    if not span_doc.spans:
        return None
    feats = glued.doc_features(span_doc, lines, extractor)
    return train.Prepared(doc, feats, _span_labels(span_doc, flags))


def prepare_all(glued_docs, line_docs) -> list[train.Prepared]:
    extractor = features.FeatureExtractor(lexicon.load(), max_cached_lines=0)
    docs = list(glued_docs) + [s for s in map(synthetic, line_docs) if s is not None]
    return [p for p in (prepare(d, extractor) for d in docs) if p is not None]


def fit(prepared: list[train.Prepared], params: SpanParams = SpanParams()) -> glued.SpanModel:
    fitted = train.fit([], params.line_params(), prepared=prepared)
    manifest = dict(fitted.manifest, span_features=list(glued.SPAN_NAMES), span_params=dataclasses.asdict(params))
    return glued.SpanModel(dataclasses.replace(fitted, manifest=manifest))


def loso(glued_docs: list[LabelledDoc], prepared: list[train.Prepared], params: SpanParams = SpanParams(),
         cut_prob: float = glued.CUT_PROB, line_model=None):
    """Leave one site out over the glued documents: per site, a span model trained without it.

    Returns (overall BodyScore, per-site BodyScores, per-document (doc, cleaned body, body spans cut on a
    document whose gold keeps everything)).
    """
    from cleaner.config import Config
    from cleaner.core import Cleaner

    overall, sites, rows = BodyScore(), {}, []
    for site in sorted({d.site for d in glued_docs}):
        model = dataclasses.replace(fit([p for p in prepared if p.doc.site != site], params), cut_prob=cut_prob)
        cleaner = Cleaner(model=line_model, config=Config(), span_model=model)
        for doc in (d for d in glued_docs if d.site == site):
            article = cleaner.clean(doc.text)
            gold = doc.gold_body_text()
            overall.add(article.body, gold)
            sites.setdefault(site, BodyScore()).add(article.body, gold)
            rows.append((doc, article))
    return overall, sites, rows


def scores_dict(overall: BodyScore, sites: dict) -> dict:
    """Leave-one-site-out scores for the manifest: overall and per site."""
    return {"overall": overall.as_dict(), "sites": {s: b.as_dict() for s, b in sorted(sites.items())}}


def save(model: glued.SpanModel, folder: Path, scores: dict | None = None) -> None:
    fitted = model.model
    if scores is not None:
        fitted = train.with_scores(fitted, scores)
    model_io.save(fitted, Path(folder))


def _untouched(rows) -> tuple[int, int]:
    """Documents whose gold keeps every token, and the spans cut on them (each a body span cut)."""
    from cleaner.metrics import tokens

    plain = [(doc, article) for doc, article in rows if tokens(doc.text) == tokens(doc.gold_body_text())]
    cut = sum(label != "body" for _, article in plain for line in article.lines for _, label, _ in line.spans)
    return len(plain), cut


def report(overall: BodyScore, sites: dict, rows, scores: dict) -> str:
    """A markdown table per site, then the documents that are not perfect with their cut spans."""
    from cleaner.metrics import body_precision_recall, is_perfect

    out = ["| site | docs | P | R | F1 | perfect |", "|---|---:|---:|---:|---:|---:|"]
    for name, score in [*sorted(sites.items()), ("**all**", overall)]:
        out.append(f"| {name} | {score.docs} | {score.precision:.3f} | {score.recall:.3f} | {score.f1:.3f} | "
                   f"{score.perfect_share:.0%} |")
    out.append(f"\ndocuments without chrome: {scores['no_chrome_documents']}, "
               f"body spans cut on them: {scores['body_spans_cut_on_them']}\n")
    for doc, article in rows:
        gold = doc.gold_body_text()
        if not is_perfect(article.body, gold):
            p, r = body_precision_recall(article.body, gold)
            out.append(f"{doc.doc_id}: P {p:.3f} R {r:.3f}")
            out.extend(f"    {lab:6s} {pb:.2f} {t.strip()[:100]!r}" for ln in article.lines for t, lab, pb in ln.spans
                       if lab != "body" or pb < 0.9)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """`python -m cleaner.train_spans [DIR...]`: the span model alone (the line model left as it is)."""
    import argparse
    import sys

    from cleaner.fixtures import iter_docs

    parser = argparse.ArgumentParser(prog="python -m cleaner.train_spans", description=main.__doc__)
    parser.add_argument("corpus", nargs="+", type=Path,
                        help="folders of glued (.gold.txt) and line-labelled (.tsv) documents")
    parser.add_argument("--fixtures", type=Path, default=Path("fixtures"), help="the project's own labelled documents")
    parser.add_argument("-o", "--output", type=Path, default=Path("models") / "spans")
    parser.add_argument("--no-scores", action="store_true", help="skip the leave-one-site-out scores")
    parser.add_argument("--details", action="store_true", help="print the per-site table and each imperfect document")
    args = parser.parse_args(argv)
    roots = [r for r in [args.fixtures, *args.corpus] if r.exists()]
    everything = list(iter_docs(*roots, glued=True))
    glued_docs = [d for d in everything if d.gold_body is not None]
    line_docs = [d for d in everything if d.gold_body is None]
    if not glued_docs:
        print("no glued documents (<id>.gold.txt) found", file=sys.stderr)
        return 2
    print(f"span model: {len(glued_docs)} glued and {len(line_docs)} line-labelled documents", file=sys.stderr)
    prepared = prepare_all(glued_docs, line_docs)
    scores = None
    if not args.no_scores:
        corpus_glued = [d for d in iter_docs(*args.corpus, glued=True) if d.gold_body is not None]
        overall, sites, rows = loso(corpus_glued, prepared)
        scores = scores_dict(overall, sites)
        scores["no_chrome_documents"], scores["body_spans_cut_on_them"] = _untouched(rows)
        print(f"leave-one-site-out: F1 {overall.f1:.4f}, perfect {overall.perfect_share:.1%}", file=sys.stderr)
        if args.details:
            print(report(overall, sites, rows, scores))
    save(fit(prepared), args.output, scores)
    print(f"span model written to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
