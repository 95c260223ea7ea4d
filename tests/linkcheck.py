"""A small link and anchor checker for a built site: every href and src of every HTML page,
resolved relative to the page, must name a file of the site, and a #fragment must name an id
(or <a name>) in that file. Links to other hosts and tel:/mailto: are not followed.

Without base_url a link may be neither root-based (`/x`: wrong when the site sits in a
sub-folder) nor protocol-relative (`//x`: a browser reads `x` as a host name). With base_url,
absolute links under base_url are mapped back to the site's files and checked too.
"""
from __future__ import annotations

from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

NOT_FOLLOWED = ("mailto:", "tel:", "sms:", "javascript:", "data:", "geo:")


class _Page(HTMLParser):
    """The ids a page defines and the (tag, attribute, value) of every reference it makes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v for k, v in attrs if v is not None}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        for attr in ("href", "src", "action"):
            if attr in values:
                self.refs.append((tag, attr, values[attr]))


class Site:
    """One built site folder, parsed lazily page by page."""

    def __init__(self, root: Path, base_url: str | None = None) -> None:
        self.root = root
        self.base_url = base_url
        self._parse = cache(self._parse_uncached)

    def _parse_uncached(self, path: Path) -> _Page:
        page = _Page()
        page.feed(path.read_text(encoding="utf-8"))
        return page

    def pages(self) -> list[Path]:
        return sorted(self.root.rglob("*.html"))

    def problems(self) -> list[str]:
        """Every broken link or anchor, as 'page: tag attr=value: why'."""
        found = []
        for path in self.pages():
            rel = path.relative_to(self.root).as_posix()
            for tag, attr, value in self._parse(path).refs:
                why = self._check(rel, value)
                if why:
                    found.append(f"{rel}: <{tag} {attr}={value!r}>: {why}")
        return found

    def _check(self, page: str, url: str) -> str | None:
        url = url.strip()
        if url.lower().startswith(NOT_FOLLOWED):
            return None
        if url.startswith("//"):
            return "protocol-relative link (the browser reads the first part as a host name)"
        target = self._site_path(page, url)
        if isinstance(target, str) and target.startswith("!"):
            return target[1:]
        if target is None:
            return None  # another host
        path, fragment = target
        if path.startswith("/") or "//" in path:
            return "double slash in the path"
        file = self.root / path
        if path == "" or path.endswith("/"):
            file = file / "index.html"
        if not file.is_file():
            return f"no such file {file.relative_to(self.root).as_posix()}"
        if fragment and (file.suffix != ".html" or fragment not in self._parse(file).ids):
            return f"no id {fragment!r} in {file.relative_to(self.root).as_posix()}"
        return None

    def _site_path(self, page: str, url: str) -> tuple[str, str] | str | None:
        """(path inside the site, fragment), None for another host, or '!why' when it cannot work."""
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            if not self.base_url or not url.startswith(self.base_url):
                return None
            return unquote(url[len(self.base_url):].split("#")[0].split("?")[0]), unquote(parts.fragment)
        if parts.path.startswith("/"):
            if not self.base_url:
                return "!root-based link without base_url (wrong when the site sits in a sub-folder)"
            prefix = urlsplit(self.base_url).path
            if not parts.path.startswith(prefix):
                return f"!root-based link outside {prefix}"
            path = urlsplit(urljoin("http://site.invalid/", parts.path)).path  # resolves /sgz/. and /sgz/x/..
            return unquote(path[len(prefix):]), unquote(parts.fragment)
        joined = urlsplit(urljoin("http://site.invalid/" + page, url))
        return unquote(joined.path.lstrip("/")), unquote(joined.fragment)
