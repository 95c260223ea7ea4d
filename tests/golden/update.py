"""`make update-golden`: rebuild the fixture site and store its golden pages.

Run it after an intended change to templates or views, read the diff
(`git diff tests/golden/`), and commit it with the change.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from sgz_portal import cli
from tests.golden.pages import FIXTURE, ROOT, STORED, render


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        if cli.build(FIXTURE, site, ROOT / "mkdocs.yml") != 0:
            raise SystemExit("fixture site did not build")
        STORED.mkdir(exist_ok=True)
        for old in STORED.glob("*.html"):
            old.unlink()
        for name, text in render(site).items():
            (STORED / name).write_text(text, encoding="utf-8")
    print(f"golden pages written to {STORED.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
