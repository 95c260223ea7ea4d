"""On a 375 px phone (适老化): big touch targets, no sideways scrolling, large text that
follows the reader from page to page, a drawer that keyboards can open, and screenshots
of the station page in tests/artifacts/ for a person to look at."""
from __future__ import annotations

from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
ELDERLY = "sgz-large sgz-contrast"
PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}

# Every link, button and field in the header, the a11y toolbar and the main content, with its
# size. A link inside running text (other words beside it in its paragraph) is WCAG 2.5.8's
# "inline" exception: its size is set by the line of text around it, so it is reported apart.
TARGETS_JS = """() => {
  const sel = ".md-header a[href], .md-header button, .md-header label, .sgz-a11y button, " +
              "article a[href], article button, article input:not([type=hidden]), article select, article summary";
  const words = /[\\p{L}\\p{N}]/u;
  return [...document.querySelectorAll(sel)].filter(el => {
    const st = getComputedStyle(el), box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && st.visibility === "visible" && parseFloat(st.opacity) > 0
      && !el.closest("[hidden]");
  }).map(el => {
    const box = el.getBoundingClientRect(), st = getComputedStyle(el);
    const rest = el.parentElement.textContent.replace(el.textContent, "");
    return {html: el.outerHTML.slice(0, 90), w: box.width, h: box.height, x: box.left, y: box.top,
            inline: el.tagName === "A" && st.display === "inline" && words.test(rest)};
  });
}"""


def _phone(browser, url: str, mode: str = ""):
    context = browser.new_context(**PHONE)
    if mode:
        context.add_init_script(f"try{{localStorage.setItem('sgz-mode', {mode!r})}}catch(e){{}}")
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    if "search/" in url:
        page.wait_for_selector("#sgz-results li", timeout=15_000)
    return context, page


@pytest.mark.parametrize("mode", ["", ELDERLY], ids=["normal", "elderly"])
@pytest.mark.parametrize("kind", ["home", "directory", "station", "search", "service", "project"])
def test_no_sideways_scrolling_at_375px(browser, site_url, sample_pages, kind, mode):
    context, page = _phone(browser, site_url + sample_pages[kind], mode)
    width = page.evaluate("document.scrollingElement.scrollWidth")
    context.close()
    assert width <= 375, f"{kind}: page is {width}px wide"


@pytest.mark.parametrize("mode", ["", ELDERLY], ids=["normal", "elderly"])
@pytest.mark.parametrize("kind", ["home", "directory", "station", "search", "service", "project", "plan", "fund",
                                  "resources"])
def test_touch_targets_are_44px(browser, site_url, sample_pages, kind, mode):
    context, page = _phone(browser, site_url + sample_pages[kind], mode)
    targets = page.evaluate(TARGETS_JS)
    context.close()
    checked = [t for t in targets if not t["inline"]]
    assert len(checked) >= 3
    small = [(t["html"], round(t["w"]), round(t["h"])) for t in checked if t["w"] < 43.5 or t["h"] < 43.5]
    assert not small, f"{kind}: targets under 44x44 CSS px: {small[:6]}"
    assert not _overlaps(checked), f"{kind}: targets overlap, so each is smaller than it looks"


def _overlaps(boxes: list[dict]) -> list[tuple[str, str]]:
    def cut(a: dict, b: dict) -> bool:
        return (min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"]) > 1
                and min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"]) > 1)
    return [(a["html"], b["html"]) for i, a in enumerate(boxes) for b in boxes[i + 1:] if cut(a, b)]


def test_drawer_links_are_44px_tall(browser, site_url, sample_pages):
    context, page = _phone(browser, site_url + sample_pages["station"])
    page.click("[data-sgz-menu]")
    page.wait_for_timeout(400)
    heights = page.evaluate("""() => [...document.querySelectorAll('.md-sidebar--primary a[href]')]
        .map(a => a.getBoundingClientRect().height)""")
    context.close()
    assert heights and min(heights) >= 43.5, heights


def test_large_text_follows_the_reader_to_the_next_page(browser, site_url, sample_pages):
    body = "article p, article li"
    context, page = _phone(browser, site_url + sample_pages["directory"])
    normal = page.evaluate(f"parseFloat(getComputedStyle(document.querySelector('{body}')).fontSize)")
    context.close()
    context, page = _phone(browser, site_url + sample_pages["station"])
    page.click("[data-toggle=sgz-large]")
    page.goto(site_url + sample_pages["directory"], wait_until="networkidle")
    large = page.evaluate(f"parseFloat(getComputedStyle(document.querySelector('{body}')).fontSize)")
    state = page.evaluate("""() => [document.documentElement.classList.contains('sgz-large'),
        document.querySelector('[data-toggle=sgz-large]').getAttribute('aria-pressed')]""")
    context.close()
    assert state == [True, "true"]
    assert large >= 1.2 * normal, (normal, large)


def test_the_drawer_opens_and_closes_with_the_keyboard(browser, site_url, sample_pages):
    context, page = _phone(browser, site_url + sample_pages["station"])
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.hasAttribute('data-sgz-menu')"):
            break
    else:
        pytest.fail("the menu button is not among the first Tab stops")
    page.keyboard.press("Enter")
    page.wait_for_timeout(400)
    opened = page.evaluate("""() => { const nav = document.querySelector('.md-sidebar--primary');
        const box = nav.getBoundingClientRect();
        return [document.getElementById('__drawer').checked, box.left >= 0 && box.right > 100,
                getComputedStyle(nav).visibility, nav.contains(document.activeElement),
                document.querySelector('[data-sgz-menu]').getAttribute('aria-expanded')]; }""")
    page.keyboard.press("Escape")
    closed = page.evaluate("""() => [document.getElementById('__drawer').checked,
        document.activeElement.hasAttribute('data-sgz-menu')]""")
    context.close()
    assert opened == [True, True, "visible", True, "true"]
    assert closed == [False, True]


def test_the_drawer_opens_with_a_tap(browser, site_url, sample_pages):
    context, page = _phone(browser, site_url + sample_pages["station"])
    page.tap("[data-sgz-menu]")
    page.wait_for_timeout(400)
    link = page.locator(".md-sidebar--primary a[href]").nth(1)
    visible = link.is_visible() and link.bounding_box()["x"] >= 0
    context.close()
    assert visible


@pytest.mark.parametrize("mode", ["", ELDERLY], ids=["normal", "elderly"])
def test_station_screenshot(browser, site_url, sample_pages, mode):
    """Saved for people to look at (tests/artifacts/ is not committed)."""
    context, page = _phone(browser, site_url + sample_pages["station"], mode)
    ARTIFACTS.mkdir(exist_ok=True)
    name = "station-375-" + ("elderly" if mode else "normal") + ".png"
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)
    context.close()
    assert (ARTIFACTS / name).stat().st_size > 10_000
