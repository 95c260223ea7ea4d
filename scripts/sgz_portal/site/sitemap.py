"""The sitemaps crawlers read: `sitemap.xml` is a sitemap index (sitemaps.org protocol 0.9) that
lists `sitemap-1.xml`, `sitemap-2.xml`, ... of at most 50,000 URLs each.

Sitemaps need absolute URLs, so without `base_url` in site.yaml none is written (mkdocs's own
`sitemap.xml`, which would be an empty `<urlset>` then, is switched off by the plugin). The part
files sit beside the index at the site's root: a sitemap may only list URLs at or below its own
folder. Same pages and as-of date -> same bytes.
"""
from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape

MAX_URLS = 50_000  # the protocol's limit per sitemap file
INDEX = "sitemap.xml"
_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def part_name(number: int) -> str:
    return f"sitemap-{number}.xml"


def _absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + "/" + path.lstrip("/")


def _urlset(urls: list[str], lastmod: str) -> str:
    rows = "".join(f"<url><loc>{escape(u)}</loc><lastmod>{lastmod}</lastmod></url>\n" for u in urls)
    return f"{_HEAD}<urlset {_NS}>\n{rows}</urlset>\n"


def _index(parts: list[str], lastmod: str) -> str:
    rows = "".join(f"<sitemap><loc>{escape(p)}</loc><lastmod>{lastmod}</lastmod></sitemap>\n" for p in parts)
    return f"{_HEAD}<sitemapindex {_NS}>\n{rows}</sitemapindex>\n"


def sitemaps(paths: list[str], base_url: str | None, as_of: dt.date,
             max_urls: int = MAX_URLS) -> dict[str, str]:
    """File name -> content: the index and its parts, for the site-relative page `paths`
    (e.g. "stations/x/"). Empty without a base_url: a relative sitemap is not a sitemap."""
    if not base_url or max_urls < 1:
        return {}
    urls = sorted({_absolute(base_url, p) for p in paths})
    lastmod = as_of.isoformat()
    chunks = [urls[i:i + max_urls] for i in range(0, len(urls), max_urls)] or [[]]
    files = {part_name(n): _urlset(chunk, lastmod) for n, chunk in enumerate(chunks, 1)}
    files[INDEX] = _index([_absolute(base_url, name) for name in files], lastmod)
    return files
