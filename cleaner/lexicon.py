"""Indonesian cue words and patterns, read from the plain text files in `cleaner/data/`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


def _phrases(name: str) -> list[str]:
    text = resources.files("cleaner").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return [row.strip() for row in text.splitlines() if row.strip() and not row.startswith("#")]


def _alternation(phrases: list[str]) -> re.Pattern:
    # Longest first so that "baca juga" wins over "baca"; word boundaries keep "home" out of "homestay".
    body = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


@dataclass(frozen=True)
class Lexicon:
    chrome: re.Pattern
    nav: re.Pattern
    meta: re.Pattern
    caption: re.Pattern
    stopwords: frozenset


@lru_cache(maxsize=1)
def load() -> Lexicon:
    """The lexicon, compiled once per process on first use (never at import)."""
    return Lexicon(
        chrome=_alternation(_phrases("chrome_cues.txt")),
        nav=_alternation(_phrases("nav_words.txt")),
        meta=_alternation(_phrases("meta_cues.txt")),
        caption=_alternation(_phrases("caption_cues.txt")),
        stopwords=frozenset(_phrases("stopwords.txt")),
    )
