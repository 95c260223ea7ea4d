"""Golden pages: the main content of a few pages of the small fixture site.

Comparing whole files would also pin Material's own markup; the <article>
holds what our templates render, which is what a change should be checked on.
"""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "minimal" / "data"
STORED = Path(__file__).parent / "minimal"
PAGES = ["index.html", "stations/index.html", "stations/xs/index.html", "services/elderly-visit/index.html",
         "projects/xs-2025/index.html", "regions/990101001/index.html", "agencies/xinyuan/index.html"]


def article(html: str) -> str:
    """The page's <article> element, with blank lines squeezed."""
    match = re.search(r"<article\b.*?</article>", html, re.S)
    body = match.group(0) if match else ""
    return "\n".join(line.rstrip() for line in body.splitlines() if line.strip()) + "\n"


def stored_name(page: str) -> str:
    return page.replace("/index.html", "").replace("/", "__").replace(".html", "") + ".html"


def render(site: Path) -> dict[str, str]:
    return {stored_name(p): article((site / p).read_text(encoding="utf-8")) for p in PAGES}
