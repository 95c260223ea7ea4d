"""Tables on a 375 px phone, in the normal and the large-text mode (toggled with the toolbar's
大字模式 button): no table overflows sideways, no cell is squeezed to one character per line,
and tables of four or more columns read as one card per row with the row's name on top.
Also the plan and fund pages in Chromium: charts drawn, tables beside them, status in words.
Screenshots go to tests/artifacts/ for a person to look at."""
from __future__ import annotations

from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 1, "is_mobile": True,
         "has_touch": True, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
PAGES = ["statistics", "project", "disclosure", "late", "plan", "fund", "resources", "station"]

# Per table: its overflow, whether it is a card table, and every visible cell whose text has two
# or more characters but whose box is narrower than two characters of its font (one a line).
TABLES_JS = """() => [...document.querySelectorAll("article table")].map(t => {
  const head = t.querySelector("thead");
  const headHidden = !head || head.getBoundingClientRect().width <= 1;  // visually hidden (cards)
  const cells = [...t.querySelectorAll("th, td")].filter(c => {
    const b = c.getBoundingClientRect(); return b.width > 1 && b.height > 1 && !(headHidden && head.contains(c)); });
  const squeezed = cells.filter(c => {
    const text = c.textContent.trim(), st = getComputedStyle(c);
    const inner = c.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight);
    return text.length >= 2 && inner < 2 * parseFloat(st.fontSize);
  }).map(c => c.textContent.trim().slice(0, 20));
  const rows = [...t.querySelectorAll("tbody tr")].map(r => {
    const title = r.querySelector("th[scope=row]");
    const tds = [...r.querySelectorAll("td")];
    return {titleOnTop: !title || tds.every(d => d.getBoundingClientRect().top >= title.getBoundingClientRect().bottom - 1),
            oneColumn: tds.every(d => Math.abs(d.getBoundingClientRect().left - r.getBoundingClientRect().left) < 4)};
  });
  return {cards: t.hasAttribute("data-cards"), scroll: t.scrollWidth, client: t.clientWidth,
          right: t.getBoundingClientRect().right, squeezed, rows, headHidden};
})"""


def _open(browser, url: str, large: bool):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    if large:
        page.click("[data-toggle=sgz-large]")
        assert "sgz-large" in page.evaluate("document.documentElement.className")
    return context, page


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("kind", PAGES)
def test_tables_fit_a_375px_phone(browser, site_url, sample_pages, kind, large):
    context, page = _open(browser, site_url + sample_pages[kind], large)
    tables = page.evaluate(TABLES_JS)
    width = page.evaluate("document.scrollingElement.scrollWidth")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"tables-{kind}-{'large' if large else 'normal'}.png"), full_page=True)
    context.close()
    assert tables, kind
    assert width <= 375, f"{kind}: page is {width}px wide"
    for n, t in enumerate(tables):
        assert t["scroll"] <= t["client"] and t["right"] <= 375, (kind, n, t["scroll"], t["client"])
        assert t["squeezed"] == [], (kind, n, t["squeezed"])
        if t["cards"]:
            assert t["headHidden"], (kind, n)
            assert all(r["titleOnTop"] and r["oneColumn"] for r in t["rows"]), (kind, n)


def test_wide_tables_stay_tables_on_a_desktop(browser, site_url, sample_pages):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site_url + sample_pages["statistics"], wait_until="networkidle")
    shown = page.evaluate("""() => [...document.querySelectorAll("table[data-cards] thead")]
        .map(h => h.getBoundingClientRect().width > 100)""")
    display = page.evaluate("""() => getComputedStyle(document.querySelector("table[data-cards] tbody tr")).display""")
    context.close()
    assert shown and all(shown) and display == "table-row"


def test_plan_page_in_chromium(page, site_url, sample_pages):
    page.goto(site_url + sample_pages["plan"], wait_until="networkidle")
    charts = page.locator("svg.sgz-chart")
    assert charts.count() == 10
    box = charts.first.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 50
    assert charts.first.locator("title").text_content() == "乡镇(街道)社会工作服务站覆盖率:基期、实际和目标"
    section = page.locator("#ind-township-coverage")
    assert section.locator(".sgz-chartbox table tbody tr").all_inner_texts() == [
        "基期值\t2020\t35%", "实际值\t2026\t81.3%", "目标值\t2025\t100%"]
    assert "进度落后:实际值 81.3%(2026 年),下一个目标 2025 年不低于 100%。" in section.locator(
        "p.sgz-plan-status").inner_text()
    page.click("#ind-township-coverage a[href='#measure-township-coverage']")
    assert page.locator("#measure-township-coverage").is_visible()
    assert "13 ÷ 16 × 100 = 81.3%" in page.locator("#measure-township-coverage").inner_text()


def test_fund_page_in_chromium(page, site_url, sample_pages):
    page.goto(site_url + sample_pages["fund"], wait_until="networkidle")
    assert page.locator(".sgz-fund-missing").inner_text() == "✗ 未按季度公开:2026年第1季度。"
    missing = page.locator("tr.sgz-quarter--missing")
    assert missing.count() == 1 and missing.locator("th").inner_text() == "2026年第1季度"
    assert page.locator("#ledger-h + table tbody tr").count() == 4
    assert "待改进 2026年第1季度的收支未公开(应在 2026-04-30 前公开)" in page.locator(".sgz-findings").inner_text()
