"""Province scale (issue 11 item 2): work that is the same on every page is done once, without
changing a byte of the site; text nobody searches stays out of the search index."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from sgz_portal import cli
from tests.configs import project_config
from tests.sitetext import page_html

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "fixtures" / "sample" / "data"


def _digests(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def test_shared_sidebars_give_the_same_site_byte_for_byte(site: Path, tmp_path: Path) -> None:
    """Rendering Material's sidebars once per depth instead of once per page changes nothing."""
    out = tmp_path / "site"
    assert cli.build(DATA, out, project_config(tmp_path, share_templates=False)) == 0
    assert _digests(out) == _digests(site)


def test_station_and_project_pages_index_only_what_residents_search(site: Path) -> None:
    station = page_html(site, "stations/nanhu-hubin")
    for section in ("hours-h", "staff-h", "projects-h", "checklist-h"):
        assert re.search(rf'<section[^>]*aria-labelledby="{section}"[^>]*data-pagefind-ignore', station), section
    assert '<span class="sgz-note" data-pagefind-ignore>' in station  # services' summaries belong to them
    assert '<p class="sgz-maps" data-pagefind-ignore>' in station
    project = page_html(site, "projects/" + next(p.name for p in (site / "projects").iterdir() if p.is_dir()))
    for section in ("ag-h", "tl-h", "ev-h", "ex-h", "rp-h", "at-h"):
        assert re.search(rf'<section[^>]*aria-labelledby="{section}"[^>]*data-pagefind-ignore', project), section


def test_a_village_region_page_is_folded_into_its_station_and_its_url_still_answers(site: Path, views) -> None:
    """A village region with one station would repeat the station's page: it has none of its own,
    links go to the station, and the old URL (maybe printed) redirects there."""
    standins = views.standins
    assert standins, "the sample has village regions with one station each"
    for code, sid in standins.items():
        html = page_html(site, f"regions/{code}")
        assert f'<meta http-equiv="refresh" content="0; url=../../stations/{sid}/">' in html
        assert f'<a href="../../stations/{sid}/">' in html
        assert (site / "stations" / sid / "index.html").is_file()
    stubs = {f"regions/{code}/" for code in standins}
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' not in text:
            assert not any(f'{stub}"' in text for stub in stubs), f"{path} links to a redirect"
    kept = [c for c, r in views.p.regions.items() if c not in standins]
    assert all((site / "regions" / c / "index.html").read_text(encoding="utf-8").count("refresh") == 0 for c in kept)
