"""The portal works from a sub-folder and asks nothing of any other host.

(a) In Chromium, every request made while loading the main page types goes to
    127.0.0.1:PORT under /sgz/, and none fails.
(b) A static scan of the built site: nothing that makes the browser fetch
    (src, <link href>, CSS url() and @import) points to another host. Links in
    <a href> to government or map sites are navigation, not requests: allowed.
(c) Material's `font: false`: Google Fonts is not referenced anywhere.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

PAGES = [
    ("home", ""),
    ("station", "stations/dongcheng-qingshi/"),
    ("search", "search/?q=老人"),
    ("service", "services/elderly-visit/"),
    ("project", "projects/dongcheng-qingshi-2025/"),
]
EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)  # http://, https://, //host
CSS_FETCH = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+(?:url\()?\s*['"]?([^'")\s;]+)""",
                       re.IGNORECASE)
# <link> relations that name a document without the browser fetching it.
NOT_FETCHED = {"canonical", "alternate", "author", "license", "help", "prev", "next", "search"}


@pytest.mark.parametrize("path", [p for _, p in PAGES], ids=[n for n, _ in PAGES])
def test_requests_stay_in_the_sub_folder(page: Page, site_url: str, path: str) -> None:
    requests: list[str] = []
    failed: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: failed.append(f"{r.url} ({r.status})") if r.status >= 400 else None)
    page.goto(site_url + path, wait_until="networkidle")
    if path.startswith("search/"):
        page.wait_for_selector('#sgz-results[aria-busy="false"]', state="attached")
        assert page.locator("#sgz-results > li").count() > 0
        page.wait_for_load_state("networkidle")
    assert requests, "no request recorded"
    outside = [u for u in requests if not _inside(u, site_url)]
    assert not outside, f"requests outside {site_url}: {outside}"
    assert not failed, f"failed requests: {failed}"
    if path.startswith("search/"):
        assert any("/pagefind/" in u for u in requests), "the search index was loaded from the sub-folder"


def _inside(url: str, site_url: str) -> bool:
    """Same scheme, host and port as the site, and a path under its sub-folder."""
    u, s = urlsplit(url), urlsplit(site_url)
    return (u.scheme, u.netloc) == (s.scheme, s.netloc) and u.path.startswith(s.path)


class _Fetches(HTMLParser):
    """Collects every URL in an HTML page that makes the browser fetch something."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str]] = []
        self._style = False
        self.css: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for name in ("src", "poster", "data", "background"):
            if name in a:
                self.urls.append((f"<{tag} {name}>", a[name]))
        for candidate in a.get("srcset", "").split(","):
            if candidate.strip():
                self.urls.append((f"<{tag} srcset>", candidate.split()[0]))
        if tag == "link" and "href" in a and not set(a.get("rel", "").lower().split()) <= NOT_FETCHED:
            self.urls.append((f'<link rel="{a.get("rel", "")}">', a["href"]))
        if "style" in a:
            self.css.append(a["style"])
        self._style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._style = False

    def handle_data(self, data: str) -> None:
        if self._style:
            self.css.append(data)


def _css_urls(css: str) -> list[str]:
    return [m[0] or m[1] for m in CSS_FETCH.findall(css)]


def test_built_site_fetches_nothing_from_other_hosts(built_site: Path) -> None:
    problems: list[str] = []
    for file in sorted(built_site.rglob("*.html")):
        parser = _Fetches()
        parser.feed(file.read_text(encoding="utf-8"))
        where = file.relative_to(built_site).as_posix()
        problems += [f"{where}: {what} {url}" for what, url in parser.urls if EXTERNAL.match(url)]
        problems += [f"{where}: CSS {url}" for css in parser.css for url in _css_urls(css)
                     if EXTERNAL.match(url)]
    for file in sorted(built_site.rglob("*.css")):
        where = file.relative_to(built_site).as_posix()
        problems += [f"{where}: {url}" for url in _css_urls(file.read_text(encoding="utf-8"))
                     if EXTERNAL.match(url)]
    assert not problems, "\n".join(problems)


def test_scan_catches_outside_fetches() -> None:
    """The scanner itself: a CDN script, a font stylesheet and a CSS import are found, a link is not."""
    parser = _Fetches()
    parser.feed('<script src="https://cdn.example/x.js"></script><link rel="stylesheet" href="//fonts.x/css">'
                '<link rel="canonical" href="https://gov.example/"><a href="https://map.example/">地图</a>'
                '<style>@import "https://x/y.css"; .a{background:url(data:image/png;base64,AA)}</style>')
    fetched = [u for _, u in parser.urls if EXTERNAL.match(u)]
    css = [u for c in parser.css for u in _css_urls(c) if EXTERNAL.match(u)]
    assert fetched == ["https://cdn.example/x.js", "//fonts.x/css"]
    assert css == ["https://x/y.css"]


def test_no_google_fonts(built_site: Path) -> None:
    """mkdocs.yml sets Material's `font: false`: fonts.googleapis.com hangs in mainland China."""
    hits = [p.relative_to(built_site).as_posix() for p in sorted(built_site.rglob("*"))
            if p.is_file() and p.suffix in {".html", ".css", ".js", ".json", ".xml"}
            and re.search(r"fonts\.(googleapis|gstatic)\.com", p.read_text(encoding="utf-8", errors="replace"))]
    assert not hits, f"Google Fonts referenced in: {hits}"

