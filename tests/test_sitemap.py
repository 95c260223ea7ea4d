"""Sitemaps crawlers accept (issue 11 item 5, issue 9 item 3): an index of files of at most
`sitemap_max_urls` URLs each, absolute URLs that answer when the site is served at base_url,
deterministic; and no sitemap at all without base_url."""
from __future__ import annotations

import datetime as dt
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sgz_portal import cli
from sgz_portal.site.sitemap import sitemaps
from tests.configs import project_config

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "fixtures" / "sample" / "data"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
MAX = 7  # small, so that the sample's pages fill several files
PREFIX = "/sgz/"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _data_with_base_url(tmp: Path, base_url: str) -> Path:
    data = tmp / "data"
    shutil.copytree(DATA, data)
    site_yaml = data / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + f"base_url: {base_url}\n", encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def hosted(tmp_path_factory: pytest.TempPathFactory):
    """The sample with base_url = where it is then served (under /sgz/), built with MAX URLs per file."""
    tmp = tmp_path_factory.mktemp("sitemap")
    port = _free_port()
    base = f"http://127.0.0.1:{port}{PREFIX}"
    data, config = _data_with_base_url(tmp, base), project_config(tmp, sitemap_max_urls=MAX)
    site = tmp / "site"
    assert cli.build(data, site, config) == 0
    server = subprocess.Popen([sys.executable, "-m", "sgz_portal", "serve", "--site", str(site),
                               "--port", str(port), "--prefix", PREFIX],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base, timeout=2).close()
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        yield site, base, data, config
    finally:
        server.terminate()
        server.wait(timeout=10)


def _locs(path: Path, tag: str) -> list[str]:
    root = ET.parse(path).getroot()
    assert root.tag == f"{{{NS['s']}}}{tag}"
    return [e.text or "" for e in root.findall(f"s:{'sitemap' if tag == 'sitemapindex' else 'url'}/s:loc", NS)]


def test_no_sitemap_without_base_url(site: Path) -> None:
    assert not list(site.glob("sitemap*")), "without base_url a sitemap could only be empty or relative"


def test_sitemap_index_splits_into_files_of_at_most_max_urls(hosted) -> None:
    site, base, _, _ = hosted
    parts = _locs(site / "sitemap.xml", "sitemapindex")
    assert len(parts) >= 3
    assert parts == [f"{base}sitemap-{n}.xml" for n in range(1, len(parts) + 1)]
    urls: list[str] = []
    for n in range(1, len(parts) + 1):
        chunk = _locs(site / f"sitemap-{n}.xml", "urlset")
        assert 1 <= len(chunk) <= MAX
        urls += chunk
    assert urls == sorted(set(urls)), "sorted, no duplicates: same data, same files"
    assert not (site / "sitemap.xml.gz").exists() and not (site / f"sitemap-{len(parts) + 1}.xml").exists()
    # every page a resident can open is listed; posters (print copies of station pages) and redirects are not
    pages = {p.parent.relative_to(site).as_posix() for p in site.rglob("index.html")
             if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")} - {"."}  # not redirect stubs
    expected = {f"{base}{p}/" for p in pages if not p.endswith("/poster")} | {base}
    assert set(urls) == expected
    assert all(u.startswith(base) for u in urls)


def test_every_sitemap_url_answers_at_base_url(hosted) -> None:
    site, base, _, _ = hosted
    urls = [u for n in range(1, 100) if (site / f"sitemap-{n}.xml").exists()
            for u in _locs(site / f"sitemap-{n}.xml", "urlset")]
    urls += _locs(site / "sitemap.xml", "sitemapindex")
    for url in urls:
        with urllib.request.urlopen(url, timeout=10) as answer:
            assert answer.status == 200, url


def test_sitemaps_are_deterministic(hosted, tmp_path: Path) -> None:
    site, _, data, config = hosted
    again = tmp_path / "site"
    assert cli.build(data, again, config) == 0
    for path in site.glob("sitemap*.xml"):
        assert (again / path.name).read_bytes() == path.read_bytes(), path.name


def test_sitemap_files_at_the_protocol_limit() -> None:
    day = dt.date(2026, 10, 31)
    paths = [f"stations/s{i:06d}/" for i in range(50_001)]
    files = sitemaps(paths, "https://www.example.gov.cn/sgz/", day)
    assert sorted(files) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap.xml"]
    assert files["sitemap-1.xml"].count("<url>") == 50_000 and files["sitemap-2.xml"].count("<url>") == 1
    assert "<loc>https://www.example.gov.cn/sgz/sitemap-2.xml</loc>" in files["sitemap.xml"]
    assert sitemaps(paths, None, day) == {}
    assert sitemaps(["a&b/"], "https://x.example/", day)["sitemap-1.xml"].count("a&amp;b/") == 1
