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
from cleaner.html import CONTEXTS, DomLine, Page

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
    scores: dict


def _content_score(line: DomLine) -> float:
    if len(line.text) < CONTENT_MIN_CHARS or line.link_chars > CONTENT_MAX_LINK_SHARE * len(line.text):
        return 0.0
    return 1.0 + line.text.count(",") + min(len(line.text) / 100.0, 3.0)


def main_container(page: Page) -> _Main:
    """The element whose paragraphs vote it the page's article text (Readability's choice)."""
    scores: dict[int, float] = {}
    for line in page.lines:
        score = _content_score(line)
        if score:
            scores[line.parent] = scores.get(line.parent, 0.0) + score
            scores[line.grandparent] = scores.get(line.grandparent, 0.0) + score / 2
    candidates = [(s, -e) for e, s in scores.items() if e in page.spans]
    if not candidates:
        return _Main(0, len(page.lines), scores)
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

    def _of_line(self, ln: DomLine) -> tuple:
        """The one-hot DOM columns and the DOM token ids of a line; lines of one block share them."""
        key = (ln.tag, ln.tokens, ln.contexts)
        done = self._line_cells.get(key)
        if done is None:
            near_cues, any_cues, token_ids = self._of_tokens(ln.tokens)
            cells = [_TAG_COLUMN.get(ln.tag, _TAG_OTHER)]
            cells += [_CONTEXT_COLUMN[c] for c in ln.contexts]
            cells += [_NEAR_BASE + j for j in near_cues] + [_ANY_BASE + j for j in any_cues]
            ids = [self._hash("dom:tag:" + ln.tag), *token_ids]
            ids += [self._hash("dom:ctx:" + c) for c in ln.contexts]
            done = (cells, ids)
            if len(self._line_cells) > 20_000:
                self._line_cells.clear()
            self._line_cells[key] = done
        return done

    def page(self, page: Page) -> features.DocFeatures:
        """Features of every line of the page: the text columns, then DOM_NAMES; tokens of both."""
        lines = page.lines
        n = len(lines)
        texts = [ln.text for ln in lines]
        text = self.text.document(texts, [i == 0 for i in range(n)], [i == n - 1 for i in range(n)])
        dom = np.zeros((n, len(DOM_NAMES)))
        if n == 0:
            return features.DocFeatures(np.hstack([text.dense, dom]), text.sparse_ids, text.sparse_offsets,
                                        text.lengths)
        main = main_container(page)
        best_score = max(main.scores.values(), default=0.0) or 1.0
        # Whole columns at once, in numpy: the counts are integers (exact in float64), so every cell is
        # the same number a line-by-line fill in Python floats gives.
        depth = np.array([ln.depth for ln in lines], dtype=np.float64)
        size = np.array([len(t) for t in texts], dtype=np.float64)
        link = np.array([ln.link_chars for ln in lines], dtype=np.float64)
        element = np.array([ln.element for ln in lines], dtype=np.float64)
        parents = [ln.parent for ln in lines]
        parent = np.array(parents, dtype=np.int64)
        # Each line's parent as a group number, and the characters, link characters and lines per group.
        _, group = np.unique(parent, return_inverse=True)
        group_chars = np.bincount(group, weights=size)
        group_links = np.bincount(group, weights=link)
        group_lines = np.bincount(group)
        at = np.arange(n)
        shares = link / np.maximum(size, 1.0)
        chars_before = np.cumsum(size) - size
        columns = {
            "log_depth": np.log1p(depth),
            "depth_share": depth / (depth.max() or 1.0),
            "link_share": shares,
            "all_link": shares >= 0.9,
            "log_position_elements": np.maximum(element, 0.0) / max(page.elements, 1),
            "no_tokens": [not ln.tokens for ln in lines],
            "in_main": (main.first <= at) & (at < main.end),
            "before_main": np.log1p(np.maximum(main.first - at, 0)),
            "after_main": np.log1p(np.maximum(at - main.end + 1, 0)),
            "parent_score_share": [main.scores.get(p, 0.0) / best_score for p in parents],
            "parent_link_share": group_links[group] / np.maximum(group_chars[group], 1.0),
            "log_siblings": np.log1p(group_lines[group] - 1),
            "same_parent_prev": np.concatenate(([False], parent[1:] == parent[:-1])),
            "same_parent_next": np.concatenate((parent[:-1] == parent[1:], [False])),
            "char_position": chars_before / (size.sum() or 1.0),
        }
        for name, values in columns.items():
            dom[:, _COLUMN[name]] = values

        # The one-hot cells (tag group, contexts, class cues) of every line, and its DOM token ids.
        rows: list[int] = []
        cells: list[int] = []
        ids: list[int] = []
        offsets = [0]
        text_ids, text_offsets = text.sparse_ids.tolist(), text.sparse_offsets.tolist()
        for i, ln in enumerate(lines):
            own_cells, own_ids = self._of_line(ln)
            rows.extend([i] * len(own_cells))
            cells.extend(own_cells)
            ids.extend(text_ids[text_offsets[i]:text_offsets[i + 1]])
            ids.extend(own_ids)
            offsets.append(len(ids))
        dom[rows, cells] = 1.0
        return features.DocFeatures(
            np.hstack([text.dense, dom]),
            np.asarray(ids, dtype=np.int64),
            np.asarray(offsets, dtype=np.int64),
            text.lengths,
        )


# Width of the dense input of an HTML model: the text features, then DOM_NAMES.
DENSE_WIDTH = len(features.DENSE_NAMES) + len(DOM_NAMES)
