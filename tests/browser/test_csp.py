"""Defence in depth for the host: every page carries a Content-Security-Policy that allows only the
site's own scripts, styles and images (no inline script, no inline event handler, no inline style),
a strict referrer policy, and rel="noopener" on every link to another site.

In Chromium, the pages that do the most (home, a station page, search with a query and a filter, the
nearest-station finder with a fixed position) run under that policy without one violation
(`securitypolicyviolation` events, recorded from before the first script) or console error.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from playwright.sync_api import BrowserContext, Page

CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'")
STRICT_REFERRERS = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin",
                    "no-referrer-when-downgrade"}
# Recorded from the first moment of every document, before any of the page's scripts.
LISTEN = """(() => { window.__csp = [];
  document.addEventListener("securitypolicyviolation", e => window.__csp.push(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`)); })()"""


class _Page(HTMLParser):
    """What a built page declares: its meta policies, scripts, handlers, styles and links."""

    def __init__(self) -> None:
        super().__init__()
        self.csp: list[str] = []
        self.referrer: list[str] = []
        self.inline_scripts = 0
        self.handlers: list[str] = []
        self.styles: list[str] = []
        self.external: list[tuple[str, str]] = []
        self._script_open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and a.get("http-equiv", "").lower() == "content-security-policy":
            self.csp.append(a.get("content", ""))
        if tag == "meta" and a.get("name") == "referrer":
            self.referrer.append(a.get("content", ""))
        if tag == "script" and "src" not in a and a.get("type", "") != "application/json":
            self.inline_scripts += 1
        if tag == "style":
            self.styles.append("<style>")
        if "style" in a:
            self.styles.append(f"<{tag} style=…>")
        self.handlers += [f"<{tag} {k}=…>" for k in a if k.startswith("on")]
        if tag == "a" and re.match(r"^(https?:)?//", a.get("href", ""), re.I):
            self.external.append((a["href"], a.get("rel", "")))


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_page_has_the_policy_and_nothing_inline(built_site: Path) -> None:
    pages = _pages(built_site)
    assert len(pages) > 100
    for path in pages:
        found = _Page()
        found.feed(path.read_text(encoding="utf-8"))
        where = path.relative_to(built_site)
        assert found.csp == [CSP], where
        assert len(found.referrer) == 1 and found.referrer[0] in STRICT_REFERRERS, where
        assert found.inline_scripts == 0, f"{where}: inline <script>"
        assert found.handlers == [], f"{where}: {found.handlers}"
        assert found.styles == [], f"{where}: {found.styles}"


def test_policy_meta_comes_before_any_script(built_site: Path) -> None:
    for path in _pages(built_site):
        html = path.read_text(encoding="utf-8")
        if "<script" in html:  # redirect stubs have none
            assert html.index("Content-Security-Policy") < html.index("<script"), path


def test_every_external_link_has_noopener(built_site: Path) -> None:
    links = []
    for path in _pages(built_site):
        found = _Page()
        found.feed(path.read_text(encoding="utf-8"))
        links += [(path.relative_to(built_site), href, rel) for href, rel in found.external]
    hosts = {re.sub(r"^https?://([^/]+).*", r"\1", href) for _, href, _ in links}
    assert {"uri.amap.com", "api.map.baidu.com", "apis.map.qq.com"} <= hosts  # map links are checked
    missing = [(str(p), href) for p, href, rel in links if "noopener" not in rel.split()]
    assert missing == []


def test_the_scan_sees_inline_code() -> None:
    found = _Page()
    found.feed('<script>alert(1)</script><img src=x onerror="x()"><p style="color:red">'
               '<a href="https://e.example/">x</a>')
    assert found.inline_scripts == 1 and found.handlers == ["<img onerror=…>"]
    assert found.styles == ["<p style=…>"] and found.external == [("https://e.example/", "")]


def _watch(context: BrowserContext) -> tuple[Page, list[str]]:
    page = context.new_page()
    page.add_init_script(LISTEN)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page, errors


def _violations(page: Page) -> list[str]:
    return page.evaluate("window.__csp")


def test_home_and_station_pages_run_under_the_policy(page: Page, site_url: str) -> None:
    page.add_init_script(LISTEN)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(site_url, wait_until="networkidle")
    assert _violations(page) == [] and errors == []
    page.goto(site_url + "stations/dongcheng-qingshi/", wait_until="networkidle")
    page.locator(".sgz-photos img").last.scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-open-status]").inner_text().strip()  # portal.js ran
    page.get_by_role("button", name="大字模式").click()  # the toggles (portal.js), mode.js on the next page
    page.goto(site_url + "stations/nanhu-hubin/", wait_until="networkidle")
    assert "sgz-large" in page.evaluate("document.documentElement.className")
    assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    assert _violations(page) == [] and errors == []


def test_search_with_filters_runs_under_the_policy(browser, site_url: str) -> None:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    try:
        page, errors = _watch(context)
        page.goto(site_url + "search/?q=%E6%9C%8D%E5%8A%A1")  # 服务
        page.wait_for_selector('#sgz-results[aria-busy="false"]', state="attached")
        before = page.locator("#sgz-results > li").count()
        assert before > 0, "pagefind (WebAssembly) ran under the policy"
        page.locator('select[data-filter="county"]').select_option("西山县")
        page.wait_for_selector('#sgz-results[aria-busy="false"]', state="attached")
        assert 0 < page.locator("#sgz-results > li").count() <= before
        assert "county=" in page.url
        assert _violations(page) == [] and errors == []
    finally:
        context.close()


def test_nearest_station_runs_under_the_policy(browser, site_url: str) -> None:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                  geolocation={"latitude": 29.3420, "longitude": 105.6215},
                                  permissions=["geolocation"])
    try:
        page, errors = _watch(context)
        page.goto(site_url + "stations/#nearest", wait_until="networkidle")
        page.get_by_role("button", name="查找离我最近的社工站").click()
        page.wait_for_selector("[data-nearest-list] li")
        assert page.locator("[data-nearest-list] > li").count() == 5
        assert _violations(page) == [] and errors == []
    finally:
        context.close()


def test_an_inline_script_would_be_reported(page: Page, site_url: str) -> None:
    """The listener works: a script injected into a built page is blocked and reported."""
    page.add_init_script(LISTEN)
    page.goto(site_url, wait_until="networkidle")
    page.evaluate("""() => { const s = document.createElement("script"); s.textContent = "window.__ran = 1";
                             document.body.append(s); }""")
    page.wait_for_function("window.__csp.length > 0")
    assert page.evaluate("window.__ran") is None
    assert "script-src" in _violations(page)[0]
