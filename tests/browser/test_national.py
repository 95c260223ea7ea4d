"""The whole country, simulated (issue 11 item 6): three small provinces built separately, each
published under its own prefix, and one national search page that federates their pagefind
bundles with mergeIndex, without rebuilding them, finds stations of all three in Chromium."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from sgz_portal import cli, pipeline

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402
import national  # noqa: E402

PROVINCES = ("p1", "p2", "p3")


@pytest.fixture(scope="module")
def country(tmp_path_factory: pytest.TempPathFactory):
    """www/p1, www/p2, www/p3: three provinces' sites (different seeds: different place names), and
    www/national/: the search page over them. Served from www/ on a free port."""
    www = tmp_path_factory.mktemp("country") / "www"
    names: dict[str, list[tuple[str, str]]] = {}
    for seed, prefix in enumerate(PROVINCES, 1):
        data = generate.generate(25, www.parent / f"data-{prefix}", seed=seed)
        assert cli.build(data, www / prefix, ROOT / "mkdocs.yml") == 0
        portal = pipeline.prepare(data).portal
        names[prefix] = [(s.name, s.id) for s in portal.stations.values() if s.level == "township"]
    national.main([str(www / "national"), *(f"/{p}/" for p in PROVINCES)])
    # The national site's own home (sgz-portal serve wants a built site: an index.html at its root).
    (www / "index.html").write_text('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>全国</title>'
                                    '</head><body><a href="national/">全国社工站搜索</a></body></html>\n',
                                    encoding="utf-8")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "sgz_portal", "serve", "--site", str(www), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(url + "national/", timeout=2).close()
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        yield url, names
    finally:
        server.terminate()
        server.wait(timeout=10)


def _search(page, url: str, query: str) -> list[str]:
    page.goto(f"{url}national/?q={quote(query)}")
    page.wait_for_selector('#results[aria-busy="false"]', state="attached")
    return [urlsplit(h).path for h in page.eval_on_selector_all("#results a", "as => as.map(a => a.href)")]


def test_one_national_search_finds_stations_of_every_province(page, country) -> None:
    url, names = country
    for prefix in PROVINCES:
        name, sid = names[prefix][0]
        found = _search(page, url, name)
        assert f"/{prefix}/stations/{sid}/" in found[:5], (name, found[:5])
    # a word every province uses brings results from all three bundles at once
    found = _search(page, url, "社会工作服务站")
    assert {path.split("/")[1] for path in found} == set(PROVINCES), found
