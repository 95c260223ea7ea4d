"""Incremental builds: reuse what the previous build published when its inputs are unchanged.

The cache lives in one folder, `.cache/sgz-portal/` beside mkdocs.yml (ignored by git, removed by
`make clean`). It holds one small manifest per published site folder. The pages themselves are not
copied into the cache: the previous build's `site/` is the store. Every reused file is checked
against what the manifest recorded once it was written: its size, modification time and inode
(as make, git and rsync do), and only if one of those differs, its SHA-256. So a file edited or
lost since is simply rendered again, without rereading a province's 1.7 GB of unchanged pages.

- **Data files** are parsed, shape-checked and searched for personal information only when their
  bytes changed (data/memo.py, in `memo/` of the cache folder, under the code key).
- **The environment key** covers what is the same for every page: the installed distributions and
  their versions, the code and templates of this package, mkdocs.yml, `overrides/`, `content/`,
  the plugin's options and what every page's header and footer show (which includes the as-of
  date). Any change to it discards the manifest: a changed template or dependency is a full build.
- **A generated page** is reused when its inputs (pages/inputs.py: the data files and values its
  view is made from) are the recorded ones, without computing its view; or else when the hash of
  its spec and its view (the dataclass its template displays; its `repr` is deterministic: no
  addresses, no set order) and the environment key equal the recorded one. A reused page is not
  a page for mkdocs at all: its previous file is hard-linked into the new site, by a fork from
  the start of the build (site/clone.py), or else handed over to mkdocs as a static file
  (site/plugin.py). Hand-written pages (content/) are always rendered: they are few; so are
  generated pages that `nav` names or that a hand-written page links to as `x.md` (mkdocs
  resolves such links only to pages).
- **The search index** is reused when every HTML file pagefind would index is byte for byte what
  the previous build indexed. Otherwise a small site is indexed again in one pagefind run (it has
  no incremental mode), and a large one shard by shard (site/shards.py): a shard whose files are
  unchanged is taken from `search/` in the cache folder.

The test (`tests/test_incremental.py`) edits the sample and compares incremental and full builds
byte for byte.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import marshal
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from sgz_portal.data.memo import Memo
from sgz_portal.site import search, shards

FOLDER = Path(".cache") / "sgz-portal"
FORMAT = 6  # bump when the manifest's shape changes
PACKAGE_DIR = Path(__file__).resolve().parents[1]
SEARCH_DIR = search.BUNDLE
SEARCH_STORE = "search"  # index shards of large sites, one folder per site folder (site/shards.py)
EXPORTS_STORE = "opendata"  # open data parts, one folder per site folder (site/exports.py)
SPARE_STORE = "spare"  # the site a large build replaced, one per site folder (site/clone.py)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _tree(folder: Path) -> Iterable[tuple[str, bytes]]:
    """(relative path, bytes) of every file under folder, in a stable order."""
    if not folder.is_dir():
        return []
    return ((p.relative_to(folder).as_posix(), p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts)


@lru_cache(maxsize=1)
def code_key() -> str:
    """Hash of this program: Python, the installed distributions and their versions, and the
    package's own files (read once per process, so it describes the code that is running)."""
    h = hashlib.sha256(f"format {FORMAT}\n{sys.version}\n".encode())
    for dist in sorted(f"{d.metadata['Name']}=={d.version}".lower() for d in importlib.metadata.distributions()):
        h.update(dist.encode() + b"\n")
    for rel, data in _tree(PACKAGE_DIR):
        h.update(f"package/{rel} {sha256(data)}\n".encode())
    return h.hexdigest()


def memo(project: Path, reuse: bool = True) -> Memo:
    """The per-file memo of reading and checking data files (data/memo.py); without `reuse`, it
    only records."""
    return Memo(project / FOLDER / "memo", code_key(), reuse)


def environment_key(config_file: Path, theme_dirs: Iterable[Path], options: Any) -> str:
    """Hash of everything every page depends on besides its own view."""
    h = hashlib.sha256(code_key().encode())
    project = config_file.parent
    folders = [*((f"theme:{d}", d) for d in theme_dirs), ("content", project / "content")]
    for name, folder in folders:
        for rel, data in _tree(folder):
            h.update(f"{name}/{rel} {sha256(data)}\n".encode())
    h.update(b"mkdocs.yml " + config_file.read_bytes())
    h.update(repr(options).encode())
    return h.hexdigest()


MANIFEST = ".manifest"


def manifest_path(folder: Path, site_dir: Path) -> Path:
    """Where in the cache `folder` the manifest of the build that published `site_dir` is kept."""
    return folder / f"{sha256(str(site_dir.resolve()).encode())[:16]}{MANIFEST}"


def exports_store(folder: Path, site_dir: Path) -> Path:
    """Where in the cache `folder` the open data parts of the site folder `site_dir` are kept."""
    return folder / EXPORTS_STORE / manifest_path(folder, site_dir).stem


def spare_store(folder: Path, site_dir: Path) -> Path:
    """Where in the cache `folder` the site that `site_dir`'s last build replaced is kept."""
    return folder / SPARE_STORE / manifest_path(folder, site_dir).stem


def read_manifest(path: Path) -> dict[str, Any] | None:
    """A manifest as Cache.save wrote it, or None. It is `marshal` (plain values only: no code runs
    when it is read): a province's, 75,000 pages, took 1.2 s to read and 1.5 s to write as JSON."""
    try:
        raw = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return raw if isinstance(raw, dict) else None


def stamp(path: str | Path) -> str:
    """What changes when a file is written or replaced: size, modification time (ns), inode."""
    st = os.stat(path)
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"


def page_key(environment: str, spec: Any, view: Any) -> str:
    """The key of one generated page: its spec and view under one environment."""
    return sha256(f"{environment}\n{spec!r}\n{view!r}".encode())


@dataclass
class Manifest:
    """What one build published into one site folder, as the next build reads it."""

    environment: str
    # dest path -> (page key, file SHA-256, file stamp once written, indexed: carries search.MARKER,
    # inputs key or "": pages/inputs.py)
    pages: dict[str, tuple[str, str, str, bool, str]] = field(default_factory=dict)
    search: str = ""  # search.files_key of the indexed HTML
    # pagefind/ file -> (SHA-256, stamp once written: "" where copied, see reuse_search)
    search_files: dict[str, tuple[str, str]] = field(default_factory=dict)
    stubs: dict[str, str] = field(default_factory=dict)  # redirect stub -> SHA-256 (site/redirect.py)


class Cache:
    """The manifest of the previous build into `site_dir`, and the one this build writes."""

    def __init__(self, folder: Path, site_dir: Path, environment: str, reuse: bool = True) -> None:
        self.site_dir = site_dir.resolve()
        self._site = str(self.site_dir)
        self.path = manifest_path(folder, self.site_dir)
        self.search_store = folder / SEARCH_STORE / self.path.stem  # this site's index shards
        self.exports_store = exports_store(folder, self.site_dir)  # this site's open data parts
        self.old = self._read(environment) if reuse else None
        self.new = Manifest(environment)
        self.reused = 0  # pages written as the previous build wrote them
        self.search_reused = False
        self.shards_reused = 0  # index shards taken from search_store
        self.html: list[tuple[str, str]] | None = None  # (path, SHA-256) of the HTML indexed, once hashed
        self.stubs: dict[str, tuple[str, bool]] = {}  # other HTML this build wrote: path -> (SHA-256, indexed)

    def _read(self, environment: str) -> Manifest | None:
        raw = read_manifest(self.path)
        if raw is None:
            return None
        if raw.get("format") != FORMAT or raw.get("environment") != environment:
            return None  # another template, dependency or option: a full build
        pages = {k: (v[0], v[1], v[2], v[3], v[4]) for k, v in raw.get("pages", {}).items()}
        search_files = {k: (v[0], v[1]) for k, v in raw.get("search_files", {}).items()}
        return Manifest(environment, pages, raw.get("search", ""), search_files, dict(raw.get("stubs", {})))

    @property
    def warm(self) -> bool:
        return self.old is not None

    def keep(self, dest: str, key: str | None = None, inputs: str | None = None,
             intact: str | None = None) -> str | None:
        """The path of the previously published page at `dest`, if its inputs (pages/inputs.py) or its key
        match the recorded ones and its file is intact; it is then recorded as written by this
        build too, with these inputs. `intact`: a copy of the recorded file already found as it was
        written (site/clone.py), taken without looking at the site's own."""
        if self.old is None:
            return None
        recorded = self.old.pages.get(dest)
        if recorded is None or not ((inputs and recorded[4] == inputs) or recorded[0] == key):
            return None
        if intact is not None:
            path = intact
        else:
            path = os.path.join(self._site, dest)  # a str: 75,000 Paths made cost a province 0.6 s
            try:
                same = stamp(path) == recorded[2] or sha256(Path(path).read_bytes()) == recorded[1]
            except OSError:
                return None
            if not same:
                return None  # edited or damaged since: rendered again
        self.new.pages[dest] = (*recorded[:4], inputs or "")
        self.reused += 1
        return path

    def wrote(self, dest: str, key: str, output: str, inputs: str | None = None) -> tuple[str, bool]:
        """Record a page as mkdocs writes it; its SHA-256 and whether pagefind indexes it."""
        data = output.encode("utf-8", errors="xmlcharrefreplace")
        digest, marked = sha256(data), search.MARKER in data
        self.new.pages[dest] = (key, digest, "", marked, inputs or "")
        return digest, marked

    def wrote_stub(self, dest: str, text: str) -> None:
        """An HTML file that is not a page (a redirect stub): known, so not read again to be hashed."""
        data = text.encode("utf-8")
        self.stubs[dest] = (sha256(data), search.MARKER in data)

    def stamp_pages(self, staging: Path, linked: set[str] | frozenset[str] = frozenset()) -> None:
        """Record the stamp of every generated page as written into `staging` (a rename into
        place keeps it); a reused page is stamped again in case it was copied, not linked, unless
        it is one of `linked`: a link to the file keep() found intact, whose stamp it is."""
        for dest, (key, digest, then, indexed, inputs) in self.new.pages.items():
            self.new.pages[dest] = (key, digest, then if dest in linked else stamp(staging / dest), indexed, inputs)

    def reuse_search(self, staging: Path, paths: Iterable[str] | None = None) -> bool:
        """Copy the previous search index into `staging` if it indexed the same HTML (`paths`: the
        HTML files in `staging`, if the build knows them)."""
        known = {**self.stubs, **{dest: (digest, indexed) for dest, (_, digest, _, indexed, _) in self.new.pages.items()}}
        self.html = shards.html_files(staging, known, paths)
        self.new.search = search.files_key(self.html)  # every HTML file pagefind indexes
        old = self.old
        if old is None or not old.search_files or old.search != self.new.search:
            return False
        source = self.site_dir / SEARCH_DIR
        copied = {rel: data for rel, data in _tree(source)}
        if {rel: sha256(data) for rel, data in copied.items()} != {rel: sha for rel, (sha, _) in old.search_files.items()}:
            return False
        for rel, data in copied.items():
            target = staging / SEARCH_DIR / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        self.new.search_files = {rel: (sha, "") for rel, (sha, _) in old.search_files.items()}
        self.search_reused = True
        return True

    def indexed(self, staging: Path, shards_reused: int = 0) -> None:
        """Record the index just written (`shards_reused` of its shards came from search_store).
        A file linked from the store as the last build linked it (its stamp is the recorded one)
        is not read again to be hashed: most of a province's 120 MB index is."""
        old = self.old.search_files if self.old is not None else {}
        self.new.search_files = {}
        for rel, path in _files_under(str(staging / SEARCH_DIR)):
            now = stamp(path)
            sha, then = old.get(rel, ("", ""))
            self.new.search_files[rel] = (sha if then == now else sha256(Path(path).read_bytes()), now)
        self.shards_reused = shards_reused

    def save(self) -> None:
        """Write this build's manifest atomically; drop manifests of site folders that are gone."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = {"format": FORMAT, "site": str(self.site_dir), "environment": self.new.environment,
                "pages": dict(sorted(self.new.pages.items())), "search": self.new.search,
                "search_files": dict(sorted(self.new.search_files.items())),
                "stubs": {rel: digest for rel, (digest, _) in sorted(self.stubs.items())}}
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".manifest-", suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(marshal.dumps(body))
        os.replace(tmp, self.path)
        _prune(self.path.parent, self.path)


def _files_under(folder: str) -> Iterable[tuple[str, str]]:
    """(relative path with "/", path) of each file under `folder`, none if it is missing: a walk
    of plain strings, as a province's index is 40,000 files (pathlib's walk took 1 s)."""
    for root, _, names in os.walk(folder):
        prefix = os.path.relpath(root, folder).replace(os.sep, "/") + "/" if root != folder else ""
        for name in names:
            yield prefix + name, os.path.join(root, name)


def _prune(folder: Path, written: Path | None = None) -> None:
    """Manifests of site folders that no longer exist are of no use (tests build into temp folders),
    nor are those of format 5 and before (JSON). The manifest just `written` is not read again to
    learn its site (a province's: 28 MB, 0.25 s of every build): the site is being published."""
    for path in folder.glob("*.json"):
        path.unlink(missing_ok=True)
    for path in folder.glob(f"*{MANIFEST}"):
        if path == written:
            continue
        site = (read_manifest(path) or {}).get("site", "")
        if not isinstance(site, str) or not site or not Path(site).is_dir():
            path.unlink(missing_ok=True)
            shutil.rmtree(folder / SEARCH_STORE / path.stem, ignore_errors=True)
            shutil.rmtree(folder / EXPORTS_STORE / path.stem, ignore_errors=True)
