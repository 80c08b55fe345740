"""The pipeline, top to bottom: decode -> lines -> features -> labels -> fields -> Article."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, repeat
from typing import NamedTuple

from cleaner import features, fields, glued, html, lexicon
from cleaner import model as model_io
from cleaner.config import Config
from cleaner.decode import decode
from cleaner.fixtures import LABELS
from cleaner.segment import segment_text

# Lines a document may have.  Memory grows with the line count, not the byte count: features and
# the two model stages hold 5-10 KB per line, so 2 MB of one-letter lines took 10 GB before this
# bound.  At the bound a document takes about 1 GB and a few seconds; the longest labelled page has
# about 500 lines.
MAX_LINES = 200_000

# The HTML model's folder inside the model folder (models/html/): text + DOM features, its own weights.
HTML_MODEL_FOLDER = "html"


class InputTooLargeError(ValueError):
    """Input above the configured `max_bytes`, or with more than `MAX_LINES` lines."""


class Line(NamedTuple):
    """One input line with its label ('' for a blank line) and the model's confidence in it (a named
    tuple, immutable like the Article that holds it: a document makes hundreds, 5x faster than a
    frozen dataclass's)."""

    text: str
    label: str
    score: float
    # A glued line's spans, (text, label, probability of body), when the span step split it.
    spans: tuple[tuple[str, str, float], ...] = ()


@dataclass(frozen=True)
class Article:
    """A cleaned document: the body (the article's own lines, in order) and its header fields."""

    title: str | None
    published: str | None
    updated: str | None
    authors: tuple[str, ...]
    editors: tuple[str, ...]
    source: str | None
    location: str | None
    captions: tuple[str, ...]
    description: str | None
    body: str
    lines: tuple[Line, ...]

    def as_dict(self, explain: bool = False) -> dict:
        out = {
            "title": self.title,
            "published": self.published,
            "updated": self.updated,
            "authors": list(self.authors),
            "editors": list(self.editors),
            "source": self.source,
            "location": self.location,
            "captions": list(self.captions),
            "description": self.description,
            "body": self.body,
        }
        if explain:
            out["lines"] = [
                {"text": ln.text, "label": ln.label, "score": round(ln.score, 4)}
                | ({"spans": [{"text": t, "label": lab, "score": round(p, 4)} for t, lab, p in ln.spans]}
                   if ln.spans else {})
                for ln in self.lines if ln.label
            ]
        return out


@lru_cache(maxsize=1)
def default_model() -> model_io.Model:
    """The shipped model, loaded and verified once per process (it is immutable)."""
    return model_io.load()


@lru_cache(maxsize=1)
def default_html_model() -> model_io.Model:
    """The shipped model for HTML pages (text + DOM features), loaded once per process on first use."""
    from cleaner.domfeatures import DENSE_WIDTH

    return model_io.load(model_io.default_folder().joinpath(HTML_MODEL_FOLDER), dense_features=DENSE_WIDTH)


class Cleaner:
    """A reusable cleaner: load the model once, clean many documents; safe to share across threads."""

    def __init__(self, model: model_io.Model | None = None, config: Config | None = None,
                 span_model: glued.SpanModel | None = None, html_model: model_io.Model | None = None):
        self.model = model if model is not None else default_model()
        self.config = config if config is not None else Config()
        # The model of glued lines' spans; the shipped one is loaded on the first glued document.
        self.span_model = span_model
        self._lexicon = lexicon.load()
        # The lexicon's derived tables, and a bounded cache of lines seen (menus, footers).
        self._features = features.FeatureExtractor(self._lexicon)
        # HTML pages: their model is loaded on the first page (at once when every input is HTML).
        self._html_model = html_model
        self._dom_features = None
        # For html.segment_page: class/id value -> its tokens, and the line tokens of stacks of them.
        self._class_names: dict = {}
        self._class_merges: dict = {}
        if self.config.input_format == "html" and html_model is None:
            self._html_model = default_html_model()

    def clean(self, doc: str | bytes) -> Article:
        size = len(doc) if isinstance(doc, (bytes, bytearray)) else _utf8_size(doc, self.config.max_bytes)
        if size > self.config.max_bytes:
            raise InputTooLargeError(f"input of {size} bytes is above the limit of {self.config.max_bytes} bytes")
        fmt = self.config.input_format
        if fmt == "html" or (fmt == "auto" and html.looks_like_html(doc)):
            return self.clean_html(doc)
        text = decode(doc)
        lines = text.count("\n") + 1 - text.endswith("\n")
        if lines > MAX_LINES:
            raise InputTooLargeError(f"input of {lines} lines is above the limit of {MAX_LINES} lines")
        seg = segment_text(text)
        feats = self._features.document(seg.content_lines, list(seg.blank_before), list(seg.blank_after))
        label_ids, scores = self.model.label(feats)
        # Python strings and floats from here on (faster to handle than numpy scalars); blank lines
        # get no label and a score of 0.
        labels = _scatter(len(seg.lines), seg.content, [LABELS[i] for i in label_ids.tolist()], "")
        line_scores = _scatter(len(seg.lines), seg.content, scores.tolist(), 0.0)
        split = {}
        span_model, force = None, bool(self.config.glued)
        if self.config.glued is not False and glued.glued_lines(seg.lines, seg.content, labels, force):
            span_model = self.span_model if self.span_model is not None else glued.default_model()
        if span_model is not None:
            # Glued lines the line model kept: their chrome spans cut (see glued.apply).
            split = glued.apply(span_model, seg.lines, seg.content, labels, self._features, force=force)
            for i, line in split.items():
                labels[i] = "body" if line.text.strip() else ("chrome" if labels[i] == "body" else labels[i])
        return self._article(seg.lines, labels, line_scores, split)

    def clean_html(self, doc: str | bytes) -> Article:
        """Clean an HTML page: its lines as a reader sees them, labelled from text and DOM features,
        and the fields its printed lines and its metadata state."""
        from cleaner import domfeatures, pagemeta

        if self._html_model is None:
            self._html_model = default_html_model()
        root = html.parse(doc)
        page = html.segment_page(root, self._class_names, self._class_merges)
        if len(page.lines) > MAX_LINES:
            raise InputTooLargeError(f"page of {len(page.lines)} lines is above the limit of {MAX_LINES} lines")
        if self._dom_features is None:
            self._dom_features = domfeatures.DomFeatureExtractor(self._features)
        feats = self._dom_features.page(page)
        label_ids, scores = self._html_model.label(feats)
        meta = pagemeta.read(root) if root is not None else None
        # tolist(): Python numbers at once, not one numpy scalar per line.
        return self._article(page.texts, [LABELS[i] for i in label_ids.tolist()], scores.tolist(), page_meta=meta)

    def _article(self, lines, labels, scores, split=None, page_meta=None) -> Article:
        split = split or {}
        # The labelled (non-blank) lines: their labels are non-empty strings.
        found = fields.extract(list(compress(zip(lines, labels), labels)), now=self.config.now)
        if page_meta is not None:
            from cleaner import pagemeta

            found = pagemeta.merge(found, page_meta)
        kept = lines
        if split:
            kept = list(lines)
            for i, line in split.items():
                kept[i] = line.text
        body = [t for t, lab in zip(kept, labels) if lab == "body"]
        if body and self.config.strip_dateline:
            body[0] = fields.strip_dateline(body[0])
        return Article(
            title=found.title,
            published=found.published,
            updated=found.updated,
            authors=found.authors,
            editors=found.editors,
            source=found.source,
            location=found.location,
            captions=found.captions,
            description=found.description,
            body="\n".join(body),
            lines=_lines(lines, labels, scores, split),
        )


def _utf8_size(text: str, limit: int) -> int:
    """The UTF-8 size of text, or a bound of it when that is within the limit (a character takes at
    most 4 bytes): most inputs are far below the limit and are not encoded to be measured."""
    if isinstance(text, str) and 4 * len(text) <= limit:
        return 4 * len(text)
    return len(text.encode("utf-8", "surrogatepass"))


def _scatter(n: int, at, values: list, fill) -> list:
    """A list of n items: values[k] at index at[k], `fill` elsewhere (at ascending, as content is)."""
    if len(values) == n:
        return values  # no blank line: every index is taken, in order
    out = [fill] * n
    for i, value in zip(at, values):
        out[i] = value
    return out


def _lines(texts, labels, scores, split: dict) -> tuple[Line, ...]:
    """The Article's lines.  Made by tuple.__new__ on (text, label, score, no spans): a named
    tuple's own constructor is a Python function, and a document has hundreds of lines."""
    out = list(map(tuple.__new__, repeat(Line), zip(texts, labels, scores, repeat(()))))
    for i, line in split.items():
        out[i] = out[i]._replace(spans=line.spans)
    return tuple(out)


def clean(doc: str | bytes, config: Config | None = None) -> Article:
    """Clean one scraped document (text, or bytes in any common encoding) with the shipped model."""
    return Cleaner(config=config).clean(doc)
