"""A line to spans: the units of a glued line (a whole article in one CSV cell) that get a label.

Spans partition the line: each runs from its first character to the start of the next span, so it
carries its trailing white space, and joining the spans' texts gives the line back byte for byte.
Removing a span therefore never touches another span's bytes.

Where a span starts:
- after a sentence end (`.`, `!`, `?`, closing quotes or brackets) and white space, before an upper-case
  letter, a digit, an opening quote or bracket; not after an abbreviation (`Kombes Pol.`, `dr.`,
  `No.`, `Jl.`, ...), an initial (`Johnny G. Plate`), inside a number (`2.5`, `1.000`), a URL or an
  e-mail address;
- at a seam where the scraper glued two paragraphs with no space (`Indra Kenz.Pemanggilan`,
  `keduanya?Pertemuan`, `Sumatera."Kehadiran`, `Igman IbrahimTRIBUNNEWS.COM`);
- before known chrome cues (`Baca juga:`, `Artikel ini telah tayang di`, `Laporan Wartawan`, `Pewarta:`,
  `Copyright ©`, ...) and around those that stand alone (`ADVERTISEMENT`, `SCROLL TO RESUME CONTENT`,
  `[Gambas:Video 20detik]`, end codes such as `(pal/pal)`);
- where the headline after a headline cue (`Baca juga:`, `Lihat juga`, ...) ends: it has no end mark,
  so the end is read from the casing of its words (`headline_end`).

Every pattern here runs in linear time: character classes with bounded or possessive-free simple
repetitions, no nested quantifiers over overlapping classes.
"""

from __future__ import annotations

import bisect
import re
from typing import NamedTuple

# Words that end with a dot without ending a sentence (compared lower-cased, without the dot).
# Titles and ranks (police, military, academic, religious), address parts, company forms, common
# Indonesian abbreviations.
ABBREVIATIONS = frozenset(
    """
    no nomor jl jln gg kec kab kel ds desa prov kota rt rw km hal tel telp hp fax
    dr drs dra dr(h) ir prof h hj kh ust st sdr sdri bpk ibu tn ny nn mr mrs ms moh muh mohd
    kombes pol brigjen irjen komjen jend jen kapt kol letkol mayjen laksma marsma akbp akp
    ipda iptu aiptu bripka briptu brigpol ajun insp serka sertu kopda praka
    pt tbk cv ud persero
    sh se mm msi mpd spd skom sked mh mkes phd ssos sip sp ba ma bsc msc
    rp vs dll dsb dkk tsb yth an up ybs
    jan feb mar apr jun jul agu agt sep sept okt nov des
    inc ltd co corp
    """.split()
)

# Chrome cues by type; the type becomes a feature of the span that starts with it.
_CUE_TYPES = {
    # Another article's headline follows, with no end mark (see `headline_end`).
    "headline": r"(?:Baca|BACA|Lihat|LIHAT|Simak|SIMAK|Tonton|TONTON)\s(?:[Jj]uga|JUGA|[Vv]ideo|VIDEO)(?:\s?[Vv]ideo)?"
                r"\b\s*:?|(?:Baca|BACA)\s?:",
    "syndication": r"(?:Artikel|Berita|Tulisan)\s(?:ini\s)?(?:telah|sudah)\s(?:tayang|terbit|dimuat)",
    "byline": r"Laporan\s(?:Wartawan|Reporter|Koresponden|Kontributor)"
              r"|(?:Pewarta|Editor|Penulis|Reporter|Redaktur|Kontributor|Penyunting|Sumber)\s?:",
    "copyright": r"(?:Copyright|COPYRIGHT|Hak\s[Cc]ipta)\b(?:\s?©)?|©\s?\d{4}|All\s[Rr]ights\s[Rr]eserved",
    "promo": r"Simak\s(?:selengkapnya|berita|hasil|klasemen|penjelasan|kumpulan)|Baca\s(?:selengkapnya|berita|artikel)"
             r"|Ein\sBeitrag\sgeteilt|Dapatkan\s(?:update|berita|informasi)|Ikuti\s(?:kami|berita|saluran)|\*\s",
    "credit": r"Foto\s?:|FOTO\s?:|Foto/|FOTO/|[A-Z]{3,30}\.com/[A-Z]",
    # These are a span of their own: a boundary before and after them.
    "widget": r"ADVERTISEMENT|SCROLL\sTO\s(?:CONTINUE|RESUME)\s(?:WITH\s)?CONTENT|\[Gambas:[^\]\n]{0,40}\]",
    # An editor's code closes a story: a pair (`(aik/maa)`), or one code right after a sentence end or
    # where the line ends, a tab or a wide gap follows (`(zik)`); a word in brackets mid-sentence
    # (`(flat)`) is prose.
    "code": r"\((?:[a-z]{2,6}(?:/[a-z]{2,6}){1,3}|[a-z]{2,6}(?=\)\s*$|\)\s{2}|\)\t)|\*)\)"
            r"|(?<=[.!?\"”])\s?\([a-z]{2,6}\)",
    "aside": r"\((?:Baca|Lihat|Simak)\s[^()\n]{0,200}\)",
}
CUE_TYPES = tuple(_CUE_TYPES)
_WHOLE = frozenset(("widget", "code", "aside"))
# Cues start a word with a capital, a bracket or an asterisk, or are an editor's code after a space:
# the lookarounds skip the other positions at once (a fifth of the time of the bare alternation).
_CUE = re.compile(
    r"(?<![a-z])(?=[A-Z©(\[*]|\s\()(?:" + "|".join(f"(?P<{n}>{p})" for n, p in _CUE_TYPES.items()) + ")"
)

# A dateline that opens the story: `TRIBUNNEWS.COM, JAKARTA -`, `KOMPAS.com -`, `Penajam Paser Utara
# (ANTARA) -`.  Whatever precedes it on the line (a deck, a byline) is another unit.
_DATELINE = re.compile(  # (the lookahead first skips most positions at once: half the time)
    r"(?=[A-Z0-9])"
    r"(?:(?<![\w'’.-])(?:[A-Z][\w'’.-]{0,30}\s){0,3}[A-Z][\w'’.-]{0,30}\s?\((?:ANTARA|[A-Z][\w .]{1,30})\)\s?[-–—]"
    r"|(?<![A-Z0-9.])(?:[A-Z][A-Za-z]{1,30},\s?)?(?:[A-Z0-9]{3,30}|[A-Z][a-z0-9]{2,30})\.(?:COM|com|CO|co|ID|id)\b(?:\.id)?"
    r",?\s?(?:[A-Z][A-Z ]{1,30})?\s?[-–—])"
)

# End of a sentence followed by white space and the start of the next one.
# (Each pattern opens with the character class it consumes first, the lookbehind after it: `re`
# then skips ahead to that class in C instead of trying the lookbehind at every position.)
_SENTENCE_END = re.compile(r"[.!?…](?<![.!?…][.!?…])[.!?…]*+[\"”’')\]]*+\s++(?=[A-Z0-9\"“‘'(\[•])")
# A seam with no space: an end mark glued to the next sentence's first letter or opening quote.
_SEAM = re.compile(
    r"[.!?](?<=[\w)\"”’'%][.!?])[.!?]*+[”’)]*+(?=[\"“]?[A-Z]|[-–•]\s?\d)(?!(?:COM|CO|ID|NET|ORG|Com|Co|Id)\b)"
)
# Inside a photo credit, a lower-case letter glued to a capitalised word (`Vidi AldianoMulai dari`):
# where the credit ends and the story goes on.
_CAMEL_SEAM = re.compile(r"(?<=[a-z])(?=[A-Z][a-z]{1,30}\s[a-z])")
# A lower-case letter glued to an upper-case media name (`IbrahimTRIBUNNEWS.COM`).
_CASE_SEAM = re.compile(r"[A-Z](?<=[a-z][A-Z])(?=[A-Z]{2,}\.(?:COM|com)\b)")
# Two or more spaces (or no-break spaces) inside a line: scrapers put them where a block ended.
_WIDE_GAP = re.compile(r"[ \u00a0](?<![ \u00a0][ \u00a0])[ \u00a0]++(?=\S)")
# URLs and e-mail addresses: never split inside them.
_UNSPLITTABLE = re.compile(r"(?:https?://|www\.)\S++|(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,64}(?:\.[\w-]{1,64}){1,4}")
# Cheap tests before the costlier patterns run at all.
def _MAY_BE_UNSPLITTABLE(line: str) -> bool:  # noqa: N802 (read as a pattern)
    return "@" in line or "://" in line or "www." in line


# A dateline opens the story: it is looked for in a line's first characters only (after a deck or a
# byline at most; the longest such lead in the glued corpus is about 100 characters).
DATELINE_WINDOW = 400
# Words of a related headline, with their places.
_HEADLINE_WORD = re.compile(r"\S+")

# A related headline is at most this long (the longest in the labelled data is about 130 characters).
HEADLINE_MAX_CHARS = 180
# A sentence-case headline has at most this many words (antara's run to 12), and one that a next
# cue follows this many characters (most are 50 to 100).
HEADLINE_MAX_WORDS = 12
# A promo cue that ends in a colon ends there when the colon comes within this many characters.
PROMO_MAX_CHARS = 100
# A photo credit runs at most this far ("Foto/Instagram Nama Orang").
CREDIT_MAX_CHARS = 60
HEADLINE_TYPICAL_CHARS = 110
# Characters looked back from a dot for the word before it.
_LOOKBACK = 24
# Function words that Title Case headlines leave in lower case (Indonesian and English): they say
# nothing about where a headline ends.
HEADLINE_SMALL_WORDS = frozenset(
    """
    di ke dari dan atau yang untuk dengan pada dalam agar jadi saat usai soal bagi oleh akan ini itu
    hingga sampai tak tidak belum sudah masih bisa kian lebih makin asal ala vs
    a an and the of for to in on at by with or from
    """.split()
)


class Span(NamedTuple):  # (a tuple: made by the thousand per glued document, and cheap to make)
    """A piece of a line: `line[start:end]` (trailing white space included) and why it starts there."""

    start: int
    end: int
    kind: str  # "text": after a sentence end or seam (or the line's start); "gap": after a wide gap;
    #            "dateline": starts with a dateline; "cue": starts with a chrome cue, of type `cue` (CUE_TYPES);
    #            "headline": the words after a headline cue, up to where `headline_end` puts their end
    cue: str = ""


def _abbreviation_before(line: str, dot: int) -> bool:
    """Whether the dot at `dot` closes an abbreviation or an initial rather than a sentence."""
    start, stop = dot, max(0, dot - _LOOKBACK)
    while start > stop and line[start - 1].isascii() and line[start - 1].isalpha():
        start -= 1
    word = line[start:dot]
    if not word:
        return False
    if len(word) == 1 and word.isupper():
        return True  # an initial: "Johnny G. Plate", "A. Rahman"
    if start > 0 and line[start - 1] == ".":
        return True  # dotted abbreviations: "S.H.", "a.n."
    return word.lower() in ABBREVIATIONS


def _inside(ranges: list[tuple[int, int]], starts: list[int], pos: int) -> bool:
    """Whether `pos` falls strictly inside one of the sorted, disjoint `ranges` (`starts`: their starts)."""
    k = bisect.bisect_left(starts, pos) - 1
    return k >= 0 and ranges[k][0] < pos < ranges[k][1]


def _word_shape(word: str) -> str:
    """'quote', 'digit', 'upper' (Capitalised or an acronym), 'lower' (a content word), 'small' or 'other'."""
    core = word.strip(".,:;!?()[]'’-–—")
    if word[0] in "\"“‘'":
        return "quote"
    if not core:
        return "other"
    if core[0].isdigit():
        return "digit"
    if core in HEADLINE_SMALL_WORDS:
        return "small"  # lower case only: a capitalised one may start the next sentence
    if core[0].isupper():
        return "upper"
    return "lower" if core[0].islower() else "other"


def _words_between(words, start: int, end: int) -> int:
    return sum(1 for pos, _ in words if start <= pos < end)


def headline_end(line: str, after: int, stop: int, stop_is_cue: bool = False) -> int:
    """Where the related headline that starts at `after` ends, at the latest at `stop`.

    Headlines carry no end mark, so the end is read from the casing of the words: in a Title Case
    headline (kompas, detik, sindonews) the next sentence shows itself by its first lower-case content
    word: it starts at the capitalised word before that; in a sentence-case headline (antara) it
    starts at the first Capitalised (not all-capitals) word that follows a lower-case word.  An
    opening quote after the first word starts the next sentence in both.
    """
    if stop_is_cue and stop - after <= HEADLINE_TYPICAL_CHARS:
        return stop  # "Baca juga: A Baca juga: B": each headline runs to the next cue
    words = [(m.start(), m.group(0)) for m in _HEADLINE_WORD.finditer(line, after, stop)]
    if len(words) < 3:
        return stop
    shapes = [_word_shape(w) for _, w in words]
    quote = next((words[j][0] for j in range(1, len(words)) if shapes[j] == "quote"), stop)
    # Acronyms are capitalised in both styles: the style shows in the other words.
    lead = [sh for sh, (_, w) in zip(shapes[:4], words) if sh == "lower" or sh == "upper" and not w.isupper()]
    if lead and lead.count("upper") >= 0.75 * len(lead):
        # Title Case: the next sentence starts at the capitalised word before its first lower-case one.
        for j in range(2, len(words)):
            if shapes[j] == "lower":
                k = j - 1
                while k > 1 and shapes[k] == "small":
                    k -= 1
                return min(quote, words[k][0] if shapes[k] in ("upper", "digit") else stop)
        return quote
    # Sentence case: proper nouns are capitalised inside the headline too, so of the capitalised
    # words that follow a lower-case one (and opening quotes), the last within a headline's length.
    candidates = [words[j][0] for j in range(2, len(words)) if shapes[j] == "quote" or (
        shapes[j] == "upper" and not words[j][1].isupper() and shapes[j - 1] in ("lower", "small"))]
    within = [c for j, c in enumerate(candidates) if _words_between(words, after, c) <= HEADLINE_MAX_WORDS]
    if within:
        return within[-1]
    return candidates[0] if candidates else stop


def boundaries(line: str) -> dict[int, tuple[str, str]]:
    """Start positions of the spans after the first, with the kind (and cue type) of the span there."""
    found: dict[int, tuple[str, str]] = {}
    protected = [m.span() for m in _UNSPLITTABLE.finditer(line)] if _MAY_BE_UNSPLITTABLE(line) else []
    protected_starts = [lo for lo, _ in protected]
    first = _leading(line)

    def add(pos: int, kind: str, cue: str = "") -> None:
        if first < pos < len(line) and not _inside(protected, protected_starts, pos):
            # A cue outranks a plain sentence start at the same place.
            if pos not in found or kind == "cue":
                found[pos] = (kind, cue)

    for m in _SENTENCE_END.finditer(line):
        if m.group(0)[0] == "." and _abbreviation_before(line, m.start()):
            continue
        add(m.end(), "text")
    for m in _SEAM.finditer(line):
        if line[m.start()] == "." and _abbreviation_before(line, m.start()):
            continue
        add(m.end(), "text")
    if ".COM" in line or ".com" in line:
        for m in _CASE_SEAM.finditer(line):
            add(m.start(), "text")
    if "  " in line or "\u00a0" in line:
        for m in _WIDE_GAP.finditer(line):
            add(m.end(), "gap")
    for m in _DATELINE.finditer(line, 0, DATELINE_WINDOW):
        add(m.start(), "dateline")
    heads = []
    for m in _CUE.finditer(line):
        add(m.start(), "cue", m.lastgroup)
        if m.lastgroup in _WHOLE:
            end = m.end()
            while end < len(line) and line[end] in " \t\u00a0":
                end += 1
            add(end, "text")
        elif m.lastgroup == "headline":
            heads.append(m.end())
        elif m.lastgroup == "credit":
            seam = _CAMEL_SEAM.search(line, m.end(), m.end() + CREDIT_MAX_CHARS)
            if seam:
                add(seam.start(), "text")
        elif m.lastgroup == "promo":
            # "Simak klasemen ... di halaman berikutnya:" introduces what follows: the cue ends at its colon.
            colon = line.find(":", m.end(), m.end() + PROMO_MAX_CHARS)
            if colon > 0:
                add(colon + 1 + len(line[colon + 1:colon + 4]) - len(line[colon + 1:colon + 4].lstrip()), "text")
    for k, after in enumerate(heads):
        while after < len(line) and line[after] in " \t\u00a0":
            after += 1
        heads[k] = after
        if found.get(after, ("",))[0] in ("gap", "text"):
            del found[after]  # a wide gap right after the cue ("Baca juga:  Judul") is part of it
    ordered = sorted(found)
    for after in heads:
        # The headline runs at most to the next boundary found so far (a sentence end, another cue).
        k = bisect.bisect_right(ordered, after + 2)
        limit = min(len(line), after + HEADLINE_MAX_CHARS)
        stop = min(ordered[k], limit) if k < len(ordered) else limit
        add(headline_end(line, after, stop, found.get(stop, ("", ""))[0] == "cue"), "text")
        # The headline is a span of its own: when there is none ("Baca juga:" before a paragraph),
        # the cue alone is cut.
        add(after, "headline")
    return found


def split(line: str) -> list[Span]:
    """The spans of a line, in order; their texts joined give the line back exactly.

    No span is white space only: a boundary that would leave one (two cues meeting at a space) gives
    the white space to the span before it.
    """
    if not line:
        return []
    cuts = boundaries(line)
    lead = _CUE.match(line, _leading(line))
    first = ("cue", lead.lastgroup) if lead else (
        ("dateline", "") if _DATELINE.match(line, _leading(line)) else ("text", ""))
    starts, kinds = [0], [first]
    for pos in sorted(cuts):
        if line[starts[-1]:pos].strip():
            starts.append(pos)
            kinds.append(cuts[pos])
        elif len(starts) > 1:
            starts[-1], kinds[-1] = pos, cuts[pos]
    if len(starts) > 1 and not line[starts[-1]:].strip():
        starts.pop()
        kinds.pop()
    ends = [*starts[1:], len(line)]
    return [Span(s, e, k, c) for s, e, (k, c) in zip(starts, ends, kinds)]


def _leading(line: str) -> int:
    return len(line) - len(line.lstrip())


def texts(line: str, spans: list[Span]) -> list[str]:
    return [line[s.start: s.end] for s in spans]


def remove(line: str, spans: list[Span], drop: list[bool]) -> str:
    """The line without the dropped spans; every kept byte as it was.

    A dropped span takes its trailing white space with it; when the line then ends in white space
    that a dropped span used to follow, that white space goes too.
    """
    kept = [line[s.start: s.end] for s, d in zip(spans, drop) if not d]
    out = "".join(kept)
    if drop and drop[-1]:
        out = out.rstrip()
    return out
