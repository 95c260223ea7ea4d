"""The attachments a build publishes: files under data/files, as site paths."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sgz_portal.data.validate import ATTACHMENT_TYPES


def attachments(data_dir: Path) -> Iterator[tuple[str, Path]]:
    """Every publishable file under data/files, as (site path, source path), sorted."""
    root = (data_dir / "files").resolve()
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        real = path.resolve()
        if path.is_file() and real.is_relative_to(root) and path.suffix.lower() in ATTACHMENT_TYPES:
            yield "files/" + path.relative_to(root).as_posix(), real
