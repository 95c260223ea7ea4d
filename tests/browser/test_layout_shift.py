"""Stable layout: cumulative layout shift (CLS) below 0.02 on the home, station, search and
project pages, on a 375 px phone and a 1280 px desktop, in the normal and the elderly mode
(large text + high contrast, remembered in localStorage). Measured in Chromium with a
PerformanceObserver for 'layout-shift' (buffered, so shifts before it was made count too),
after the load event, the search results, and a short wait."""
from __future__ import annotations

import pytest

ELDERLY = "sgz-large sgz-contrast"
LIMIT = 0.02
WIDTHS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 900}}

CLS_JS = """() => new Promise(resolve => {
  let cls = 0;
  const shifts = [];
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) {
      if (e.hadRecentInput) continue;
      cls += e.value;
      shifts.push({value: e.value, nodes: (e.sources || []).map(s => s.node ? (s.node.outerHTML || s.node.nodeName).slice(0, 80) : "")});
    }
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve({cls, shifts}), 1200);
})"""


def measure(browser, url: str, width: str, mode: str) -> dict:
    """CLS of one page load: {'cls': total, 'shifts': [{'value', 'nodes'}]}."""
    context = browser.new_context(viewport=WIDTHS[width], locale="zh-CN", timezone_id="Asia/Shanghai",
                                  is_mobile=width == "phone", has_touch=width == "phone")
    if mode:
        context.add_init_script(f"try{{localStorage.setItem('sgz-mode', {mode!r})}}catch(e){{}}")
    page = context.new_page()
    try:
        page.goto(url, wait_until="load")
        if "search/" in url:
            page.wait_for_selector("#sgz-results[aria-busy=false] li", timeout=15_000)
        return page.evaluate(CLS_JS)
    finally:
        context.close()


@pytest.mark.parametrize("mode", ["", ELDERLY], ids=["normal", "elderly"])
@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("kind", ["home", "station", "search", "project"])
def test_layout_does_not_shift(browser, site_url, sample_pages, kind, width, mode):
    result = measure(browser, site_url + sample_pages[kind], width, mode)
    assert result["cls"] < LIMIT, f"{kind} {width} {mode or 'normal'}: CLS {result['cls']:.3f} {result['shifts']}"


BOXES_JS = """() => Object.fromEntries([".md-main", ".sgz-a11y", ".sgz-filters", "#sgz-results"].map(sel => {
  const el = document.querySelector(sel);
  if (!el) return [sel, null];
  const b = el.getBoundingClientRect();
  return [sel, [Math.round(b.top), Math.round(b.height), Math.round(b.width)]];
}))"""


@pytest.mark.parametrize("width", list(WIDTHS))
def test_scripts_do_not_move_the_layout(browser, site_url, width):
    """Deterministic, whatever the timing: the page as first painted (before any script) has the
    toolbar's space and the search filters' size that the scripts leave it with."""
    boxes = {}
    for js in (False, True):
        context = browser.new_context(viewport=WIDTHS[width], java_script_enabled=js)
        page = context.new_page()
        page.goto(site_url + "search/?q=%E8%80%81%E4%BA%BA", wait_until="load")
        if js:
            page.wait_for_selector("#sgz-results[aria-busy=false] li")
            assert page.locator("select[name=domain] option").count() > 1  # the filters did fill
        boxes[js] = page.evaluate(BOXES_JS)
        context.close()
    assert boxes[False][".md-main"][0] == boxes[True][".md-main"][0], boxes  # (its height: <noscript>)
    for sel in (".sgz-a11y", ".sgz-filters", "#sgz-results"):
        assert boxes[False][sel][:1] + boxes[False][sel][2:] == boxes[True][sel][:1] + boxes[True][sel][2:], boxes
    assert boxes[False][".sgz-filters"] == boxes[True][".sgz-filters"], boxes
