"""The project's mkdocs.yml, written to a temporary folder with other sgz-portal plugin options."""
from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def project_config(tmp: Path, **options: object) -> Path:
    """mkdocs.yml with absolute content/ and overrides/ folders and these plugin options."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str(ROOT / "content")
    config["theme"]["custom_dir"] = str(ROOT / "overrides")
    config["plugins"] = [{"sgz-portal": {"data": "data", **options}}]
    path = tmp / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path
