"""The editors' guide (guide/) documents every key of every JSON Schema and every message code,
and its links resolve: documentation coverage as datasette tests it."""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from sgz_portal.data.issues import MESSAGES
from sgz_portal.data.load import read_document

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "guide"
SCHEMAS = ROOT / "scripts" / "sgz_portal" / "data" / "schemas"


def schema_keys(node: Any) -> Iterator[str]:
    """Every property name of a schema, walking properties, items, $defs and the rest recursively."""
    if isinstance(node, dict):
        props = node.get("properties")
        if isinstance(props, dict):
            yield from props
        for value in node.values():
            yield from schema_keys(value)
    elif isinstance(node, list):
        for value in node:
            yield from schema_keys(value)


def guide_page(schema: Path) -> Path:
    """guide/<stem>.md, or the plural (project.schema.json -> guide/projects.md)."""
    stem = schema.name.removesuffix(".schema.json")
    for name in (f"{stem}.md", f"{stem}s.md"):
        if (GUIDE / name).is_file():
            return GUIDE / name
    raise AssertionError(f"guide/{stem}.md is missing: every data file has its page in the editors' guide")


SCHEMA_FILES = sorted(SCHEMAS.glob("*.schema.json"))


def test_walker_finds_nested_keys() -> None:
    keys = set(schema_keys(json.loads((SCHEMAS / "stations.schema.json").read_text(encoding="utf-8"))))
    assert {"stations", "id", "hours", "days", "open", "certified", "senior", "note", "crs"} <= keys


@pytest.mark.parametrize("schema", SCHEMA_FILES, ids=lambda p: p.name)
def test_every_schema_key_is_in_its_guide_page(schema: Path) -> None:
    text = guide_page(schema).read_text(encoding="utf-8")
    keys = sorted(set(schema_keys(json.loads(schema.read_text(encoding="utf-8")))))
    missing = [k for k in keys if f"`{k}`" not in text]
    assert missing == [], f"{guide_page(schema).name} does not document {missing} (write each key in backticks)"


@pytest.mark.parametrize("schema", SCHEMA_FILES, ids=lambda p: p.name)
def test_every_guide_page_shows_the_editor_header(schema: Path) -> None:
    text = guide_page(schema).read_text(encoding="utf-8")
    assert "# yaml-language-server: $schema=" in text and f"/schemas/{schema.name}" in text


def test_every_message_code_is_explained() -> None:
    text = (GUIDE / "errors.md").read_text(encoding="utf-8")
    assert [c for c in MESSAGES if f"`{c}`" not in text] == []


def test_contract_files_are_all_covered() -> None:
    index = (GUIDE / "README.md").read_text(encoding="utf-8")
    for name in ("site.yaml", "regions.yaml", "services.yaml", "agencies.yaml", "stations.yaml", "stations/*.yaml",
                 "projects/*.yaml", "plans/*.yaml", "resources.yaml", "rules.yaml", "files/**"):
        assert f"`data/{name}`" in index, name
    for page in ("howto-add-station.md", "howto-monthly-brief.md", "howto-correction.md", "howto-photo.md",
                 "errors.md"):
        assert f"]({page})" in index, page


LINK = re.compile(r"\]\(([^)#\s]+)(#[^)]*)?\)")


@pytest.mark.parametrize("page", sorted(GUIDE.glob("*.md")), ids=lambda p: p.name)
def test_links_resolve(page: Path) -> None:
    targets = [m.group(1) for m in LINK.finditer(page.read_text(encoding="utf-8"))
               if not m.group(1).startswith(("http://", "https://"))]
    assert targets, page
    assert [t for t in targets if not (page.parent / t).exists()] == []


def test_readme_points_to_the_guide_not_the_contract() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](guide/README.md)" in readme
    assert "DATA-CONTRACT.md" not in readme


EXAMPLE = re.compile(r"```yaml\n(# yaml-language-server: \$schema=\S*/(\S+\.schema\.json)\n.*?)```", re.S)


def test_every_full_example_is_valid(tmp_path: Path) -> None:
    """Each page's example file (a yaml block that opens with the schema header) passes its schema."""
    checked = 0
    for page in sorted(GUIDE.glob("*.md")):
        for n, (block, name) in enumerate(EXAMPLE.findall(page.read_text(encoding="utf-8"))):
            if not (SCHEMAS / name).is_file():
                continue  # an optional file whose schema has not landed yet
            path = tmp_path / f"{page.stem}-{n}.yaml"
            path.write_text(block, encoding="utf-8")
            doc, problems = read_document(path, path.name)
            assert doc is not None and problems == [], (page.name, problems)
            if doc.data is None:
                continue  # a header shown on its own
            schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
            found = [e.message for e in Draft202012Validator(schema).iter_errors(doc.data)]
            assert found == [], (page.name, found)
            checked += 1
    assert checked >= 7
