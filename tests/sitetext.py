"""Reading built pages in tests: the HTML of a page, and its text with tags and runs of space flattened."""
from __future__ import annotations

import re
from pathlib import Path


def page_html(site: Path, path: str) -> str:
    """The HTML of the page at `path` (e.g. 'stations/x') under the built `site`."""
    return (site / path / "index.html").read_text(encoding="utf-8")


def text_of(html: str) -> str:
    """Visible-ish text: tags replaced by spaces, whitespace squeezed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
