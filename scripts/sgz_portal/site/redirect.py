"""Redirect stubs: a URL whose page was folded into another page keeps answering (bureaus print
URLs as QR codes). A stub is a tiny static HTML file: an immediate `<meta http-equiv="refresh">`
to the target, a canonical link, and a plain link for browsers that do not follow the refresh.
Links are relative, so the site still works from a sub-folder; crawlers are told not to index it."""
from __future__ import annotations

from html import escape
from pathlib import Path

from sgz_portal.pages.specs import Redirect

# The same policy every rendered page carries (overrides/main.html; tests/browser/test_csp.py checks both).
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'")


def relative(path: str, target: str) -> str:
    """`target` (relative to the site root) as seen from the page at `path` (both end with '/')."""
    return "../" * path.strip("/").count("/") + "../" * bool(path.strip("/")) + target


def stub(r: Redirect) -> str:
    href = escape(relative(r.path, r.target))
    title = escape(r.title)
    return ('<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            '<meta name="referrer" content="strict-origin-when-cross-origin">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{title}</title>'
            f'<meta name="robots" content="noindex"><link rel="canonical" href="{href}">'
            f'<meta http-equiv="refresh" content="0; url={href}"></head>\n'
            f'<body><p>{title}的页面已合并到<a href="{href}">本村(社区)社会工作服务室的页面</a>。</p></body></html>\n')


def stubs(redirects: list[Redirect]) -> dict[str, str]:
    """The stub of each redirect, by path relative to the site folder."""
    return {f"{r.path.strip('/')}/index.html": stub(r) for r in redirects}


def write(site_dir: Path, stubs: dict[str, str]) -> int:
    """Write the stubs into site_dir; returns how many."""
    for rel, text in stubs.items():
        path = site_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return len(stubs)
