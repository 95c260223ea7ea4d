"""QR codes for printed signs and the printable poster page (portal.qr, poster.html).

A printed code must hold the absolute URL (site.base_url + the station path);
without base_url the page encodes the relative path and says, visibly, that the
bureau must set base_url before printing.
"""
from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pytest
import segno

from sgz_portal import cli, pipeline
from sgz_portal.pages import qr
from sgz_portal.pages.views import Views
from tests.sitetext import page_html as read
from tests.sitetext import text_of

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "minimal" / "data"
CONFIG = ROOT / "mkdocs.yml"
BASE = "https://www.example.gov.cn/sgz/"


def test_target_is_absolute_only_with_base_url() -> None:
    assert qr.target("stations/xs/", None) == "stations/xs/"
    assert qr.target("stations/xs/", "") == "stations/xs/"
    assert qr.target("stations/xs/", BASE) == "https://www.example.gov.cn/sgz/stations/xs/"
    assert qr.target("stations/xs/", "https://www.example.gov.cn/sgz") == "https://www.example.gov.cn/sgz/stations/xs/"


def test_svg_is_deterministic_inline_and_labelled() -> None:
    one, two = qr.svg(BASE + "stations/xs/", "本站网页二维码"), qr.svg(BASE + "stations/xs/", "本站网页二维码")
    assert one == two
    assert one.startswith('<svg role="img" ') and "xmlns" not in one and "<?xml" not in one  # inline in HTML
    assert f"<title>本站网页二维码:{BASE}stations/xs/</title>" in one
    assert 'width="' not in one.split(">", 1)[0]  # sized by CSS, not by the markup


def test_svg_holds_the_code_segno_makes_for_the_url() -> None:
    """The drawn modules are segno's matrix for the text (error level M: readable with a scuffed sign)."""
    text = BASE + "stations/nanhu-hubin/"
    code = segno.make(text, error="m", micro=False)
    assert code.error == "M"
    size = code.symbol_size(scale=1, border=4)[0]
    assert f'viewBox="0 0 {size} {size}"' in qr.svg(text, "x")
    # one fixed mask (scoring all eight costs 5x the time): same version and size, segno's own drawing
    fixed = segno.make(text, error="m", micro=False, mask=qr.MASK)
    assert fixed.mask == qr.MASK and fixed.version == code.version
    drawn = fixed.svg_inline(scale=1, border=4, dark="#000", light="#fff", title="x:" + text,
                             svgclass="sgz-qr__code", lineclass=None, omitsize=True)
    assert qr.svg(text, "x") == drawn.replace("<svg ", '<svg role="img" ', 1)


def test_svg_escapes_its_label() -> None:
    assert "<title>a&lt;b&amp;c:x</title>" in qr.svg("x", "a<b&c")


def test_poster_url() -> None:
    assert qr.poster_url("xs") == "stations/xs/poster/"
    assert qr.poster_source("xs") == "stations/xs/poster/index.md"


@pytest.fixture(scope="module")
def portal():
    prepared = pipeline.prepare(FIXTURE)
    assert prepared.ok
    return prepared.portal


def test_station_view_qr_follows_base_url(portal) -> None:
    view = Views(portal, []).station("xs")
    assert (view.qr.target, view.qr.absolute, view.poster_url) == ("stations/xs/", False, "stations/xs/poster/")
    hosted = dataclasses.replace(portal, site=dataclasses.replace(portal.site, base_url=BASE))
    view = Views(hosted, []).station("xs")
    assert (view.qr.target, view.qr.absolute) == (BASE + "stations/xs/", True)
    assert BASE + "stations/xs/" in view.qr.svg


def test_poster_view(portal) -> None:
    view = Views(portal, []).poster("xs")
    assert view.station.station.id == "xs" and view.back.url == "stations/xs/"
    assert (view.portal_name, view.publisher) == ("测试市社会工作服务平台", "测试市民政局")


def build(data: Path, site: Path) -> Path:
    assert cli.build(data, site, CONFIG) == 0
    return site


@pytest.fixture(scope="module")
def hosted_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture data with site.base_url set, as a bureau publishes it."""
    data = tmp_path_factory.mktemp("hosted") / "data"
    shutil.copytree(FIXTURE, data)
    with open(data / "site.yaml", "a", encoding="utf-8") as f:
        f.write(f"base_url: {BASE}\n")
    return build(data, tmp_path_factory.mktemp("hosted") / "site")


def test_station_page_shows_qr_note_and_poster_link(demo_site: Path) -> None:
    """The demo data has no base_url: the code holds the relative path, and the page says so."""
    html = read(demo_site, "stations/nanhu-hubin")
    assert '<svg role="img" ' in html and "<title>本站网页二维码:stations/nanhu-hubin/</title>" in html
    assert "请主管部门在 data/site.yaml 中填写网站的完整地址 base_url" in html
    assert '<a href="../../stations/nanhu-hubin/poster/">打印海报</a>' in html


def test_hosted_station_page_encodes_the_absolute_url(hosted_site: Path) -> None:
    html = read(hosted_site, "stations/xs")
    assert f"<title>本站网页二维码:{BASE}stations/xs/</title>" in html
    assert "base_url。" not in html  # no warning once the code is printable


def test_poster_has_everything_the_bulletin_board_needs(hosted_site: Path) -> None:
    html = read(hosted_site, "stations/xs/poster")
    text = text_of(html)
    assert "<!-- template: poster.html -->" in html
    assert '<h1 class="sgz-sign__name">东区小市街道社会工作服务站</h1>' in html  # the full standard name
    assert 'class="sgz-sign__logo"' in html  # the logo slot
    for expected in ("小市街道便民服务中心二楼", "电话 0830-3123456", "投诉电话 0830-12345",
                     "周一至周五 09:00–17:30", "周六 09:00–12:00", "老年人巡访",
                     "测试市社会工作服务平台 · 主办:测试市民政局", f"{BASE}stations/xs/"):
        assert expected in text, expected
    assert f"<title>本站网页二维码:{BASE}stations/xs/</title>" in html
    assert '<meta name="robots" content="noindex">' in html
    assert "data-pagefind-body" not in html  # not a search result of its own


def test_poster_without_base_url_warns(demo_site: Path) -> None:
    assert "请主管部门在 data/site.yaml 中填写网站的完整地址 base_url" in read(demo_site, "stations/nanhu-hubin/poster")


def test_poster_is_not_in_the_navigation(demo_site: Path) -> None:
    for page in ("", "stations", "stations/nanhu-hubin"):
        nav = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>', read(demo_site, page), re.S)
        assert nav and "poster" not in nav.group(0)


def test_every_station_has_a_poster(demo_site: Path, demo_views) -> None:
    for sid in demo_views.p.stations:
        assert (demo_site / "stations" / sid / "poster" / "index.html").is_file(), sid
