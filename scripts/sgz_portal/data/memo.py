"""What reading and shape-checking one data file gave, kept for the next build (incremental builds).

Parsing YAML and checking it against the JSON Schema are per file and depend on nothing but the
file's bytes, its name and this program's code, so their results are kept under a key made of
those: an unchanged file of a province's 3,700 is neither parsed nor checked again. Cross-file
checks and rules always run on the whole data.

Entries are `marshal` files (plain values only: no code runs when one is read, unlike pickle) in
the build cache folder (site/cache.py), in a folder per namespace, which the caller derives from the
code and the Python version; an entry that cannot be read is a miss. Pruning drops other
namespaces (another version of the program will not read them) and, in this one, entries unused
for a week: not every entry this run left unused, because one project may build more than one
data folder (the sample and a bureau's own), and each would otherwise prune what the other reads.
"""
from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import marshal
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from sgz_portal.data.issues import Issue

KEEP_SECONDS = 7 * 24 * 3600  # an entry no run has used for this long is dropped


class Memo:
    """One folder of entries per namespace; `prune()` drops what no run will read."""

    def __init__(self, folder: Path, namespace: str, read: bool = True) -> None:
        self.root = folder
        self.folder = folder / hashlib.sha256(namespace.encode()).hexdigest()[:16]
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
        path = self.folder / key[:2] / key
        try:
            value = marshal.loads(path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # used: kept another week
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
        """Remove other namespaces, and entries of this one that no run used for KEEP_SECONDS."""
        if self.root.is_dir():
            for other in self.root.iterdir():
                if other == self.folder:
                    continue
                if other.is_dir():
                    shutil.rmtree(other, ignore_errors=True)
                else:
                    other.unlink(missing_ok=True)
        oldest = time.time() - KEEP_SECONDS
        for path in self.folder.glob("*/*"):
            with contextlib.suppress(OSError):  # gone already: another build pruned it
                if path.name not in self.used and path.stat().st_mtime < oldest:
                    path.unlink()


def issues_out(found: list[Issue]) -> list[tuple]:
    return [dataclasses.astuple(i) for i in found]


def issues_in(values: list[tuple]) -> list[Issue]:
    return [Issue(*v) for v in values]


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
