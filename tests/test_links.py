"""No broken link or anchor on any page: the sample (with and without base_url) and the
benchmark's generated 86-station data. The crawler is tests/linkcheck.py."""
from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest

from sgz_portal import cli
from sgz_portal.data.model import Domain
from sgz_portal.pages.views import Views
from tests.conftest import CONFIG, DATA, HOSTED_BASE, ROOT
from tests.linkcheck import Site

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate


@pytest.fixture(scope="module")
def bench_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """bench/generate.py's data for 86 stations (seed 1), built without base_url."""
    base = tmp_path_factory.mktemp("bench86")
    data = generate(86, base / "data", 1)
    assert cli.build(data, base / "site", CONFIG) == 0
    return base / "site"


def test_sample_has_no_broken_link_or_anchor(site: Path) -> None:
    checker = Site(site)
    assert len(checker.pages()) > 200
    assert checker.problems() == []


def test_hosted_sample_has_no_broken_link_or_anchor(hosted_demo_site: Path) -> None:
    """With base_url, absolute and root-based links (the 404 page's) must land inside the site."""
    assert Site(hosted_demo_site, HOSTED_BASE).problems() == []


def test_generated_86_stations_have_no_broken_link_or_anchor(bench_site: Path) -> None:
    checker = Site(bench_site)
    assert len(list(bench_site.glob("stations/*/index.html"))) >= 86
    assert checker.problems() == []


def test_the_crawler_finds_what_breaks(tmp_path: Path) -> None:
    """The checker itself: each kind of broken reference is reported, good ones are not."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<h2 id="x">x</h2><a name="old"></a>', encoding="utf-8")
    (tmp_path / "style.css").write_text("", encoding="utf-8")
    (tmp_path / "index.html").write_text(
        '<link href="style.css"><a href="a/">ok</a><a href="a/#x">ok</a><a href="a/#old">ok</a>'
        '<a href="tel:123">ok</a><a href="https://other.example/">ok</a><a href="a/?q=1#x">ok</a>'
        '<a href="b/">missing</a><a href="a/#y">no anchor</a><a href="//stations/">protocol</a>'
        '<img src="/logo.svg"><a href="#top">no anchor here</a>', encoding="utf-8")
    found = Site(tmp_path).problems()
    flagged = sorted(f.split("=", 1)[1].split(">:")[0] for f in found)
    assert flagged == sorted(["'b/'", "'a/#y'", "'//stations/'", "'#top'", "'/logo.svg'"]), found
    hosted = Site(tmp_path, "https://x.example/sgz/")
    (tmp_path / "index.html").write_text('<a href="/sgz/a/#x">ok</a><a href="https://x.example/sgz/b/">missing</a>'
                                         '<a href="/other/">outside</a>', encoding="utf-8")
    assert len(hosted.problems()) == 2


def test_home_links_only_domains_that_have_services(views: Views) -> None:
    """A domain without services has no section in the catalogue: the home page does not offer it."""
    portal = views.p
    empty = Domain("empty-domain", "没有服务的领域")
    with_empty = dataclasses.replace(portal, domains={**portal.domains, empty.id: empty})
    domains = Views(with_empty, []).home().domains
    assert "services/#empty-domain" not in [d.url for d in domains]
    assert len(domains) == sum(1 for d in portal.domains if portal.services_by_domain.get(d)) > 0


def test_no_404_page_without_base_url(site: Path) -> None:
    """A server shows 404.html at any depth: without the site's address its links cannot work."""
    assert not (site / "404.html").exists()


def test_hosted_404_page_links_from_any_depth(hosted_demo_site: Path) -> None:
    html = (hosted_demo_site / "404.html").read_text(encoding="utf-8")
    for href in ('href="/sgz/stations/"', 'href="/sgz/services/"', 'href="/sgz/search/"', 'href="/sgz/"',
                 'href="/sgz/assets/portal.css"'):
        assert href in html, href
    assert 'href="//' not in html and "src=\"//" not in html


def test_check_says_in_one_line_what_needs_base_url(capsys: pytest.CaptureFixture[str]) -> None:

    assert cli.main(["--data", str(DATA), "check"]) == 0
    lines = [ln for ln in capsys.readouterr().out.splitlines() if "base_url" in ln]
    assert len(lines) == 1
    for feature in ("404 页面", "站点地图", "二维码", "订阅源"):
        assert feature in lines[0], feature
