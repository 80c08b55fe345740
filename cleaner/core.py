"""The pipeline, top to bottom: decode -> lines -> features -> labels -> fields -> Article."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from cleaner import features, fields, lexicon
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


class InputTooLargeError(ValueError):
    """Input above the configured `max_bytes`, or with more than `MAX_LINES` lines."""


@dataclass(frozen=True)
class Line:
    """One input line with its label ('' for a blank line) and the model's confidence in it."""

    text: str
    label: str
    score: float


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
                {"text": ln.text, "label": ln.label, "score": round(ln.score, 4)} for ln in self.lines if ln.label
            ]
        return out


@lru_cache(maxsize=1)
def default_model() -> model_io.Model:
    """The shipped model, loaded and verified once per process (it is immutable)."""
    return model_io.load()


class Cleaner:
    """A reusable cleaner: load the model once, clean many documents; safe to share across threads."""

    def __init__(self, model: model_io.Model | None = None, config: Config | None = None):
        self.model = model if model is not None else default_model()
        self.config = config if config is not None else Config()
        self._lexicon = lexicon.load()
        # The lexicon's derived tables, and a bounded cache of lines seen (menus, footers).
        self._features = features.FeatureExtractor(self._lexicon)

    def clean(self, doc: str | bytes) -> Article:
        size = len(doc) if isinstance(doc, (bytes, bytearray)) else len(doc.encode("utf-8", "surrogatepass"))
        if size > self.config.max_bytes:
            raise InputTooLargeError(f"input of {size} bytes is above the limit of {self.config.max_bytes} bytes")
        text = decode(doc)
        lines = text.count("\n") + 1 - text.endswith("\n")
        if lines > MAX_LINES:
            raise InputTooLargeError(f"input of {lines} lines is above the limit of {MAX_LINES} lines")
        seg = segment_text(text)
        feats = self._features.document(seg.content_lines, list(seg.blank_before), list(seg.blank_after))
        label_ids, scores = self.model.label(feats)
        labels = [""] * len(seg.lines)
        line_scores = [0.0] * len(seg.lines)
        for i, label_id, score in zip(seg.content, label_ids, scores):
            labels[i] = LABELS[label_id]
            line_scores[i] = float(score)
        return self._article(seg.lines, labels, line_scores)

    def _article(self, lines, labels, scores) -> Article:
        found = fields.extract([(t, lab) for t, lab in zip(lines, labels) if lab], now=self.config.now)
        body = [t for t, lab in zip(lines, labels) if lab == "body"]
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
            lines=tuple(Line(t, lab, s) for t, lab, s in zip(lines, labels, scores)),
        )


def clean(doc: str | bytes, config: Config | None = None) -> Article:
    """Clean one scraped document (text, or bytes in any common encoding) with the shipped model."""
    return Cleaner(config=config).clean(doc)
