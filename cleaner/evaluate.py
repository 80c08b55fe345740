"""Scoring a labeller against labelled documents: body, lines and fields, overall and per site.

`loso` trains without each site in turn and scores on it: the only score that says how the
cleaner does on sites it has never seen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from cleaner.core import Article
from cleaner.fixtures import LabelledDoc
from cleaner.metrics import BodyScore

FIELD_NAMES = ("title", "published", "authors", "editors", "source", "location")


def _norm(value) -> str:
    return " ".join(str(value).split()).casefold()


def field_right(name: str, article: Article, headers: dict) -> bool | None:
    """Whether the article's field matches the gold header (None: the gold does not state it)."""
    key = {"authors": "author", "editors": "editor"}.get(name, name)
    if key not in headers:
        return None
    gold = headers[key]
    got = getattr(article, name)
    if name in ("authors", "editors"):
        return {_norm(g) for g in gold} == {_norm(g) for g in got}
    if got is None:
        return False
    if name == "title":
        return got.strip() == gold.strip()
    if name == "published":
        # Equal to the minute, with the same offset; a gold date alone compares by day.
        if "T" not in gold:
            return got[:10] == gold[:10]
        return got[:16] == gold[:16] and got[19:] == gold[19:]
    return _norm(got) == _norm(gold)


@dataclass
class Scores:
    body: BodyScore = field(default_factory=BodyScore)
    fields: dict = field(default_factory=lambda: {n: [0, 0] for n in FIELD_NAMES})

    def add(self, doc: LabelledDoc, article: Article) -> None:
        gold_body = doc.gold_body_text()
        pairs = () if doc.gold_body is not None else [
            (line.label == "body", gold == "body") for line, gold in zip(article.lines, doc.labels) if gold
        ]
        self.body.add(article.body, gold_body, pairs)
        for name in FIELD_NAMES:
            right = field_right(name, article, doc.headers)
            if right is not None:
                self.fields[name][0] += right
                self.fields[name][1] += 1

    def as_dict(self) -> dict:
        out = self.body.as_dict()
        out["fields"] = {n: (round(r / t, 4) if t else None, t) for n, (r, t) in self.fields.items()}
        return out


@dataclass
class Report:
    overall: Scores = field(default_factory=Scores)
    sites: dict = field(default_factory=dict)

    def add(self, doc: LabelledDoc, article: Article) -> None:
        self.overall.add(doc, article)
        self.sites.setdefault(doc.site or "?", Scores()).add(doc, article)

    def as_dict(self) -> dict:
        return {"overall": self.overall.as_dict(), "sites": {s: v.as_dict() for s, v in sorted(self.sites.items())}}

    def table(self) -> str:
        """A markdown table: one row per site, then all."""
        head = "| site | docs | P | R | F1 | line acc | perfect | " + " | ".join(FIELD_NAMES) + " |"
        rows = [head, "|" + "---|" * (7 + len(FIELD_NAMES))]
        for name, scores in [*sorted(self.sites.items()), ("**all**", self.overall)]:
            d = scores.as_dict()
            acc = "-" if d["line_accuracy"] is None else f"{d['line_accuracy']:.3f}"
            flds = [("-" if r is None else f"{r:.2f} ({t})") for r, t in d["fields"].values()]
            rows.append(
                f"| {name} | {d['documents']} | {d['precision']:.3f} | {d['recall']:.3f} | {d['f1']:.3f} | {acc} | "
                f"{d['perfect']:.0%} | " + " | ".join(flds) + " |"
            )
        return "\n".join(rows)


def evaluate(docs: Iterable[LabelledDoc], clean: Callable[[str], Article]) -> Report:
    report = Report()
    for doc in docs:
        report.add(doc, clean(doc.text))
    return report


def _score_site(site: str, training: list, docs: list[LabelledDoc], params, span_training=()) -> list[Article]:
    """Train on `training` (prepared documents of other sites) and clean `docs` of `site`; with
    `span_training` (prepared spans of other sites), a span model for the glued documents too."""
    from cleaner import train
    from cleaner.config import Config
    from cleaner.core import Cleaner

    span_model, config = None, Config(glued=False)
    if span_training:
        from cleaner import train_spans

        span_model, config = train_spans.fit(list(span_training)), Config()
    # Without glued documents to train on, the span step is off: the shipped span model has seen
    # every site, and would score on sites it was trained on.
    cleaner = Cleaner(model=train.fit([], params or train.Params(), prepared=training), config=config,
                      span_model=span_model)
    return [cleaner.clean(d.text) for d in docs]


def loso_articles(docs: list[LabelledDoc], extra: list[LabelledDoc], params=None, jobs: int = 1) -> list[Article]:
    """Each document cleaned by a model trained without its site (`extra`, the fixtures, included
    in every training set but their own site's); in the order of `docs`."""
    from cleaner import train
    from cleaner.batch import worker_pool

    prepared = [train.prepare(d) for d in [*docs, *extra] if d.gold_body is None]
    spans = []
    if any(d.gold_body is not None for d in docs):
        # Glued documents: the span model is trained without the site as well.
        from cleaner import train_spans

        everything = [*docs, *extra]
        spans = train_spans.prepare_all([d for d in everything if d.gold_body is not None],
                                        [d for d in everything if d.gold_body is None])
    sites = sorted({d.site for d in docs})
    tasks = [
        (site, [p for p in prepared if p.doc.site != site], [d for d in docs if d.site == site], params,
         [p for p in spans if p.doc.site != site])
        for site in sites
    ]
    # Batch mode's worker pool (loky's reusable executor, numpy threads shared out): joblib.Parallel
    # in the same process would trip over an executor that batch mode created.
    if jobs > 1:
        results = list(worker_pool(jobs).map(_score_site, *zip(*tasks)))
    else:
        results = [_score_site(*task) for task in tasks]
    by_doc = {}
    for site, articles in zip(sites, results):
        for index, article in zip([i for i, d in enumerate(docs) if d.site == site], articles):
            by_doc[index] = article
    return [by_doc[i] for i in range(len(docs))]


def loso(docs: list[LabelledDoc], extra: list[LabelledDoc], params=None, jobs: int = 1) -> Report:
    """Leave one site out: for each site of `docs`, train on every other document and score it."""
    report = Report()
    for doc, article in zip(docs, loso_articles(docs, extra, params, jobs)):
        report.add(doc, article)
    return report
