"""Templates and their views agree (datasette's habit: the context is a documented contract).

Every page template names its context class in its first comment; every
`view.<field>` the template reads must be a field of that dataclass, so a
renamed field fails here instead of rendering an empty string on the site.
"""
from __future__ import annotations

import dataclasses
import importlib
import re
from pathlib import Path

import pytest

OVERRIDES = Path(__file__).resolve().parents[1] / "overrides"
CONTEXT = re.compile(r"Context: `view` = (sgz_portal(?:\.\w+)+)\.(\w+)")


def page_templates() -> list[Path]:
    return sorted(p for p in OVERRIDES.glob("*.html") if "view." in p.read_text(encoding="utf-8"))


@pytest.mark.parametrize("template", page_templates(), ids=lambda p: p.name)
def test_template_reads_only_fields_of_its_view(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    match = CONTEXT.search(text)
    assert match, f"{template.name}: first comment must say 'Context: `view` = sgz_portal.module.Class'"
    cls = getattr(importlib.import_module(match[1]), match[2])
    fields = {f.name for f in dataclasses.fields(cls)}
    used = set(re.findall(r"\bview\.(\w+)", text))
    assert used - fields == set(), f"{template.name} reads fields {cls.__name__} does not have"
