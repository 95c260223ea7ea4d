"""The search index: cbor2 reads and writes pagefind's own files byte for byte, damaged files are refused,
and the re-sorting refuses an index written by any pagefind other than the pinned one."""
from __future__ import annotations

import gzip
import importlib.metadata
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import cbor2
import pytest

from sgz_portal import cli
from sgz_portal.pages.searchterms import HAN
from sgz_portal.site import search

ROOT = Path(__file__).resolve().parents[1]
SIGNATURE = b"pagefind_dcd"  # pagefind's own marker at the start of every index file


@pytest.fixture(scope="module")
def raw_bundle(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pagefind's own output for the built sample site, before any re-sorting."""
    copy = tmp_path_factory.mktemp("raw") / "site"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("pagefind"))
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(copy), "--silent"], check=True)
    return copy / "pagefind"


def index_files(bundle: Path) -> list[Path]:
    return sorted([*bundle.glob("*.pf_meta"), *bundle.glob("filter/*.pf_filter")])


def test_cbor2_round_trips_pagefinds_own_files(raw_bundle: Path) -> None:
    files = index_files(raw_bundle)
    assert len(files) > 5  # the meta file and one file per filter (county, level, domain, group...)
    for path in files:
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(SIGNATURE), path.name
        payload = data[len(SIGNATURE):]
        assert cbor2.dumps(cbor2.loads(payload)) == payload, path.name


def test_our_reader_reads_what_pagefind_wrote(raw_bundle: Path) -> None:
    for path in index_files(raw_bundle):
        assert search.read_index_file(path) == cbor2.loads(gzip.decompress(path.read_bytes())[len(SIGNATURE):])


def test_canonical_files_are_pagefind_files_too(site: Path) -> None:
    """What canonicalize writes keeps pagefind's framing (gzip, signature, one CBOR item)."""
    for path in index_files(site / "pagefind"):
        payload = gzip.decompress(path.read_bytes()).removeprefix(SIGNATURE)
        assert cbor2.dumps(cbor2.loads(payload)) == payload, path.name


@pytest.mark.parametrize("damage", ["truncated", "trailing", "not_gzip", "no_signature"])
def test_a_damaged_index_file_is_refused(raw_bundle: Path, tmp_path: Path, damage: str) -> None:
    [meta] = raw_bundle.glob("*.pf_meta")
    data = gzip.decompress(meta.read_bytes())
    broken = {
        "truncated": gzip.compress(data[: len(data) - 3]),
        "trailing": gzip.compress(data + b"\x00"),
        "not_gzip": meta.read_bytes()[:-4],
        "no_signature": gzip.compress(data[len(SIGNATURE):]),
    }[damage]
    path = tmp_path / meta.name
    path.write_bytes(broken)
    with pytest.raises(search.SearchIndexError, match=r"搜索索引文件"):
        search.read_index_file(path)


def test_canonicalize_refuses_another_pagefind_version(raw_bundle: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "pagefind"
    shutil.copytree(raw_bundle, bundle)
    entry = bundle / "pagefind-entry.json"
    written = json.loads(entry.read_text(encoding="utf-8"))
    assert written["version"] == "1.5.2"  # what the pinned pagefind writes
    before = {p.name: p.read_bytes() for p in bundle.rglob("*") if p.is_file()}
    entry.write_text(json.dumps({**written, "version": "1.6.0"}), encoding="utf-8")
    with pytest.raises(search.SearchIndexError) as caught:
        search.canonicalize(bundle)
    message = str(caught.value)
    assert "1.6.0" in message and "1.5.2" in message and re.search(r"[\u4e00-\u9fff]", message)
    after = {p.name: p.read_bytes() for p in bundle.rglob("*") if p.is_file() and p.name != entry.name}
    assert after == {k: v for k, v in before.items() if k != entry.name}  # nothing touched


def test_a_refused_index_fails_the_build_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(search, "PAGEFIND_VERSION", "0.0.0")
    out = tmp_path / "site"
    assert cli.build(ROOT / "tests" / "fixtures" / "minimal" / "data", out, ROOT / "mkdocs.yml") == 1
    err = capsys.readouterr().err
    assert "生成网站失败" in err and "本程序只支持 0.0.0" in err and "Traceback" not in err
    assert not out.exists()


def test_the_supported_version_is_the_pinned_one() -> None:
    pins = dict(line.split("==") for line in (ROOT / "constraints.txt").read_text().splitlines()
                if "==" in line and not line.startswith("#"))
    assert pins["pagefind"] == pins["pagefind_bin_extended"] == search.PAGEFIND_VERSION
    assert importlib.metadata.version("pagefind") == search.PAGEFIND_VERSION


# -- one filter file per value, and the list of choices (site/search.py) ---------------------------

def _declared_filters(site: Path) -> dict[str, set[str]]:
    """Every filter value a built page declares in its HTML."""
    declared: dict[str, set[str]] = {}
    for page in site.rglob("*.html"):
        for name, value in re.findall(r'data-pagefind-filter="([a-z]+)">([^<]*)<', page.read_text(encoding="utf-8")):
            declared.setdefault(name, set()).add(value.strip())
    return declared


def test_every_filter_value_has_its_own_file(site: Path) -> None:
    """Choosing 残疾人 must load the page list of 残疾人 only, not of every group."""
    bundle = site / "pagefind"
    [meta_file] = bundle.glob("*.pf_meta")
    listed = search.read_index_file(meta_file)[3]
    assert listed == sorted(listed) and len(listed) > 10
    for name, file_hash in listed:
        key, values = search.read_index_file(bundle / "filter" / f"{file_hash}.pf_filter")
        assert key == name and len(values) == 1
        value, pages = values[0]
        assert name == f"{key.split(search.FILTER_SEP, 1)[0]}{search.FILTER_SEP}{value}" and pages
    assert {name for name, _ in listed} == {f"{f}={v}" for f, vs in _declared_filters(site).items() for v in vs}


def test_the_list_of_choices_is_what_the_pages_declare(site: Path) -> None:
    listed = json.loads((site / "pagefind" / search.FILTER_LIST).read_text(encoding="utf-8"))
    assert {name: set(values) for name, values in listed.items()} == _declared_filters(site)
    assert all(values == sorted(values) for values in listed.values())
    assert set(listed) == {"county", "level", "domain", "group", "type"}


def _indexed(site: Path) -> dict[str, dict]:
    """Each indexed page's fragment by URL, its text without pagefind's word breaks."""
    fragments = {}
    for path in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        fragment = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        fragment["content"] = fragment["content"].replace("\u200b", "")
        fragments[fragment["url"]] = fragment
    return fragments


def test_service_pages_index_what_the_service_is_not_who_offers_it(site: Path) -> None:
    """A service page lists its stations for reading, but they are not indexed: at province scale
    the list made it 77,000 words long, buried it under stations for its own name and made its
    search result 64 KB."""
    fragments = {url: f["content"] for url, f in _indexed(site).items()}
    services = {url: text for url, text in fragments.items() if url.startswith("/services/") and url != "/services/"}
    assert services
    for url, text in services.items():
        html = (site / url.strip("/") / "index.html").read_text(encoding="utf-8")
        where = html.split('aria-labelledby="where-h"', 1)[1].split("</section>", 1)[0]
        offered_by = re.findall(r'<a href="[^"]*stations/[^"]+">([^<]+)</a>', where)
        assert offered_by, url  # the page does list its stations
        assert not [name for name in offered_by if name in text], url


def test_station_pages_index_what_the_station_is_not_what_it_offers(site: Path) -> None:
    """A station page lists its services and shows its level for reading, but neither is indexed
    (both are filters): at province scale the service names put 社区 and 儿童 on nearly every
    station, made a later query fetch 167 KB and pushed a service's own page below the stations
    offering it. Its places and community organisations still find it (search forms); the groups and
    domains of its services do not."""
    stations = {url: f for url, f in _indexed(site).items() if url.startswith("/stations/") and url != "/stations/"}
    assert len(stations) > 20
    checked = 0
    for url, fragment in stations.items():
        html = (site / url.strip("/") / "index.html").read_text(encoding="utf-8")
        before, after = html.split('aria-labelledby="services-h"', 1)
        listed, after = after.split("</section>", 1)
        offered = re.findall(r'<a href="[^"]*services/[^"]+">([^<]+)</a>', listed)
        level = re.search(r'<p class="sgz-level">(?:<span[^>]*>)?([^<]+)<', html)[1]
        elsewhere = before + after  # a description may name a service: that is the station's own text
        text, forms = fragment["content"], fragment["meta"]["more"].split()
        assert level not in text, url
        # nor its service commitments, the same few phrases on every station (首问负责: 41 KB of
        # index that every query for 调解 fetched on a province)
        assert "首问负责" not in text, url
        for name in offered:
            if name not in elsewhere:
                assert name not in text and name not in forms, (url, name)
                checked += 1
    assert checked > 50
    qingshi = stations["/stations/dongcheng-qingshi/"]["meta"]["more"].split()
    assert "银发互助会" in qingshi  # an organisation it works with
    # nor the groups and domains of its services: on a province a group's name matched 22,000 stations
    assert not {"老年人", "老人", "年人", "养老服务", "老服务"} & set(qingshi)


def test_station_pages_index_their_own_name_not_the_stations_and_agency_they_link_to(site: Path) -> None:
    """The parent station, the stations below and the operating agency are links for reading: indexed,
    a county hub's 17 township names and every station's agency made the hub a long page that
    matched every township's name, and put it below its townships for the county's own name
    (province recall). Each is found through its own page."""
    stations = {url: f["content"] for url, f in _indexed(site).items() if url.startswith("/stations/") and url != "/stations/"}
    linked = 0
    for url, text in stations.items():
        html = (site / url.strip("/") / "index.html").read_text(encoding="utf-8")
        names = re.findall(r'<dt>(?:上级站点|运营机构)</dt><dd[^>]*><a href="[^"]*">([^<]+)</a>', html)
        if 'aria-labelledby="children-h"' in html:
            below = html.split('aria-labelledby="children-h"', 1)[1].split("</section>", 1)[0]
            names += re.findall(r'<a href="[^"]*stations/[^"]+">([^<]+)</a>', below)
        forms = re.findall(r'data-pagefind-meta="(?:name|more)">([^<]*)<', html)
        for name in set(names):
            # named only where it links, and in the search forms (which never reach the page text)
            if html.count(name) == names.count(name) + sum(f.split().count(name) for f in forms):
                assert name not in text, (url, name)
                linked += 1
    assert linked > 40


def test_a_station_carries_its_place_as_a_word_of_its_own(site: Path) -> None:
    """北岭县社会工作服务总站 stands for 北岭县: the place's forms stay whole in the name field, so that
    a query for the county ranks its hub above the stations whose longer names begin with it
    (searchterms.index_terms, `place`)."""
    hub = _indexed(site)["/stations/beiling/"]["meta"]["name"].split()
    assert {"北岭县", "岭县", "县", "北岭县社会工作服务总站"} <= set(hub)


def test_a_project_title_finds_the_project_without_ranking_it_as_a_name(site: Path) -> None:
    """Titles repeat their station's name (××街道社会工作服务站运营项目): as names, a county's 17 projects
    outranked its hub for the county's name (province recall). They find the project from `more`."""
    projects = {url: f for url, f in _indexed(site).items() if url.startswith("/projects/") and url.count("/") == 3}
    assert len(projects) > 3
    for url, fragment in projects.items():
        assert not fragment["meta"].get("name", "").split(), url
        words = HAN.findall(fragment["meta"]["title"])  # forms stop at （）
        assert words and words[0] in fragment["meta"]["more"].split(), url


def test_agency_pages_index_what_the_agency_is_not_what_it_runs(site: Path) -> None:
    """An agency page lists its stations and projects for reading; indexed, a county agency's 200
    station names put it above a village's own page for the village's name (province recall)."""
    agencies = {url: f["content"] for url, f in _indexed(site).items() if url.startswith("/agencies/") and url != "/agencies/"}
    assert agencies
    checked = 0
    for url, text in agencies.items():
        html = (site / url.strip("/") / "index.html").read_text(encoding="utf-8")
        for heading in ("st-h", "pr-h"):
            listed = html.split(f'aria-labelledby="{heading}"', 1)[1].split("</section>", 1)[0]
            for name in re.findall(r'<a href="[^"]*">([^<]+)</a>', listed):
                assert name not in text, (url, name)
                checked += 1
    assert checked > 10
