"""Editing a copy of fixture data in a test: one helper, shared by the test modules."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINIMAL = FIXTURES / "minimal" / "data"
SAMPLE = FIXTURES / "sample" / "data"


def edit(data: Path, name: str, old: str, new: str, count: int = 1) -> None:
    """Replace `old` by `new` in data/<name>; fails loudly if the fixture no longer holds `old`."""
    path = data / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def minimal_copy(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """folder/data: a copy of the minimal data, judged at its own as-of date (PORTAL_AS_OF unset)."""
    data = folder / "data"
    shutil.copytree(MINIMAL, data)
    monkeypatch.delenv("PORTAL_AS_OF", raising=False)
    return data


# The sample's missing May brief of nanhu-hubin-2026, added: (file, old, new) for `edit`.
ADDED_BRIEF = ("projects/nanhu-hubin-2026.yaml", '  - type: monthly\n    period: "2026-06"', '''  - type: monthly
    period: "2026-05"
    published: 2026-06-09
    summary: |
      **本月重点**:端午节邻里活动,补发五月简报。
    stats: {cases: 8, groups: 2, activities: 5, beneficiaries: 210, volunteer_hours: 90}

  - type: monthly
    period: "2026-06"''')
