"""What reading and shape-checking one data file gave, kept for the next build (incremental builds).

Parsing YAML and checking it against the JSON Schema are per file and depend on nothing but the
file's bytes, its name and this program's code, so their results are kept under a key made of
those: an unchanged file of a province's 3,700 is neither parsed nor checked again. Cross-file
checks and rules always run on the whole data.

Entries are `marshal` files (plain values only: no code runs when one is read, unlike pickle) in
the build cache folder (site/cache.py), under a namespace that the caller derives from the code
and the Python version; an entry that cannot be read is a miss.
"""
from __future__ import annotations

import dataclasses
import hashlib
import marshal
import os
import tempfile
from pathlib import Path
from typing import Any

from sgz_portal.data.issues import Issue


class Memo:
    """One folder of entries; `prune()` drops those this run did not use."""

    def __init__(self, folder: Path, namespace: str, read: bool = True) -> None:
        self.folder = folder
        self.namespace = namespace
        self.read = read  # False: record only (a full build that seeds the next one)
        self.used: set[str] = set()
        self.hits = 0

    def key(self, *parts: str) -> str:
        return hashlib.sha256("\0".join((self.namespace, *parts)).encode()).hexdigest()

    def get(self, key: str) -> Any | None:
        self.used.add(key)
        if not self.read:
            return None
        try:
            value = marshal.loads((self.folder / key[:2] / key).read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return None
        self.hits += 1
        return value

    def put(self, key: str, value: Any) -> None:
        self.used.add(key)
        target = self.folder / key[:2] / key
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
            with os.fdopen(fd, "wb") as out:
                out.write(marshal.dumps(value))
            os.replace(tmp, target)
        except (OSError, ValueError):  # a value marshal cannot hold, or a full disk: only a miss next time
            return

    def prune(self) -> None:
        """Remove entries this run did not touch (files changed or gone since)."""
        for path in self.folder.glob("*/*"):
            if path.name not in self.used:
                path.unlink(missing_ok=True)


def issues_out(found: list[Issue]) -> list[tuple]:
    return [dataclasses.astuple(i) for i in found]


def issues_in(values: list[tuple]) -> list[Issue]:
    return [Issue(*v) for v in values]


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
