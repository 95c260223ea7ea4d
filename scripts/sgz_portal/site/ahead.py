"""Search index shards made while mkdocs still renders.

A large site is indexed shard by shard (site/shards.py), and pagefind's runs took 79 s of a
province's full build after mkdocs had rendered (118 s), while mkdocs kept one core busy and left
the other mostly idle. So the build decides, before rendering, which pages each shard will hold:
the pages it renders whose template carries pagefind's marker and the reused pages the manifest
records as indexed. Those pages are rendered first, shard after shard (plugin.on_files orders
them), and as soon as a shard's last page is on disk its pagefind run starts, at a low priority
beside mkdocs, into the search store under the shard's key.

Nothing here decides what the index is. After mkdocs, shards.index groups the HTML files as
always; a shard whose key names a bundle made here is taken, any other is indexed then. So a
guess that was wrong (a hand-written page with the marker, a page without it after all) costs
only time, and the index is byte for byte what it would be without this module.
"""
from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from sgz_portal.site import search, shards

PARALLEL = 1  # mkdocs renders on the other core
NICE = 10


def marked_templates(overrides: Path) -> set[str]:
    """The templates in `overrides` whose pages pagefind indexes (they carry its marker)."""
    if not overrides.is_dir():
        return set()
    return {p.name for p in overrides.glob("*.html") if p.is_file() and search.MARKER in p.read_bytes()}


class Ahead:
    """The shards of `rendered` (pages to be rendered, site-relative, expected to be indexed) and
    `reused` (indexed pages already on disk: path -> SHA-256), as shards.index will group them."""

    def __init__(self, site_dir: Path, store: Path, reuse: bool, rendered: Iterable[str],
                 reused: dict[str, str]) -> None:
        self.site_dir, self.store, self.reuse = site_dir, store, reuse
        self.digests = dict(reused)
        rendered = list(rendered)
        self.members = shards.shard_groups(sorted({*rendered, *reused}, key=shards.in_site_order))
        self.shard = {rel: n for n, group in enumerate(self.members) for rel in group}
        self.waiting = [0] * len(self.members)  # pages of each shard not yet on disk
        for rel in rendered:
            self.waiting[self.shard[rel]] += 1
        self.pending: str | None = None
        store.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=f"{site_dir.name}-ahead-", dir=site_dir.parent))
        self.runner = shards.Runner(site_dir, self.tmp, PARALLEL, NICE)
        for n, waiting in enumerate(self.waiting):
            if not waiting:  # reused whole, or nothing rendered in it
                self._start(n)

    def order(self, rel: str) -> int:
        """Where a page to be rendered goes: shard by shard, the others after them."""
        return self.shard.get(rel, len(self.members))

    def wrote(self, rel: str, digest: str, marked: bool) -> None:
        """mkdocs is about to write `rel` (plugin.on_post_page): the page before it is on disk."""
        self._landed()
        if rel in self.shard:
            self.digests[rel] = digest if marked else ""  # unmarked after all: its shard will not match
            self.pending = rel
        self.runner.poll()

    def _landed(self) -> None:
        if self.pending is None:
            return
        n = self.shard[self.pending]
        self.pending = None
        self.waiting[n] -= 1
        if self.waiting[n] == 0:
            self._start(n)

    def _start(self, n: int) -> None:
        group = [(rel, self.digests.get(rel, "")) for rel in self.members[n]]
        if not group or any(not digest for _, digest in group):
            return
        bundle = self.store / shards.shard_key(group)
        if self.reuse and (bundle / shards.ENTRY).is_file():
            return
        self.runner.add(group, bundle)

    def finish(self) -> set[str]:
        """Wait for the runs (mkdocs has written every page); the names of the bundles made."""
        self._landed()
        # What is left runs as shards.index would run it: mkdocs no longer needs a core.
        self.runner.parallel, self.runner.nice = shards.PARALLEL, 0
        try:
            self.runner.wait()
            return set(self.runner.done)
        finally:
            self.close()

    def close(self) -> None:
        """Stop what runs and remove the shards' folders (a failed build, or one that is done)."""
        self.runner.kill()
        shutil.rmtree(self.tmp, ignore_errors=True)
