"""Site-level chrome: a line repeated in many documents of one site is the site's, not an article's.

One page alone does not show that `Dapatkan berita terbaru setiap hari` is a promo: it reads like a
sentence.  Across a crawl it shows: the same line sits in a large share of that site's documents,
while an article's own sentences sit in one (or in a few copies of it).  Batch mode makes a first
pass over its inputs that counts, per site, in how many documents each normalised line occurs, and
the second pass turns the model's `body` lines that repeat in at least `MIN_SHARE` of at least
`MIN_DOCS` documents of their site into `chrome`.  The model itself is unchanged: this is applied
to its labels, after it.

Memory stays bounded however large the corpus: lines are kept as 64-bit hashes, and each site's
counts are a Misra-Gries summary of at most `CAPACITY` counters (a line is undercounted by at most
`lines / (CAPACITY + 1)` of the site, a small fraction of the documents; see `SiteCounter`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from cleaner.core import Article, Line

# A line is chrome evidence when it is in at least this share of its site's (distinct) documents.
# On ../shared/corpus no gold body line of 12 characters or more is in even 15% of its site's
# documents (of sites with 3 or more), while 345 gold chrome lines are in half or more of them;
# leave-one-site-out, every share from 0.2 up removed no body line (benchmarks/sitechrome.py).
# Half leaves a wide margin for what that small corpus lacks: a wire story or a quote that runs on
# many of a site's pages.
MIN_SHARE = 0.5
# ... of at least this many documents: fewer say little (two related articles share quotes).
MIN_DOCS = 5
# Lines shorter than this (normalised characters) are not judged: a dateline alone (`Jakarta -`) is
# body by LABELS.md and repeats across a site's articles; so do one-word subheadings.
MIN_CHARS = 12
# Counters per site in the first pass.  A page has ~200 lines; with 16384 counters a line's count is
# low by at most 200 / 16385 ~ 1.2% of the site's documents, far below MIN_SHARE; a full summary is
# about 2 MB (twice that just before a prune), and a site with fewer distinct lines holds only those.
CAPACITY = 16384

_SPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")


def normalise(line: str, digits: bool = True) -> str:
    """The form in which two lines are the same line: case and runs of white space do not count,
    nor (with `digits`) do the digits (`© 2024`, `Minggu, 3 Mei` and counters change from page to page)."""
    norm = _SPACE.sub(" ", line).strip().casefold()
    return _DIGITS.sub("0", norm) if digits else norm


def line_key(line: str, min_chars: int = MIN_CHARS, digits: bool = True) -> int | None:
    """A 64-bit hash of the normalised line, or None for a line too short to judge."""
    if len(line) < min_chars:  # normalising never lengthens a line: most blank and short lines end here
        return None
    norm = normalise(line, digits)
    if len(norm) < min_chars:
        return None
    return int.from_bytes(hashlib.blake2b(norm.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


def document_keys(lines: Iterable[str], key: Callable[[str], int | None] = line_key) -> frozenset[int]:
    """The distinct line keys of one document (a line repeated inside a page counts once)."""
    return frozenset(k for k in map(key, lines) if k is not None)


def site_of_url(url: object) -> str:
    """The host of a record's URL, without `www.` (`https://www.kompas.com/x` -> `kompas.com`);
    '' when there is none."""
    if not isinstance(url, str) or not url:
        return ""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host


@dataclass
class SiteCounter:
    """In how many documents of one site each line key occurs: a Misra-Gries summary.

    Every key in at least `MIN_SHARE` of the documents is kept, and its count is low by at most
    (total occurrences) / (capacity + 1).  Summaries merge (workers count chunks, the parent adds
    them up) with the same guarantee."""

    capacity: int = CAPACITY
    docs: int = 0
    counts: dict = field(default_factory=dict)
    # Documents seen (a hash of their line keys), so that copies of one page count once: ten copies
    # of an article would otherwise make every line of it "repeated in most documents".  At most
    # `capacity` are kept; past that, further copies count as documents.
    seen: set = field(default_factory=set)

    def add(self, keys: Iterable[int]) -> None:
        keys = frozenset(keys)
        fingerprint = hash(keys)
        if fingerprint in self.seen:
            return
        if len(self.seen) < self.capacity:
            self.seen.add(fingerprint)
        self.docs += 1
        counts = self.counts
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
        if len(counts) >= 2 * self.capacity:  # pruning sorts: at twice the capacity, its cost is amortised
            self._prune()

    def merge(self, other: SiteCounter) -> None:
        """Add another summary's counts (copies of a page across the two are not recognised)."""
        self.docs += other.docs
        counts = self.counts
        for key, n in other.counts.items():
            counts[key] = counts.get(key, 0) + n
        if len(counts) >= 2 * self.capacity:  # pruning sorts: at twice the capacity, its cost is amortised
            self._prune()

    def _prune(self) -> None:
        """Subtract the (capacity + 1)-th largest count from every counter and drop the ones left at
        zero: at most `capacity` remain, and each subtraction is paid for by as many occurrences."""
        if len(self.counts) <= self.capacity:
            return
        cut = sorted(self.counts.values(), reverse=True)[self.capacity]
        self.counts = {k: n - cut for k, n in self.counts.items() if n > cut}

    def frequent(self, min_share: float = MIN_SHARE, min_docs: int = MIN_DOCS) -> frozenset[int]:
        """The keys in at least `min_share` of at least `min_docs` documents."""
        if self.docs < min_docs:
            return frozenset()
        need = max(2, min_share * self.docs)
        return frozenset(k for k, n in self.counts.items() if n >= need)


@dataclass
class SiteCounts:
    """The first pass over a corpus: one `SiteCounter` per site."""

    capacity: int = CAPACITY
    sites: dict = field(default_factory=dict)

    def add(self, site: str, keys: Iterable[int]) -> None:
        self._site(site).add(keys)

    def merge(self, other: SiteCounts) -> None:
        for site, counter in other.sites.items():
            self._site(site).merge(counter)

    def _site(self, site: str) -> SiteCounter:
        if site not in self.sites:
            self.sites[site] = SiteCounter(self.capacity)
        return self.sites[site]

    @property
    def docs(self) -> int:
        return sum(c.docs for c in self.sites.values())

    def chrome(self, min_share: float = MIN_SHARE, min_docs: int = MIN_DOCS) -> SiteChrome:
        table = {s: c.frequent(min_share, min_docs) for s, c in self.sites.items()}
        return SiteChrome({s: keys for s, keys in table.items() if keys})


@dataclass(frozen=True)
class SiteChrome:
    """The outcome of the first pass: per site, the keys of its chrome lines (small, picklable)."""

    sites: Mapping[str, frozenset] = field(default_factory=dict)

    def keys(self, site: str) -> frozenset[int]:
        return self.sites.get(site, frozenset())

    @property
    def lines(self) -> int:
        return sum(len(k) for k in self.sites.values())


def apply(article: Article, keys: frozenset[int], strip_dateline: bool = False,
          key: Callable[[str], int | None] = line_key) -> Article:
    """The article with its body lines whose key is in `keys` relabelled `chrome`; the body is
    rebuilt from the remaining body lines.  The header fields are left as the model's labels gave
    them (title, meta and caption lines are not touched)."""
    if not keys:
        return article
    changed = False
    lines = []
    for line in article.lines:
        if line.label == "body" and key(line.text) in keys:
            lines.append(Line(line.text, "chrome", line.score))
            changed = True
        else:
            lines.append(line)
    if not changed:
        return article
    body = [ln.text for ln in lines if ln.label == "body"]
    if body and strip_dateline:
        from cleaner.fields import strip_dateline as strip

        body[0] = strip(body[0])
    return replace(article, body="\n".join(body), lines=tuple(lines))
