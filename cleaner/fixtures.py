"""Read and write labelled documents: the one definition of the format in LABELS.md.

A `.tsv` document is optional `@key<TAB>value` header lines, then one `label<TAB>text` line per
scraped input line (an empty line for a blank input line).  A glued document is `<id>.txt` (the
scraped text) beside `<id>.gold.txt` (header lines, then the gold body).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

LABELS = ("title", "meta", "body", "caption", "chrome")

# Header keys that may repeat (several authors, several editors).
LIST_KEYS = ("author", "editor")


class FormatError(ValueError):
    """A labelled document that does not follow LABELS.md."""


@dataclass(frozen=True)
class LabelledDoc:
    """One labelled document: the scraped lines, their gold labels ('' for blank lines), headers."""

    doc_id: str
    lines: tuple[str, ...]
    labels: tuple[str, ...]
    headers: dict = field(default_factory=dict)
    # For glued documents the gold is the body text, not per-line labels.
    gold_body: str | None = None

    @property
    def site(self) -> str:
        return self.headers.get("site", "")

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def body_lines(self) -> list[str]:
        return [t for t, lab in zip(self.lines, self.labels) if lab == "body"]

    def gold_body_text(self) -> str:
        if self.gold_body is not None:
            return self.gold_body
        return "\n".join(self.body_lines())


def _add_header(headers: dict, key: str, value: str) -> None:
    if key in LIST_KEYS:
        headers.setdefault(key, []).append(value)
    else:
        headers[key] = value


def parse_tsv(content: str, doc_id: str = "") -> LabelledDoc:
    """Parse the text of a `.tsv` labelled document."""
    rows = content.split("\n")
    if rows and rows[-1] == "":
        rows.pop()
    headers: dict = {}
    lines: list[str] = []
    labels: list[str] = []
    in_header = True
    for number, row in enumerate(rows, 1):
        if in_header and row.startswith("@"):
            key, sep, value = row[1:].partition("\t")
            if not sep:
                raise FormatError(f"{doc_id}:{number}: header line without a TAB")
            _add_header(headers, key, value)
            continue
        in_header = False
        if row == "":
            lines.append("")
            labels.append("")
            continue
        label, sep, text = row.partition("\t")
        if not sep or label not in LABELS:
            raise FormatError(f"{doc_id}:{number}: expected 'label<TAB>text' with a label in {LABELS}")
        lines.append(text)
        labels.append(label)
    return LabelledDoc(doc_id, tuple(lines), tuple(labels), headers)


def parse_gold(scraped: str, gold: str, doc_id: str = "") -> LabelledDoc:
    """A glued document: the scraped text and its `.gold.txt` (headers, then the gold body)."""
    headers: dict = {}
    rows = gold.split("\n")
    start = 0
    while start < len(rows) and rows[start].startswith("@"):
        key, _, value = rows[start][1:].partition("\t")
        _add_header(headers, key, value)
        start += 1
    lines = tuple(scraped.split("\n"))
    return LabelledDoc(doc_id, lines, ("",) * len(lines), headers, gold_body="\n".join(rows[start:]))


def format_tsv(lines, labels, headers: dict | None = None) -> str:
    """Write a labelled document; the inverse of `parse_tsv`."""
    out = []
    for key, value in (headers or {}).items():
        for item in value if isinstance(value, list) else [value]:
            if item is not None and item != "":
                out.append(f"@{key}\t{item}")
    for text, label in zip(lines, labels):
        out.append(f"{label}\t{text}" if text.strip() else "")
    return "\n".join(out) + "\n"


def read_doc(path: Path) -> LabelledDoc:
    path = Path(path)
    if path.name.endswith(".gold.txt"):
        scraped = path.with_name(path.name[: -len(".gold.txt")] + ".txt")
        return parse_gold(
            scraped.read_text(encoding="utf-8"), path.read_text(encoding="utf-8"), path.name[: -len(".gold.txt")]
        )
    return parse_tsv(path.read_text(encoding="utf-8"), path.stem)


def iter_docs(*roots: Path, glued: bool = False) -> Iterator[LabelledDoc]:
    """Every labelled document under the given files or folders, in a stable order.

    Line-labelled `.tsv` documents always; glued `.gold.txt` documents only when asked, since they
    carry no line labels to train the line classifier on.
    """
    for root in roots:
        root = Path(root)
        paths = [root] if root.is_file() else sorted(root.rglob("*"))
        for path in paths:
            if path.suffix == ".tsv" or (glued and path.name.endswith(".gold.txt")):
                yield read_doc(path)
