"""Extra word forms for the search index, so that what residents type is found.

Two segmenters disagree. At build time pagefind's extended binary cuts page
text with a Chinese dictionary (charabia, jieba's); in the browser pagefind.js
cuts the query with Chromium's Intl.Segmenter (ICU). A page matches when, for
every query word, some index word on the page *starts with* it. So where the
two cut differently the page is lost: jieba indexes 关爱 and 启航 whole, ICU
cuts the query into 关 + 爱 and 启 + 航, and no index word starts with 爱 or 航.

Pagefind indexes a `data-pagefind-meta` value split on spaces only, without
the dictionary. So each page carries in hidden metadata every suffix of its
names (岭口镇上坝村 -> 岭口镇上坝村 口镇上坝村 镇上坝村 上坝村 坝村 村): any
piece the browser cuts from a name is the start of one of them, however ICU
cuts it. Metadata stays out of the page text, so excerpts never show them.

Two fields, because pagefind adds a ranking boost per metadata field that
matches (weights set in search.js): `name` holds what the page is (its own
name; for a service also its domain and groups) and is boosted like a title;
`more` (places, address, operator, services offered) only makes the page
findable, it does not push it up.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


@dataclass(frozen=True)
class SearchTerms:
    """Values of the hidden `name` and `more` metadata fields of a page."""

    name: str
    more: str


def forms(phrase: str) -> list[str]:
    """Every suffix of each run of Chinese characters in `phrase`, longest first."""
    return [run[i:] for run in HAN.findall(phrase or "") for i in range(len(run))]


def _longest(words: Iterable[str], covered: Iterable[str] = ()) -> list[str]:
    """Drop words that start another word (here or in `covered`): prefix search finds the longer
    one for every query the shorter would match, and repeats only inflate the ranking boost."""
    unique, done = sorted(set(words)), set(covered)
    pool = sorted(set(unique) | done)
    return [w for w in unique if w not in done and not _extended(pool, w)]


def _extended(pool: list[str], word: str) -> bool:
    """Whether sorted `pool` holds a longer word starting with `word` (it would sort right after)."""
    i = bisect_right(pool, word)
    return i < len(pool) and pool[i].startswith(word)


def index_terms(names: Iterable[str], more: Iterable[str] = (), place: str = "") -> SearchTerms:
    """`names`: what the page is (its name; a service's domain and groups); `more`: what else finds
    it. `place`: the place a station stands for (隆寿区, 门潭村), whose forms stay in `name` although
    longer words begin with them: pagefind scores a prefix match by how much of the word it covers,
    so a short word ranks its page first for the place's name. Without it a county's hub
    (隆寿区社会工作服务总站) came after its township stations (隆寿区宝收街道社会工作服务站)."""
    name_forms = sorted(set(_longest(f for p in names for f in forms(p))) | set(forms(place)))
    more_forms = _longest((f for p in more for f in forms(p)), covered=name_forms)
    return SearchTerms(name=" ".join(name_forms), more=" ".join(more_forms))
