"""Header fields of a labelled news article: title, dates, bylines, dateline place and media, captions.

`extract` reads the lines the classifier labelled: the `title` line, the `meta` lines (dates,
bylines, a deck), the first `body` line (its dateline: place and media) and the last one (a byline
glued to the end), and the `caption` lines.  Dates are read from `meta` lines only: a date in the
story ("Kamis (16/5/2024)") is not when the article was published.

On sites it has never seen, the classifier often calls the headline, the date line or the byline
chrome.  So before the fields are read, the lines are judged by place as well as by label (for the
fields only; the body is not touched): the headline is chosen among the headline-shaped lines above
the first paragraph, by the date line or byline it stands next to (`_choose_title`); between it and
the first paragraph, date lines, bylines and media names are meta whatever their label; a role
label alone on its line ("Editor") and the names under it are meta anywhere; and a closing credit
("(Nama)") just after the last paragraph is meta.  Every rule is about the shape and place of a
line, none about one site's wording; benchmarks/fields.py measures them on leave-one-site-out labels.

Why hand-written patterns and not `dateparser` (measured with dateparser 1.5.0): its import costs
~0.1 s of the filter's 0.2 s start-up budget and a parse ~1-15 ms; `parse()` gave None on a third
of the site layouts (any text around the date: "Kompas.com - 27/03/2024, 06:16 WIB",
"... 14:39 WIB | 1.093 Views"), and `search_dates()` read "Rabu, 16 Oktober 2024 | 21:45 WIB" as
22 November (today's day and month).  The layouts are few and regular; a handful of regexes read all
of them in microseconds.

Nothing here raises on odd input: a field that cannot be read is None or empty.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from itertools import compress

__all__ = ["Fields", "extract", "strip_dateline"]


@dataclass(frozen=True)
class Fields:
    title: str | None
    published: str | None  # ISO 8601, e.g. "2024-10-16T21:45:00+07:00", or "2024-10-16" when no time printed
    updated: str | None  # a second time printed as "diperbarui"/"Update:"
    authors: tuple[str, ...]
    editors: tuple[str, ...]
    source: str | None  # media name printed in the dateline or byline: "KOMPAS.com", "iNews.id"
    location: str | None  # dateline place as printed: "MOSKOW", "Jakarta"
    captions: tuple[str, ...]
    description: str | None  # a summary printed under the headline (a `meta` line that is prose)


EMPTY = Fields(None, None, None, (), (), None, None, (), None)

# Only this much of a line is searched: real meta lines are short, and a pasted-in megabyte must
# not make the per-document filter slow.  The dateline sits at the start of the first body line and
# a glued byline at the end of the last one.
MAX_META_CHARS = 1000
# The line tests (date line, byline, headline shape, media name; the dates a line prints) are asked
# of the same lines by several steps of one document, and of a site's repeated lines by its next
# pages: answers for this many distinct lines of up to MAX_META_CHARS are remembered (the answers
# depend on the text alone), so the cache holds at most a few MB.
PREDICATE_CACHE_LINES = 4096
DATELINE_CHARS = 200
TAIL_BYLINE_CHARS = 400


def _remembered(test):
    """`test(text)`, remembered for short texts (see PREDICATE_CACHE_LINES); its answers must not be
    changed by the caller (they are shared)."""
    cached = functools.lru_cache(maxsize=PREDICATE_CACHE_LINES)(test)

    @functools.wraps(test)
    def remembered(text: str):
        return cached(text) if len(text) <= MAX_META_CHARS else test(text)

    remembered.short = cached  # for a caller that asks of many texts it knows are short: no length test
    return remembered


# A deck (summary under the headline) is a sentence, not a label or a name.
DESCRIPTION_MIN_WORDS = 6

# A meta line with a date and more words than this besides is prose (a deck mentioning a deadline),
# not the line that dates the article.
DATE_LINE_MAX_OTHER_WORDS = 8


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


class _Lazy:
    """A regular expression compiled on its first use, not at import.

    The filter imports this module on every start; compiling its ~40 patterns at import took
    ~15 ms CPU of the module's ~18 ms (now ~3.5 ms).  A run pays for the patterns its documents
    need, once.  On first use of a method (`match`, `search`, ...) the pattern is compiled and the
    bound method kept on the instance, so later uses are a plain attribute lookup.
    """

    def __init__(self, source: str, flags: int = 0):
        self._source, self._flags = source, flags

    def __getattr__(self, name: str):
        # Called only when `name` is not set yet: the first use of each method.
        if name.startswith("_"):
            raise AttributeError(name)
        value = getattr(re.compile(self._source, self._flags), name)
        setattr(self, name, value)
        return value


def _lazy(source: str, flags: int = 0) -> _Lazy:
    return _Lazy(source, flags)


# ---------------------------------------------------------------------------------------------
# Dates

_MONTHS = {
    "januari": 1, "january": 1, "jan": 1,
    "februari": 2, "pebruari": 2, "february": 2, "feb": 2, "peb": 2,
    "maret": 3, "march": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6,
    "juli": 7, "july": 7, "jul": 7,
    "agustus": 8, "august": 8, "agust": 8, "agus": 8, "agu": 8, "agt": 8, "ags": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nopember": 11, "nov": 11, "nop": 11,
    "desember": 12, "december": 12, "des": 12, "dec": 12,
}  # fmt: skip
_WEEKDAYS = _words("senin selasa rabu kamis jumat jum'at sabtu minggu ahad")
# Longest first so "Juni" is not read as "Jun" + "i".
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))

# Printed zones; WITA before WIT in the pattern so the longer name wins.
_ZONE_OFFSETS = {"wib": "+07:00", "wita": "+08:00", "wit": "+09:00"}
# Indonesian sites that print no zone mean western Indonesian time.
DEFAULT_OFFSET = "+07:00"
_WIB = timezone(timedelta(hours=7))

_DATE_PATTERNS = (
    # 16 Oktober 2024 · 09 Juli 2020 · 10 Des 2022 · 16-Oct-2024
    _lazy(
        rf"(?<![\w.])(?P<d>\d{{1,2}})[\s\-]*(?P<mon>{_MONTH_RE})\.?[\s\-,]*(?P<y>\d{{4}})(?!\d)",
        re.IGNORECASE,
    ),
    # February 16, 2016
    _lazy(
        rf"(?<![\w.])(?P<mon>{_MONTH_RE})\.?\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})(?!\d)", re.IGNORECASE
    ),
    # 16/10/2024 · 5-11-2015 · 16.10.2024 (day first, as Indonesian sites print it)
    _lazy(r"(?<![\w./])(?P<d>\d{1,2})(?P<sep>[/.\-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4})(?!\d)"),
    # 2024-10-16
    _lazy(r"(?<![\w./])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d)"),
)
# A time right after the date, past separators: "| 21:45 WIB", ", 06:16", "at 09:09", "- 19:42:00", "10.30".
_TIME_AFTER = _lazy(
    r"\A[\s,|/·•\-–—]{0,6}(?:(?:at|pukul|pkl\.?|jam)\s*)?"
    r"(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?:[:.](?P<s>\d{2}))?(?![\d.,]\d)"
    r"(?:\s*(?P<z>wita|wib|wit)\b)?",
    re.IGNORECASE,
)
# A time printed before the date: "14:05 WIB, Selasa 16 Jun 2015".  A colon or a zone is required so
# a price like "Rp 1.50" does not pass.
_TIME_BEFORE = _lazy(
    r"(?P<h>\d{1,2})(?::(?P<mi>\d{2})|\.(?P<mi2>\d{2})(?=\s*(?:wita|wib|wit)\b))(?:\s*(?P<z>wita|wib|wit)\b)?"
    r"[\s,|·•\-–—]{0,6}(?:(?:senin|selasa|rabu|kamis|jum'?at|sabtu|minggu|ahad)\s*,?\s*)?\Z",
    re.IGNORECASE,
)
_ISO_TAIL = _lazy(r"\A[T ](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?P<off>Z|[+-]\d{2}:?\d{2})?")
# Words that say a printed time is an update, not the first publication.
_UPDATED_MARK = _lazy(
    r"\b(?:diperbarui|diupdate|update[d]?|pembaruan|perbaruan|terakhir diubah)\b", re.IGNORECASE
)
_PUBLISHED_MARK = _lazy(r"\b(?:diterbitkan|dipublikasikan|published|tayang|terbit)\b", re.IGNORECASE)
_RELATIVE = _lazy(
    r"(?<!\w)(?:(?P<n>\d{1,3})\s*|(?P<one>se|satu\s+|an?\s+|one\s+))"
    r"(?P<unit>detik|menit|jam|hari|minggu|pekan|seconds?|minutes?|mins?|hours?|days?|weeks?)"
    r"\s+(?:yang\s+)?(?:lalu|ago)\b",
    re.IGNORECASE,
)
_UNIT_SECONDS = {
    "detik": 1, "second": 1, "seconds": 1,
    "menit": 60, "minute": 60, "minutes": 60, "min": 60, "mins": 60,
    "jam": 3600, "hour": 3600, "hours": 3600,
    "hari": 86400, "day": 86400, "days": 86400,
    "minggu": 604800, "pekan": 604800, "week": 604800, "weeks": 604800,
}  # fmt: skip
_DIGIT = _lazy(r"\d")
_LETTER_WORD = _lazy(r"[^\W\d_]{2,}")
# "2 hari lalu" names a day, not a minute: print it as a date.
DATE_ONLY_FROM_SECONDS = 86400


@dataclass(frozen=True)
class _Stamp:
    iso: str
    has_time: bool
    updated: bool
    start: int
    end: int


def _format_stamp(y: int, mo: int, d: int, h=None, mi=None, s=None, offset=DEFAULT_OFFSET) -> str | None:
    try:
        if h is None:
            return date(y, mo, d).isoformat()
        stamp = datetime(y, mo, d, h, mi, s or 0)
    except (ValueError, TypeError):
        return None
    return stamp.strftime("%Y-%m-%dT%H:%M:%S") + offset


def _offset_of(zone: str | None) -> str:
    return _ZONE_OFFSETS.get((zone or "").lower(), DEFAULT_OFFSET)


def _stamp_at(text: str, m: re.Match) -> tuple[str | None, bool, int]:
    """The ISO stamp of a date match, with the time printed next to it; its end position."""
    groups = m.groupdict()
    try:
        y, d = int(groups["y"]), int(groups["d"])
        mo = _MONTHS[groups["mon"].lower()] if groups.get("mon") else int(groups["m"])
    except (KeyError, ValueError, TypeError):
        return None, False, m.end()
    if not 1900 <= y <= 2100:
        return None, False, m.end()
    rest = text[m.end() : m.end() + 40]
    # Only a year-first date (2024-10-16) may carry an ISO time and offset after it.
    year_first = groups.get("m") and m.group(0)[4:5] == "-"
    iso_time = _ISO_TAIL.match(rest) if year_first else None
    if iso_time:
        off = iso_time.group("off") or DEFAULT_OFFSET
        if off == "Z":
            off = "+00:00"
        elif ":" not in off:
            off = off[:3] + ":" + off[3:]
        stamp = _format_stamp(y, mo, d, int(iso_time["h"]), int(iso_time["mi"]), int(iso_time["s"] or 0), off)
        return stamp, stamp is not None, m.end() + iso_time.end()
    after = _TIME_AFTER.match(rest)
    if after:
        stamp = _format_stamp(
            y, mo, d, int(after["h"]), int(after["mi"]), int(after["s"] or 0), _offset_of(after["z"])
        )
        if stamp:
            return stamp, True, m.end() + after.end()
    before = _TIME_BEFORE.search(text[max(0, m.start() - 40) : m.start()])
    if before:
        minute = before["mi"] or before["mi2"]
        stamp = _format_stamp(y, mo, d, int(before["h"]), int(minute), 0, _offset_of(before["z"]))
        if stamp:
            return stamp, True, m.end()
    return _format_stamp(y, mo, d), False, m.end()


@_remembered
def _stamps(text: str) -> tuple[_Stamp, ...]:
    """Every date printed in a line, in order, each marked as an update or not (remembered: the
    date line test, the headline test and the dates ask it of the same lines)."""
    if not _DIGIT.search(text):
        return ()  # most lines: no date without a digit
    found: list[tuple[int, re.Match]] = []
    # Positions inside a date already found: a later pattern's match may not start there.  (A list
    # of spans checked per match was quadratic: 10 ms for a 1000-character line of dates.)
    taken = bytearray(len(text) + 1)
    for pattern in _DATE_PATTERNS:
        new = [m for m in pattern.finditer(text) if not taken[m.start()]]
        for m in new:
            taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
            found.append((m.start(), m))
    stamps: list[_Stamp] = []
    previous_end = 0
    for _, m in sorted(found, key=lambda item: item[0]):
        iso, has_time, end = _stamp_at(text, m)
        if iso is None:
            continue
        lead = text[previous_end : m.start()]
        updated = bool(_UPDATED_MARK.search(lead)) and not _PUBLISHED_MARK.search(lead.split(":")[-1])
        stamps.append(_Stamp(iso, has_time, updated, m.start(), end))
        previous_end = end
    return tuple(stamps)


def _other_words(text: str, stamps: list[_Stamp]) -> int:
    """Words left on a line once its dates are taken out: many means prose."""
    kept, pos = [], 0
    for s in stamps:
        kept.append(text[pos : s.start])
        pos = s.end
    kept.append(text[pos:])
    return len(_LETTER_WORD.findall(" ".join(kept)))


@_remembered
def _is_date_line(text: str) -> bool:
    stamps = _stamps(text)
    return bool(stamps) and _other_words(text, stamps) <= DATE_LINE_MAX_OTHER_WORDS


def _relative(text: str, now: datetime | None) -> tuple[str | None, bool]:
    """'2 jam yang lalu' against `now`; (stamp, found) so a relative time without `now` stays null."""
    m = _RELATIVE.search(text)
    if not m:
        return None, False
    if now is None:
        return None, True
    count = int(m["n"]) if m["n"] else 1
    seconds = count * _UNIT_SECONDS[m["unit"].lower()]
    base = now if now.tzinfo is not None else now.replace(tzinfo=_WIB)
    try:
        when = base - timedelta(seconds=seconds)
    except OverflowError:
        return None, True
    if seconds >= DATE_ONLY_FROM_SECONDS:
        return when.date().isoformat(), True
    return when.replace(second=0, microsecond=0).isoformat(), True


def _dates(meta: list[str], now: datetime | None) -> tuple[str | None, str | None]:
    """(published, updated) from the meta lines: a stamp with a time beats a bare date."""
    published: list[_Stamp] = []
    updated: list[_Stamp] = []
    relative_published = relative_updated = None
    update_line_before = False
    for text in meta:
        stamps = _stamps(text)
        if _is_date_line(text):
            for stamp in stamps:
                is_update = stamp.updated or (update_line_before and stamp is stamps[0])
                (updated if is_update else published).append(stamp)
        elif not stamps and len(text.split()) <= DATE_LINE_MAX_OTHER_WORDS:
            stamp, found = _relative(text, now)
            if found and stamp:
                if _UPDATED_MARK.search(text) or update_line_before:
                    relative_updated = relative_updated or stamp
                else:
                    relative_published = relative_published or stamp
        # A label alone on its line ("Diperbarui") marks the date on the next one.
        update_line_before = bool(_UPDATED_MARK.fullmatch(text.strip(" :")))
    return _best(published) or relative_published, _best(updated) or relative_updated


def _best(stamps: list[_Stamp]) -> str | None:
    timed = [s for s in stamps if s.has_time]
    chosen = timed or stamps
    return chosen[0].iso if chosen else None


# ---------------------------------------------------------------------------------------------
# Media names

# A media name printed as a domain: KOMPAS.com, iNews.id, TRIBUN-PAPUA.COm, REPUBLIKA.CO.ID, TEMPO.CO.
_DOMAIN = r"[A-Za-z][A-Za-z0-9\-]*(?:\.(?i:com|co|id|net|org|tv|news))+"
_DOMAIN_RE = _lazy(rf"(?i){_DOMAIN}")
# Media names printed without a domain.  The prefixed brands ("detikNews", "KompasOtomotif",
# "kumparanBISNIS", "TribunJatim") are one word with a section glued on.
_KNOWN_MEDIA = _lazy(
    r"(?i)(?:cnn indonesia|cnbc indonesia|idn times|antara(?: news)?|antara/\w+|pikiran rakyat|viva"
    r"|media indonesia|tempo|republika|republika online|okezone|kontan|bisnis|merdeka|suara|liputan6"
    r"|sindonews|jpnn|inews|voa(?: indonesia)?|bbc(?: news)? indonesia|tirto|katadata|jawa pos|jawapos"
    r"|beritasatu|kumparan\w*|detik\w*|kompas\w*|tribun\w*|harian \w+|koran \w+"
    r"|reuters|afp|ap|cnn|bbc|xinhua)"
)
# Single words that are brands: a byline or name holding one of them is a media label, not a person.
_MEDIA_WORDS = _words(
    """viva kompas detik kumparan tribun tribunnews antara okezone liputan6 tempo republika kontan
    bisnis merdeka suara sindonews jpnn inews cnn cnbc idn voa bbc tirto katadata"""
)


@_remembered
def _is_media(text: str) -> bool:
    text = text.strip(" .,:;()[]")
    return bool(text) and bool(_DOMAIN_RE.fullmatch(text) or _KNOWN_MEDIA.fullmatch(text))


def _has_media_word(text: str) -> bool:
    return any(word.lower().strip(".,") in _MEDIA_WORDS or _is_media(word) for word in text.split())


# ---------------------------------------------------------------------------------------------
# Title


# " - Kompas.com", " | detikNews", " - ANTARA News": the site's name after the headline.
_TITLE_SUFFIX = _lazy(r"\s+[-|–—]\s+(?P<site>[^-|–—]{2,40}?)\s*$")


def _title(lines: list[tuple[str, str]]) -> str | None:
    """The headline as printed, without a site suffix: the first `title` line (see `_choose_title`)."""
    for text, label in lines:
        if label == "title" and text.strip():
            title = " ".join(text.split())
            for _ in range(2):  # some sites print two: "Headline - detikNews - detikcom"
                m = _TITLE_SUFFIX.search(title)
                if not m or not _is_media(m["site"]):
                    break
                title = title[: m.start()].rstrip()
            return title or None
    return None


# ---------------------------------------------------------------------------------------------
# Dateline: "MOSKOW, iNews.id - ", "Jakarta (ANTARA) - ", "KONTAN.CO.ID - JAKARTA.", "Jakarta -"

_DASH = r"(?:-{1,2}|[–—]{1,2})"
# A place or a media name as printed: capitalised words ("VUNG TAU", "Bandarlampung") or a domain.
_TOKEN = rf"(?:{_DOMAIN}|[A-Z][\w'’.&]*(?: [A-Z][\w'’.&]*){{0,3}})"
_PLACE_NO_DOT = r"[A-Z][A-Za-z'’]*(?: [A-Z][A-Za-z'’]*){0,3}"

# A date some datelines carry: "ISTANBUL, 23 Februari 2016 (Antara/PRNewswire) --",
# "Jakarta, 16/10 (ANTARA) -".
_DL_DATE = r"(?:\d{1,2}\s+[A-Za-z]+\.?\s+\d{4}|\d{1,2}/\d{1,2}(?:/\d{2,4})?)"
_DL_PAREN = _lazy(
    rf"^\s*(?P<loc>{_TOKEN}(?:,\s*{_TOKEN})?)\s*(?:,\s*{_DL_DATE}\s*)?"
    rf"\((?P<src>[^()]{{2,40}})\)\s*(?P<dash>{_DASH})"
)
# "Kawasaki, Jepang --(ANTARA/Business Wire)--" (wire releases).
_DL_DASH_PAREN = _lazy(
    rf"^\s*(?P<loc>{_TOKEN}(?:,\s*{_TOKEN})?)\s*{_DASH}\s*\((?P<src>[^()]{{2,40}})\)\s*(?P<dash>{_DASH})?"
)
# "Jakarta, 16 Oktober 2024 -" (press releases).
_DL_DATED = _lazy(rf"^\s*(?P<loc>{_TOKEN})\s*,\s*{_DL_DATE}\s*(?P<dash>{_DASH})")
_DL_PAIR = _lazy(rf"^\s*(?P<x>{_TOKEN})\s*,\s*(?P<y>{_TOKEN})?\s*(?P<dash>{_DASH})")
_DL_MEDIA_PLACE = _lazy(
    rf"^\s*(?P<src>{_DOMAIN})\s*(?P<dash>{_DASH})\s*(?P<loc>{_PLACE_NO_DOT})\.(?=\s|$)"
)
_DL_SINGLE = _lazy(rf"^\s*(?P<x>{_TOKEN})\s*(?P<dash>{_DASH})")
# "Liputan6.com, JakartaTidak semua ..." / "Liputan6.com, Jakarta London ...": the dash got lost.
_DL_NO_DASH = _lazy(rf"^\s*(?P<src>{_DOMAIN})\s*,\s*(?P<loc>[A-Z][a-z]+)(?=[A-Z]|\s)")
# Words that open a first paragraph with a dash but name no place ("Ilustrasi - ...", "VIDEO - ...").
_NOT_PLACES = _words(
    "ilustrasi video foto infografis update breaking opini advertorial editorial catatan baca live"
)


@dataclass(frozen=True)
class _Dateline:
    location: str | None
    source: str | None
    end: int


def _dash_ok(text: str, m: re.Match, head: str, has_media: bool) -> bool:
    """Tell a dateline dash from a hyphen: 'Anak-anak', 'COVID-19' are not datelines."""
    after = text[m.end() : m.end() + 1]
    if after.isdigit():
        return False
    glued_left = m.start("dash") > 0 and not text[m.start("dash") - 1].isspace()
    glued_right = after != "" and not after.isspace()
    if (glued_left or glued_right) and not has_media:
        # Only an all-capitals place may touch the dash ("JAKARTA-Iran kembali ...").
        return head.isupper()
    return True


def _is_place(text: str | None) -> bool:
    words = (text or "").lower().split()
    return (
        bool(words) and words[0] not in _NOT_PLACES and words[0] not in _WEEKDAYS and words[0] not in _MONTHS
    )


def _parse_dateline(text: str) -> _Dateline | None:
    text = text[:DATELINE_CHARS]
    # A reporter credit glued before the dateline ("Laporan Wartawan X, Nama JAKARTA - ") is skipped.
    lead = _LEAD_REPORT.match(text)
    skip = lead.end() if lead else 0
    found = _match_dateline(text[skip:])
    if found and found.location is not None and not _is_place(found.location):
        return None
    return _Dateline(found.location, found.source, skip + found.end) if found else None


def _match_dateline(text: str) -> _Dateline | None:
    m = _DL_PAREN.match(text) or _DL_DASH_PAREN.match(text)
    if m:
        return _Dateline(m["loc"].strip(), m["src"].strip(), m.end())
    m = _DL_DATED.match(text)
    if m and not _is_media(m["loc"]):
        return _Dateline(m["loc"].strip(), None, m.end())
    m = _DL_MEDIA_PLACE.match(text)
    if m:
        return _Dateline(m["loc"], m["src"], m.end())
    m = _DL_PAIR.match(text)
    if m:
        x, y = m["x"].strip(), (m["y"] or "").strip()
        x_media, y_media = _is_media(x), bool(y) and _is_media(y)
        if _dash_ok(text, m, y or x, x_media or y_media):
            if x_media:
                return _Dateline(y or None, x, m.end())
            if y_media:
                return _Dateline(x, y, m.end())
            return _Dateline(f"{x}, {y}" if y else x, None, m.end())
    m = _DL_SINGLE.match(text)
    if m:
        x = m["x"].strip()
        media = _is_media(x)
        if _dash_ok(text, m, x, media):
            return _Dateline(None, x, m.end()) if media else _Dateline(x, None, m.end())
    m = _DL_NO_DASH.match(text)
    if m:
        return _Dateline(m["loc"], m["src"], m.end())
    return None


def strip_dateline(text: str) -> str:
    """Remove a leading dateline from a body line; unchanged if none.

    'JAKARTA, KOMPAS.com - ', 'Jakarta -', 'Liputan6.com, Jakarta -', 'Jakarta (ANTARA) - ' ...
    """
    if not isinstance(text, str):
        return text
    try:
        found = _parse_dateline(text)
    except Exception:  # noqa: BLE001 -- never let a pathological line stop the pipeline
        return text
    return text[found.end :].lstrip() if found else text


# ---------------------------------------------------------------------------------------------
# Bylines

_AUTHOR_LABELS = (
    "penulis|reporter|pewarta|kontributor|oleh|by|written by|author|authors|fotografer|photographer"
    "|laporan wartawan|laporan reporter|laporan|wartawan|jurnalis|koresponden|rep"
)
_EDITOR_LABELS = "editor|redaktur|penyunting|penanggung jawab|red"
_IGNORED_LABELS = "sumber|source|foto|video"
# Words that are only labels when a colon follows ("Rep: X / Red: Y"): without one they start prose.
_COLON_ONLY_LABELS = frozenset({"rep", "red", "laporan", "wartawan", "jurnalis", "foto", "video", "source"})
# ... except these, when a name follows ("Laporan Nama | Aceh Timur").
_NAME_FOLLOWS_LABELS = frozenset({"laporan", "wartawan", "jurnalis"})
# The role left pending by a label that credits no person ("Sumber" / ": The Telegraph").
_IGNORE = "ignore"
_LABEL = _lazy(
    rf"^(?P<label>{_AUTHOR_LABELS}|{_EDITOR_LABELS}|{_IGNORED_LABELS})(?=[\s:：]|$)"
    r"\s*(?P<colon>[:：])?\s*(?P<value>.*)$",
    re.IGNORECASE,
)
_EDITOR_SET = frozenset(_EDITOR_LABELS.split("|"))
_ROLE_LINE = _lazy(rf"\s*(?:{_AUTHOR_LABELS}|{_EDITOR_LABELS})\s*[:：]?\s*$", re.IGNORECASE)
_AUTHOR_SET = frozenset(_AUTHOR_LABELS.split("|"))
# Words that describe a person's role rather than name them.
_ROLE_WORDS = _words(
    """jurnalis wartawan reporter penulis kontributor editor redaktur pewarta fotografer photographer
    penyunting koresponden author"""
)
# Segments of a byline line: "Reporter: X | Editor: Y", "Rep: X/ Red: Y", and "Penulis X Editor Y"
# printed with no separator (a label word starting a capitalised word).  "Kontributor" is left out:
# "Penulis: Kontributor Semarang, Nama" is one credit.
_SEGMENT_SPLIT = _lazy(
    r"\s*[|·•/]\s*"
    r"|\s+(?=(?:Editor|Redaktur|Penyunting|Penulis|Reporter|Pewarta|Fotografer)(?:\s*:|\s+[A-Z]))"
)
_PART_SPLIT = _lazy(r"\s*(?:,|;|&|\s[-–—]+\s|\band\b|\bdan\b)\s*", re.IGNORECASE)
# "Kontributor Semarang, Nama" and "Wartawan Tribunnews.com, Nama": a role and a place or media
# printed before the name.
_ROLE_PREFIX = _lazy(
    rf"^(?:(?:kontributor|koresponden|wartawan|reporter|jurnalis)\s+"
    rf"(?:{_DOMAIN}|[A-Z][\w.]*(?: [A-Z][\w.]*)?)\s*,\s*"
    rf"|(?:{_DOMAIN})\s*,\s*)",
    re.IGNORECASE,
)
# End codes printed after a name: "(ant)", "/ant".
_NAME_CODE = _lazy(r"\s*(?:\([a-z]{2,5}(?:/[a-z]{2,5})?\)|/[a-z]{2,5})$")
_NAME_CHARS = _lazy(r"^[^\W\d_][\w.'’\- ]*$")
_NAME_PARTICLES = frozenset({"bin", "binti", "de", "van", "der", "al", "el", "da", "di"})
# Words of section labels and photo credits printed as meta lines ("Sepak Bola", "Gaya Hidup",
# "Dok. Pribadi"): a capitalised pair of them looks like a name but is not one.
_NOT_NAME_WORDS = _words(
    """berita utama nasional internasional ekonomi bisnis olahraga sepak bola gaya hidup hukum kriminal
    politik teknologi sains otomotif kesehatan hiburan seleb selebriti travel news kuliner opini
    regional daerah metro megapolitan dunia global pendidikan edukasi lifestyle sport sports tekno
    tren hype money finance market properti militer lingkungan wisata video foto infografis cek
    fakta kolom saham keuangan islami religi khazanah humaniora jurnalis wartawan dok dok. ist
    istimewa pribadi ilustrasi sumber redaksi breaking terkini populer pilihan headline indeks home
    beranda share copy link komentar follow like tweet email print cetak bagikan simpan tutup close
    search cari login masuk daftar more lainnya terkait selengkapnya"""
)
# A team byline kept as printed ("Tim detikBali"): the gold data keeps "Tim".
_TEAM = _lazy(r"^Tim\s+\S+(?:\s\S+){0,2}$")
# A glued byline at the end of the last body paragraph: "... rampung. Kontributor : Nama".
_TAIL_BYLINE = _lazy(
    rf"(?:^|[.!?\"”)\]]\s*)(?P<label>{_AUTHOR_LABELS}|{_EDITOR_LABELS})\s*:"
    r"\s*(?P<value>[^:!?()]{2,80}?)\s*$",
    re.IGNORECASE,
)
# "Laporan Wartawan Tribunnews.com, Nama TRIBUNNEWS.COM, BEKASI - ..." before the dateline; scrapers
# often lose the space ("Nama NamaTRIBUNNEWS.COM"), so the name ends where capitals start a domain.
_NAME_WORD = r"[A-Z](?:[a-z'’\-]+|\.)?"
_LEAD_REPORT = _lazy(
    rf"^\s*Laporan\s+(?:Wartawan|Reporter|Koresponden|Kontributor|Jurnalis)\s+(?:{_DOMAIN}|[A-Z]\w+)\s*,\s*"
    rf"(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,4}}?)"
    rf"(?=\s*[A-Z][A-Z0-9\-]+\.(?i:com|co|id)|\s+[A-Za-z][a-z0-9\-]*\.(?i:com|co|id)|\s+[A-Z]{{3,}}\b"
    rf"|\s*[|,\-–—]|\s*$)"
)
# A label of a credit inside running text: "Pewarta:", "Editor :".
_TAIL_LABEL = _lazy(rf"(?<!\w)(?:{_AUTHOR_LABELS}|{_EDITOR_LABELS})\s*:", re.IGNORECASE)
# A rights notice closing a page, after its byline: "Copyright © ANTARA 2025 ...", "© 2024 ...".
_TAIL_NOTICE = _lazy(r"(?:\bcopyright\b|\bhak cipta\b|©|\(c\)\s*\d{4})", re.IGNORECASE)
_PAREN_LINE = _lazy(r"^\(\s*(?P<inner>[^()]{2,120}?)\s*\)$")
_TAIL_PAREN = _lazy(r"[.!?\"”]\s*\(\s*(?P<inner>[^()]{2,80}?)\s*\)\s*$")
# Who a bare "(Nama)" at the end credits is a site's habit: okezone closes with the editor,
# Bisnis.com with the writer.  Media (as printed in the dateline) that credit the writer:
PAREN_NAME_AUTHOR_MEDIA = frozenset({"bisnis.com"})


def _label_match(segment: str) -> re.Match | None:
    m = _LABEL.match(segment.strip())
    if not m:
        return None
    label = m["label"].lower()
    if m["colon"] or label not in _COLON_ONLY_LABELS:
        return m
    if label in _NAME_FOLLOWS_LABELS:
        names, _, clean = _names(m["value"], strict=True)
        if clean and names:
            return m
    return None


def _role_of(label: str) -> str | None:
    label = label.lower()
    if label in _EDITOR_SET:
        return "editor"
    if label in _AUTHOR_SET:
        return "author"
    return None


def _is_name(part: str, strict: bool) -> bool:
    """A person's name: a few words of letters; `strict` for names printed with no label."""
    words = part.split()
    if not words or len(words) > 6 or not _NAME_CHARS.match(part):
        return False
    lower = [w.lower().strip(".") for w in words]
    if any(w in _ROLE_WORDS or w in _WEEKDAYS or w in _MONTHS for w in lower) and len(words) == 1:
        return False
    if _has_media_word(part) or _is_media(part):
        return False
    if not strict:
        return True
    if not 2 <= len(words) <= 5 or any(
        w in _ROLE_WORDS or w in _WEEKDAYS or w in _NOT_NAME_WORDS for w in lower
    ):
        return False
    if all(w.isupper() for w in words if len(w) > 1):
        return False  # a section label ("TRAVEL NEWS"), not a name
    return all(w[0].isupper() or w.lower() in _NAME_PARTICLES for w in words)


def _clean_name(part: str) -> str:
    part = _NAME_CODE.sub("", " ".join(part.split()))
    return part.strip(" :;,|()[]-–—\"'")


def _names(value: str, strict: bool) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """(names, media, clean): the names in a byline value, media named beside them, and whether
    every part was a name, a media name or a role word (else the value is not a byline).

    Remembered like the line tests: the byline steps read the same values (a site's bylines, its
    date lines) again and again."""
    return _read_names(value, strict) if len(value) <= MAX_META_CHARS else _read_names.__wrapped__(value, strict)


@functools.lru_cache(maxsize=PREDICATE_CACHE_LINES)
def _read_names(value: str, strict: bool) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    value = _ROLE_PREFIX.sub("", value.strip(" :"))
    names, media, clean = [], [], True
    for raw in _PART_SPLIT.split(value):
        part = _clean_name(raw)
        if not part:
            continue
        if _is_media(part):
            media.append(part)
        elif part.lower() in _ROLE_WORDS:
            continue
        elif _TEAM.match(part) or _is_name(part, strict):
            names.append(part)
        else:
            clean = False
    return tuple(names), tuple(media), clean


@dataclass
class _Bylines:
    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    media: list[str] = field(default_factory=list)  # "Nama - detikNews": a fallback source
    paren_names: list[str] = field(default_factory=list)  # a bare "(Nama)" closing the article

    def add(self, role: str | None, names: list[str]) -> None:
        target = self.editors if role == "editor" else self.authors
        for name in names:
            if name.lower() not in (n.lower() for n in target):
                target.append(name)

    def credit_paren_names(self, source: str | None) -> None:
        """A bare "(Nama)" credits the editor or the writer, by the site's habit."""
        role = "author" if (source or "").lower() in PAREN_NAME_AUTHOR_MEDIA else "editor"
        self.add(role, self.paren_names)


def _segments(text: str) -> list[str]:
    return [s for s in _SEGMENT_SPLIT.split(text) if s.strip()]


def _read_byline_line(text: str, out: _Bylines, pending: str | None) -> str | None:
    """Read one meta line into `out`; return the role a label alone on the line leaves pending."""
    text = " ".join(text.split())
    paren = _PAREN_LINE.match(text)
    if paren and "/" not in paren["inner"] and ":" not in paren["inner"]:
        names, _, clean = _names(paren["inner"], strict=True)
        if clean and len(names) == 1:
            out.paren_names.append(names[0])
        return None
    if paren:
        text = paren["inner"]
    if text.startswith(":"):
        # The value of a label printed on the line before ("Penulis" / ": Nama").
        if pending in ("author", "editor"):
            names, _, _ = _names(text, strict=False)
            out.add(pending, names)
            return pending
        return _IGNORE if pending == _IGNORE and text == ":" else None
    if _TEAM.match(text):
        out.add(pending or "author", [text])
        return pending
    segments = _segments(text)
    labelled = [(_label_match(s), s) for s in segments]
    if any(m for m, _ in labelled):
        return _read_labelled(labelled, out)
    if pending == _IGNORE:
        return None
    if pending:
        names, _, clean = _names(text, strict=False)
        if clean and names:
            out.add(pending, names)
            return pending
        return None
    for segment in segments:
        names, media, clean = _names(segment, strict=True)
        if clean and names:
            out.add("author", names)
            out.media.extend(media)
    return None


def _read_labelled(labelled: list[tuple[re.Match | None, str]], out: _Bylines) -> str | None:
    """Segments of a line that has labels ("Reporter: X | Editor: Y", "Sumber: KOMPAS.com/ Nama")."""
    pending = None
    after_media = False
    for m, segment in labelled:
        if m is None:
            # Unlabelled text beside labels is a place ("Laporan Nama | Aceh Timur"), unless it
            # follows a media credit ("KOMPAS.com/ Nama").
            names, _, clean = _names(segment, strict=True)
            if after_media and clean:
                out.add("author", names)
            after_media = _is_media(segment.strip())
            continue
        role = _role_of(m["label"])
        value = m["value"].strip()
        after_media = _is_media(value)
        if not value:
            pending = role or _IGNORE
            continue
        if role is None:
            continue
        names, _, _ = _names(value, strict=False)
        out.add(role, names)
        pending = None
    return pending


def _read_tail(text: str, out: _Bylines) -> None:
    """A byline glued to the end of the last body paragraph (before a copyright notice, if any)."""
    tail = text[-TAIL_BYLINE_CHARS:]
    notice = _TAIL_NOTICE.search(tail) if _may_hold_notice(tail) else None
    if notice:
        tail = tail[: notice.start()]
    # A glued byline and labelled credits both have a colon after the label: most last paragraphs
    # have none, and are spared the two searches.
    if ":" in tail:
        m = _TAIL_BYLINE.search(tail)
        if m:
            # "Reporter: Nama/Merdeka.com": a media credit may follow the name.
            parts = [_names(s, strict=False) for s in _segments(m["value"]) if not _is_media(s.strip())]
            if parts and all(clean for _, _, clean in parts):
                out.add(_role_of(m["label"]), [n for names, _, _ in parts for n in names])
            return
        if _read_tail_labels(tail, out):
            return
    m = _TAIL_PAREN.search(tail)
    if m and "/" not in m["inner"]:
        names, _, clean = _names(m["inner"], strict=True)
        if clean and len(names) == 1:
            out.paren_names.append(names[0])


def _may_hold_notice(tail: str) -> bool:
    """Whether _TAIL_NOTICE could match: a cheap test that lets no match through.  Case-insensitive
    matching takes a letter for its lower case (and "i", "s" for "ı", "ſ" too), so the lower-cased
    tail holds "copyr" or "hak c" wherever one of the words is."""
    if "©" in tail or "(" in tail:
        return True
    lowered = tail.lower()
    return "copyr" in lowered or "hak c" in lowered


def _capitalised(name: str) -> bool:
    return all(w[0].isupper() or w.lower() in _NAME_PARTICLES for w in name.split())


def _read_tail_labels(tail: str, out: _Bylines) -> bool:
    """'... kata dia. Pewarta: Nama Satu Editor: Nama Dua': labelled credits that run to the end of
    the paragraph, found from the first label whose rest reads as nothing but labelled names."""
    for m in _TAIL_LABEL.finditer(tail):
        rest = tail[m.start() :]
        labelled = [(_label_match(s), s) for s in _segments(rest)]
        if not labelled or not all(lm and lm["value"].strip() and _role_of(lm["label"]) for lm, _ in labelled):
            continue
        found = [(_role_of(lm["label"]), _names(lm["value"], strict=False)) for lm, _ in labelled]
        if all(clean and names and all(map(_capitalised, names)) for _, (names, _, clean) in found):
            for role, (names, _, _) in found:
                out.add(role, names)
            return True
    return False


def _bylines(lines: list[tuple[str, str]]) -> _Bylines:
    out = _Bylines()
    pending = None
    for text, label in lines:
        if label != "meta":
            pending = None
            continue
        pending = _read_byline_line(text[:MAX_META_CHARS], out, pending)
    body = [text for text, label in lines if label == "body"]
    if body:
        lead = _LEAD_REPORT.match(body[0][:DATELINE_CHARS])
        if lead and _is_name(lead["name"], strict=True):
            out.add("author", [lead["name"]])
        _read_tail(body[-1], out)
    return out


# ---------------------------------------------------------------------------------------------
# Description, captions


def _description(lines: list[tuple[str, str]]) -> str | None:
    """The first prose meta line before the body: the deck under the headline."""
    for text, label in lines:
        if label == "body":
            return None
        if label != "meta":
            continue
        text = " ".join(text[:MAX_META_CHARS].split())
        words = text.split()
        if len(words) < DESCRIPTION_MIN_WORDS or _is_date_line(text) or _LABEL.match(text):
            continue
        if sum(w[:1].islower() for w in words) >= len(words) // 3:
            return text
    return None


def _captions(lines: list[tuple[str, str]]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for text, label in lines:
        if label == "caption":
            seen.setdefault(" ".join(text.split()), None)
    return tuple(c for c in seen if c)


# ---------------------------------------------------------------------------------------------


def _normalise(lines) -> list[tuple[str, str]]:
    out = []
    for item in lines or ():
        try:
            text, label = item
        except (TypeError, ValueError):
            continue
        if isinstance(text, str) and isinstance(label, str) and text and not text.isspace():
            out.append((text, label))
    return out


def _safe(fn, default):
    # One unreadable field must not cost the others, nor stop the pipeline on a document.
    try:
        return fn()
    except Exception:  # noqa: BLE001 -- any failure means "field not read"
        return default


# Lines between the headline and the first paragraph (and this many before the headline: a date
# line, then a section label, then the headline) form the header zone, where a date line or a byline
# is the article's own even when the classifier called it chrome: sites print the same date shapes
# in their related lists, which makes the line alone ambiguous, but its place is not.
HEADER_LINES_BEFORE_TITLE = 2
# Without a headline, the header zone is this many lines above the first paragraph.
HEADER_LINES_WITHOUT_TITLE = 3


def _header_zone(lines: list[tuple[str, str]]) -> range:
    """The header zone: from just above the `title` line to the first `body` line (empty without a title)."""
    title_at = next((i for i, (_, label) in enumerate(lines) if label == "title"), None)
    if title_at is None:
        # No headline: the few lines right above the first paragraph.
        body_at = next((i for i, (_, label) in enumerate(lines) if label == "body"), None)
        return range(0) if body_at is None else range(max(body_at - HEADER_LINES_WITHOUT_TITLE, 0), body_at)
    body_at = next((i for i in range(title_at, len(lines)) if lines[i][1] == "body"), len(lines))
    return range(max(title_at - HEADER_LINES_BEFORE_TITLE, 0), body_at)


def _header_zone_meta(lines: list[tuple[str, str]], zone: range) -> list[tuple[str, str]]:
    """Lines read as meta (for fields only) whatever the classifier said: in the header zone, date
    lines, bylines, media names and a name beside the headline or the date; anywhere, a role label
    alone on its line ("Editor", "Redaktur" / ":") and the names under it."""
    out = list(lines)
    texts = _Texts(lines)
    role_line = _role_lines(lines)
    tail = _tail_zone(lines)
    # Only lines in the header zone or the tail zone, role lines and the two lines under each can
    # change: the others are passed by (most of a page).
    under = {j for i in compress(range(len(lines)), role_line) for j in (i, i + 1, i + 2) if j < len(lines)}
    for i in sorted(under.union(zone, tail)):
        text, label = lines[i]
        if i in tail and label in ("chrome", "body") and _is_credit_line(texts[i], label):
            out[i] = (text, "meta")  # a credit the classifier kept as the last paragraph or dropped
            continue
        if label != "chrome":
            continue
        in_zone = i in zone and (
            _is_header_line(texts[i]) or _is_media(texts[i]) or texts[i].startswith((":", "："))
            or (_is_byline_name(texts[i]) and _beside_header(lines, texts, role_line, i, zone))
        )
        under_role = (i >= 1 and role_line[i - 1]) or (i >= 2 and role_line[i - 2])
        if in_zone or role_line[i] or (under_role and _under_role(texts, role_line, i)):
            out[i] = (text, "meta")
    return out


class _Texts:
    """The lines' texts cut to MAX_META_CHARS and stripped, made when first asked for."""

    def __init__(self, lines: list[tuple[str, str]]):
        self._lines, self._done = lines, {}

    def __getitem__(self, i: int) -> str:
        if i not in self._done:
            self._done[i] = self._lines[i][0][:MAX_META_CHARS].strip()
        return self._done[i]


@_remembered
def _is_byline_name(text: str) -> bool:
    return len(text.split()) <= BYLINE_NAME_MAX_WORDS and _is_name(text, strict=True)


def _beside_header(lines, texts, role_line, i: int, zone: range) -> bool:
    """A name line right under the headline, next to the date line, or above its role ("Jurnalis")."""
    after_title = i > 0 and lines[i - 1][1] == "title"
    beside_date = any(j in zone and j != i and _is_date_line(texts[j]) for j in (i - 1, i + 1))
    above_role = i + 1 in zone and role_line[i + 1]
    return after_title or beside_date or above_role


def _under_role(texts: _Texts, role_line: list[bool], i: int) -> bool:
    """A line of names (or ': names') under a role label, with a bare ':' line between at most."""
    if not (i >= 1 and role_line[i - 1]) and not (i >= 2 and role_line[i - 2]):
        return False
    j = i - 1
    if j >= 0 and texts[j] in (":", "："):
        j -= 1
    if j < 0 or not role_line[j]:
        return False
    value = texts[i].lstrip(":： ")
    if not value:
        return texts[i] in (":", "：")
    names, _, clean = _names(value, strict=True)
    one_word = len(value.split()) == 1 and value[:1].isupper() and _is_name(value, strict=False)
    return (clean and bool(names)) or one_word  # "Editor" / "Iskandar"


def _tail_zone(lines: list[tuple[str, str]]) -> range:
    """The last body line and the few lines after it, where a closing credit stands."""
    last = next((i for i in range(len(lines) - 1, -1, -1) if lines[i][1] == "body"), None)
    return range(0) if last is None else range(last, min(last + 1 + TAIL_ZONE_LINES, len(lines)))


def _is_credit_line(text: str, label: str) -> bool:
    """A closing credit on its own line: "(Nama)", "(TribunManado.co.id/Nama)", "Tim Redaksi" (a
    team only where the classifier dropped the line: "Tim SAR menemukan korban" may end a story)."""
    if _TEAM.match(text):
        return label == "chrome"
    paren = _PAREN_LINE.match(text)
    if not paren:
        return False
    out = _Bylines()
    _read_byline_line(text, out, None)
    return bool(out.authors or out.editors or out.paren_names)


def _role_lines(lines: list[tuple[str, str]]) -> list[bool]:
    """Per line, whether it is a role label alone on its line and not a body line (asked of every
    line: the remembered test is called without its wrapper, on the short lines only)."""
    is_role_line = _is_role_line.short
    return [len(text) <= ROLE_LINE_MAX_CHARS and label != "body" and is_role_line(text) for text, label in lines]


@_remembered
def _is_role_line(text: str) -> bool:
    """A role label alone on its line: "Editor", "Penulis :", "Redaktur"."""
    return len(text) <= ROLE_LINE_MAX_CHARS and bool(_ROLE_LINE.match(text))


def _bare_label(text: str) -> bool:
    m = _LABEL.match(text.strip()[:MAX_META_CHARS])
    return bool(m) and not m["value"].strip()


# ---------------------------------------------------------------------------------------------
# The headline, chosen among the lines above the first paragraph rather than taken from one label
#
# On a site it has never seen, the classifier often calls the headline chrome (menus and related
# lists look like it), or calls a section label or a related headline the title.  Where the
# headline stands is the same on every site, though: next to the article's date line or byline,
# above the first paragraph.  The lines there that are shaped like a headline are ranked: next to
# a date line or byline first, then nearest the first paragraph, then the classifier's title.

# The headline is looked for at most this many lines above the first paragraph (menus and tickers
# come between on some pages), as in the model's own title search.
TITLE_SEARCH_LINES = 40
# A headline says something: one or two words ("Health", "Copy Link") are a section or a button.
TITLE_MIN_WORDS = 3
# Labelled headlines stay under 100 characters and 16 words; longer lines are paragraphs or decks.
TITLE_MAX_CHARS = 160
TITLE_MAX_WORDS = 25
# A headline stands right next to the article's date line or byline (blank lines aside).
TITLE_ANCHOR_LINES = 1
# More standalone numbers than this make a counter bar ("Share 0 Tweet 0 Komentar 0"), not a headline.
TITLE_MAX_NUMBERS = 2
# A closing credit ("(Nama)", "Tim Redaksi") stands within this many lines after the last paragraph.
TAIL_ZONE_LINES = 3
# A role label alone on its line is short ("Editor", "Penanggung Jawab :").
ROLE_LINE_MAX_CHARS = 30
# What parts of a byline are split on (see _PART_SPLIT and _SEGMENT_SPLIT), for a quick test.
_BYLINE_SEPARATOR = _lazy(r"[,;&|·•/]|\s[-–—]|\s(?:dan|and)\s", re.IGNORECASE)
# A byline line is short: names and labels ("Penulis: Nama | Editor: Nama").
BYLINE_MAX_CHARS = 200
# Names in bylines run to four words ("Yudha Manggala P Putra").
BYLINE_NAME_MAX_WORDS = 4
# Neighbouring lines that start with the same this many words are a row of buttons or links.
TITLE_ROW_WORDS = 2
# Menus print their items between separators ("Foto · TV · Indeks"); a headline has at most one.
TITLE_MAX_SEPARATORS = 2
# A line whose dates leave this few other words is a date line, not a headline about a date.
TITLE_DATE_LINE_WORDS = 3


# A credit in brackets closing a line: "(Foto: Dok. Desa)", "(Grammy)".
_TRAILING_CREDIT = _lazy(r"\s*\([^()]{0,80}\)\s*$")


@_remembered
def _headline_shaped(text: str) -> bool:
    """A line that could be a headline: a few words, not a sentence, label, date, counter or banner."""
    text = " ".join(text.split())
    words = text.split()
    if not TITLE_MIN_WORDS <= len(words) <= TITLE_MAX_WORDS or len(text) > TITLE_MAX_CHARS:
        return False
    # A sentence (a caption, a deck; "... di Bogor. (Foto: Dok)" with its credit) or a label.
    sentence = _TRAILING_CREDIT.sub("", text)
    if sentence.endswith((".", ":", ",", ";", "|", "·", "•")) and not sentence.endswith("..."):
        return False
    if sum(text.count(sep) for sep in "|·•") >= TITLE_MAX_SEPARATORS:
        return False  # a menu: "Foto · TV · Konsultasi"
    if text.isupper() or not (words[0][0].isupper() or words[0][0].isdigit() or words[0][0] in "\"“'‘"):
        return False  # a banner in capitals, or the middle of a sentence
    if sum(w.isdigit() for w in words) > TITLE_MAX_NUMBERS or "://" in text or "www." in text:
        return False
    if _LABEL.match(text) or _is_media(text) or _RELATIVE.search(text) or _is_byline(text):
        return False
    stamps = _stamps(text)
    return not stamps or (
        not any(s.has_time for s in stamps) and _other_words(text, stamps) > TITLE_DATE_LINE_WORDS
    )


@_remembered
def _is_byline(text: str) -> bool:
    """A byline whatever its label: labelled names, a team, a bare label, or a name beside a media name."""
    if len(text) > BYLINE_MAX_CHARS:
        return False
    if _TEAM.match(text):
        return True
    if _bare_label(text):
        return _is_role_line(text)  # "Editor" alone, not "Foto" or "Video"
    segments = _segments(text)
    if any(_label_match(s) for s in segments):
        out = _Bylines()
        _read_byline_line(text, out, None)
        return bool(out.authors or out.editors)
    # "Nama - detikNews", "Nama, CNBC Indonesia"; a longer run of capitalised words before a media
    # name is a headline with its site suffix ("Harga Cabai Turun Jelang Ramadhan - Kompas.com").
    if not _BYLINE_SEPARATOR.search(text):
        return False  # one part: a name or a media name, not both
    if not (_DOMAIN_RE.search(text) or _KNOWN_MEDIA.search(text)):
        return False  # no media name anywhere (a quick test before splitting the line)
    names, media = [], []
    for segment in segments:
        found, credited, clean = _names(segment, strict=True)
        if not clean:
            return False
        names.extend(found)
        media.extend(credited)
    return bool(media) and bool(names) and all(len(n.split()) <= BYLINE_NAME_MAX_WORDS for n in names)


def _anchor_strength(text: str, label: str) -> int:
    """2 for the article's date line, byline or media name (any label); 1 for another line the
    classifier called meta (a deck, a section; or a button it mistook); 0 for anything else."""
    if _is_header_line(text) or _is_media(text.strip()[:MAX_META_CHARS]):
        return 2
    return int(label == "meta" and not _headline_shaped(text[:MAX_META_CHARS]))


def _paragraph_start(lines: list[tuple[str, str]]) -> int:
    """Index of the first paragraph: the first body line, unless it is a headline standing alone
    above non-body lines (the classifier called the headline body)."""
    body = [i for i, (_, label) in enumerate(lines) if label == "body"]
    if not body:
        return len(lines)
    first = body[0]
    alone = first + 1 < len(lines) and lines[first + 1][1] != "body"
    text = lines[first][0][:MAX_META_CHARS]
    if alone and len(body) > 1 and _headline_shaped(text) and not _parse_dateline(text):
        return body[1]
    return first


def _in_a_row(lines: list[tuple[str, str]], i: int) -> bool:
    """One of a row of buttons or links that start alike ("Share on Facebook" / "Share on Twitter")."""
    start = _row_key(lines[i][0])
    return any(0 <= j < len(lines) and _row_key(lines[j][0]) == start for j in (i - 1, i + 1))


def _row_key(text: str) -> list[str]:
    """The first TITLE_ROW_WORDS words (split no further: a paragraph has hundreds)."""
    return text.split(None, TITLE_ROW_WORDS)[:TITLE_ROW_WORDS]


def _choose_title(lines: list[tuple[str, str]]) -> int | None:
    """Index of the headline line, or None (then the classifier's title line, if any, stands)."""
    end = _paragraph_start(lines)
    zone = range(max(end - TITLE_SEARCH_LINES, 0), end)
    model_title = next(
        (i for i, (text, label) in enumerate(lines) if label == "title" and not _is_header_line(text)), None
    )
    headline_shaped = _headline_shaped.short  # (the texts are cut to MAX_META_CHARS)
    candidates = [
        i for i in zone
        if headline_shaped(lines[i][0][:MAX_META_CHARS]) and not _in_a_row(lines, i)
        # A caption with its credit is a caption; without one it may be the headline mislabelled.
        and not (lines[i][1] == "caption" and _TRAILING_CREDIT.search(lines[i][0][:MAX_META_CHARS]))
    ]
    if not candidates:
        return model_title
    taken = set(candidates)
    beside = {
        j for i in candidates for j in range(i - TITLE_ANCHOR_LINES, i + TITLE_ANCHOR_LINES + 1)
        if j in zone and j not in taken
    }
    strength = {j: _anchor_strength(*lines[j]) for j in beside}

    def rank(i: int) -> tuple:
        below = max((strength.get(j, 0) for j in range(i + 1, i + TITLE_ANCHOR_LINES + 1)), default=0)
        above = max((strength.get(j, 0) for j in range(i - TITLE_ANCHOR_LINES, i)), default=0)
        # A date line or byline beats a line only labelled meta; the headline heads the byline and
        # the date on most sites, some print the date first; then the nearest the first paragraph.
        return (max(below, above), below > 0, i, lines[i][1] == "title")

    best = max(candidates, key=rank)
    if rank(best)[0]:
        return best
    if model_title is not None:
        return model_title
    # No date line or byline to stand by: a headline-shaped line the classifier put in the header,
    # or called body though it stands alone above the first paragraph.
    header = [i for i in candidates if lines[i][1] in ("meta", "body")]
    return header[-1] if header else None


@_remembered
def _is_header_line(text: str) -> bool:
    """A date line or a byline: meta, never the headline."""
    text = " ".join(text[:MAX_META_CHARS].split())
    return _is_date_line(text) or _is_byline(text)


def _with_title(lines: list[tuple[str, str]], at: int | None) -> list[tuple[str, str]]:
    """The lines with the chosen headline as the one `title` line (for fields only); a date line or
    byline the classifier called the title is read as meta."""
    out = list(lines)
    for i in [i for i, (_, label) in enumerate(lines) if label == "title"]:
        text = lines[i][0]
        out[i] = (text, "meta" if _is_header_line(text) else "chrome")
    if at is not None:
        out[at] = (out[at][0], "title")
    return out


def extract(lines: Sequence[tuple[str, str]], now: datetime | None = None) -> Fields:
    """lines: (text, label) of the document's non-blank lines in order, label in title/meta/body/caption/chrome."""
    lines = _safe(lambda: _normalise(lines), [])
    if not lines:
        return EMPTY
    title_at = _safe(lambda: _choose_title(lines), None)
    lines = _safe(lambda: _with_title(lines, title_at), lines)
    zone = _safe(lambda: _header_zone(lines), range(0))
    lines = _safe(lambda: _header_zone_meta(lines, zone), lines)
    if not isinstance(now, datetime):
        now = None
    # The header zone's dates first: a related article's date labelled meta elsewhere must not win.
    meta_at = [i for i, (_, label) in enumerate(lines) if label == "meta"]
    order = [i for i in meta_at if i in zone] + [i for i in meta_at if i not in zone]
    meta = [lines[i][0][:MAX_META_CHARS] for i in order]
    published, updated = _safe(lambda: _dates(meta, now), (None, None))
    bylines = _safe(lambda: _bylines(lines), _Bylines())
    dateline = _safe(lambda: _first_dateline(lines), None)
    source = _safe(lambda: _source(dateline, lines, bylines), None)
    _safe(lambda: bylines.credit_paren_names(source), None)
    return Fields(
        title=_safe(lambda: _title(lines), None),
        published=published,
        updated=updated,
        authors=tuple(bylines.authors),
        editors=tuple(bylines.editors),
        source=source,
        location=dateline.location if dateline else None,
        captions=_safe(lambda: _captions(lines), ()),
        description=_safe(lambda: _description(lines), None),
    )


# Body lines searched for the dateline: on unseen sites a deck or a pull quote above the story is
# often kept as body, and the dateline then opens the second or third body line.  There only a
# dateline that names its media counts (`Jakarta (ANTARA) -`): a bare `BANDUNG -` inside the
# story may be a scene change, not the article's dateline.
DATELINE_BODY_LINES = 3


def _first_dateline(lines: list[tuple[str, str]]) -> _Dateline | None:
    body = [text for text, label in lines if label == "body"][:DATELINE_BODY_LINES]
    if not body:
        return None
    first = _parse_dateline(body[0])
    if first:
        return first
    return next((found for found in map(_parse_dateline, body[1:]) if found and found.source), None)


def _source(dateline: _Dateline | None, lines: list[tuple[str, str]], bylines: _Bylines) -> str | None:
    """The media name: from the dateline, else a meta line that is only a media name, else a byline."""
    if dateline and dateline.source:
        return dateline.source
    for text, label in lines:
        if label == "meta" and len(text) < 60 and _is_media(text.strip()):
            return text.strip()
    return bylines.media[0] if bylines.media else None
