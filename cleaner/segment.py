"""Text to lines: the units the classifier labels."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Segmented:
    """A document's lines, and which of them are non-blank (the ones that get a label)."""

    lines: tuple[str, ...]
    content: tuple[int, ...]  # indices of the non-blank lines, in order
    blank_before: tuple[bool, ...]  # per content line: a blank line (or the start) precedes it
    blank_after: tuple[bool, ...]

    @property
    def content_lines(self) -> list[str]:
        return [self.lines[i] for i in self.content]


def split_lines(text: str) -> list[str]:
    """Lines of already-normalised text (line endings are `\\n` after decoding)."""
    return text.split("\n")


def segment_lines(lines) -> Segmented:
    lines = tuple(lines)
    content = tuple(i for i, line in enumerate(lines) if line.strip())
    before = tuple(i == 0 or not lines[i - 1].strip() for i in content)
    after = tuple(i == len(lines) - 1 or not lines[i + 1].strip() for i in content)
    return Segmented(lines, content, before, after)


def segment_text(text: str) -> Segmented:
    return segment_lines(split_lines(text))
