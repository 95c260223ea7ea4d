"""The one test that reads data/: whatever a bureau keeps there validates and builds.

Every other test runs on its own fixture data under tests/fixtures/, so a bureau
that replaces the sample with its own data still gets a green `make test`.
"""
from __future__ import annotations

from pathlib import Path

from sgz_portal import pipeline
from sgz_portal.data.issues import errors, report
from sgz_portal.site.build import build

ROOT = Path(__file__).resolve().parents[1]


def test_the_project_data_validates_and_builds(tmp_path: Path) -> None:
    prepared = pipeline.prepare(ROOT / "data")
    assert prepared.ok, report(errors(prepared.issues))
    site = tmp_path / "site"
    assert build(ROOT / "data", site, ROOT / "mkdocs.yml") == 0
    assert (site / "index.html").is_file() and (site / "pagefind" / "pagefind-entry.json").is_file()
