"""Bytes a search costs on the wire, measured in Chromium (issue 11 item 4): the first query on a
cold cache (pagefind's JS, wasm, entry, meta, filters, index chunks and result fragments) and each
later query on the same page (only new chunks and fragments).

    python bench/search_weight.py SITE_DIR [QUERY ...]    # serves SITE_DIR under /sgz/ and measures

tests/browser/test_search_weight.py runs `transfers` on the sample site.
"""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

DEFAULT_QUERIES = ("养老", "老人", "心理", "儿童", "社区", "调解")
FIRST_BUDGET, LATER_BUDGET = 500_000, 100_000  # issue 11: bytes the first query and each later one may transfer
CHROMIUM = "/usr/bin/chromium"  # Debian's, as the browser tests use
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def transfers(browser, search_url: str, queries: list[str] | tuple[str, ...]) -> list[int]:
    """Bytes received (response headers and encoded body) from pagefind/ for each query in turn, in
    one tab of a fresh context (cold cache). Pagefind fetches from a web worker, so requests are
    counted at the context, which sees the worker's requests too."""
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(30_000)
    received: list[int] = []

    def finished(request) -> None:
        if "/pagefind/" in request.url:
            sizes = request.sizes()
            received.append(sizes["responseBodySize"] + sizes["responseHeadersSize"])

    context.on("requestfinished", finished)
    page = context.new_page()
    out: list[int] = []
    try:
        page.goto(f"{search_url}?q={quote(queries[0])}")
        for n, query in enumerate(queries):
            if n:
                page.fill("#q", query)
                page.press("#q", "Enter")
            page.wait_for_selector('#sgz-results[aria-busy="false"]', state="attached")
            page.wait_for_timeout(300)  # let the last requestfinished events arrive
            out.append(sum(received))
            received.clear()
    finally:
        context.close()
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(site: Path) -> Iterator[str]:
    """`sgz-portal serve` of `site` under /sgz/ on a free port: yields the site's URL."""
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "sgz_portal", "serve", "--site", str(site), "--port",
                               str(port), "--prefix", "/sgz/"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/sgz/"
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait()


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, through Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def main(argv: list[str]) -> int:
    site, queries = Path(argv[0]), argv[1:] or list(DEFAULT_QUERIES)
    with served(site) as url, chromium() as browser:
        sizes = transfers(browser, url + "search/", queries)
    for n, (query, size) in enumerate(zip(queries, sizes)):
        print(f"{'first' if n == 0 else 'later'} query {query}: {size / 1024:.1f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
