"""Header fields from a page's own metadata, and their merge with the fields its printed lines give.

`read(root)` takes the root element of a parsed HTML page (`lxml.html`) and reads, without changing
the tree:

- the headline, first found of: JSON-LD `headline`, `og:title`, `twitter:title`, microdata
  `itemprop="headline"`, `<title>`, `<meta name="title">`; the site's name cut off the end the way
  `fields` cuts it from a printed headline (" - Kompas.com"), and also when the suffix is the page's
  own `og:site_name` or publisher (" - Tribun Solo");
- the publication and update times, first readable of: JSON-LD `datePublished` / `dateModified` of
  the article, `article:published_time` / `article:modified_time`, microdata (`<time
  itemprop="datePublished" datetime=...>`), then the `pubdate`/`publishdate` tags Indonesian sites
  print (`<meta name="pubdate" content="2022-12-10T13-19-56Z">`);
- the authors and editors, first source that names a person: microdata of the article item
  (`<span itemprop="author">`: the printed byline, marked up), JSON-LD `author` / `editor` (a string,
  a `Person`, a list of them, or an `@id` pointing into the `@graph`), `<meta name="author">` and its
  site-specific kin (`dtk:author`, `dable:author`, ...);
- the site's name (`og:site_name`, else the JSON-LD publisher).

Microdata is read from the first article (or web page) item only, so a related article's byline
does not count.

JSON-LD is read from every `<script type="application/ld+json">`, as one object, a list, or an
`@graph`; the article is the first object typed `NewsArticle`, `Article`, `ReportageNewsArticle`
or another article type.  Broken JSON-LD is skipped (after one lenient retry): nothing here raises.

Dates are ISO 8601 to the minute, seconds `:00` (LABELS.md compares to the minute):
`2024-10-16T21:45:00+07:00`, or `2024-10-16` when only a date is given.  A printed zone is kept
(`+08:00` stays WITA).  Zoneless stamps are western Indonesian time, as `fields` reads printed ones.
A UTC stamp (`Z`, `+00:00`) is a server's clock, not what the page prints: it is moved to +07:00
(the same instant), unless another tag gives the same instant with a local zone, which then wins.
Templates that write local time in a malformed ISO shape and append a `Z` anyway
(`2022-12-10T13-19-56Z`, `2015-11-05 T10:08:58Z`) are read as local time.

Who is an author.  Metadata often credits the site rather than a person: "Kompas Cyber Media",
"Liputan6.com", "Okezone", "PT. VIVA MEDIA BARU - VIVA.co.id", "mediaindonesia.com developer", a
`Organization`, a Facebook page URL, a Twitter handle, a lower-case code ("bgs").  Those are dropped,
as are generic staff credits ("Redaksi", "Tim Redaksi", "Admin"): they name the organisation, not
who wrote the piece.  A desk credit of the shape "Tim detikBali" is kept, as `fields` keeps it when
printed and the labelled corpus records it.

`merge(printed, page)`: the printed lines win where they state a field and agree with the metadata;
metadata fills the gaps.  (Measured with benchmarks/html_fields.py on the labelled pages, with the
printed fields read from gold labels and from leave-one-site-out labels.)
- title: the printed headline when the metadata has none or names the same headline (most words
  shared: metadata drops punctuation or a prefix on some sites); else the metadata headline (the
  labeller took a section name, a share bar or a related headline for the title).
- published: the printed time; the metadata time when nothing is printed, when only a date is
  printed and the metadata gives a time on that same day, or when the two are a day or more apart
  (a printed date that far off is a related item's, taken for the article's).
- updated: the printed one, else a metadata modification time later than the publication.
- authors: the printed bylines; else the metadata's persons, minus any the printed lines name as
  editor (several sites put the editor who posted the piece in the metadata `author`).
- editors: the printed ones, else the metadata's (microdata or JSON-LD `editor`).
- source, location, captions, description: the printed lines only (they are defined as printed).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from cleaner import fields

if TYPE_CHECKING:  # lxml is imported by whoever parsed the page; this module only walks the tree
    from lxml.html import HtmlElement

__all__ = ["PageMeta", "EMPTY", "read", "merge"]


@dataclass(frozen=True)
class PageMeta:
    title: str | None  # the headline, the site's name cut off
    published: str | None  # ISO 8601 to the minute ("2024-10-16T21:45:00+07:00") or a date
    updated: str | None
    authors: tuple[str, ...]  # persons (and desk credits such as "Tim detikBali"), never the site
    editors: tuple[str, ...]
    site_name: str | None  # og:site_name, else the JSON-LD publisher's name


EMPTY = PageMeta(None, None, None, (), (), None)

# Bounds so a hostile or broken page costs little: metadata values are short, JSON-LD blocks a few KB.
MAX_VALUE_CHARS = 2000
MAX_JSONLD_CHARS = 500_000
MAX_JSONLD_BLOCKS = 50
# JSON-LD nests the article at most a couple of levels down (@graph, a list); deeper is not metadata.
MAX_JSONLD_DEPTH = 4
# Objects looked at per block: a page's graph has tens; a block of a million must not cost seconds.
MAX_JSONLD_OBJECTS = 10_000
MAX_NAMES = 10
MAX_NAME_CHARS = 80

# schema.org types that are an article (the page's own story).
ARTICLE_TYPES = frozenset(
    """newsarticle article reportagenewsarticle analysisnewsarticle opinionnewsarticle reviewnewsarticle
    backgroundnewsarticle askpublicnewsarticle blogposting liveblogposting report satiricalarticle
    techarticle""".split()
)
# Types that describe the page rather than the story: a last resort for headline and date.
PAGE_TYPES = frozenset({"webpage", "itempage", "collectionpage"})

# <meta> keys (property, name or itemprop, lower-cased) for each field, best first.
TITLE_KEYS = ("og:title", "twitter:title")
TITLE_FALLBACK_KEYS = ("title", "originaltitle")
PUBLISHED_KEYS = (
    "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
    "dtk:publishdate", "publish-date", "publish_date", "published_time", "date", "dc.date.issued",
    "dcterms.issued", "parsely-pub-date", "sailthru.date", "content_publisheddate",
)  # fmt: skip
# The first two of PUBLISHED_KEYS and UPDATED_KEYS are OpenGraph's, read before the microdata.
OPENGRAPH_DATE_KEYS = 2
UPDATED_KEYS = ("article:modified_time", "og:updated_time", "datemodified", "lastmod", "dcterms.modified")
AUTHOR_KEYS = (
    "author", "article:author", "dtk:author", "dable:author", "parsely-author", "sailthru.author",
    "content_author", "dc.creator",
)  # fmt: skip
EDITOR_KEYS = ("editor", "content_editor")

# ---------------------------------------------------------------------------------------------
# Dates

# Where a zoneless or UTC stamp is moved: the zone `fields` assumes for printed times.
LOCAL_OFFSET = fields.DEFAULT_OFFSET
_LOCAL = timezone(timedelta(hours=int(LOCAL_OFFSET[1:3]), minutes=int(LOCAL_OFFSET[4:6])))

_ISO = re.compile(
    r"^(?P<y>\d{4})[-/](?P<mo>\d{1,2})[-/](?P<d>\d{1,2})"
    r"(?:(?P<sep>\s*T\s*|\s+)(?P<h>\d{1,2})(?P<tsep>[:.\-])(?P<mi>\d{2})(?:[:.\-](?P<s>\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(?P<zone>Z|UTC|GMT|[+-]\d{2}:?\d{2})?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Stamp:
    iso: str
    instant: datetime | None  # None for a date alone
    from_utc: bool  # moved from a UTC zone to the local one


def _parse_date(value) -> _Stamp | None:
    """An ISO-like stamp, or a date as a page prints it ("Kamis 09 Juli 2020 07:26 WIB")."""
    if not isinstance(value, str):
        return None
    text = " ".join(value[:MAX_VALUE_CHARS].split())
    m = _ISO.match(text)
    if m is None:
        return _printed_date(text)
    try:
        day = datetime(int(m["y"]), int(m["mo"]), int(m["d"]))
        if m["h"] is None:
            return _Stamp(day.date().isoformat(), None, False)
        naive = day.replace(hour=int(m["h"]), minute=int(m["mi"]))
    except ValueError:
        return None
    zone = (m["zone"] or "").upper()
    # "T13-19-56Z", " T10:08:58Z": a template printing local time with a Z glued on.
    malformed = m["tsep"] == "-" or ("T" in m["sep"].upper() and m["sep"].strip() != m["sep"])
    from_utc = False
    if not zone or (malformed and zone in ("Z", "UTC", "GMT")):
        when = naive.replace(tzinfo=_LOCAL)
    elif zone in ("Z", "UTC", "GMT"):
        when, from_utc = naive.replace(tzinfo=timezone.utc).astimezone(_LOCAL), True
    else:
        digits = zone.replace(":", "")
        delta = timedelta(hours=int(digits[1:3]), minutes=int(digits[3:5]))
        if delta >= timedelta(hours=24):
            return None
        if not delta:
            when, from_utc = naive.replace(tzinfo=timezone.utc).astimezone(_LOCAL), True
        else:
            when = naive.replace(tzinfo=timezone(delta if digits[0] == "+" else -delta))
    return _Stamp(_format(when), when, from_utc)


def _format(when: datetime) -> str:
    offset = when.strftime("%z")
    return when.strftime("%Y-%m-%dT%H:%M:00") + f"{offset[:3]}:{offset[3:]}"


def _printed_date(text: str) -> _Stamp | None:
    """A date printed in words or day-first, read by the same patterns as the printed lines."""
    stamps = fields._stamps(text)
    if not stamps:
        return None
    iso = stamps[0].iso
    if "T" not in iso:
        return _Stamp(iso, None, False)
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        return None
    return _Stamp(_format(when), when, False)


def _pick_date(values: list) -> str | None:
    """The first readable stamp; a UTC one gives way to another with the same instant in a local zone."""
    stamps = (s for s in map(_parse_date, values) if s is not None)  # lazily: most pages stop at the first
    first = next(stamps, None)
    if first is None:
        return None
    if first.from_utc:
        for other in stamps:
            if other.instant is not None and not other.from_utc and other.instant == first.instant:
                return other.iso
    return first.iso


# ---------------------------------------------------------------------------------------------
# The page's metadata, raw


@dataclass
class _Raw:
    title: str | None
    meta: dict  # lower-cased key -> list of values, in page order
    articles: list  # JSON-LD article objects, in page order
    pages: list  # JSON-LD WebPage objects
    by_id: dict  # JSON-LD "@id" -> object, to resolve references
    micro: dict  # microdata of the article: itemprop (lower-cased) -> list of values, in page order


def _text(value) -> str:
    return " ".join(str(value)[:MAX_VALUE_CHARS].split()) if value is not None else ""


def _in_svg(element) -> bool:
    return any(str(a.tag).lower() == "svg" for a in element.iterancestors())


def _collect(root) -> _Raw:
    raw = _Raw(None, {}, [], [], {}, {})
    blocks = 0
    for element in root.iter("title", "meta", "script"):
        tag = element.tag
        if tag == "meta":
            content = element.get("content")
            if content is None:
                continue
            for attr in ("property", "name", "itemprop"):
                key = element.get(attr)
                if key:
                    raw.meta.setdefault(key.strip().lower(), []).append(content)  # white space: when read
        elif tag == "title":
            if raw.title is None and not _in_svg(element):
                raw.title = _text(element.text_content())
        elif "ld+json" in (element.get("type") or "").lower() and blocks < MAX_JSONLD_BLOCKS:
            blocks += 1
            _add_jsonld(raw, element.text or "")
    _safe(lambda: _add_microdata(raw, root), None)  # broken microdata must not cost the rest
    return raw


# Microdata properties read from elements other than <meta> (those are read with the <meta> tags).
MICRODATA_PROPS = frozenset({"headline", "author", "creator", "editor", "datepublished", "datemodified"})
# The elements with an itemprop, by libxml2 through the attribute axis: a third of the time of
# "//*[@itemprop]" or of a Python loop over every element of a large page.
_MICRODATA_XPATH = "//@itemprop/.."


def _scope(element):
    """The item (the nearest `itemscope` ancestor) an element's property belongs to; None outside any."""
    return next((a for a in element.iterancestors() if a.get("itemscope") is not None), None)


def _is_article_scope(scope) -> bool:
    if scope is None:
        return True
    kinds = {k.rstrip("/").rsplit("/", 1)[-1].lower() for k in (scope.get("itemtype") or "").split()}
    return bool(kinds & (ARTICLE_TYPES | PAGE_TYPES))


def _micro_value(element, prop: str) -> str:
    if prop.startswith("date"):
        # The machine value first; a broken one ("18 Jun 2015 at <span>06:25 WIB</span>") gives way
        # to the printed text when only that one has a time.
        values = [element.get("datetime"), element.get("content"), element.text_content()]
        stamps = [(v, _parse_date(v)) for v in values if v]
        timed = [v for v, s in stamps if s is not None and s.instant is not None]
        dated = [v for v, s in stamps if s is not None]
        return _text((timed or dated or [""])[0])
    if element.get("itemscope") is not None:  # a Person: its name
        name = next((e for e in element.iterdescendants() if (e.get("itemprop") or "").lower() == "name"), None)
        if name is not None:
            return _text(name.get("content") or name.text_content())
    return _text(element.get("content") or element.text_content())


def _add_microdata(raw: _Raw, root) -> None:
    """Properties of the page's article item: headline, bylines and dates as marked up.  The first
    article (or page) item is the page's own; properties of other items (a related article's, a
    breadcrumb's) are not read."""
    main = unset = object()
    for element in root.xpath(_MICRODATA_XPATH):
        props = MICRODATA_PROPS.intersection((element.get("itemprop") or "").lower().split())
        if not props or element.tag == "meta":
            continue
        scope = _scope(element)
        if main is unset and _is_article_scope(scope):
            main = scope
        if scope is not main:
            continue
        for prop in sorted(props):
            value = _micro_value(element, prop)
            if value:
                raw.micro.setdefault(prop, []).append(value)


_COMMENT_WRAP = re.compile(r"^\s*(?://\s*)?(?:<!--|<!\[CDATA\[)|(?://\s*)?(?:-->|\]\]>)\s*$")
_WRAP_MARKS = ("<!", "-->", "]]>")  # every match of _COMMENT_WRAP holds one of them
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


def _load_json(text: str):
    if len(text) > MAX_JSONLD_CHARS:
        return None
    text = text.strip()
    # The wrap's pattern is tried at every character of the block: only when a wrap could be there.
    if any(mark in text for mark in _WRAP_MARKS):
        text = _COMMENT_WRAP.sub("", text)
    for lenient in (False, True):
        try:
            # strict=False: raw newlines and tabs inside strings, which many templates print.
            return json.loads(_TRAILING_COMMA.sub(r"\1", text) if lenient else text, strict=False)
        except (ValueError, RecursionError):
            continue
    return None


def _types(obj: dict) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.rsplit("/", 1)[-1].lower() for k in kinds if isinstance(k, str)}


def _add_jsonld(raw: _Raw, text: str) -> None:
    stack = [(_load_json(text), 0)]  # the next object to visit last: document order
    visited = 0
    while stack and visited < MAX_JSONLD_OBJECTS:
        obj, depth = stack.pop()
        visited += 1
        if depth > MAX_JSONLD_DEPTH:
            continue
        if isinstance(obj, list):
            stack.extend((item, depth + 1) for item in reversed(obj[:MAX_JSONLD_OBJECTS]))
            continue
        if not isinstance(obj, dict):
            continue
        if isinstance(obj.get("@id"), str):
            raw.by_id.setdefault(obj["@id"], obj)
        kinds = _types(obj)
        if kinds & ARTICLE_TYPES:
            raw.articles.append(obj)
        elif kinds & PAGE_TYPES:
            raw.pages.append(obj)
        if "@graph" in obj:
            stack.append((obj["@graph"], depth + 1))


def _resolve(raw: _Raw, value):
    """A JSON-LD reference {"@id": ...} replaced by the object it names in the page's graph."""
    if isinstance(value, dict) and set(value) <= {"@id", "@type"} and isinstance(value.get("@id"), str):
        return raw.by_id.get(value["@id"], value)
    return value


def _first_str(*values) -> str | None:
    for value in values:
        if isinstance(value, list):
            value = next((v for v in value if isinstance(v, str)), None)
        if isinstance(value, str) and value.strip():
            return _text(value)
    return None


# ---------------------------------------------------------------------------------------------
# Title

# " :: Okezone News", " : Okezone Economy", " | ihram.co.id", " - Tribun Solo": a site name after the
# headline.  Only a separator with spaces on both sides counts ("Tri Indonesia: Broadband" is a title).
_SUFFIX = re.compile(r"\s+(?:[-|–—•»]|:{1,2})\s+(?P<site>[^|–—•»:]{2,60}?)\s*$")


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def _site_like(text: str, sites: set[str]) -> bool:
    text = text.strip()
    return fields._is_media(text) or fields._has_media_word(text) or _squash(text) in sites


def _strip_site(title: str | None, sites: set[str]) -> str | None:
    if not title:
        return None
    title = fields._title([(title, "title")]) or ""
    for _ in range(2):  # "Headline - Health :: Okezone Lifestyle" keeps "Health": a section, not a site
        m = _SUFFIX.search(title)
        if not m or not _site_like(m["site"], sites) or not title[: m.start()].strip():
            break
        title = title[: m.start()].rstrip()
    if not title or _squash(title) in sites:
        return None
    return title


def _title(raw: _Raw, sites: set[str]) -> str | None:
    candidates = [a.get("headline") for a in raw.articles]
    candidates += [v for key in TITLE_KEYS for v in raw.meta.get(key, [])]
    candidates += raw.micro.get("headline", [])[:1]
    candidates.append(raw.title)
    candidates += [v for key in TITLE_FALLBACK_KEYS for v in raw.meta.get(key, [])]
    candidates += [p.get("headline") or p.get("name") for p in raw.pages]
    for candidate in candidates:
        title = _strip_site(_first_str(candidate), sites)
        if title:
            return title
    return None


# ---------------------------------------------------------------------------------------------
# People

# Credits that name the site's staff as a whole, not who wrote the piece.
_STAFF_WORDS = frozenset(
    """redaksi admin administrator editorial newsroom webmaster developer staff staf desk team tim
    contributor kontributor media network group online official digital cyber""".split()
)
# A legal form in a name: "PT. Viva Media Baru", "CV Maju".
_COMPANY = re.compile(r"(?i)^(?:pt|cv|tbk)\b\.?|\b(?:tbk|inc|ltd|llc|corp)\b\.?$")
_NOT_A_NAME = re.compile(r"(?i)https?://|www\.|@|\.(?:com|co|id|net|org)\b")


def _is_staff(name: str) -> bool:
    words = [w.strip(".,").lower() for w in name.split()]
    if len(words) == 2 and words[0] == "tim" and words[1] not in _STAFF_WORDS:
        return False  # a desk credit: "Tim detikBali"
    return all(w in _STAFF_WORDS for w in words) or any(w in ("redaksi", "admin", "developer") for w in words)


def _person_names(value: str, sites: set[str]) -> list[str]:
    """The persons credited in one metadata value; [] for a site or organisation."""
    value = _text(value)
    if fields._TEAM.match(value) and not _is_staff(value):
        return [value[:MAX_NAME_CHARS]]  # a desk credit, "Tim detikBali", before its brand reads as the site
    if not value or _NOT_A_NAME.search(value) or _COMPANY.search(value) or _site_like(value, sites):
        return []
    names, _, clean = fields._names(value, strict=False)
    if not clean:
        return []
    out = []
    for name in names:
        name = name[:MAX_NAME_CHARS]
        # A name starts with a capital ("bgs" is a staff code); "Tim detikBali" is the one lower-case brand allowed.
        if _is_staff(name) or not name[:1].isupper() or _squash(name) in sites:
            continue
        out.append(name)
    return out


def _unlabel(value: str) -> str:
    """A byline as printed, "Oleh : Nama" or "Pewarta: Nama", without its label."""
    m = fields._LABEL.match(value)
    return m["value"] if m and m["value"].strip() else value


def _jsonld_people(raw: _Raw, value, sites: set[str]) -> list[str]:
    """Names from a JSON-LD author/editor: a string, a Person, an @id reference, or a list of them."""
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items[:MAX_NAMES]:
        item = _resolve(raw, item)
        if isinstance(item, dict):
            if _types(item) & {"organization", "newsmediaorganization", "corporation"}:
                continue
            item = item.get("name")
            if isinstance(item, list):
                item = _first_str(item)
        if isinstance(item, str):
            out.extend(_person_names(item, sites))
    return out


def _unique(names: list[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.casefold(), name)
    return tuple(list(seen.values())[:MAX_NAMES])


def _people(raw: _Raw, ld_key: str, meta_keys: tuple[str, ...], sites: set[str]) -> tuple[str, ...]:
    """The first source that credits a person: the article's microdata (the byline as printed and
    marked up), its JSON-LD, then the <meta> keys in order."""
    for prop in (ld_key.lower(), "creator") if ld_key == "author" else (ld_key.lower(),):
        values = raw.micro.get(prop, [])
        names = [n for value in values[:MAX_NAMES] for n in _person_names(_unlabel(value), sites)]
        if names:
            return _unique(names)
    for article in raw.articles:
        if ld_key in article:
            names = _jsonld_people(raw, article[ld_key], sites)
            if names:
                return _unique(names)
    for key in meta_keys:
        names = [n for value in raw.meta.get(key, []) for n in _person_names(value, sites)]
        if names:
            return _unique(names)
    return ()


# ---------------------------------------------------------------------------------------------


def _site_names(raw: _Raw) -> tuple[str | None, set[str]]:
    """The site's own name, and every name it goes by (squashed), to tell the site from a person."""
    names = [_text(n) for n in raw.meta.get("og:site_name", [])]
    for article in raw.articles:
        publisher = _resolve(raw, article.get("publisher"))
        if isinstance(publisher, dict):
            names.append(_first_str(publisher.get("name")) or "")
    names = [n for n in names if n and not n.lower().startswith("http")]
    title = raw.title or ""
    # A site name that is the whole headline (a broken template) would cut every title to nothing.
    squashed = {_squash(n) for n in names if _squash(n) and _squash(n) != _squash(title)}
    return (names[0] if names else None), squashed


def _dates(raw: _Raw, ld_key: str, meta_keys: tuple[str, ...]) -> str | None:
    """Best first: the article's JSON-LD, the OpenGraph article tags, the article's microdata, the
    other <meta> tags, the JSON-LD of the page."""
    values = [a.get(ld_key) for a in raw.articles]
    values += [v for key in meta_keys[:OPENGRAPH_DATE_KEYS] for v in raw.meta.get(key, [])]
    values += raw.micro.get(ld_key.lower(), [])
    values += [v for key in meta_keys[OPENGRAPH_DATE_KEYS:] for v in raw.meta.get(key, [])]
    values += [p.get(ld_key) for p in raw.pages]
    return _pick_date(values)


def _safe(fn, default):
    # One unreadable field must not cost the others.
    try:
        return fn()
    except Exception:  # noqa: BLE001 -- any failure means "field not read"
        return default


def read(root: HtmlElement) -> PageMeta:
    """The header fields a parsed page states in its metadata; EMPTY fields where it states none."""
    raw = _safe(lambda: _collect(root), None)
    if raw is None:
        return EMPTY
    site_name, sites = _safe(lambda: _site_names(raw), (None, set()))
    return PageMeta(
        title=_safe(lambda: _title(raw, sites), None),
        published=_safe(lambda: _dates(raw, "datePublished", PUBLISHED_KEYS), None),
        updated=_safe(lambda: _dates(raw, "dateModified", UPDATED_KEYS), None),
        authors=_safe(lambda: _people(raw, "author", AUTHOR_KEYS, sites), ()),
        editors=_safe(lambda: _people(raw, "editor", EDITOR_KEYS, sites), ()),
        site_name=site_name,
    )


# ---------------------------------------------------------------------------------------------
# Merge


def _instant(iso: str | None) -> datetime | None:
    if not iso or "T" not in iso:
        return None
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        return None


# Share of the words of the longer of the printed and the metadata headline that the other holds, at or
# above which they are the same headline (the printed one wins: metadata drops a site's punctuation or
# a prefix such as "In Picture:"); below it the labeller took another line for the headline (a section
# name, a share bar, a related headline) and the metadata one is right.
TITLE_AGREEMENT = 0.6
_WORD = re.compile(r"\w+")


def _title_words(title: str) -> set[str]:
    return set(_WORD.findall(title.casefold()))


def _merged_title(printed: str | None, page: str | None) -> str | None:
    if not printed or not page:
        return printed or page
    a, b = _title_words(printed), _title_words(page)
    if a and b and len(a & b) / max(len(a), len(b)) >= TITLE_AGREEMENT:
        return printed
    return page


def _days_apart(printed: str, page: str) -> bool:
    a, b = _instant(printed), _instant(page)
    if a is not None and b is not None:
        return abs(a - b) >= timedelta(days=1)
    return printed[:10] != page[:10]


def _published(printed: str | None, page: str | None) -> str | None:
    if not printed or not page:
        return printed or page
    if _days_apart(printed, page):
        # Another day: the printed line is likelier a related item's date the labeller took for the
        # article's own than the page's metadata is wrong by days.
        return page
    if "T" not in printed and "T" in page:
        return page  # the same day, to the minute
    return printed


def _updated(printed: str | None, page: str | None, published: str | None) -> str | None:
    if printed:
        return printed
    when, since = _instant(page), _instant(published)
    if when is None or (since is not None and when <= since):
        return None  # a modification time equal to the publication (or before it) is no update
    return page


def merge(printed: fields.Fields, page: PageMeta) -> fields.Fields:
    """The printed fields with the gaps filled from the page's metadata (rules in the module doc)."""
    published = _published(printed.published, page.published)
    editors = printed.editors or page.editors
    printed_editors = {e.casefold() for e in editors}
    authors = printed.authors or tuple(a for a in page.authors if a.casefold() not in printed_editors)
    return replace(
        printed,
        title=_merged_title(printed.title, page.title),
        published=published,
        updated=_updated(printed.updated, page.updated, published),
        authors=authors,
        editors=editors,
    )
