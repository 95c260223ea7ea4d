"""Search index shards made while mkdocs still renders.

A large site is indexed shard by shard (site/shards.py), and pagefind's runs took 79 s of a
province's full build after mkdocs had rendered (118 s), while mkdocs kept one core busy and left
the other mostly idle. So the build decides, before rendering, which pages each shard will hold:
the pages it renders whose template carries pagefind's marker and the reused pages the manifest
records as indexed. Those pages are rendered first, shard after shard (plugin.on_files orders
them), and as soon as a shard's last page is on disk its pagefind run starts, at a low priority
beside mkdocs, into the search store under the shard's key. An edit renders a few pages only,
and mkdocs is done within one shard's run: there the runs go at full speed from the first (FEW).

Once the last indexed page is on disk, mkdocs renders only pages the index does not hold (the
lists, the region pages), and the build waits for the shards, not for mkdocs: the runs left go at
full speed, two at a time, and the shards are joined by a child process as soon as all are made
(shards.join_later). The join took 3 s of a province's phone edit after mkdocs, beside which the
other core was idle. If the last shards still run then, a thread waits for them and starts the
join at once: mkdocs polls only between pages, and one list page can take a second to make.

Nothing here decides what the index is. After mkdocs, shards.index groups the HTML files as
always; a shard whose key names a bundle made here is taken, any other is indexed then, and the
join made here is taken only if it joined those very bundles. So a guess that was wrong (a
hand-written page with the marker, a page without it after all) costs only time, and the index is
byte for byte what it would be without this module.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path

from sgz_portal.site import search, shards

PARALLEL = 1  # mkdocs renders on the other core
NICE = 10
# Pages to render in all below which mkdocs is done within a shard's run: the runs go at full
# speed, two at a time, from the first (an edit's few pages: its shards are what the build waits for).
FEW = 100


def marked_templates(overrides: Path) -> set[str]:
    """The templates in `overrides` whose pages pagefind indexes (they carry its marker)."""
    if not overrides.is_dir():
        return set()
    return {p.name for p in overrides.glob("*.html") if p.is_file() and search.MARKER in p.read_bytes()}


class Ahead:
    """The shards of `rendered` (pages to be rendered, site-relative, expected to be indexed) and
    `reused` (indexed pages already on disk: path -> SHA-256), as shards.index will group them.
    `rendering`: how many pages mkdocs renders in all, if known (FEW)."""

    def __init__(self, site_dir: Path, store: Path, reuse: bool, rendered: Iterable[str],
                 reused: dict[str, str], rendering: int | None = None) -> None:
        self.site_dir, self.store, self.reuse = site_dir, store, reuse
        self.digests = dict(reused)
        rendered = list(rendered)
        self.members = shards.shard_groups(sorted({*rendered, *reused}, key=shards.in_site_order))
        self.shard = {rel: n for n, group in enumerate(self.members) for rel in group}
        self.waiting = [0] * len(self.members)  # pages of each shard not yet on disk
        for rel in rendered:
            self.waiting[self.shard[rel]] += 1
        self.left = sum(self.waiting)  # indexed pages not yet on disk
        self.bundles: dict[int, Path] = {}  # shard -> its bundle in the store, once its pages are known
        self.pending: str | None = None
        self.joining: subprocess.Popen[str] | None = None  # the join of the shards, once all are made
        self.join_tried = False
        self.joined_in: Path | None = None  # beside the site: the folder the join writes `pagefind` into
        self.joined: shards.Joined | None = None  # set by finish, if the join ahead succeeded
        self.waiter: threading.Thread | None = None  # waits for the last shards, then joins
        self._error: BaseException | None = None  # what the waiter met, raised again by finish
        self._lock = threading.Lock()  # the waiter starts no join once the build stops
        self._stopped = False
        store.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=f"{site_dir.name}-ahead-", dir=site_dir.parent))
        few = rendering is not None and rendering < FEW  # `rendering`: the pages mkdocs renders in all
        self.runner = shards.Runner(site_dir, self.tmp, *((shards.PARALLEL, 0) if few else (PARALLEL, NICE)))
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
        self.poll()

    def poll(self) -> None:
        """Take the shards made, start queued ones; once all are made and no indexed page is left
        to render, start their join."""
        if self.joining is not None or self.waiter is not None:
            return  # the runner is done, or the waiter's
        self.runner.poll()
        if self.join_tried or self.left or self.runner.failed:
            return
        if self.runner.running or self.runner.queue:
            self.waiter = threading.Thread(target=self._join_when_made, daemon=True)
            self.waiter.start()
        elif self.runner.done:  # else every shard was in the store: the index may be the last one
            self._join()

    def _join_when_made(self) -> None:
        try:
            self.runner.wait()
            self._join()
        except BaseException as err:  # raised by finish, on the build's own thread (a message, not a traceback)
            self._error = err

    def _join(self) -> None:
        """Join the bundles of the shards as shards.index would group them, if each is in the store."""
        self.join_tried = True
        with self._lock:
            if not self._stopped and not self.runner.failed:
                self._start_join()

    def _start_join(self) -> None:
        if len(self.bundles) < len(self.members):
            return  # a page left unmarked: the shards will not be these
        bundles = [self.bundles[n] for n in range(len(self.members))]
        if not all((bundle / shards.ENTRY).is_file() for bundle in bundles):
            return
        self.joined_in = Path(tempfile.mkdtemp(prefix=f"{self.site_dir.name}-joined-", dir=self.site_dir.parent))
        self.joining = shards.join_later(bundles, self.joined_in / search.BUNDLE, self.store, self.reuse)

    def _landed(self) -> None:
        if self.pending is None:
            return
        n = self.shard[self.pending]
        self.pending = None
        self.waiting[n] -= 1
        self.left -= 1
        if not self.left:  # the last indexed page: the runs left and their join are what the build waits for
            self.runner.parallel, self.runner.nice = shards.PARALLEL, 0
        if self.waiting[n] == 0:
            self._start(n)

    def _start(self, n: int) -> None:
        group = [(rel, self.digests.get(rel, "")) for rel in self.members[n]]
        if not group or any(not digest for _, digest in group):
            return
        bundle = self.bundles[n] = self.store / shards.shard_key(group)  # the join's, too
        if self.reuse and (bundle / shards.ENTRY).is_file():
            return
        self.runner.add(group, bundle)

    def finish(self) -> set[str]:
        """Wait for the runs and the join (mkdocs has written every page); the names of the
        bundles made. `joined`: the join, if it was made here."""
        self._landed()
        # What is left runs as shards.index would run it: mkdocs no longer needs a core (the
        # waiter's runs too, as it starts them).
        self.runner.parallel, self.runner.nice = shards.PARALLEL, 0
        try:
            if self.waiter is not None:
                self.waiter.join()
                if self._error is not None:
                    raise self._error
            self.runner.wait()
            if self.joining is not None and self.joined_in is not None:
                self.joining.communicate()
                if self.joining.returncode == 0:  # else shards.index joins, and says what went wrong
                    names = [self.bundles[n].name for n in range(len(self.members))]  # as _start_join took them
                    self.joined = shards.Joined(names, self.joined_in / search.BUNDLE)
            return set(self.runner.done)
        finally:
            self._stop()

    def _stop(self) -> None:
        with self._lock:
            self._stopped = True
        self.runner.kill()
        if self.waiter is not None:
            self.waiter.join()
        if self.joining is not None and self.joining.poll() is None:
            with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
                os.killpg(self.joining.pid, signal.SIGKILL)  # its own group: the join's range processes too
            self.joining.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def close(self) -> None:
        """Stop what runs and remove the shards' folders and the join, whether shards.index took
        it or not (a failed build, or one that is done)."""
        self._stop()
        if self.joined_in is not None:
            shutil.rmtree(self.joined_in, ignore_errors=True)
