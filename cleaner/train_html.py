"""Training and scoring of the HTML model on labelled pages (training imports scikit-learn through
`train`, on first use: reading and scoring labelled pages with a shipped model do not).

A labelled page is `<id>.html` beside its `<id>.tsv` (the page's text as a scraper saw it, labelled
line by line).  The page is segmented as the cleaner segments it and each of its lines takes the
label of the `.tsv` line it aligns with (difflib over white-space-collapsed, case-folded lines).
A page line with no counterpart in the `.tsv` is `chrome`: on the corpus every title, meta, body
and caption line of the `.tsv` has an exact counterpart, and the lines without one are menus,
log-in forms and widgets that the scraper rendered differently (or not at all).  Inside a block of
changed lines, a page line contained in a `.tsv` line of that block (or containing one) takes its
label first, so a line the two split differently keeps its label.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from cleaner import domfeatures, features, html, lexicon
from cleaner.evaluate import Report
from cleaner.fixtures import LABELS, LabelledDoc, read_doc

# The label of a page line that the `.tsv` does not have (see the module's docstring).
UNMATCHED_LABEL = "chrome"


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def transfer_labels(page_lines: list[str], doc: LabelledDoc) -> list[str]:
    """The label of each page line, from the labelled `.tsv` lines it aligns with."""
    gold = [(t, lab) for t, lab in zip(doc.lines, doc.labels) if lab]
    gold_norm = [_norm(t) for t, _ in gold]
    page_norm = [_norm(t) for t in page_lines]
    labels = [UNMATCHED_LABEL] * len(page_lines)
    matcher = difflib.SequenceMatcher(None, gold_norm, page_norm, autojunk=False)
    for op, g1, g2, p1, p2 in matcher.get_opcodes():
        if op == "equal":
            for k in range(p2 - p1):
                labels[p1 + k] = gold[g1 + k][1]
        elif op == "replace":
            for p in range(p1, p2):
                for g in range(g1, g2):
                    if page_norm[p] and (page_norm[p] in gold_norm[g] or gold_norm[g] in page_norm[p]):
                        labels[p] = gold[g][1]
                        break
    return labels


@dataclasses.dataclass(frozen=True)
class LabelledPage:
    """A page, its segmented lines with transferred labels (as a LabelledDoc), and the `.tsv` it came from."""

    path: Path
    doc: LabelledDoc  # the page's own lines, labels transferred, the `.tsv` headers
    gold: LabelledDoc  # the `.tsv` as labelled


def read_labelled_page(html_path: Path) -> LabelledPage:
    html_path = Path(html_path)
    gold = read_doc(html_path.with_suffix(".tsv"))
    page = html.read_page(html_path.read_bytes())
    lines = page.texts
    doc = LabelledDoc(gold.doc_id, tuple(lines), tuple(transfer_labels(lines, gold)), dict(gold.headers))
    return LabelledPage(html_path, doc, gold)


def iter_pages(*roots: Path) -> list[LabelledPage]:
    """Every `<id>.html` with a `<id>.tsv` beside it under the given files or folders, in a stable order."""
    out = []
    for root in roots:
        root = Path(root)
        paths = [root] if root.is_file() else sorted(root.rglob("*.html"))
        for path in paths:
            if path.suffix == ".html" and path.with_suffix(".tsv").is_file():
                out.append(read_labelled_page(path))
    return out


def prepare(page: LabelledPage, extractor: domfeatures.DomFeatureExtractor):
    """A page's features and transferred labels, as `train.fit` takes them."""
    from cleaner import train

    feats = extractor.page(html.read_page(page.path.read_bytes()))
    y = [LABELS.index(label) for label in page.doc.labels]
    return train.Prepared(page.doc, feats, np.asarray(y, dtype=np.int64))


def _extractor() -> domfeatures.DomFeatureExtractor:
    return domfeatures.DomFeatureExtractor(features.FeatureExtractor(lexicon.load(), max_cached_lines=0))


def fit(pages: list[LabelledPage], params=None, prepared=None):
    """The HTML model: the text model's two stages and decoding over text + DOM features."""
    from cleaner import train

    params = params or train.Params()
    extractor = _extractor()
    items = prepared if prepared is not None else [prepare(p, extractor) for p in pages]
    model = train.fit([], params, prepared=items)
    manifest = dict(model.manifest, input="html", dom_feature_version=domfeatures.DOM_FEATURE_VERSION,
                    dom_features=list(domfeatures.DOM_NAMES))
    return dataclasses.replace(model, manifest=manifest)


def _clean_site(training: list, pages: list[LabelledPage], params):
    from cleaner.core import Cleaner

    cleaner = Cleaner(html_model=fit([], params, prepared=training))
    return [cleaner.clean_html(p.path.read_bytes()) for p in pages]


def loso_articles(pages: list[LabelledPage], extra: list[LabelledPage], params=None, jobs: int = 1) -> list:
    """Each page cleaned by an HTML model trained without its site (`extra`, e.g. the fixtures,
    joins every training set but its own site's); in the order of `pages`."""
    extractor = _extractor()
    prepared = [prepare(p, extractor) for p in [*pages, *extra]]
    sites = sorted({p.doc.site for p in pages})
    tasks = [
        (site, [q for q in prepared if q.doc.site != site], [p for p in pages if p.doc.site == site], params)
        for site in sites
    ]
    if jobs > 1:
        from cleaner.batch import worker_pool

        results = list(worker_pool(jobs).map(_clean_site, *zip(*[t[1:] for t in tasks])))
    else:
        results = [_clean_site(*t[1:]) for t in tasks]
    by_page = {}
    for site, articles in zip(sites, results):
        for index, article in zip([i for i, p in enumerate(pages) if p.doc.site == site], articles):
            by_page[index] = article
    return [by_page[i] for i in range(len(pages))]


def loso(pages: list[LabelledPage], extra: list[LabelledPage], params=None, jobs: int = 1) -> Report:
    """Leave one site out on HTML pages: body, lines and fields scored against each page's `.tsv`.

    Body and fields are scored against the `.tsv` (its body lines are the gold body); line
    accuracy against the labels transferred onto the page's own lines.
    """
    report = Report()
    for page, article in zip(pages, loso_articles(pages, extra, params, jobs)):
        report.add(_scored_doc(page), article)
    return report


def _scored_doc(page: LabelledPage) -> LabelledDoc:
    """The page's lines and transferred labels for line accuracy, but the `.tsv`'s body as the gold body
    when the transfer did not carry it over line for line."""
    if page.doc.body_lines() == page.gold.body_lines():
        return page.doc
    return dataclasses.replace(page.doc, gold_body=page.gold.gold_body_text())


def evaluate_pages(pages: list[LabelledPage], cleaner) -> Report:
    """Score a cleaner (`Cleaner.clean_html`) on labelled pages, as `loso` scores them."""
    report = Report()
    for page in pages:
        report.add(_scored_doc(page), cleaner.clean_html(page.path.read_bytes()))
    return report


def train_and_save(roots: Iterable[Path], output: Path, fixtures: Path | None, jobs: int = 1,
                   scores: bool = True):
    """Train the shipped HTML model on the pages under `roots` (and `fixtures`), with LOSO scores."""
    from cleaner import model as model_io
    from cleaner import train

    corpus = iter_pages(*roots)
    extra = iter_pages(fixtures) if fixtures is not None and Path(fixtures).is_dir() else []
    fitted = fit([*extra, *corpus])
    if scores and corpus:
        fitted = train.with_scores(fitted, loso(corpus, extra, jobs=jobs).as_dict())
    model_io.save(fitted, output)
    return fitted
