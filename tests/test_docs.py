"""The editors' reference of messages and rules is generated, and must be current."""
from __future__ import annotations

from sgz_portal import docs
from sgz_portal.data.issues import MESSAGES


def test_error_reference_is_up_to_date() -> None:
    assert docs.TARGET.read_text(encoding="utf-8") == docs.render(), \
        "DATA-ERRORS.md is stale: run `.venv/bin/python -m sgz_portal.docs`"


def test_every_code_is_documented() -> None:
    text = docs.TARGET.read_text(encoding="utf-8")
    assert [c for c in MESSAGES if f"`{c}`" not in text] == []
