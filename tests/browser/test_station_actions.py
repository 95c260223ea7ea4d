"""What a resident does with a station page: is it open now, print it, find the nearest station.

Times are fixed with Playwright's clock and always given in China Standard Time:
the label must be right for a phone set to any time zone. The demo station
nanhu-hubin has a lunch gap (08:30-12:00, 14:00-17:30 Mon-Fri, Sat 09:00-12:00)
and closed_on 2026-10-01..03 (Thu-Sat of the National Day week).
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from sgz_portal.data import geo

CST = dt.timezone(dt.timedelta(hours=8))
HUBIN = "stations/nanhu-hubin/"


def _context(browser, **options):
    context = browser.new_context(**({"locale": "zh-CN", "timezone_id": "Asia/Shanghai"} | options))
    context.set_default_timeout(15_000)
    return context


def _status_at(browser, url: str, when: dt.datetime, timezone_id: str = "Asia/Shanghai") -> str:
    context = _context(browser, timezone_id=timezone_id)
    try:
        page = context.new_page()
        page.clock.set_fixed_time(when)
        page.goto(url)
        return page.locator("[data-open-status]").inner_text().strip()
    finally:
        context.close()


# (CST clock, expected label) on nanhu-hubin's page. 2026-10-28 is a Wednesday.
OPEN_CASES = [
    ("inside-hours", dt.datetime(2026, 10, 28, 10, 0, tzinfo=CST), "● 正在开放 · 今天 12:00 关门"),
    ("afternoon", dt.datetime(2026, 10, 28, 17, 29, tzinfo=CST), "● 正在开放 · 今天 17:30 关门"),
    ("before-opening", dt.datetime(2026, 10, 28, 7, 45, tzinfo=CST), "○ 现在未开放 · 今天 08:30 开门"),
    ("lunch-gap", dt.datetime(2026, 10, 28, 12, 30, tzinfo=CST), "○ 现在未开放 · 今天 14:00 开门"),
    ("at-closing-time", dt.datetime(2026, 10, 28, 12, 0, tzinfo=CST), "○ 现在未开放 · 今天 14:00 开门"),
    ("after-closing", dt.datetime(2026, 10, 28, 18, 0, tzinfo=CST), "○ 现在未开放 · 明天 08:30 开门"),
    ("friday-evening", dt.datetime(2026, 10, 30, 19, 0, tzinfo=CST), "○ 现在未开放 · 明天 09:00 开门"),
    ("saturday-afternoon", dt.datetime(2026, 10, 31, 13, 0, tzinfo=CST), "○ 现在未开放 · 周一(11月2日)08:30 开门"),
    ("sunday", dt.datetime(2026, 11, 1, 10, 0, tzinfo=CST), "○ 现在未开放 · 明天 08:30 开门"),
    ("closed-on-date", dt.datetime(2026, 10, 1, 10, 0, tzinfo=CST), "○ 今天暂停开放 · 周一(10月5日)08:30 开门"),
    ("eve-of-closed-dates", dt.datetime(2026, 9, 30, 18, 0, tzinfo=CST), "○ 现在未开放 · 周一(10月5日)08:30 开门"),
]


@pytest.mark.parametrize("when,expected", [c[1:] for c in OPEN_CASES], ids=[c[0] for c in OPEN_CASES])
def test_open_now_label_at_a_fixed_clock(browser, site_url, when, expected):
    assert _status_at(browser, site_url + HUBIN, when) == expected


def test_open_now_uses_china_time_on_a_phone_in_utc_minus_5(browser, site_url):
    """10:00 Wednesday in China is 21:00 Tuesday in Bogotá (UTC-5): still 'open', with China's times."""
    when = dt.datetime(2026, 10, 28, 10, 0, tzinfo=CST)
    context = _context(browser, timezone_id="America/Bogota")
    try:
        page = context.new_page()
        page.clock.set_fixed_time(when)
        page.goto(site_url + HUBIN)
        assert page.evaluate("new Date().getHours() + ' ' + new Date().getTimezoneOffset()") == "21 300"
        assert page.locator("[data-open-status]").inner_text().strip() == "● 正在开放 · 今天 12:00 关门"
        # 18:00 in China = 05:00 the same day in Bogotá: a local-time reading would say 'opens 08:30 today'.
        late = page.evaluate("""() => SGZ.openStatus(JSON.parse(document.querySelector('[data-hours]')
                                  .getAttribute('data-hours')), new Date('2026-10-28T10:00:00Z')).text""")
        assert late == "现在未开放 · 明天 08:30 开门"
    finally:
        context.close()


def test_open_status_edge_cases(browser, site_url):
    """Hours that never come within two weeks, and a station that gave no hours."""
    context = _context(browser)
    try:
        page = context.new_page()
        page.goto(site_url + HUBIN)
        result = page.evaluate("""() => {
          const now = new Date('2026-10-28T02:00:00Z');  // Wed 10:00 CST
          const days = [];
          for (let k = 0; k < 15; k++) days.push(new Date(now.getTime() + k * 864e5 + 8 * 36e5).toISOString().slice(0, 10));
          return [SGZ.openStatus({hours: [{days: ['wed'], open: '09:00', close: '17:00'}], closed: days}, now).text,
                  SGZ.openStatus({hours: [], closed: []}, now)];
        }""")
        assert result == ["近期暂停开放", None]
    finally:
        context.close()


def test_hours_table_is_readable_without_javascript(browser, site_url):
    context = _context(browser, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + HUBIN)
        rows = page.locator(".sgz-hours tbody tr").all_inner_texts()
        assert [re.sub(r"\s+", " ", r).strip() for r in rows] == [
            "周一至周五 08:30–12:00", "周一至周五 14:00–17:30", "周六 09:00–12:00"]
        assert page.locator(".sgz-hours table").is_visible()
        assert not page.locator("[data-open-status]").is_visible()  # empty, so no blank line either
    finally:
        context.close()


# -- print ---------------------------------------------------------------------------------
def _pdf_pages(pdf: bytes) -> int:
    """Page objects in a PDF (Chromium writes them uncompressed; /Type /Pages is the tree, not a page)."""
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def _printed_text(html: str) -> int:
    """Characters a station page prints: its article without the sections print leaves out."""
    body = re.search(r"<article\b.*?</article>", html, re.S).group(0)
    body = re.sub(r'<(section|div) class="sgz-(?:noprint|checklist)".*?</\1>', "", body, flags=re.S)
    body = re.sub(r"<div hidden.*?</div>|<svg.*?</svg>", "", body, flags=re.S)
    return len(re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", body)))


def _print_sample(built_site: Path) -> list[str]:
    """The three longest station pages (by printed text) plus the city centre, a county hub and a village room."""
    ids = sorted(row["id"] for row in json.loads((built_site / "data" / "stations.json").read_text("utf-8")))
    size = {sid: _printed_text((built_site / "stations" / sid / "index.html").read_text("utf-8")) for sid in ids}
    longest = sorted(ids, key=lambda sid: (-size[sid], sid))[:3]
    return longest + [sid for sid in ("city", "nanhu", "nanhu-hubin-wanghu") if sid not in longest]


def test_station_pages_and_posters_print_on_one_a4_page(browser, site_url, built_site):
    sample = _print_sample(built_site)
    assert "dongcheng-qingshi" in sample  # the demo's longest page today: most services, longest notes
    context = _context(browser)
    try:
        page = context.new_page()
        pages = {}
        for sid in sample:
            for path in (f"stations/{sid}/", f"stations/{sid}/poster/"):
                page.goto(site_url + path)
                pages[path] = _pdf_pages(page.pdf(format="A4"))
        assert {path: n for path, n in pages.items() if n != 1} == {}
    finally:
        context.close()


def test_print_hides_the_site_around_the_station(browser, site_url):
    context = _context(browser)
    try:
        page = context.new_page()
        page.goto(site_url + HUBIN)
        page.emulate_media(media="print")
        for selector in (".md-header", ".md-footer", ".sgz-a11y", ".sgz-maps", ".sgz-poster-link"):
            assert page.locator(selector).first.is_hidden(), selector
        for selector in (".sgz-sign", ".sgz-contact", ".sgz-hours", ".sgz-qr__code"):
            assert page.locator(selector).first.is_visible(), selector
        assert page.locator(".sgz-print-only").is_visible()  # 'scan for the full page'
    finally:
        context.close()


def test_poster_link_opens_the_poster(browser, site_url):
    context = _context(browser)
    try:
        page = context.new_page()
        page.goto(site_url + HUBIN)
        page.get_by_role("link", name="打印海报").click()
        assert page.url == site_url + HUBIN + "poster/"
        assert page.locator(".sgz-poster h1").inner_text() == "南湖区湖滨街道社会工作服务站"
        assert page.locator(".sgz-poster svg[role=img] title").count() == 1
    finally:
        context.close()


# -- nearest station -----------------------------------------------------------------------
def _points(built_site: Path) -> list[dict]:
    return json.loads((built_site / "data" / "stations.geo.json").read_text("utf-8"))


def test_nearest_station_with_permission(browser, site_url, built_site):
    hubin = next(p for p in _points(built_site) if p["id"] == "nanhu-hubin")
    here = (hubin["lat"] + 0.0002, hubin["lng"] + 0.0001)  # about 25 m from the station's door
    expected = [p["name"] for p in sorted(_points(built_site),
                                          key=lambda p: (geo.distance_m(*here, p["lat"], p["lng"]), p["id"]))[:5]]
    context = _context(browser, geolocation={"latitude": here[0], "longitude": here[1]},
                       permissions=["geolocation"])
    try:
        page = context.new_page()
        page.add_init_script("""(() => { window.__asked = 0; const g = navigator.geolocation, f = g.getCurrentPosition.bind(g);
                                g.getCurrentPosition = function () { window.__asked++; return f.apply(null, arguments); }; })()""")
        page.goto(site_url + "stations/#nearest")
        assert page.evaluate("window.__asked") == 0  # nothing asked before the click
        assert page.locator("[data-nearest-fallback]").is_hidden()
        page.get_by_role("button", name="查找离我最近的社工站").click()
        page.wait_for_selector("[data-nearest-list] li")
        items = page.locator("[data-nearest-list] > li")
        assert items.count() == 5
        assert page.locator("[data-nearest-list] .sgz-nearest__name").all_inner_texts() == expected
        first = items.first
        assert first.locator(".sgz-nearest__name").inner_text() == "南湖区湖滨街道社会工作服务站"
        assert re.fullmatch(r"约 \d+ 米", first.locator(".sgz-nearest__dist").inner_text())
        assert all(re.fullmatch(r"约 (\d+ 米|\d+\.\d 公里)", t)
                   for t in page.locator(".sgz-nearest__dist").all_inner_texts())
        assert first.locator("a.sgz-call").get_attribute("href") == "tel:0830-3217173"
        assert page.locator("[data-nearest-status]").inner_text() == "离您最近的 5 个站点(直线距离):"
        first.locator(".sgz-nearest__name").click()
        assert page.url == site_url + HUBIN
        assert page.evaluate("window.__asked") == 0  # a new page does not ask by itself either
    finally:
        context.close()


def test_nearest_station_without_permission_offers_counties(browser, site_url):
    context = _context(browser, geolocation={"latitude": 29.06, "longitude": 105.6}, permissions=[])
    try:
        page = context.new_page()
        page.goto(site_url + "stations/")
        page.get_by_role("button", name="查找离我最近的社工站").click()
        fallback = page.locator("[data-nearest-fallback]")
        fallback.wait_for(state="visible")
        assert "没有允许" in page.locator("[data-nearest-status]").inner_text()
        counties = fallback.get_by_role("link")
        assert counties.count() >= 4 and counties.all_inner_texts()[0].endswith(("区", "县"))
        assert page.locator("[data-nearest-list]").is_hidden()
        counties.first.click()
        assert re.search(r"/sgz/regions/\d+/$", page.url)
    finally:
        context.close()


def test_nearest_station_when_the_browser_has_no_geolocation(browser, site_url):
    context = _context(browser)
    try:
        page = context.new_page()
        page.add_init_script("Object.defineProperty(Navigator.prototype, 'geolocation', {get: () => undefined});")
        page.goto(site_url + "stations/")
        page.get_by_role("button", name="查找离我最近的社工站").click()
        assert page.locator("[data-nearest-fallback]").is_visible()
        assert page.locator("[data-nearest-status]").inner_text() == "您的浏览器无法提供位置信息。"
    finally:
        context.close()


def test_nearest_distance_words(browser, site_url):
    context = _context(browser)
    try:
        page = context.new_page()
        page.goto(site_url + "stations/")
        words = page.evaluate("[3, 849, 999.4, 1000, 3240, 99949, 123456].map(SGZNearest.formatDistance)")
        assert words == ["约 10 米", "约 850 米", "约 1.0 公里", "约 1.0 公里", "约 3.2 公里", "约 99.9 公里", "约 123 公里"]
        js = page.evaluate("SGZNearest.distance(29.0, 105.0, 30.0, 105.5)")
        assert js == pytest.approx(geo.distance_m(29.0, 105.0, 30.0, 105.5), rel=1e-9)
    finally:
        context.close()
