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

Making those links in 110,000 new folders, and deleting the replaced site's as many afterwards,
was still 8.6 s of a phone edit's system time on the second core. So a large build keeps the site
it replaced in the cache folder, as the next build's **spare** (publish.keep), and the fork starts
from it: the spare already holds the folders and most of the links, and only what differs from
the site is put right. Nothing in the spare is trusted: a file is kept only if it is the site's
own file (the same inode, on the same file system; files are never written through a link), and
every other file goes. A first build replaced no site, and a full build one whose files are none
of its own (putting such a spare right, 110,000 links undone and made again, cost the next phone
edit 15 s): a detached fork links their spare afresh once the build has returned (`make_later`).

The fork also vouches for the pages it found as recorded (the recorded inode, size and time), so
that the build does not `stat` them again in the site: with the file system's caches cold, reading
the site's 110,000 folders as well as the spare's cost a phone edit seconds. A page it does not
vouch for is checked by the build as before (site/cache.py `keep`).
"""
from __future__ import annotations

import contextlib
import gc
import os
import shutil
from pathlib import Path

from sgz_portal.data import forked
from sgz_portal.data.forked import Forked
from sgz_portal.site import publish
from sgz_portal.site.cache import read_manifest

KIND = "clone"  # its folder: .<site>-clone-<pid>-<random>, removed by publish.clean_stale if left behind
SPARE = "spare"  # a first build's spare while it is linked: .<site>-spare-<pid>-<random>, the same


def _recorded(site_dir: Path, manifest: Path) -> dict[str, str] | None:
    """The pages and stubs `manifest` records of `site_dir`, each with its recorded stamp (site/cache.py:
    size, modification time, inode; "" for a stub, whose stamp is not recorded), or None if it is
    not that site's."""
    raw = read_manifest(manifest)
    if raw is None or raw.get("site") != str(site_dir):
        return None
    return {**{rel: page[2] for rel, page in raw.get("pages", {}).items()}, **dict.fromkeys(raw.get("stubs", {}), "")}


def _stamp(st: os.stat_result) -> str:
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"  # cache.stamp's


def _walk(root: str) -> tuple[dict[str, int], set[str], set[str]]:
    """Every file under `root` (relative path -> inode), every folder (root-relative, "" for
    itself) and the empty ones: by scandir alone, which on Linux needs no stat per entry."""
    files: dict[str, int] = {}
    folders = {""}
    empty = set()
    stack = [""]
    while stack:
        rel = stack.pop()
        with os.scandir(os.path.join(root, rel)) as entries:
            seen = False
            for entry in entries:
                seen = True
                sub = f"{rel}/{entry.name}" if rel else entry.name
                if entry.is_dir(follow_symlinks=False):
                    folders.add(sub)
                    stack.append(sub)
                else:
                    files[sub] = entry.inode()
        if not seen and rel:
            empty.add(rel)
    return files, folders, empty


def _link_recorded(site_dir: Path, rels: dict[str, str], folder: Path) -> tuple[list[str], list[str]]:
    """Make `folder` hold links to `site_dir`'s files `rels` (path -> recorded stamp) and nothing
    else; what it links, and which of those are intact: the very file recorded, as it was
    written (its stamp). Whatever `folder` holds already (a spare, or what a fork that died halfway
    linked) is kept where it is the site's own file, and removed otherwise. A page the spare holds
    as recorded (the recorded inode, on the same disk) is kept without looking it up in the site:
    reading a province's 110,000 folders twice, in the spare and in the site, was most of a phone
    edit's time when the file system's caches were cold."""
    source, clone = str(site_dir), str(folder)
    present, made, emptied = _walk(clone)  # an empty folder would be moved into the site as it is
    foreign = bool(present) and os.stat(clone).st_dev != os.stat(source).st_dev  # inodes of another disk
    for rel in present.keys() - (set() if foreign else set(rels)):
        os.unlink(os.path.join(clone, rel))
        emptied.add(os.path.dirname(rel))
    if foreign:
        present = {}
    made -= _remove_emptied(clone, emptied)
    linked, intact = [], []
    for rel, recorded in rels.items():
        target = os.path.join(clone, rel)
        have = present.get(rel)
        if have is not None and recorded and have == int(recorded.rsplit(":", 1)[1]) \
                and _stamp(os.lstat(target)) == recorded:
            linked.append(rel)  # the recorded file, as written
            intact.append(rel)
            continue
        try:
            st: os.stat_result | None = os.lstat(os.path.join(source, rel))
        except OSError:  # gone since: written afresh, if at all
            st = None
        if have is not None:
            if st is not None and have == st.st_ino:
                linked.append(rel)
                continue
            os.unlink(target)
        if st is None:
            continue
        parent = os.path.dirname(rel)
        try:
            if parent not in made:
                os.makedirs(os.path.join(clone, parent), exist_ok=True)
                made.add(parent)
            os.link(os.path.join(source, rel), target)
        except OSError:  # links not allowed here: that file is written afresh
            continue
        linked.append(rel)
        if recorded and _stamp(st) == recorded:
            intact.append(rel)
    return linked, intact


def _remove_emptied(root: str, folders: set[str]) -> set[str]:
    """Remove the folders (relative to `root`) left empty, deepest first, and those above them
    that this leaves empty; the folders removed."""
    removed = set()
    for rel in sorted(folders, key=lambda f: f.count("/"), reverse=True):
        while rel:
            try:
                os.rmdir(os.path.join(root, rel))
            except OSError:
                break
            removed.add(rel)
            rel = os.path.dirname(rel)
    return removed


def _mirror(site_dir: Path, manifest: Path, folder: Path, spare: Path | None) -> tuple[list[str], list[str]] | None:
    """The fork's work: `folder` made to hold links to the recorded pages and stubs, starting from
    the spare if there is one (taken: a spare serves one build); what _link_recorded says, or None
    if `manifest` is not that of `site_dir`."""
    rels = _recorded(site_dir, manifest)
    if rels is None:
        return None
    if spare is not None:
        with contextlib.suppress(OSError):  # none, another file system, or taken by another build
            os.rename(spare, folder)  # onto the empty folder made for the clone
    return _link_recorded(site_dir, rels, folder)


class Clone:
    """The fork that links the previous site's pages, and its folder until `place` empties it."""

    def __init__(self, site_dir: Path, manifest: Path, spare: Path | None = None) -> None:
        site_dir = site_dir.resolve()
        self.site_dir = site_dir
        self.folder = publish.temp_folder(site_dir, KIND)
        folder = self.folder
        self.fork = Forked(lambda: _mirror(site_dir, manifest, folder, spare))

    def intact(self) -> dict[str, str]:
        """Recorded pages the clone holds as they were written (waits for the fork): page -> the
        path of that file in the clone folder, which the build may take without checking it again."""
        folder = str(self.folder)
        return {rel: os.path.join(folder, rel) for rel in self._linked()[1]}

    def _linked(self) -> tuple[list[str], list[str]]:
        return self.fork.result() or ([], [])

    def place(self, staging: Path, wanted: set[str]) -> set[str]:
        """Move the clone into `staging` and keep of its links only those in `wanted` (site-relative
        paths); returns the paths now in place. A clone folder whose name `staging` already holds
        is left out (its pages are written afresh)."""
        linked = self._linked()[0]
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


def make_later(site_dir: Path, manifest: Path, spare: Path) -> None:
    """A spare for the next build of a site that replaced none (its first build) or one of other
    files (a full build): linked afresh by a detached fork after this build has returned, at low
    priority, in a folder beside the site (`.<site>-spare-<pid>-*`, removed by publish.clean_stale
    if the fork dies) that is then moved to `spare`, in place of any spare there (an older site's
    files, which cost more to put right than to link anew). Nothing if there is no fork."""
    if not forked.available():
        return
    site_dir = site_dir.resolve()
    ready, told = os.pipe()
    pid = os.fork()
    if pid:
        os.close(told)
        os.waitpid(pid, 0)  # the middle fork, which exits at once
        with os.fdopen(ready, "rb") as pipe:  # once its folder is there (or it failed): seen by bench settle
            pipe.read(1)
        return
    try:
        os.close(ready)
        os.setsid()
        if os.fork() == 0:
            _detached(site_dir, manifest, spare, told)
    finally:
        os._exit(0)


def _detached(site_dir: Path, manifest: Path, spare: Path, told: int) -> None:
    quiet = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):  # whoever reads the build's output is not kept waiting for this one
        os.dup2(quiet, fd)
    gc.disable()
    os.nice(10)
    try:
        folder = publish.temp_folder(site_dir, SPARE)
    finally:
        os.close(told)
    try:
        shutil.rmtree(spare, ignore_errors=True)
        if _mirror(site_dir, manifest, folder, None) is None:
            return
        spare.parent.mkdir(parents=True, exist_ok=True)
        os.rename(folder, spare)
    except OSError:
        pass
    finally:
        shutil.rmtree(folder, ignore_errors=True)
