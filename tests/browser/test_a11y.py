"""Accessibility in Chromium: axe-core (WCAG 2.1 A/AA), elderly mode (适老化), keyboard, no pop-ups.

axe-core comes from the pinned PyPI wheel axe-playwright-python (it ships axe.min.js),
injected from disk: nothing is fetched at test time.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ELDERLY = "sgz-large sgz-contrast"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = ["home", "directory", "station", "service", "project", "search", "disclosure", "plan", "fund", "resources"]

# Contrast ratio of each visible text element against the first opaque background behind it.
CONTRAST_JS = """() => {
  const rgba = s => { const m = s.match(/[\\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
                     return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const bgOf = el => { for (let e = el; e; e = e.parentElement) { const c = rgba(getComputedStyle(e).backgroundColor);
                       if (c[3] > 0) return c; } return [255, 255, 255, 1]; };
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const st = getComputedStyle(el), box = el.getBoundingClientRect();
    if (!own || st.visibility !== "visible" || box.width === 0 || box.height === 0 || el.closest("[hidden],[aria-hidden=true]")) continue;
    if (parseFloat(st.opacity) === 0) continue;  // the skip link, until it is focused
    const fg = rgba(st.color), bg = bgOf(el);
    const mix = [0, 1, 2].map(i => fg[i] * fg[3] + bg[i] * (1 - fg[3]));
    const [a, b] = [lum(mix), lum(bg)].sort((x, y) => y - x);
    out.push({text: el.textContent.trim().slice(0, 30), ratio: (a + 0.05) / (b + 0.05), color: st.color, bg: String(bg)});
  }
  return out;
}"""

LINE_HEIGHT_JS = """() => [...document.querySelectorAll(
    "article p, article li, article dd, article dt, article td, article th, .sgz-footer p")]
  .filter(el => el.textContent.trim() && el.getBoundingClientRect().height > 0)
  .map(el => { const st = getComputedStyle(el);
               return {text: el.textContent.trim().slice(0, 30), lh: st.lineHeight, fs: parseFloat(st.fontSize)}; })"""

FOCUS_JS = """() => { const el = document.activeElement;
  if (!el || el === document.body) return null;
  const st = getComputedStyle(el), box = el.getBoundingClientRect();
  return {id: el.outerHTML.slice(0, 80), style: st.outlineStyle, width: parseFloat(st.outlineWidth),
          visible: box.width > 0 && box.height > 0 && st.visibility === "visible" && parseFloat(st.opacity) > 0,
          inView: box.bottom > 0 && box.right > 0 && box.top < innerHeight && box.left < innerWidth}; }"""


def _open(browser, url: str, mode: str = "", width: int = 1280):
    # bypass_csp: the page's Content-Security-Policy would block axe, injected as an inline script
    # (tests/browser/test_csp.py checks the pages under the policy).
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": width, "height": 900}, bypass_csp=True)
    if mode:
        context.add_init_script(f"try{{localStorage.setItem('sgz-mode', {mode!r})}}catch(e){{}}")
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    return context, page


def _axe_js() -> Path:
    package = pytest.importorskip("axe_playwright_python", reason="axe-playwright-python 未安装(make setup)")
    return Path(package.__file__).parent / "axe.min.js"


@pytest.mark.parametrize("mode", ["", ELDERLY], ids=["normal", "elderly"])
@pytest.mark.parametrize("kind", PAGES)
def test_axe_finds_no_serious_violation(browser, site_url, sample_pages, built_site, kind, mode):
    path = sample_pages[kind]
    if not (built_site / path.split("?")[0] / "index.html").exists():
        pytest.skip(f"{path} 尚未生成")
    context, page = _open(browser, site_url + path, mode)
    try:
        if kind == "search":
            page.wait_for_selector("#sgz-results li", timeout=15_000)
        page.add_script_tag(path=str(_axe_js()))
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    finally:
        context.close()
    bad = [(v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:3])
           for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"{path} ({mode or 'normal'}): {bad}"


def test_high_contrast_mode_gives_seven_to_one(browser, site_url, sample_pages):
    for kind in ("home", "station", "project"):
        context, page = _open(browser, site_url + sample_pages[kind], "sgz-contrast")
        texts = page.evaluate(CONTRAST_JS)
        context.close()
        assert len(texts) > 20
        low = [t for t in texts if t["ratio"] < 7]
        assert not low, f"{kind}: text below 7:1 in high-contrast mode: {low[:5]}"


@pytest.mark.parametrize("mode", ["", ELDERLY], ids=["normal", "elderly"])
def test_body_text_line_height_at_least_one_and_a_half(browser, site_url, sample_pages, mode):
    context, page = _open(browser, site_url + sample_pages["station"], mode)
    rows = page.evaluate(LINE_HEIGHT_JS)
    context.close()
    assert len(rows) > 10
    tight = [r for r in rows if r["lh"] == "normal" or float(r["lh"].rstrip("px")) < 1.5 * r["fs"]]
    assert not tight, tight[:5]


def _tab_through(page, limit: int = 250) -> list[dict]:
    seen: list[dict] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_JS)
        if focus is None or (seen and focus["id"] == seen[0]["id"]):
            break
        seen.append(focus)
    return seen


@pytest.mark.parametrize("width", [375, 1280])
def test_every_tab_stop_on_the_station_page_shows_focus(browser, site_url, sample_pages, width):
    context, page = _open(browser, site_url + sample_pages["station"], width=width)
    stops = _tab_through(page)
    context.close()
    assert len(stops) > 10
    assert "跳到正文" in stops[0]["id"], "the first Tab stop is the skip link"
    hidden = [s["id"] for s in stops if not (s["visible"] and s["inView"])]
    assert not hidden, f"focus landed on something nobody can see: {hidden[:5]}"
    faint = [s["id"] for s in stops if s["style"] == "none" or s["width"] < 2]
    assert not faint, f"no visible focus outline: {faint[:5]}"


@pytest.mark.parametrize("key", ["Enter", " "])
@pytest.mark.parametrize("toggle", ["sgz-large", "sgz-contrast"])
def test_toggles_work_from_the_keyboard(browser, site_url, sample_pages, toggle, key):
    context, page = _open(browser, site_url + sample_pages["station"])
    button = page.locator(f"[data-toggle={toggle}]")
    button.focus()
    page.keyboard.press(key)
    on = page.evaluate(f"document.documentElement.classList.contains('{toggle}')")
    pressed = button.get_attribute("aria-pressed")
    page.keyboard.press(key)
    off = page.evaluate(f"document.documentElement.classList.contains('{toggle}')")
    context.close()
    assert (on, pressed, off) == (True, "true", False)


def test_nothing_pops_up(browser, site_url, sample_pages):
    features = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["theme"].get("features") or []
    assert features == [], "Material features that pop things up (tooltips, dialogs, instant loading) stay off"
    for kind in ("home", "station", "search"):
        context, page = _open(browser, site_url + sample_pages[kind])
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))  # noqa: B023 (this page only)
        page.on("popup", lambda p: dialogs.append("popup " + p.url))  # noqa: B023 (this page only)
        for toggle in ("sgz-large", "sgz-contrast"):
            page.click(f"[data-toggle={toggle}]")
        page.wait_for_timeout(300)
        shown = page.evaluate("""() => [...document.querySelectorAll(
            'dialog[open], [role=dialog], [role=alertdialog], .md-dialog--active, .md-consent:not([hidden])')]
            .filter(e => e.getBoundingClientRect().height > 0).map(e => e.outerHTML.slice(0, 80))""")
        context.close()
        assert (dialogs, shown) == ([], []), kind


def test_open_status_has_a_symbol_and_words(browser, site_url, sample_pages):
    context, page = _open(browser, site_url + sample_pages["station"])
    status = page.locator("[data-open-status]").inner_text()
    context.close()
    assert status[:2] in ("● ", "○ ") and "开放" in status, status


def test_statuses_are_told_in_words(built_site):
    """Every coloured status (finding badge, report due/late/missing, checklist, verdict: any
    `sgz-x--state` class) carries Chinese words, not only a colour or a symbol."""
    import re
    status = re.compile(r'<(\w+) class="[^"]*\bsgz-[a-z]+--[a-z_]+[^"]*"[^>]*>(.*?)</\1>', re.S)
    found = [(f.relative_to(built_site).as_posix(), re.sub(r"<[^>]+>", "", m.group(2)).strip())
             for f in sorted(built_site.rglob("*.html")) for m in status.finditer(f.read_text(encoding="utf-8"))]
    assert len(found) > 20, "the demo data shows findings and report statuses"
    wordless = [(page, text) for page, text in found if not re.search(r"[\u4e00-\u9fff]{2}", text)]
    assert not wordless, wordless[:5]
