"""The attachments a build publishes: only the files the data references, photos without metadata.

Validation has already vetted each referenced file (type from content, size
limit) and warned about files nothing references; those are not published.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from sgz_portal.data import files
from sgz_portal.data.model import Portal


def attachments(data_dir: Path, portal: Portal) -> Iterator[tuple[str, Path, bytes | None]]:
    """Every referenced file, sorted, as (site path, source, content): content is the photo
    without its metadata, or None for a document published as it is (copied from source)."""
    for ref in portal.attachments:
        source = Path(os.path.realpath(os.path.join(data_dir, ref)))  # Path.resolve, without its cost
        yield ref, source, files.strip_metadata(source.read_bytes()) if files.is_photo(ref) else None
