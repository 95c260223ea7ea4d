"""The fixture site's pages match the stored golden copies (regenerate: make update-golden)."""
from __future__ import annotations

import pytest

from sgz_portal import cli
from tests.golden.pages import FIXTURE, ROOT, STORED, render


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    site = tmp_path_factory.mktemp("golden") / "site"
    assert cli.build(FIXTURE, site, ROOT / "mkdocs.yml") == 0
    return render(site)


def test_golden_pages_match(rendered: dict[str, str]) -> None:
    stored = {p.name: p.read_text(encoding="utf-8") for p in sorted(STORED.glob("*.html"))}
    assert sorted(stored) == sorted(rendered), "page list changed: run `make update-golden`"
    for name, text in rendered.items():
        assert text == stored[name], f"{name} differs from tests/golden/minimal/{name}: " \
                                     "if the change is intended, run `make update-golden` and review the diff"


def test_golden_pages_are_not_empty() -> None:
    for path in STORED.glob("*.html"):
        assert "<article" in path.read_text(encoding="utf-8"), path
