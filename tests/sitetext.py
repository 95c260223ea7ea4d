"""Reading built sites in tests: the HTML of a page, its text with tags and runs of space flattened,
and a digest of every file (to compare two builds byte for byte)."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path


def page_html(site: Path, path: str) -> str:
    """The HTML of the page at `path` (e.g. 'stations/x') under the built `site`."""
    return (site / path / "index.html").read_text(encoding="utf-8")


def text_of(html: str) -> str:
    """Visible-ish text: tags replaced by spaces, whitespace squeezed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def digest(folder: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file under `folder`: equal digests, identical sites."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}
