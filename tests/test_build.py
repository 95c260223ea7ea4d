"""The build as a bureau runs it: content of a sample station page, safety of
data-driven HTML, byte-identical rebuilds, and a failed build that publishes nothing."""
from __future__ import annotations

import gc
import gzip
import re
import shutil
from pathlib import Path

import cbor2

from sgz_portal import cli
from sgz_portal.site import shards
from sgz_portal.site.plugin import PortalPlugin
from tests.sitetext import digest, text_of
from tests.sitetext import page_html as page

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "fixtures" / "sample" / "data"  # a copy of the sample: tests never read data/
CONFIG = ROOT / "mkdocs.yml"


def build(data: Path, site: Path) -> int:
    return cli.build(data, site, CONFIG)


def pagefind_file(path: Path):
    """A pagefind index file read as pagefind documents it: gzip, a signature, then one CBOR item."""
    data = gzip.decompress(path.read_bytes())
    assert data.startswith(b"pagefind_dcd")
    return cbor2.loads(data.removeprefix(b"pagefind_dcd"))



def test_station_page_shows_what_a_resident_needs(site: Path) -> None:
    html = page(site, "stations/dongcheng-qingshi")
    text = text_of(html)
    assert '<h1 class="sgz-sign__name" data-pagefind-meta="title">东城区青石街道社会工作服务站</h1>' in html
    assert 'href="tel:0830-3111171"' in html and 'href="tel:0830-3112345"' in html  # phone, complaint phone
    assert "东城区青石街道白塔路16号青石街道便民服务中心二楼" in text
    assert "周一至周五 08:30–12:00" in text and "周六 09:00–12:00" in text
    assert "示例市东城区同心社会工作服务中心" in text  # operator
    assert "持证社工 3 名" in text
    assert "老年人巡访关爱" in text  # a service it offers, linked
    assert 'href="../../services/elderly-visit/"' in html
    assert "青石街道社会工作服务站运营项目(2025年度)" in text
    assert "2024年省级示范点" in text
    assert "<!-- template: station.html -->" in html
    assert "演示数据" in html  # the demo banner on every page


def test_generated_pages_stay_out_of_navigation(site: Path) -> None:
    html = page(site, "stations/dongcheng-qingshi")
    nav = html.split('data-md-type="navigation"', 1)[1].split("</nav>", 1)[0]
    assert "stations/dongcheng-qingshi/" not in nav
    assert "stations/nanhu-hubin/" not in nav


def test_every_contract_url_exists(site: Path) -> None:
    for path in ["stations/beiling-maan", "services/elderly-visit", "projects/nanhu-hubin-2026",
                 "regions/990101", "regions/990101001", "agencies/qihang", "search", "data"]:
        assert (site / path / "index.html").is_file(), path


def test_attachments_are_published(site: Path) -> None:
    assert (site / "files/dongcheng-qingshi/2025-agreement.pdf").read_bytes().startswith(b"%PDF")


def test_links_are_relative_so_a_subfolder_works(site: Path) -> None:
    html = page(site, "stations/dongcheng-qingshi")
    assert not re.search(r'(?:href|src)="/(?!/)', html), "root-absolute link breaks sub-folder hosting"


def test_rebuild_is_byte_identical(site: Path, tmp_path: Path) -> None:
    again = tmp_path / "site"
    assert build(DATA, again) == 0
    assert digest(again) == digest(site)


def test_search_index_files_are_canonical(site: Path) -> None:
    [meta] = (site / "pagefind").glob("pagefind.*.pf_meta")
    filters = pagefind_file(meta)[3]
    assert [name for name, _ in filters] == sorted(name for name, _ in filters)
    for _, file_hash in filters:
        key, values = pagefind_file(site / "pagefind" / "filter" / f"{file_hash}.pf_filter")
        assert [v[0] for v in values] == sorted(v[0] for v in values)


def copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def test_markdown_from_data_cannot_run_script(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    path = data / "stations" / "dongcheng.yaml"
    text = path.read_text(encoding="utf-8")
    evil = ("<script>alert(1)</script> [点我](javascript:alert(2)) <img src=x onerror=alert(3)> "
            "[政府网](https://www.gov.cn/)")
    marker = "    description: |\n"
    assert marker in text
    path.write_text(text.replace(marker, marker + f"      {evil}\n\n", 1), encoding="utf-8")
    out = tmp_path / "site"
    assert build(data, out) == 0
    htmls = "".join(p.read_text(encoding="utf-8") for p in (out / "stations").rglob("index.html"))
    assert "<script>alert(1)" not in htmls and "javascript:" not in htmls
    assert "<img src=x" not in htmls and "onerror=alert" not in htmls.replace("&lt;img src=x onerror=alert", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in htmls  # shown as text, harmless
    assert 'href="https://www.gov.cn/"' in htmls


def test_failed_build_publishes_nothing_and_keeps_old_site(tmp_path: Path, capsys) -> None:
    data = copy_data(tmp_path)
    out = tmp_path / "site"
    assert build(data, out) == 0
    before = digest(out)
    agencies = data / "agencies.yaml"
    agencies.write_text(agencies.read_text(encoding="utf-8").replace("id: linli", "id: linli2"),
                        encoding="utf-8")
    assert build(data, out) == 1
    err = capsys.readouterr().err
    assert "找不到运营机构“linli”" in err or "找不到承接机构“linli”" in err
    assert "Traceback" not in err
    assert digest(out) == before
    assert not list(tmp_path.glob(".site-new-*")), "staging folder left behind"


def test_personal_information_blocks_the_build(tmp_path: Path, capsys) -> None:
    data = copy_data(tmp_path)
    project = data / "projects" / "nanhu-hubin-2026.yaml"
    text = project.read_text(encoding="utf-8")
    project.write_text(text.replace("title: ", "title: 联系人13912345678 ", 1), encoding="utf-8")
    out = tmp_path / "site"
    assert build(data, out) == 1
    err = capsys.readouterr().err
    assert "data/projects/nanhu-hubin-2026.yaml:" in err and "139****5678" in err
    assert not out.exists()


def test_as_of_from_environment(monkeypatch, capsys) -> None:
    monkeypatch.setenv("PORTAL_AS_OF", "2025-03-01")
    assert cli.check(DATA) == 0
    out = capsys.readouterr().out
    assert "判定日期:2025-03-01" in out
    monkeypatch.setenv("PORTAL_AS_OF", "2025-13-01")
    assert cli.check(DATA) == 1
    assert "PORTAL_AS_OF" in capsys.readouterr().out


def test_nothing_is_escaped_twice(site: Path) -> None:
    """Autoescaping is on for every template: what Python already made as HTML (rendered Markdown,
    page content, toc titles, charts, QR codes) is marked as such, so no entity shows up escaped again."""
    twice = re.compile(r"&amp;(amp|lt|gt|quot|#\d+|#x[0-9a-f]+);", re.I)
    for path in site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert not twice.search(html), f"{path.relative_to(site)}: {twice.search(html)}"
        assert "&lt;svg" not in html and "&lt;p&gt;" not in html and "&lt;a href" not in html, path
    station = page(site, "stations/dongcheng-qingshi")
    assert "<svg" in station and 'role="img"' in station  # the QR code, as SVG
    assert '<svg class="sgz-chart"' in page(site, "statistics")


def test_the_model_is_frozen_out_of_cycle_collections_while_pages_render(tmp_path: Path, monkeypatch) -> None:
    """What prepare() made is frozen (gc.freeze) while mkdocs renders, with the collector on; the
    collector is off while the search index is made; and the build leaves the collector as it
    found it: nothing frozen, still enabled."""
    seen: dict[str, tuple[int, bool]] = {}
    on_files, index = PortalPlugin.on_files, shards.index

    def seeing_files(self, files, *, config):
        seen["render"] = (gc.get_freeze_count(), gc.isenabled())
        return on_files(self, files, config=config)

    def seeing_index(*args, **kwargs):
        seen["search"] = (gc.get_freeze_count(), gc.isenabled())
        return index(*args, **kwargs)

    monkeypatch.setattr(PortalPlugin, "on_files", seeing_files)
    monkeypatch.setattr(shards, "index", seeing_index)
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    assert build(copy_data(tmp_path), tmp_path / "site") == 0
    assert seen["render"][0] > 10_000 and seen["render"][1]
    assert seen["search"][0] > 10_000 and not seen["search"][1]
    assert gc.get_freeze_count() == 0 and gc.isenabled()
