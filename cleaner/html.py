"""HTML to lines: detection, decoding, safe parsing, and the lines a reader sees, with their DOM context.

A page becomes the lines its reader sees: block elements and `<br>` break lines, text inside a block
runs together with its white space collapsed; script, style, noscript, template, the head and
hidden elements are dropped.  Each line keeps where it came from in the DOM (the block element's
tag and depth, the share of its text inside links, the class/id tokens of its ancestors and the
kinds of element it sits in) for `domfeatures`.

lxml is imported on first use, never at import time.  The tree is walked with lxml's `iterwalk`
(iterative, in C) and an explicit stack, never recursion, so however deeply a page nests it
cannot exhaust the Python stack; the parser reaches no network and resolves no external entity.
"""

from __future__ import annotations

import codecs
import re
import sys
from dataclasses import dataclass
from typing import NamedTuple

from cleaner.decode import MAX_CONTROL_SHARE, NotTextError, decode

# How far into a document detection and the `<meta charset>` sniffing look: the HTML standard's
# pre-scan reads 1024 bytes; real pages put a long <script> or comment first now and then.
SNIFF_BYTES = 4096

# A page is HTML when, within the sniffed start, it opens with a tag or declaration and names one
# of the elements every page has, or holds at least this many tags of the common block elements
# (a scraped text quoting one "<p>" is still text).
MIN_TAGS_FOR_HTML = 3

# Bytes of a page checked for control characters (as `cleaner.decode` checks the first 100,000
# characters of a text).
CONTROL_SAMPLE_BYTES = 100_000

# Elements whose content a reader never sees.
DROPPED = frozenset({
    "script", "style", "noscript", "template", "head", "title", "meta", "link", "svg", "math", "iframe",
    "object", "embed", "canvas", "audio", "video", "source", "track", "select", "option", "optgroup",
    "datalist", "textarea", "input", "map", "area", "dialog",
})

# Elements that start and end a line of text (the CSS display:block family and table parts).
BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dir", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hgroup", "hr", "html", "legend", "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary",
    "table", "tbody", "thead", "tfoot", "tr", "td", "th", "caption", "ul", "img", "picture", "button",
    "frameset", "frame", "noframes", "marquee",
})

# Elements whose presence above a line is worth a feature; the line records which of them it is in.
CONTEXTS = (
    "a", "h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "ul", "ol", "figure", "figcaption", "nav", "header",
    "footer", "aside", "article", "main", "section", "form", "button", "table", "blockquote", "time",
    "strong", "b", "em", "i", "span", "small", "label", "address", "dl", "pre",
)
_CONTEXT_SET = frozenset(CONTEXTS)

# The kind of an element's tag: bits of what the walk does with it.
_DROP, _BLOCK, _CONTEXT, _LINK, _BREAK = 1, 2, 4, 8, 16
_KINDS = {
    **{tag: _CONTEXT for tag in CONTEXTS},
    **{tag: _BLOCK | (_CONTEXT if tag in CONTEXTS else 0) for tag in BLOCKS},
    "a": _CONTEXT | _LINK,
    "br": _BREAK,
    **{tag: _DROP for tag in DROPPED},
}
# Attribute names as bytes: lxml encodes a str name on every `get`, a quarter of the walk's attribute time.
_HIDDEN, _STYLE, _CLASS, _ID = b"hidden", b"style", b"class", b"id"
_NO_CONTEXT: frozenset = frozenset()


class _Inside:
    """Where the text inside an element sits, as far as the tags tell: the CONTEXTS elements open,
    whether within a link, and what the element's own start and end do.  The walk follows each
    element with one look-up (`inner[tag]`) instead of keeping a stack of contexts and a link depth;
    the values are few (pages nest a few dozen combinations), so they are made once per process and
    shared (immutable once made; a lost race only makes an equal one)."""

    __slots__ = ("contexts", "link", "drop", "block", "ends_line", "inner")

    def __init__(self, contexts: frozenset, link: bool, kind: int):
        self.contexts = contexts
        self.link = link
        self.drop = bool(kind & _DROP)
        self.block = bool(kind & _BLOCK)  # its end ends a line, and the lines in it are its own
        self.ends_line = bool(kind & (_BLOCK | _BREAK))  # its start ends the line being gathered
        self.inner: dict = {}  # tag -> the _Inside of a child element with that tag

    def enter(self, tag) -> _Inside:
        """The _Inside of a child element with this tag."""
        kind = _KINDS.get(tag, 0) if tag.__class__ is str else _DROP  # comments, entities: never text
        contexts = self.contexts
        if kind & _CONTEXT and tag not in contexts:
            contexts = contexts | {tag}
        key = (contexts, self.link or bool(kind & _LINK), kind & (_DROP | _BLOCK | _BREAK))
        inside = _INSIDES.get(key)
        if inside is None:
            inside = _Inside(*key)
            if len(_INSIDES) >= MAX_INSIDES:
                return inside  # a hostile page's: used, not remembered
            _INSIDES[key] = inside
        if len(self.inner) < MAX_TAGS_REMEMBERED:
            self.inner[tag] = inside
        return inside


# Bounds on what _Inside remembers, for hostile pages (real ones stay far below): distinct values,
# and tags per value (made-up tags beyond it are looked up afresh).
MAX_INSIDES = 4096
MAX_TAGS_REMEMBERED = 512
_INSIDES: dict[tuple, _Inside] = {}  # (contexts, link, kind bits) -> the one _Inside with them
# Above the root element: no context, no link.
_TOP = _Inside(_NO_CONTEXT, False, 0)
# The frame of a skipped element: nothing to undo, and a first line no page reaches (so no span).
_SKIPPED_FRAME = (-1, _Inside(_NO_CONTEXT, False, _DROP), sys.maxsize, ())

# A line keeps at most this many class/id tokens of its ancestors (the nearest first): the wrappers
# that say what a block is (`baca-juga`, `related`, `footer`) sit within a few levels of its text,
# and pages that stack thousands of classed elements stay bounded.
MAX_TOKENS_PER_LINE = 24

# Class/id values whose tokens a Cleaner remembers across pages (a site repeats a few hundred).
MAX_REMEMBERED_NAMES = 50_000
# Stacks of class/id tokens whose merged line tokens a Cleaner remembers (a site nests its few hundred
# names in a few hundred ways; each entry holds two short tuples).
MAX_REMEMBERED_MERGES = 50_000

# The style declarations that hide an element from every reader.
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_TOKEN_SPLIT = re.compile(r"[^0-9a-z]+")
# The control bytes that `cleaner.decode` counts against text (all but tab, newlines and form feed).
_CONTROL_BYTES = bytes([*range(0, 9), 0x0B, *range(0x0E, 0x20), 0x7F])
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|\?xml)", re.IGNORECASE | re.S)
_HTML_TAG = re.compile(
    r"</?(?:html|head|body|div|p|span|a|br|meta|title|script|style|table|tr|td|ul|li|h[1-6]|article|section|img)"
    r"(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
# Labels that name one single-byte encoding by another name, read as the HTML standard reads them.
_ENCODING_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252",
                     "us-ascii": "cp1252", "x-user-defined": "cp1252"}


_new_tuple = tuple.__new__


class DomLine(NamedTuple):
    """One line a reader sees, and where it sits in the page (a named tuple: pages make hundreds)."""

    text: str
    tag: str  # the block element that holds the line (or the inline element that broke it, for <br>)
    depth: int  # that element's depth below the root
    link_chars: int  # characters of the line inside <a> elements
    tokens: tuple[str, ...]  # class/id tokens of the line's ancestors, the nearest first, lower-cased
    contexts: frozenset  # the CONTEXTS elements the line's text sits in
    element: int  # document-order index of the line's block element
    parent: int  # index of that element's parent (-1 at the root)
    grandparent: int  # index of its grandparent (-1 above the root)


@dataclass(frozen=True)
class Page:
    """A parsed page: its lines, and the line span of every element (for containers in `domfeatures`)."""

    lines: tuple[DomLine, ...]
    elements: int  # elements seen in document order
    spans: dict  # element index -> (first line, end line) for elements that hold at least one line
    root: object = None  # the lxml root (for page metadata), None for an empty page

    @property
    def texts(self) -> list[str]:
        return [ln.text for ln in self.lines]


def looks_like_html(doc: bytes | str) -> bool:
    """Whether a document is an HTML page rather than scraped text (looks at its start only)."""
    head = doc[:SNIFF_BYTES]
    if isinstance(head, (bytes, bytearray)):
        head = bytes(head)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head[:64]:
            try:
                head = decode(head)
            except NotTextError:
                return False
        else:
            head = head.removeprefix(codecs.BOM_UTF8).decode("latin-1")
    if head.startswith("\ufeff"):
        head = head[1:]
    if _HTML_START.match(head):
        return True
    return head.lstrip().startswith("<") and len(_HTML_TAG.findall(head)) >= MIN_TAGS_FOR_HTML


def _declared_encoding(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:SNIFF_BYTES])
    if not match:
        return None
    label = match.group(1).decode("ascii", "replace").strip().lower()
    label = _ENCODING_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _control_bytes(data: bytes) -> int:
    return len(data) - len(data.translate(None, _CONTROL_BYTES))


def page_bytes(doc: bytes | str) -> bytes:
    """The page as UTF-8 bytes for the parser: a BOM first, then `<meta charset>`, then the cleaner's own
    detection (`cleaner.decode`); raises NotTextError for binary data.

    Valid UTF-8 without a BOM goes to the parser as it is, without a decode and re-encode.
    """
    if isinstance(doc, str):
        return decode(doc).encode("utf-8")
    data = bytes(doc)
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data:
        return decode(data).encode("utf-8")
    declared = _declared_encoding(data)
    if declared in (None, "utf-8"):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            # Declared UTF-8 but is not (a page re-saved in another encoding), or nothing declared:
            # the cleaner's detection decides.
            return decode(data).encode("utf-8")
        sample = data[:CONTROL_SAMPLE_BYTES]
        if _control_bytes(sample) > MAX_CONTROL_SHARE * len(sample) + 2:
            raise NotTextError("not text: too many control characters")
        return data
    if declared.startswith(("utf-16", "utf-32")):
        # A page that is read as ASCII far enough to find its meta tag is not UTF-16 (HTML standard).
        return decode(data).encode("utf-8")
    return decode(data.decode(declared, errors="replace")).encode("utf-8")


def decode_html(doc: bytes | str) -> str:
    """The page's text, decoded as `page_bytes` decodes it."""
    return page_bytes(doc).decode("utf-8")


def parse(doc: bytes | str):
    """The lxml root of a page (None when it has no element at all); never touches the network."""
    from lxml import etree
    from lxml.html import HtmlElement

    data = page_bytes(doc)
    if not data.strip():
        return None
    # A parser per call: lxml parsers are not to be shared across threads.  No network and no DTD
    # loading; libxml2's HTML parser expands no entity declared in the page (tests/test_html.py).
    # huge_tree lifts libxml2's nesting limit of 256 from 256 to 2048 levels: broken pages with an
    # unclosed <font> or <span> per paragraph pass 256, and everything after it would be lost.  The
    # input size is bounded by Config.max_bytes before it gets here.  collect_ids=False: no table of
    # the id attributes (nothing here looks an element up by id), 5% of the parse.
    parser = etree.HTMLParser(encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True,
                              huge_tree=True, default_doctype=False, collect_ids=False)
    # Elements are lxml.html's (text_content() and the rest, for `pagemeta`), chosen in C: lxml.html's
    # own parser asks Python for the class of every element, a third of the segmentation's time.
    parser.set_element_class_lookup(etree.ElementDefaultClassLookup(element=HtmlElement))
    try:
        return etree.fromstring(data, parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None


def _split_names(value: str, seen: dict) -> tuple[str, ...]:
    """Lower-cased word tokens of a class or id value (`read__content` -> read, content), remembered in `seen`."""
    tokens = seen[value] = tuple(t for t in _TOKEN_SPLIT.split(value.lower()) if t)
    return tokens


def _memo(memo: dict | None, bound: int) -> dict:
    """A memo that lives across pages, emptied past `bound` entries (a new one when there is none)."""
    if memo is None:
        return {}
    if len(memo) > bound:
        memo.clear()
    return memo


def _with_outer(own: tuple[str, ...], outer: tuple[str, ...]) -> tuple[str, ...]:
    """The line tokens under an element: its own, then those of the elements around it (`outer`, already
    merged and cut), without repeats, at most MAX_TOKENS_PER_LINE.  The first MAX_TOKENS_PER_LINE
    distinct tokens of own + outer are those of own + all the outer elements' tokens, so merging one
    element at a time gives the nearest tokens of the whole stack."""
    return tuple(dict.fromkeys(own + outer))[:MAX_TOKENS_PER_LINE]


def segment_page(root, names: dict | None = None, merges: dict | None = None) -> Page:
    """The lines a reader sees in a parsed page, each with its DOM context.

    `names` memoises the tokens of class/id values, `merges` the line tokens of an element's own
    tokens under the line tokens around it; one dict of each may serve the pages of a crawl (they are
    emptied when they grow past MAX_REMEMBERED_NAMES and MAX_REMEMBERED_MERGES).
    """
    from lxml import etree

    if root is None:
        return Page((), 0, {})
    lines: list[DomLine] = []
    parts: list[str] = []  # text of the line being gathered
    line_start: tuple = ()  # (tag, depth, element, parent, grandparent, tokens) of its block
    line_links = 0  # its characters inside links
    line_contexts: frozenset = _NO_CONTEXT  # the CONTEXTS elements its text sits in
    # One frame per open element: (element index, its _Inside, lines before it, its own tokens).
    stack: list[tuple] = []
    token_stack: list[tuple[str, ...]] = []  # own tokens of the open elements that have any
    # merged[k]: the line tokens under token_stack[k - 1] (merged[0]: outside every classed element);
    # None until a line needs them.
    merged: list = [()]
    names = _memo(names, MAX_REMEMBERED_NAMES)
    merges = _memo(merges, MAX_REMEMBERED_MERGES)  # (own tokens, outer line tokens) -> line tokens
    unions: dict[tuple, frozenset] = {}  # (line contexts, contexts around new text) -> their union
    blocks: list[tuple] = []  # (tag, place in the stack, element index) of the open block elements
    spans: dict[int, tuple[int, int]] = {}
    count = 0

    def line_tokens() -> tuple[str, ...]:
        known = len(merged) - 1
        while merged[known] is None:
            known -= 1
        for k in range(known + 1, len(merged)):
            own, outer = token_stack[k - 1], merged[k - 1]
            tokens = merges.get((own, outer))
            if tokens is None:
                tokens = merges[own, outer] = _with_outer(own, outer)
            merged[k] = tokens
        return merged[-1]

    def flush() -> None:
        nonlocal line_links, line_contexts
        text = " ".join("".join(parts).split())
        if text:
            tag, depth, element, parent, grandparent, tokens = line_start
            links = line_links if line_links < len(text) else len(text)
            # tuple.__new__ builds the named tuple without the Python frame of DomLine.__new__.
            lines.append(_new_tuple(DomLine, (text, tag, depth, links, tokens, line_contexts, element, parent,
                                              grandparent)))
        parts.clear()
        line_links, line_contexts = 0, _NO_CONTEXT

    def add(text: str, inside: _Inside) -> None:
        """Add text to the line (the caller drops white space before a line's first word)."""
        nonlocal line_start, line_links, line_contexts
        if not parts:
            if blocks:
                tag, at, index = blocks[-1]
                # The owner's parent is the element above the owning block (`at`: its place in the stack).
                parent = stack[at - 1][0] if at >= 1 else -1
                grand = stack[at - 2][0] if at >= 2 else -1
            else:
                tag, at, index, parent, grand = "body", 0, -1, -1, -1
            line_start = (tag, at, index, parent, grand, merged[-1] if merged[-1] is not None else line_tokens())
        parts.append(text)
        if inside.link:
            line_links += len(text.strip())
        around = inside.contexts
        if around is not line_contexts:
            if line_contexts is _NO_CONTEXT:
                line_contexts = around
            else:
                union = unions.get((line_contexts, around))
                if union is None:
                    union = unions[line_contexts, around] = line_contexts | around
                line_contexts = union

    walker = etree.iterwalk(root, events=("start", "end"))
    state = _TOP  # the _Inside of the innermost open element
    for event, el in walker:
        if event == "start":
            tag = el.tag
            index = count
            count += 1
            inside = state.inner.get(tag) or state.enter(tag)
            if inside.drop or el.get(_HIDDEN) is not None \
                    or ((style := el.get(_STYLE)) and _HIDDEN_STYLE.search(style)):
                walker.skip_subtree()
                stack.append(_SKIPPED_FRAME)
                continue
            if parts and inside.ends_line:
                flush()
            cls, ident = el.get(_CLASS), el.get(_ID)
            own = ()  # the element's class/id tokens (a value of no word is split anew each time: rare)
            if cls:
                own = names.get(cls) or _split_names(cls, names)
            if ident:
                own += names.get(ident) or _split_names(ident, names)
            if own:
                token_stack.append(own)
                merged.append(None)
            stack.append((index, inside, len(lines), own))
            if inside.block:
                blocks.append((tag, len(stack) - 1, index))
            state = inside
            text = el.text
            # White space before a line's first word is dropped in any case (and most text is that).
            if text and (parts or not text.isspace()):
                add(text, inside)
        else:
            index, inside, first, own = stack.pop()
            if inside.block:
                if parts:
                    flush()
                blocks.pop()
            if own:
                token_stack.pop()
                merged.pop()
            if len(lines) > first:
                spans[index] = (first, len(lines))
            if stack:
                state = stack[-1][1]
                # A skipped element's children are never walked, so the element below a tail is never skipped.
                tail = el.tail
                if tail and (parts or not tail.isspace()):
                    add(tail, state)
    if parts:
        flush()
    return Page(tuple(lines), count, spans, root)


def read_page(doc: bytes | str) -> Page:
    """Decode, parse and segment one HTML document."""
    return segment_page(parse(doc))
