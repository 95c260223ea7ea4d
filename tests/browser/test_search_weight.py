"""Search stays light (issue 11 item 4), measured in Chromium on the sample site: the first query
transfers at most 500 KB (pagefind's wasm included), each later one at most 100 KB."""
from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from search_weight import DEFAULT_QUERIES, transfers
from search_weight import FIRST_BUDGET as FIRST
from search_weight import LATER_BUDGET as LATER


def test_first_and_later_queries_are_light(browser, site_url) -> None:
    sizes = transfers(browser, site_url + "search/", DEFAULT_QUERIES)
    assert len(sizes) == len(DEFAULT_QUERIES)
    assert 50_000 < sizes[0] <= FIRST, sizes  # the wasm alone is tens of KB: something was measured
    assert all(size <= LATER for size in sizes[1:]), sizes


def test_a_chosen_filter_loads_its_own_value_only(browser, site_url) -> None:
    """The choices come from filters.json; no filter file is fetched until one is chosen, and then
    only that value's (at province scale one filter's whole file was up to 538 KB)."""
    context = browser.new_context(locale="zh-CN")
    fetched: list[str] = []
    context.on("requestfinished", lambda r: fetched.append(r.url.rsplit("/sgz/", 1)[-1]))
    page = context.new_page()
    try:
        page.goto(site_url + "search/?q=" + quote("服务"))
        page.wait_for_selector('#sgz-results[aria-busy="false"] li')
        assert "pagefind/filters.json" in fetched
        assert not [u for u in fetched if "/filter/" in u], fetched
        fetched.clear()
        page.locator('select[data-filter="group"]').select_option("残疾人")
        page.wait_for_selector('#sgz-results[aria-busy="false"] li')
        page.wait_for_timeout(300)
        assert len([u for u in fetched if "/filter/" in u]) == 1, fetched
    finally:
        context.close()
