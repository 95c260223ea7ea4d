"""The previous site's generated pages and redirect stubs, linked into a folder beside it by a
fork while the build reads and checks the data.

An incremental build reuses most pages as the site it replaces has them: the new site holds hard
links to the same files. For a province that is 106,000 links in 110,000 new folders, 5 s of
system calls, which a fork made while mkdocs rendered, and the build then waited for it (the
second core was making the open data too). Made at the start of the build instead, the links are
ready long before they are needed (site/build.py starts the clone before `prepare`).

The fork links every page and stub the last build's manifest records (site/cache.py) into the
clone folder. Once the build knows which of them it reuses (plugin.on_files: mkdocs has emptied the
staging folder and written nothing yet), `place` moves the clone's folders into the staging folder
and removes every link that is not a reused page or an unchanged stub. So nothing is ever written
through a link into the published site: what is rendered or written again is a new file.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from sgz_portal.data.forked import Forked
from sgz_portal.site import publish
from sgz_portal.site.cache import read_manifest

KIND = "clone"  # its folder: .<site>-clone-<pid>-<random>, removed by publish.clean_stale if left behind


def _link_recorded(site_dir: Path, manifest: Path, folder: Path) -> list[str]:
    """Link the pages and stubs `manifest` records from `site_dir` into `folder`; what was linked."""
    raw = read_manifest(manifest)
    if raw is None or raw.get("site") != str(site_dir):
        return []
    linked = []
    made: set[str] = set()  # folders made: each once, not one mkdir attempt per file
    source, clone = str(site_dir), str(folder)
    for rel in [*raw.get("pages", {}), *raw.get("stubs", {})]:
        target = os.path.join(clone, rel)
        parent = os.path.dirname(target)
        try:
            if parent not in made:
                os.makedirs(parent, exist_ok=True)
                made.add(parent)
            try:
                os.link(os.path.join(source, rel), target)
            except FileExistsError:  # linked by a fork that died halfway (data/forked.py)
                os.unlink(target)
                os.link(os.path.join(source, rel), target)
        except OSError:  # gone since, or links not allowed here: that file is written afresh
            continue
        linked.append(rel)
    return linked


class Clone:
    """The fork that links the previous site's pages, and its folder until `place` empties it."""

    def __init__(self, site_dir: Path, manifest: Path) -> None:
        site_dir = site_dir.resolve()
        self.site_dir = site_dir
        self.folder = publish.temp_folder(site_dir, KIND)
        folder = self.folder
        self.fork = Forked(lambda: _link_recorded(site_dir, manifest, folder))

    def place(self, staging: Path, wanted: set[str]) -> set[str]:
        """Move the clone into `staging` and keep of its links only those in `wanted` (site-relative
        paths); returns the paths now in place. A clone folder whose name `staging` already holds
        is left out (its pages are written afresh)."""
        linked = self.fork.result()
        moved = set()
        for entry in sorted(os.listdir(self.folder)):
            if os.path.lexists(staging / entry):
                continue
            try:
                os.rename(self.folder / entry, staging / entry)
            except OSError:  # another file system (a site folder that is a link): written afresh
                continue
            moved.add(entry)
        placed = set()
        for rel in linked:
            if rel.split("/", 1)[0] not in moved:
                continue
            if rel in wanted:
                placed.add(rel)
            else:
                os.unlink(staging / rel)
                _remove_empty(staging, Path(rel).parent)
        return placed

    def close(self) -> None:
        """Stop the fork if it still runs and remove what was not placed: in the background if
        anything is left (a build that reused nothing after all, or failed)."""
        self.fork.close()
        try:
            left = os.listdir(self.folder)
        except OSError:
            return
        if left:
            publish.remove_later(self.folder, self.site_dir)
        else:
            shutil.rmtree(self.folder, ignore_errors=True)


def _remove_empty(staging: Path, folder: Path) -> None:
    """Remove `folder` (relative to staging) and the folders above it while they are empty: a page
    that is gone leaves no folder behind (what is rendered again makes its folder anew)."""
    while folder != Path("."):
        try:
            os.rmdir(staging / folder)
        except OSError:
            return
        folder = folder.parent
