"""The one test that reads data/: whatever a bureau keeps there validates and builds.

Every other test runs on its own fixture data under tests/fixtures/, so a bureau
that replaces the sample with its own data still gets a green `make test`.
"""
from __future__ import annotations

import re
from pathlib import Path

from sgz_portal import pipeline
from sgz_portal.data.issues import errors, report
from sgz_portal.data.schema import SCHEMA_DIR
from sgz_portal.editing.scaffold import schema_for
from sgz_portal.site.build import build

ROOT = Path(__file__).resolve().parents[1]


def test_the_project_data_validates_and_builds(tmp_path: Path) -> None:
    prepared = pipeline.prepare(ROOT / "data")
    assert prepared.ok, report(errors(prepared.issues))
    site = tmp_path / "site"
    assert build(ROOT / "data", site, ROOT / "mkdocs.yml") == 0
    assert (site / "index.html").is_file() and (site / "pagefind" / "pagefind-entry.json").is_file()


def test_schema_headers_in_the_project_data_point_at_the_right_schema() -> None:
    """A `# yaml-language-server: $schema=...` first line, where a file has one, names its own schema."""
    data = ROOT / "data"
    wrong = {}
    for path in sorted(data.rglob("*.yaml")):
        rel = path.relative_to(data)
        first = (path.read_text(encoding="utf-8").splitlines() or [""])[0]
        m = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        if rel.parts[0] != "files" and m and (path.parent / m.group(1)).resolve() != SCHEMA_DIR / schema_for(rel):
            wrong[rel.as_posix()] = m.group(1)
    assert wrong == {}
