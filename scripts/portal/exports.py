"""Stage 5 helpers shared by every page: site-wide context and attachments."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from .model import Portal
from .validate import ATTACHMENT_TYPES


def site_context(p: Portal) -> dict:
    """What every page's header and footer show (config.extra.portal)."""
    s = p.site
    return {
        "name": s.name, "publisher": s.publisher, "phone": s.phone, "email": s.email,
        "address": s.address, "feedback_url": s.feedback_url, "icp": s.icp,
        "police_filing": s.police_filing, "as_of": s.as_of.isoformat(), "demo": s.demo,
        "logo": s.logo,
    }


def attachments(data_dir: Path) -> Iterator[tuple[str, Path]]:
    """Every publishable file under data/files, as (site path, source path), sorted."""
    root = (data_dir / "files").resolve()
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        real = path.resolve()
        if path.is_file() and real.is_relative_to(root) and path.suffix.lower() in ATTACHMENT_TYPES:
            yield "files/" + path.relative_to(root).as_posix(), real
