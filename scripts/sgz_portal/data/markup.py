"""Markdown from data, made safe to publish.

Raw HTML in data is escaped (not interpreted), and the rendered HTML then
goes through nh3 (the Rust `ammonia` sanitizer) with an allow-list of tags
and URL schemes, so no text in `data/` can run script on a bureau's site.
"""
from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import markdown
import nh3
from markupsafe import Markup, escape

from sgz_portal.data.memo import Memo

TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "blockquote", "code", "pre",
        "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "hr"}
ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
SCHEMES = {"http", "https", "mailto", "tel"}


class _EscapeHtml(markdown.Extension):
    """Treat raw HTML in the source as text."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


_MD = markdown.Markdown(extensions=[_EscapeHtml(), "tables", "sane_lists"])  # reset() per use


def _heading_shift(text: str) -> str:
    # Headings inside data sit under the page's own h2s: # becomes ###.
    return re.sub(r"^(#{1,4})(?=\s)", lambda m: "#" * min(len(m[1]) + 2, 6), text, flags=re.M)


# Texts rendered by an earlier build of the same code, and those rendered by this one (remembered()).
_earlier: dict[str, str] = {}
_now: dict[str, str] | None = None


@dataclass
class Remembered:
    """What remembered() keeps for the next build. A build that rendered only some texts (an
    incremental one: a province's phone edit renders 13 pages) keeps the earlier ones too, or the
    build after it would render every text of its open data and views again; one that rendered
    them all keeps only those, which drops the texts no longer in the data."""

    partial: bool = True


@contextmanager
def remembered(memo: Memo | None) -> Iterator[Remembered]:
    """Within, render() reuses what an earlier build (same code: the memo's namespace) made of the
    same text; afterwards the texts of this build are kept for the next. An incremental build of a
    province computes every page's view, and Markdown was most of that."""
    global _earlier, _now
    kept = Remembered()
    if memo is None:
        yield kept
        return
    key = memo.key("markup")
    _earlier, _now = memo.get(key) or {}, {}
    try:
        yield kept
        if not kept.partial:
            memo.put(key, _now)
        elif _now.keys() - _earlier.keys():  # else the entry holds all this build rendered already
            memo.put(key, {**_earlier, **_now})
    finally:
        _earlier, _now = {}, None


def render(text: str | None) -> Markup:
    """Markdown -> sanitized HTML, ready for a template."""
    if not text:
        return Markup("")
    clean = _earlier.get(text)
    if clean is None:
        html = _MD.reset().convert(_heading_shift(text))
        clean = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES,
                          link_rel="noopener noreferrer")
    if _now is not None:
        _now[text] = clean
    return Markup(clean)


def plain(text: str | None) -> str:
    """Markdown -> plain text (for descriptions, exports and share cards)."""
    if not text:
        return ""
    stripped = nh3.clean(str(render(text)), tags=set())
    return re.sub(r"\s+", " ", htmllib.unescape(stripped)).strip()


def text(value: object) -> Markup:
    """Escape a plain value explicitly (for code that builds HTML in Python)."""
    return escape(value)
