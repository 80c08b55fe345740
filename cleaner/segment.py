"""Text to lines: the units the classifier labels."""

from __future__ import annotations

import operator
from dataclasses import dataclass
from itertools import compress


@dataclass(frozen=True)
class Segmented:
    """A document's lines, and which of them are non-blank (the ones that get a label)."""

    lines: tuple[str, ...]
    content: tuple[int, ...]  # indices of the non-blank lines, in order
    blank_before: tuple[bool, ...]  # per content line: a blank line (or the start) precedes it
    blank_after: tuple[bool, ...]

    @property
    def content_lines(self) -> list[str]:
        return list(map(self.lines.__getitem__, self.content))


def split_lines(text: str) -> list[str]:
    """Lines of already-normalised text (line endings are `\\n` after decoding)."""
    return text.split("\n")


def segment_lines(lines) -> Segmented:
    lines = tuple(lines)
    # Each line stripped once; a blank stands before the first line and after the last.
    blank = [True, *map(operator.not_, map(str.strip, lines)), True]
    content = tuple(compress(range(len(lines)), map(operator.not_, blank[1:-1])))
    before = tuple(map(blank.__getitem__, content))  # blank[i] is line i - 1
    after = tuple(map(blank[2:].__getitem__, content))  # blank[i + 2] is line i + 1
    return Segmented(lines, content, before, after)


def segment_text(text: str) -> Segmented:
    return segment_lines(split_lines(text))
