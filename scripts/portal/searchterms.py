"""Extra word forms for the search index.

Pagefind's extended build segments Chinese with a dictionary when indexing,
while the browser splits the query with its own segmenter. Where the two cut
a phrase differently, a query finds nothing. So every page also carries the
forms residents type: each phrase whole, its two-character words, and its
leading characters, in a hidden block that only the indexer reads.
"""
from __future__ import annotations

import re
from typing import Iterable

HAN = re.compile(r"[\u4e00-\u9fff]+")


def forms(phrase: str) -> list[str]:
    out: list[str] = []
    for run in HAN.findall(phrase):
        out.append(run)
        out.extend(run[i:i + 2] for i in range(len(run) - 1))
        out.extend(run[:n] for n in range(3, min(len(run), 8)))
    return out


def index_terms(phrases: Iterable[str]) -> str:
    """Unique forms of all phrases, in first-seen order, space separated."""
    seen: dict[str, None] = {}
    for phrase in phrases:
        for form in forms(phrase or ""):
            seen.setdefault(form, None)
    return " ".join(seen)
