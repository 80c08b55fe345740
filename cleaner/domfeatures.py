"""Line features from the DOM, appended to the text features of the same lines.

The text features (`features.FeatureExtractor`, unchanged) see a page's lines as a scraped text;
these columns add what only the page knows: the element that holds the line, how much of it is
link text, the class/id names of its ancestors (`baca-juga`, `related`, `share`, `footer`, ...),
which kinds of element it sits in, and where it is relative to the page's main text container.
The hashed class/id tokens join the text features' hashed tokens in the same buckets.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from cleaner import features
from cleaner.html import CONTEXTS, Page

# Bumped whenever a column or token below changes meaning: a model records it in its manifest.
DOM_FEATURE_VERSION = 1

# The holding element's tag, grouped: tags that play one part on a page share a column.
TAG_GROUPS = (
    ("tag_p", ("p",)),
    ("tag_div", ("div",)),
    ("tag_li", ("li", "ul", "ol", "menu", "dir")),
    ("tag_h1", ("h1",)),
    ("tag_h2", ("h2",)),
    ("tag_h3_6", ("h3", "h4", "h5", "h6", "hgroup")),
    ("tag_table", ("td", "th", "tr", "table", "tbody", "thead", "tfoot", "caption")),
    ("tag_figure", ("figcaption", "figure", "img", "picture")),
    ("tag_dl", ("dt", "dd", "dl")),
    ("tag_quote", ("blockquote", "pre")),
    ("tag_section", ("section", "article", "main")),
    ("tag_landmark", ("header", "footer", "nav", "aside")),
    ("tag_body", ("body", "html")),
)
_TAG_COLUMN = {tag: i for i, (_, tags) in enumerate(TAG_GROUPS) for tag in tags}

# Class/id words that say what a block is, in the languages Indonesian sites name them in.  A token
# matches a word when it equals it, or starts with it for words of four letters or more
# (`related` matches `relatedpost`, `ad` matches only `ad`).
CLASS_CUES = (
    ("cls_related", ("related", "terkait", "baca", "bacajuga", "rekomendasi", "recommend", "populer", "popular",
                     "terpopuler", "lainnya", "terkini", "latest", "trending", "more", "other", "also", "lihat",
                     "next", "prev", "most", "headline", "pilihan", "editor", "choice", "inbetween", "sisip")),
    ("cls_share", ("share", "social", "sosmed", "socmed", "facebook", "twitter", "whatsapp", "telegram",
                   "sharer", "bagikan", "follow")),
    ("cls_footer", ("footer", "copyright", "bottom", "foot")),
    ("cls_nav", ("nav", "navbar", "menu", "breadcrumb", "breadcrumbs", "topbar", "header", "masthead",
                 "dropdown", "submenu", "navigation", "mega")),
    ("cls_ads", ("ad", "ads", "adv", "advert", "advertisement", "banner", "iklan", "sponsor", "promo", "dfp",
                 "gpt", "parallax", "billboard", "skyscraper", "leaderboard", "outstream", "native")),
    ("cls_comment", ("comment", "comments", "komentar", "disqus", "reply")),
    ("cls_sidebar", ("sidebar", "side", "aside", "widget", "rail", "right", "left", "col")),
    ("cls_tags", ("tag", "tags", "topic", "topik", "keyword", "keywords", "label")),
    ("cls_caption", ("caption", "credit", "photo", "foto", "image", "img", "figure", "pic", "thumb", "media",
                     "gallery", "galeri")),
    ("cls_byline", ("author", "penulis", "editor", "reporter", "byline", "writer", "kontributor", "pewarta")),
    ("cls_date", ("date", "time", "tanggal", "publish", "published", "waktu", "jam")),
    ("cls_title", ("title", "judul", "headline", "heading")),
    ("cls_content", ("content", "article", "artikel", "body", "detail", "read", "text", "story", "post", "entry",
                     "isi", "berita", "news", "txt", "paragraph", "main")),
    ("cls_video", ("video", "player", "embed", "youtube", "jwplayer")),
    ("cls_list", ("list", "item", "box", "card", "grid", "slider", "carousel", "index")),
    ("cls_hidden", ("hide", "hidden", "invisible", "sr", "visually", "collapse", "modal", "popup", "overlay")),
    ("cls_login", ("login", "register", "signin", "signup", "subscribe", "newsletter", "notif", "notification",
                   "search", "form")),
)
# The nearest few tokens name the line's own block; further ones its wrappers.
NEAR_TOKENS = 4
# Tokens of the line's ancestors hashed into the sparse features (the nearest first).
HASHED_TOKENS = 12

# A line scores as article text when it is at least this long and mostly not link text (the
# Readability heuristic: paragraphs vote for their parent, half a vote for the grandparent).
CONTENT_MIN_CHARS = 25
CONTENT_MAX_LINK_SHARE = 0.5


def _names() -> tuple[str, ...]:
    names = [name for name, _ in TAG_GROUPS]
    names += ["tag_other", "log_depth", "depth_share", "link_share", "all_link", "log_position_elements"]
    names += [f"in_{c}" for c in CONTEXTS]
    names += [f"{name}_near" for name, _ in CLASS_CUES] + [f"{name}_any" for name, _ in CLASS_CUES]
    names += ["no_tokens", "in_main", "before_main", "after_main", "parent_score_share", "parent_link_share",
              "log_siblings", "same_parent_prev", "same_parent_next", "char_position"]
    return tuple(names)


DOM_NAMES = _names()
# Column of each name.  `in_main` names two columns (the <main> context, then the main text
# container): the dict keeps the latter, and the contexts are placed by position.
_COLUMN = {name: i for i, name in enumerate(DOM_NAMES)}
_TAG_OTHER = _COLUMN["tag_other"]
_CONTEXT_COLUMN = {c: DOM_NAMES.index(f"in_{CONTEXTS[0]}") + i for i, c in enumerate(CONTEXTS)}
_NEAR_BASE, _ANY_BASE = _COLUMN[f"{CLASS_CUES[0][0]}_near"], _COLUMN[f"{CLASS_CUES[0][0]}_any"]


def _cue_matcher():
    exact: dict[str, list[int]] = {}
    stems: list[tuple[str, int]] = []
    for i, (_, words) in enumerate(CLASS_CUES):
        for word in words:
            exact.setdefault(word, []).append(i)
            if len(word) >= 4:
                stems.append((word, i))
    return exact, tuple(stems)


@dataclass(frozen=True)
class _Main:
    """The page's main text container: its line span and each element's content score."""

    first: int
    end: int
    scores: np.ndarray  # scores[e + 1]: the content score of element e (scores[0]: above the root, -1)


def _content_scores(texts: tuple[str, ...], size: np.ndarray, link: np.ndarray) -> np.ndarray:
    """Each line's content score: 0 for a short or mostly linked line, else 1 + its commas + a length bonus."""
    commas = np.fromiter(map(str.count, texts, [","] * len(texts)), dtype=np.float64, count=len(texts))
    score = 1.0 + commas + np.minimum(size / 100.0, 3.0)
    score[(size < CONTENT_MIN_CHARS) | (link > CONTENT_MAX_LINK_SHARE * size)] = 0.0
    return score


def main_container(page: Page) -> _Main:
    """The element whose paragraphs vote it the page's article text (Readability's choice)."""
    texts = tuple(ln.text for ln in page.lines)
    size = np.fromiter(map(len, texts), dtype=np.float64, count=len(texts))
    link = np.fromiter((ln.link_chars for ln in page.lines), dtype=np.float64, count=len(texts))
    parent = np.fromiter((ln.parent for ln in page.lines), dtype=np.int64, count=len(texts))
    grand = np.fromiter((ln.grandparent for ln in page.lines), dtype=np.int64, count=len(texts))
    return _main(page, _content_scores(texts, size, link), parent, grand)


def _main(page: Page, score: np.ndarray, parent: np.ndarray, grand: np.ndarray) -> _Main:
    # Votes in line order, each line's parent then its grandparent: bincount adds them in that
    # order, so every sum is the one a loop over the lines adds up.  Element e is bin e + 1.
    n = len(score)
    voters, votes = np.empty(2 * n, dtype=np.int64), np.empty(2 * n)
    voters[0::2], voters[1::2] = parent + 1, grand + 1
    votes[0::2], votes[1::2] = score, score / 2
    scores = np.bincount(voters, weights=votes, minlength=page.elements + 1)
    # The best-scored element that holds lines; the first in document order among equals.
    voted = np.flatnonzero(scores)
    candidates = [(s, -e) for e, s in zip((voted - 1).tolist(), scores[voted].tolist()) if e in page.spans]
    if not candidates:
        return _Main(0, n, scores)
    best = -max(candidates)[1]
    first, end = page.spans[best]
    return _Main(first, end, scores)


class DomFeatureExtractor:
    """Text features plus DOM features of a page's lines; one per Cleaner (holds no per-page state)."""

    def __init__(self, text_features: features.FeatureExtractor):
        self.text = text_features
        self._cues = _cue_matcher()
        # Token hashes of the class/id names met: pages of one site repeat them.
        self._hashes: dict[str, int] = {}
        # Cue columns of each class/id token met (the same few hundred names recur on every page).
        self._cue_cache: dict[str, tuple[int, ...]] = {}
        self._token_sets: dict[tuple, tuple] = {}
        # One-hot columns and token ids of each (tag, tokens, contexts) met.
        self._line_cells: dict[tuple, tuple] = {}

    def _hash(self, token: str) -> int:
        h = self._hashes.get(token)
        if h is None:
            if len(self._hashes) > 100_000:
                self._hashes.clear()
            h = self._hashes[token] = zlib.crc32(token.encode("utf-8")) & (features.HASH_BUCKETS - 1)
        return h

    def _token_cues(self, tok: str) -> tuple[int, ...]:
        cues = self._cue_cache.get(tok)
        if cues is None:
            exact, stems = self._cues
            cues = tuple(exact.get(tok) or (i for stem, i in stems if tok.startswith(stem)))
            if len(self._cue_cache) > 100_000:
                self._cue_cache.clear()
            self._cue_cache[tok] = cues
        return cues

    def _cue_columns(self, tokens: tuple[str, ...]) -> list[int]:
        found: list[int] = []
        for tok in tokens:
            found.extend(self._token_cues(tok))
        return found

    def _of_tokens(self, tokens: tuple[str, ...]) -> tuple:
        """Cue columns (near, any) and hashed ids of a line's class/id tokens; sibling lines share them."""
        done = self._token_sets.get(tokens)
        if done is None:
            ids = [self._hash("dom:cls:" + tok) for tok in tokens[:HASHED_TOKENS]]
            ids += [self._hash("dom:near:" + tok) for tok in tokens[:NEAR_TOKENS]]
            done = (self._cue_columns(tokens[:NEAR_TOKENS]), self._cue_columns(tokens), ids)
            if len(self._token_sets) > 20_000:
                self._token_sets.clear()
            self._token_sets[tokens] = done
        return done

    def _of_line(self, tag: str, tokens: tuple[str, ...], contexts: frozenset) -> tuple:
        """The one-hot DOM columns and the DOM token ids of a line; lines of one block share them."""
        key = (tag, tokens, contexts)
        done = self._line_cells.get(key)
        if done is None:
            near_cues, any_cues, token_ids = self._of_tokens(tokens)
            cells = [_TAG_COLUMN.get(tag, _TAG_OTHER)]
            cells += [_CONTEXT_COLUMN[c] for c in contexts]
            cells += [_NEAR_BASE + j for j in near_cues] + [_ANY_BASE + j for j in any_cues]
            ids = [self._hash("dom:tag:" + tag), *token_ids]
            ids += [self._hash("dom:ctx:" + c) for c in contexts]
            done = (np.array(cells, dtype=np.intp), np.array(ids, dtype=np.int64))
            if len(self._line_cells) > 20_000:
                self._line_cells.clear()
            self._line_cells[key] = done
        return done

    def page(self, page: Page) -> features.DocFeatures:
        """Features of every line of the page: the text columns, then DOM_NAMES; tokens of both."""
        lines = page.lines
        n = len(lines)
        texts = [ln.text for ln in lines]
        # "Blank" before the first line and after the last only: a page's lines have no blank lines between them.
        first = [True] + [False] * (n - 1) if n else []
        text = self.text.document(texts, first, first[::-1])
        width = text.dense.shape[1]
        dense = np.empty((n, width + len(DOM_NAMES)))
        dense[:, :width] = text.dense
        dom = dense[:, width:]
        dom.fill(0.0)
        if n == 0:
            return features.DocFeatures(dense, text.sparse_ids, text.sparse_offsets, text.lengths)
        _, tags, depths, links, tokens, contexts, elements, parents, grands = zip(*lines)
        self._fill_columns(dom, page, texts, depths, links, tokens, elements, parents, grands)
        # The one-hot cells (tag group, contexts, class cues) and the DOM token ids of each line: one
        # look-up per distinct (tag, tokens, contexts) of the page (the lines of a block share them).
        # Keyed by identity (the lines of a block hold the same tokens and contexts objects): cheap to hash.
        keys = list(zip(tags, map(id, tokens), map(id, contexts)))
        held = dict(zip(keys, zip(tags, tokens, contexts)))  # each key's objects, alive while the lines are
        distinct = {key: k for k, key in enumerate(held)}
        of_key = np.fromiter(map(distinct.__getitem__, keys), dtype=np.intp, count=n)
        cells, ids = zip(*[self._of_line(*line) for line in held.values()])
        cell_counts = np.fromiter(map(len, cells), dtype=np.intp, count=len(cells))[of_key]
        dom[np.repeat(np.arange(n), cell_counts), _ragged(cells, of_key)] = 1.0
        # Each line's text ids, then its DOM ids.
        text_ids, text_offsets = text.sparse_ids, text.sparse_offsets
        id_counts = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
        own = np.concatenate([text_ids, *ids])
        own_starts = np.cumsum(id_counts) - id_counts + len(text_ids)
        starts = np.column_stack([text_offsets[:-1], own_starts[of_key]]).ravel()
        counts = np.column_stack([np.diff(text_offsets), id_counts[of_key]]).ravel()
        offsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(counts.reshape(n, 2).sum(axis=1), out=offsets[1:])
        return features.DocFeatures(dense, own[_ranges(starts, counts)], offsets, text.lengths)

    @staticmethod
    def _fill_columns(dom, page: Page, texts, depths, links, tokens, elements, parents, grands) -> None:
        """The numeric DOM columns, whole columns at once in numpy: the counts are integers (exact in
        float64), so every cell is the same number a line-by-line fill in Python floats gives."""
        n = len(texts)
        depth = np.array(depths, dtype=np.float64)
        size = np.fromiter(map(len, texts), dtype=np.float64, count=n)
        link = np.array(links, dtype=np.float64)
        element = np.array(elements, dtype=np.float64)
        parent = np.array(parents, dtype=np.int64)
        main = _main(page, _content_scores(texts, size, link), parent, np.array(grands, dtype=np.int64))
        best_score = main.scores.max() or 1.0
        # Characters, link characters and lines under each line's parent (element e is bin e + 1); bincount
        # adds in line order, as a loop over the lines does.
        group = parent + 1
        group_chars = np.bincount(group, weights=size)[group]
        group_links = np.bincount(group, weights=link)[group]
        group_lines = np.bincount(group)[group]
        at = np.arange(n)
        shares = link / np.maximum(size, 1.0)
        chars_before = np.cumsum(size) - size
        columns = {
            "log_depth": np.log1p(depth),
            "depth_share": depth / (depth.max() or 1.0),
            "link_share": shares,
            "all_link": shares >= 0.9,
            "log_position_elements": np.maximum(element, 0.0) / max(page.elements, 1),
            "no_tokens": [not t for t in tokens],
            "in_main": (main.first <= at) & (at < main.end),
            "before_main": np.log1p(np.maximum(main.first - at, 0)),
            "after_main": np.log1p(np.maximum(at - main.end + 1, 0)),
            "parent_score_share": main.scores[group] / best_score,
            "parent_link_share": group_links / np.maximum(group_chars, 1.0),
            "log_siblings": np.log1p(group_lines - 1),
            "same_parent_prev": np.concatenate(([False], parent[1:] == parent[:-1])),
            "same_parent_next": np.concatenate((parent[:-1] == parent[1:], [False])),
            "char_position": chars_before / (size.sum() or 1.0),
        }
        for name, values in columns.items():
            dom[:, _COLUMN[name]] = values


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The indices starts[0] .. starts[0] + counts[0] - 1, then those of the next range, and so on."""
    ends = np.cumsum(counts)
    return np.arange(ends[-1] if len(ends) else 0) + np.repeat(starts - (ends - counts), counts)


def _ragged(arrays, of_key: np.ndarray) -> np.ndarray:
    """arrays[of_key[0]], then arrays[of_key[1]], ..., as one array."""
    counts = np.fromiter(map(len, arrays), dtype=np.intp, count=len(arrays))
    return np.concatenate(arrays)[_ranges((np.cumsum(counts) - counts)[of_key], counts[of_key])]


# Width of the dense input of an HTML model: the text features, then DOM_NAMES.
DENSE_WIDTH = len(features.DENSE_NAMES) + len(DOM_NAMES)
