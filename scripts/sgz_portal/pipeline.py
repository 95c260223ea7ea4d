"""The one-way flow: load -> validate -> model -> judge. Rendering comes after.

`prepare()` is what both the CLI and the mkdocs plugin call; it never raises
for bad data, it returns the issues.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from sgz_portal.data import model
from sgz_portal.data.issues import Issue, errors, issue
from sgz_portal.data.load import RawData, load
from sgz_portal.data.memo import Memo
from sgz_portal.data.model import Portal
from sgz_portal.data.validate import parse_date, validate
from sgz_portal.rules import judge as rules


@dataclass
class Prepared:
    portal: Portal | None
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.portal is not None and not errors(self.issues)


def as_of_override() -> tuple[dt.date | None, list[Issue]]:
    """The as-of date from env PORTAL_AS_OF, if set."""
    value = os.environ.get("PORTAL_AS_OF", "").strip()
    if not value:
        return None, []
    date = parse_date(value)
    return (date, []) if date else (None, [issue("as_of_env", "", 0, "", value=value)])


def _as_of_of(raw: RawData) -> dt.date:
    """The as-of date site.yaml gives, or today: the date rule 11 judges birth dates at when the
    data has errors (and so no model)."""
    site = raw.site.data if raw.site is not None and isinstance(raw.site.data, dict) else {}
    return parse_date(site.get("as_of")) or dt.date.today()


def prepare(data_dir: Path, as_of: dt.date | None = None, memo: Memo | None = None) -> Prepared:
    """Load, validate, build and judge `data_dir`. Findings and errors come back as issues.
    With `memo`, files unchanged since the last build are neither parsed nor shape-checked again."""
    env_date, found = as_of_override()
    raw, read_issues = load(Path(data_dir), memo)
    found += read_issues
    found += validate(raw, memo)
    if errors(found):
        # Personal information is looked for whatever else is wrong: every mistake at once.
        found += rules.personal_info(raw, as_of or env_date or _as_of_of(raw))
        return Prepared(None, sorted(set(found)))
    portal = model.build(raw, as_of or env_date)
    found += rules.judge(portal, raw)
    return Prepared(portal, sorted(set(found)))
