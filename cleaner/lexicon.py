"""Indonesian cue words and patterns, read from the plain text files in `cleaner/data/`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


def _phrases(name: str) -> list[str]:
    # Beside this module, as setup.cfg installs it: importlib.resources would cost the filter's
    # start-up 10 ms of imports for the same path.
    text = (Path(__file__).resolve().parent / "data" / name).read_text(encoding="utf-8")
    return [row.strip() for row in text.splitlines() if row.strip() and not row.startswith("#")]


class LazyPattern:
    """A regular expression compiled on its first match, not when the lexicon loads.

    The batched features read the phrases from `pattern` and run the expression only on the few
    lines where a phrase of several words could start; compiling the four alternations costs some
    4 ms of a filter's start-up, mostly for nothing.  Compiling twice (two threads at once) gives
    equal patterns, so the one kept does not matter.
    """

    __slots__ = ("pattern", "flags", "_compiled")

    def __init__(self, pattern: str):
        self.pattern = pattern
        self.flags = re.UNICODE  # what re.compile gives a str pattern without inline flags
        self._compiled: re.Pattern | None = None

    def compiled(self) -> re.Pattern:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern)
        return self._compiled

    def search(self, string: str, *args) -> re.Match | None:
        return self.compiled().search(string, *args)

    def match(self, string: str, *args) -> re.Match | None:
        return self.compiled().match(string, *args)

    def fullmatch(self, string: str, *args) -> re.Match | None:
        return self.compiled().fullmatch(string, *args)

    def findall(self, string: str, *args) -> list:
        return self.compiled().findall(string, *args)

    def finditer(self, string: str, *args):
        return self.compiled().finditer(string, *args)


def _alternation(phrases: list[str]) -> LazyPattern:
    # Longest first so that "baca juga" wins over "baca"; word boundaries keep "home" out of "homestay".
    body = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return LazyPattern(rf"(?<!\w)(?:{body})(?!\w)")


@dataclass(frozen=True)
class Lexicon:
    """Cue patterns (re.Pattern or LazyPattern: anything with `pattern`, `flags` and `search`)."""

    chrome: re.Pattern | LazyPattern
    nav: re.Pattern | LazyPattern
    meta: re.Pattern | LazyPattern
    caption: re.Pattern | LazyPattern
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
