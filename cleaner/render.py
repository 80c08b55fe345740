"""Articles to output: plain body text, JSON Lines, or the labelled `.tsv` of LABELS.md."""

from __future__ import annotations

import json

from cleaner.core import Article
from cleaner.fixtures import format_tsv

FORMATS = ("text", "json", "tsv")


def render_text(article: Article) -> str:
    return article.body + "\n" if article.body else ""


def render_json(article: Article, explain: bool = False) -> str:
    return json.dumps(article.as_dict(explain=explain), ensure_ascii=False) + "\n"


def render_tsv(article: Article) -> str:
    """The fixture format: correct the labels of this output and it is a new labelled document."""
    headers = {
        "title": article.title,
        "published": article.published,
        "author": list(article.authors),
        "editor": list(article.editors),
        "source": article.source,
        "location": article.location,
        # A glued line's spans, after the headers: line number (1-based), span label, span text.
        "span": [f"{n}\t{label}\t{text.strip()}"
                 for n, ln in enumerate(article.lines, 1) for text, label, _ in ln.spans],
    }
    return format_tsv([ln.text for ln in article.lines], [ln.label for ln in article.lines], headers)


def render(article: Article, fmt: str, explain: bool = False) -> str:
    if fmt == "json":
        return render_json(article, explain)
    if fmt == "tsv":
        return render_tsv(article)
    return render_text(article)
