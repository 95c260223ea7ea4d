"""Search stays light (issue 11 item 4), measured in Chromium on the sample site: the first query
transfers at most 500 KB (pagefind's wasm included), each later one at most 100 KB."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from search_weight import DEFAULT_QUERIES, transfers

FIRST, LATER = 500_000, 100_000


def test_first_and_later_queries_are_light(browser, site_url) -> None:
    sizes = transfers(browser, site_url + "search/", DEFAULT_QUERIES)
    assert len(sizes) == len(DEFAULT_QUERIES)
    assert 50_000 < sizes[0] <= FIRST, sizes  # the wasm alone is tens of KB: something was measured
    assert all(size <= LATER for size in sizes[1:]), sizes
