"""Stage 7: publish atomically. The new site is built beside the old one and
swapped in by renames; a failed build never touches the existing `site/`."""
from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def staging(site_dir: Path) -> Iterator[Path]:
    """A fresh folder next to `site_dir`; removed if the block fails."""
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-new-", dir=site_dir.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def swap(new: Path, site_dir: Path) -> None:
    """Replace site_dir by new with two renames (each atomic on one filesystem)."""
    new.chmod(0o755)
    old = None
    if site_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-old-", dir=site_dir.parent))
        old.rmdir()
        site_dir.rename(old)
    new.rename(site_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
