"""Light pages: a station page's first visit costs at most 150 KB (search index excluded),
measured from Chromium's network log; nothing is fetched from another host; share
metadata is there; `portal serve` compresses text like a real web server."""
from __future__ import annotations

import gzip
import http.client
import urllib.parse
from pathlib import Path

import pytest

from sgz_portal.site.serve import accepts_gzip

BUDGET = 150_000  # bytes on the wire, headers included
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
KINDS = ["home", "directory", "station", "service", "project", "search", "disclosure"]


def _first_visit(browser, url: str) -> list[tuple[str, int]]:
    """(url, bytes received) for every response of a cold visit, from CDP Network.loadingFinished."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 812})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    urls: dict[str, str] = {}
    sizes: dict[str, int] = {}
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])))
    page.goto(url, wait_until="networkidle")
    context.close()
    return sorted((urls[r], n) for r, n in sizes.items() if r in urls)


def _on_disk(built_site: Path, site_url: str, url: str) -> int:
    path = urllib.parse.urlsplit(url).path[len(urllib.parse.urlsplit(site_url).path):]
    file = built_site / urllib.parse.unquote(path)
    return (file / "index.html" if path.endswith("/") or not path else file).stat().st_size


def test_station_first_visit_is_light(browser, site_url, sample_pages, built_site):
    log = [(u, n) for u, n in _first_visit(browser, site_url + sample_pages["station"]) if "/pagefind/" not in u]
    wire = sum(n for _, n in log)
    raw = sum(_on_disk(built_site, site_url, u) for u, _ in log)
    lines = [f"{n:>8} {_on_disk(built_site, site_url, u):>8}  {u[len(site_url):] or '/'}" for u, n in log]
    report = "\n".join(["   wire      raw  (station page, cold cache)", *lines, f"{wire:>8} {raw:>8}  total"])
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "weight.txt").write_text(report + "\n", encoding="utf-8")
    print(report)
    assert not any("bundle." in u for u, _ in log), "Material's bundle.js is not needed"
    assert wire <= BUDGET, report


@pytest.mark.parametrize("kind", KINDS)
def test_no_request_leaves_the_site(browser, site_url, sample_pages, built_site, kind):
    if not (built_site / sample_pages[kind].split("?")[0]).exists():
        pytest.skip(f"{sample_pages[kind]} 尚未生成")
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    page.goto(site_url + sample_pages[kind], wait_until="networkidle")
    if kind == "search":
        page.wait_for_selector("#sgz-results li", timeout=15_000)
    context.close()
    host = urllib.parse.urlsplit(site_url).netloc
    outside = [u for u in seen if not u.startswith("data:") and urllib.parse.urlsplit(u).netloc != host]
    assert seen and not outside, outside


@pytest.mark.parametrize("kind", ["home", "directory", "station", "service", "project", "search"])
def test_share_metadata(page, site_url, sample_pages, kind):
    page.goto(site_url + sample_pages[kind])
    meta = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('meta[property^="og:"], meta[name=description]')]
        .map(m => [m.getAttribute('property') || m.getAttribute('name'), m.content]))""")
    assert page.title().strip()
    assert all(meta.get(k, "").strip() for k in ("og:title", "og:description", "og:image", "description")), meta
    image = urllib.parse.urljoin(page.url, meta["og:image"])
    response = page.request.get(image)
    assert response.ok and response.body()[:8] == b"\x89PNG\r\n\x1a\n", image


def _get(site_url: str, path: str, encoding: str | None, method: str = "GET") -> http.client.HTTPResponse:
    parts = urllib.parse.urlsplit(site_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request(method, parts.path + path, headers={"Accept-Encoding": encoding} if encoding else {})
    response = conn.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    conn.close()
    return response


def test_serve_gzips_text_for_browsers_that_accept_it(site_url, sample_pages, built_site):
    path = sample_pages["station"]
    original = (built_site / path / "index.html").read_bytes()
    zipped = _get(site_url, path, "gzip, deflate, br")
    assert zipped.getheader("Content-Encoding") == "gzip" and zipped.getheader("Vary") == "Accept-Encoding"
    assert gzip.decompress(zipped.body) == original and len(zipped.body) < len(original) / 2
    assert int(zipped.getheader("Content-Length")) == len(zipped.body)
    assert _get(site_url, path, "gzip").body == zipped.body, "same file, same bytes"
    for refused in (None, "identity", "gzip;q=0"):
        plain = _get(site_url, path, refused)
        assert plain.getheader("Content-Encoding") is None and plain.body == original, refused


def test_serve_leaves_images_redirects_and_errors_alone(site_url, sample_pages):
    png = _get(site_url, "assets/share.png", "gzip")
    assert png.status == 200 and png.getheader("Content-Encoding") is None and png.body[:4] == b"\x89PNG"
    station = sample_pages["station"].rstrip("/")
    assert _get(site_url, station, "gzip").status == 301
    assert _get(site_url, station + "/index.html/", "gzip").status == 404
    assert _get(site_url, "no-such-file.css", "gzip").status == 404
    head = _get(site_url, sample_pages["station"], "gzip", method="HEAD")
    assert head.status == 200 and head.body == b"" and head.getheader("Content-Encoding") == "gzip"


@pytest.mark.parametrize("header, expected", [
    ("gzip, deflate, br, zstd", True), ("br;q=1.0, gzip;q=0.8", True), ("*", True), ("GZIP", True),
    ("", False), ("identity", False), ("deflate, br", False), ("gzip;q=0", False), ("gzip; q=0.000", False)])
def test_accepts_gzip(header, expected):
    assert accepts_gzip(header) is expected
