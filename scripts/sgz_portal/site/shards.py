"""Index a large site in parts, then join the parts into the one pagefind bundle the search page loads.

Pagefind keeps everything it indexes in memory until it writes: 8.8 GB for the 38,000 indexed pages
of a 34,304-station province, growing faster than the page count. And it has no incremental mode:
after one phone number changed it read all 75,000 HTML files again. So a site is split into
shards of at most `SHARD_FILES` indexed pages (html_files) by a hash of each file's path (a page stays in its
shard whatever happens to other pages), each shard is indexed by its own pagefind process (up to
`PARALLEL` at a time), and the shards' bundles are joined: the same pages, words, filters and meta
fields as one pagefind run over the whole site (tests/browser/test_search_shards.py compares the
words, and the pages found in Chromium). Joining also copies light words into the chunks where the
browser looks for them (chunks.light_sources), so even a small site, one shard, is joined. A shard whose
HTML files are byte for byte those it was indexed from is taken from the store (the build cache,
`search/` in `.cache/sgz-portal/`) instead of being indexed again.

Joining knows the index format of the pinned pagefind (search.PAGEFIND_VERSION; each shard's entry
file is checked):

- `pf_meta`: [version, pages [[fragment, word count]], chunks [[from, to, file]], filters
  [[name, file]], sorts, meta field names]; a page's number is its place in `pages`.
- `pf_index` (a chunk): [[[word, [[page delta, locations, meta locations]], variants]]], words in
  code-point order; a word's first page delta counts from 0. In meta locations a negative number
  -(i+1) starts the positions in meta field i.
- `pf_filter`: [name, [[value, [page numbers]]]].
"""
from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sgz_portal.site import children, chunks, rejoin, search
from sgz_portal.site.search import SearchIndexError

# Pages per shard: an edit indexes its page's whole shard again, and pagefind took 3.2 s on a
# province's shard of 2,900 pages, 1.25 s on one of 1,000 (420 MB at 2,700 pages; two run at once
# beside the build's 1.8 GB). Smaller shards cost a full build a little more: 38 pagefind runs, not 13.
SHARD_FILES = 1_000
PARALLEL = max(1, min(2, os.cpu_count() or 1))
JOIN_PARTS = 2  # word ranges joined side by side; fixed, so that the index is the same on any machine
ENTRY = "pagefind-entry.json"
UNJOINABLE_EXIT = 3  # a range process met what joining does not know


def html_files(site_dir: Path, known: Mapping[str, tuple[str, bool]] | None = None,
               paths: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """(path, SHA-256) of every HTML file pagefind would index, in a stable order. Once any page
    carries `data-pagefind-body`, pagefind indexes only such pages and reads the others for nothing:
    a province's posters, region pages and redirect stubs were 68,000 of its 106,000 HTML files, a
    third of pagefind's time and most of the folders made for the shards (the index is the same
    without them). So only pages with the marker are listed, unless none has it. `known`: the hash
    of files this build wrote and whether they carry the marker, recorded as it wrote them
    (site/cache.py), which are not read again (a province's 75,000 pages took half a minute).
    `paths`: the HTML files in site_dir, if the build knows them (not walked again)."""
    known = known or {}
    marked, every = [], []
    rels = _html_paths(site_dir) if paths is None else sorted(paths, key=in_site_order)
    for rel in rels:
        recorded = known.get(rel)
        if recorded is None:
            data = (site_dir / rel).read_bytes()
            recorded = (hashlib.sha256(data).hexdigest(), search.MARKER in data)
        every.append((rel, recorded[0]))
        if recorded[1]:
            marked.append((rel, recorded[0]))
    return marked or every


def _html_paths(site_dir: Path) -> list[str]:
    """The site-relative paths of the HTML files outside the search bundle, in the order of
    sorted(site_dir.rglob("*.html")), whose walk took 4.7 s of a province's incremental build:
    one scandir per folder, and the kind of each entry as the folder listing gives it."""
    found: list[str] = []
    folders = [(str(site_dir), "")]
    while folders:
        folder, prefix = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if rel != search.BUNDLE:
                        folders.append((entry.path, rel + "/"))
                elif entry.name.endswith(".html") and entry.is_file():
                    found.append(rel)
    return sorted(found, key=in_site_order)


def in_site_order(rel: str) -> list[str]:
    """The order of sorted(site_dir.rglob("*.html")): folder by folder."""
    return rel.split("/")


def shard_of(rel: str, count: int) -> int:
    return int.from_bytes(hashlib.sha256(rel.encode()).digest()[:4], "big") % count


def shard_groups(rels: list[str]) -> list[list[str]]:
    """`rels` (in site order) in shards of about SHARD_FILES pages, by a hash of each path: how
    index() groups the files, and site/ahead.py the pages it expects, before they are written."""
    count = math.ceil(len(rels) / SHARD_FILES)
    groups: list[list[str]] = [[] for _ in range(count)]
    for rel in rels:
        groups[shard_of(rel, count)].append(rel)
    return groups


def shard_key(files: list[tuple[str, str]]) -> str:
    """What a shard's bundle depends on: pagefind's version and its files' paths and bytes."""
    return search.files_key(files, f"pagefind {search.PAGEFIND_VERSION}\n")[:32]


@dataclasses.dataclass(frozen=True)
class Joined:
    """A join made before shards.index ran (site/ahead.py): the bundles it joined, in order, and
    the bundle it wrote and finished (search.finish), on the site's file system."""

    names: list[str]
    bundle: Path


def index(site_dir: Path, store: Path | None = None, reuse: bool = True,
          files: list[tuple[str, str]] | None = None, made: set[str] | frozenset[str] = frozenset(),
          joined: Joined | None = None) -> int:
    """Write site_dir/pagefind/, as search.index does: in shards of at most SHARD_FILES pages (a
    small site is one shard), kept in `store` (when given) for the next build, then joined (which
    also copies light words where the browser looks for them, chunks.light_sources); with `reuse`, a
    stored shard with the same files is not indexed again, and neither is one this build `made` as
    mkdocs rendered (site/ahead.py), and `joined`, the join made meanwhile, is taken if it joined
    the very bundles this index is made of. `files`: html_files(site_dir), if already known.
    Returns the number of shards taken from the store (not those made)."""
    files = html_files(site_dir) if files is None else files
    if not files:
        search.index(site_dir)
        return 0
    digests = dict(files)
    groups = [[(rel, digests[rel]) for rel in group] for group in shard_groups([rel for rel, _ in files])]
    try:
        taken, finished = _index_and_join(site_dir, groups, store, reuse, made, joined)
    except SearchIndexError:
        if not reuse:
            raise
        shutil.rmtree(site_dir / search.BUNDLE, ignore_errors=True)  # a stored shard damaged since: start over
        taken, finished = _index_and_join(site_dir, groups, store, False)
    if not finished:
        search.finish(site_dir / search.BUNDLE)
    return taken


def _index_and_join(site_dir: Path, groups: list[list[tuple[str, str]]], store: Path | None, reuse: bool,
                    made: set[str] | frozenset[str] = frozenset(), joined: Joined | None = None) -> tuple[int, bool]:
    """(shards taken from the store, whether the bundle is finished already: a join made ahead)."""
    # Beside the site, so that its files can be linked, not copied; a name that the next build
    # cleans up if this one is killed (publish.clean_stale: the site folder's name, then -new-<pid>-).
    with tempfile.TemporaryDirectory(prefix=f"{site_dir.name}-shards-", dir=site_dir.parent) as tmp:
        home = store if store is not None else Path(tmp) / "store"
        home.mkdir(parents=True, exist_ok=True)
        bundles, todo = [], []
        fresh = 0
        for group in groups:
            bundle = home / shard_key(group)
            if not ((reuse or bundle.name in made) and (bundle / ENTRY).is_file()):
                todo.append((group, bundle))
            elif bundle.name in made:
                fresh += 1
            bundles.append(bundle)
        if (not todo and joined is not None and joined.names == [bundle.name for bundle in bundles]
                and _version(joined.bundle) == search.PAGEFIND_VERSION):  # else the join below says why not
            os.rename(joined.bundle, site_dir / search.BUNDLE)
            return _pruned(store, bundles, groups, todo, fresh), True
        _index_shards(site_dir, todo, Path(tmp))
        try:
            join(bundles, site_dir / search.BUNDLE, store, reuse)
        except chunks.Unjoinable:
            shutil.rmtree(site_dir / search.BUNDLE, ignore_errors=True)
            if store is not None:
                rejoin.forget(store)
            search.run_pagefind(site_dir)
            return 0, False
    return _pruned(store, bundles, groups, todo, fresh), False


def _version(bundle: Path) -> str | None:
    try:
        version = json.loads((bundle / ENTRY).read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError, AttributeError):
        return None
    return version if isinstance(version, str) else None


def _pruned(store: Path | None, bundles: list[Path], groups: list[Any], todo: list[Any], fresh: int) -> int:
    """Prune the store to this index's bundles and the join's record; the shards taken from it."""
    if store is not None:
        _prune(store, {b.name for b in bundles} | {rejoin.FOLDER})
    return len(groups) - len(todo) - fresh


def _index_shards(site_dir: Path, todo: list[tuple[list[tuple[str, str]], Path]], tmp: Path) -> None:
    """Run pagefind on each shard, PARALLEL at a time: each sees a folder of links to its files."""
    runner = Runner(site_dir, tmp, PARALLEL)
    try:
        for group, bundle in todo:
            runner.add(group, bundle)
        failed = runner.wait()
    finally:
        runner.kill()
    if failed:
        raise SearchIndexError(f"建立搜索索引失败:{failed[0]}")


def _lower(pid: int, nice: int) -> None:
    """Run the process `pid` at a priority `nice` below this one's. Set from here, not by a
    preexec_fn in the child, which may deadlock while another thread runs (site/ahead.py's
    waiter); the pagefind wrapper starts its program well after this (Python's start-up), and the
    program inherits it."""
    with contextlib.suppress(OSError, AttributeError):  # gone already, or no priorities here
        os.setpriority(os.PRIO_PROCESS, pid, min(19, os.getpriority(os.PRIO_PROCESS, 0) + nice))


class Runner:
    """pagefind runs on shards, `parallel` at a time, each on a folder of links to its files in
    `tmp`; each bundle goes into its place in the store whole or not at all. `nice`: a lower
    priority (runs beside mkdocs: site/ahead.py)."""

    def __init__(self, site_dir: Path, tmp: Path, parallel: int, nice: int = 0) -> None:
        self.site_dir, self.tmp, self.parallel, self.nice = site_dir, tmp, parallel, nice
        self.queue: list[tuple[list[tuple[str, str]], Path]] = []
        self.running: list[tuple[subprocess.Popen[str], Path, Path]] = []
        self.done: set[str] = set()  # the names of the bundles made
        self.failed: list[str] = []  # what pagefind said when it failed
        self._started = 0

    def add(self, group: list[tuple[str, str]], bundle: Path) -> None:
        self.queue.append((group, bundle))
        self._fill()

    def _fill(self) -> None:
        while self.queue and len(self.running) < self.parallel:
            group, bundle = self.queue.pop(0)
            part = self.tmp / f"site-{self._started}"
            written = self.tmp / f"bundle-{self._started}"
            self._started += 1
            made: set[Path] = set()
            for rel, _ in group:
                target = part / rel
                if target.parent not in made:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    made.add(target.parent)
                try:
                    os.link(self.site_dir / rel, target)
                except OSError:
                    shutil.copyfile(self.site_dir / rel, target)
            command = [sys.executable, "-m", "pagefind", "--site", str(part), "--output-path", str(written), "--silent"]
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if self.nice:
                _lower(process.pid, self.nice)
            self.running.append((process, written, bundle))

    def poll(self) -> None:
        """Take the runs that have ended, and start queued ones in their place."""
        for run in [r for r in self.running if r[0].poll() is not None]:
            self.running.remove(run)
            self._take(*run)
        self._fill()

    def wait(self) -> list[str]:
        """Run everything queued; what pagefind said in the runs that failed."""
        self._fill()
        while self.running:
            run = self.running.pop(0)
            self._take(*run)
            self._fill()
        return self.failed

    def _take(self, process: subprocess.Popen[str], written: Path, bundle: Path) -> None:
        output, _ = process.communicate()
        if process.returncode != 0:
            self.failed.append(output.strip())
            self.queue.clear()
            return
        beside = bundle.with_name(f".{bundle.name}.tmp")  # moved beside its place first, then renamed
        shutil.rmtree(beside, ignore_errors=True)
        shutil.move(written, beside)
        shutil.rmtree(bundle, ignore_errors=True)
        os.rename(beside, bundle)
        self.done.add(bundle.name)

    def kill(self) -> None:
        """Stop what still runs (a build that failed, or no longer needs it)."""
        running = list(self.running)  # site/ahead.py's waiter may be taking one meanwhile
        self.running.clear()
        self.queue.clear()
        for process, _, _ in running:
            process.kill()
            process.wait()


def _prune(store: Path, keep: set[str]) -> None:
    """Shards of earlier builds that no current shard matches are of no further use."""
    for path in store.iterdir():
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)


# -- joining ------------------------------------------------------------------------------------


def join(bundles: list[Path], out: Path, store: Path | None = None, reuse: bool = False) -> None:
    """One bundle in `out` from pagefind's bundles of disjoint sets of pages, in their order.
    With a `store` (that holds the bundles), the join is recorded there for the next one, which
    with `reuse` writes again only the chunks whose words changed (site/rejoin.py)."""
    entries = [json.loads((b / ENTRY).read_text(encoding="utf-8")) for b in bundles]
    for entry in entries:
        if entry.get("version") != search.PAGEFIND_VERSION:
            raise SearchIndexError(f"搜索索引由 pagefind {entry.get('version')} 生成,本程序只支持 "
                                   f"{search.PAGEFIND_VERSION}(请按 constraints.txt 安装依赖)")
    out.mkdir(parents=True)
    _copy_runtime(bundles, out)
    joined = {**entries[0], "languages": {}}
    previous = rejoin.load(store) if store is not None and reuse else None
    records: dict[str, dict[str, Any]] = {}
    for lang in sorted({lang for e in entries for lang in e["languages"]}):
        parts = [(b, e["languages"][lang]) for b, e in zip(bundles, entries) if lang in e["languages"]]
        joined["languages"][lang], records[lang] = _join_language(parts, out, previous)
    (out / ENTRY).write_text(json.dumps(joined, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    if store is not None:
        rejoin.save(store, out / "index", records)


def join_later(bundles: list[Path], out: Path, store: Path, reuse: bool) -> subprocess.Popen[str]:
    """`join` in a child process (`python -m sgz_portal.site.shards join TASK`), in a process
    group of its own so that a build that fails stops its range processes too; its task file
    beside `out`."""
    task = out.parent / "join-task.json"
    task.write_text(json.dumps({"bundles": [str(b) for b in bundles], "out": str(out), "store": str(store),
                                "reuse": reuse}, ensure_ascii=False), encoding="utf-8")
    command, env = children.module_command("sgz_portal.site.shards", "join", str(task))
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)


def _join_main(argv: list[str]) -> int:
    """The child of join_later: the join, finished as shards.index finishes one. Anything that
    goes wrong is said again by the build's own join."""
    gc.disable()  # the index chunks decoded are lists of numbers (as site/build.py collector_off)
    task = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    try:
        join([Path(b) for b in task["bundles"]], Path(task["out"]), Path(task["store"]), task["reuse"])
        search.finish(Path(task["out"]))
    except (chunks.Unjoinable, SearchIndexError, OSError) as err:
        print(err)
        return 1
    return 0


def _copy_runtime(bundles: list[Path], out: Path) -> None:
    """pagefind.js, its worker and wasm: the same in every shard."""
    for bundle in bundles:
        for path in sorted(bundle.iterdir()):
            if path.is_file() and path.name != ENTRY and not path.name.endswith(".pf_meta"):
                target = out / path.name
                if not target.exists():
                    shutil.copyfile(path, target)
                elif target.read_bytes() != path.read_bytes():
                    raise SearchIndexError(f"各部分的搜索程序文件 {path.name} 不一致")


def _join_language(parts: list[tuple[Path, dict[str, Any]]], out: Path,
                   previous: rejoin.Previous | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The language's entry in pagefind-entry.json, and its record for the next join."""
    metas = [search.read_index_file(b / f"pagefind.{info['hash']}.pf_meta") for b, info in parts]
    if any(meta[4] for meta in metas):
        raise chunks.Unjoinable("sorting")
    lang = parts[0][1]["hash"].split("_")[0]
    fields = sorted({name for meta in metas for name in meta[5]})
    field_maps = [[fields.index(name) for name in meta[5]] for meta in metas]
    offsets: list[int] = []
    pages: list[list[Any]] = []
    fragments = out / "fragment"
    fragments.mkdir(exist_ok=True)
    for (bundle, _), meta in zip(parts, metas):
        offsets.append(len(pages))
        source = os.path.join(bundle, "fragment")  # strings: 38,000 Paths made took 0.7 profiled s
        pages.extend([_copy_fragment(source, str(fragments), name), count] for name, count in meta[1])
    (out / "index").mkdir(exist_ok=True)
    cuts = _cuts(metas)
    cut = rejoin.recut(previous, lang, parts, metas, offsets, field_maps, cuts, out / "index") if previous else None
    if cut is None:
        cut = _join_words(parts, metas, offsets, field_maps, cuts, out, lang)
    listed = rejoin.finish(cut, out / "index", lang, previous.index if previous else None)
    filters = _join_filters(parts, metas, offsets, out, lang)
    meta = [metas[0][0], pages, listed, filters, [], fields]
    name = search.write_index_file(out, f"pagefind.{lang}", ".pf_meta", meta, 10)
    return ({**parts[0][1], "hash": name.split(".", 1)[1], "page_count": len(pages)},
            rejoin.describe(parts, metas, field_maps, cuts, cut))


def _copy_fragment(fragments: str, folder: str, name: str) -> str:
    """Put one fragment of a bundle's `fragments` folder into `folder`: linked, not copied, when
    its name is free (a province's 38,000 fragments took 7 s to read, hash and write; nothing
    writes into a fragment once it is written, here or in the store). A name another shard already
    used gets a longer one, unless it holds the same bytes."""
    source = os.path.join(fragments, f"{name}.pf_fragment")
    try:
        os.link(source, os.path.join(folder, f"{name}.pf_fragment"))
        return name
    except OSError:  # the name is taken, or links are not allowed here: compared and copied
        pass
    data = Path(source).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    return search.place(Path(folder), ".pf_fragment", data, [f"{name}{digest[:n]}" for n in range(len(digest) + 1)])


def _cuts(metas: list[Any]) -> list[str]:
    """Where the word ranges joined side by side meet: at evenly spaced chunk starts of all
    shards together, so the result does not depend on the machine."""
    starts = sorted({chunk[0] for meta in metas for chunk in meta[2]})
    return sorted({starts[len(starts) * k // JOIN_PARTS] for k in range(1, JOIN_PARTS)} - {starts[0]})


def _join_words(parts: list[tuple[Path, dict[str, Any]]], metas: list[Any], offsets: list[int],
                field_maps: list[list[int]], cuts: list[str], out: Path, lang: str) -> list[rejoin.Chunk]:
    """The joined word index, in JOIN_PARTS ranges of words (between `cuts`) joined side by side
    (PARALLEL at a time): its chunks, each file holding its own words (rejoin.finish adds the copies)."""
    bounds: list[str | None] = [None, *cuts, None]
    tasks = [_RangeTask([(str(bundle), [c[0] for c in meta[2]], [c[2] for c in meta[2]])
                         for (bundle, _), meta in zip(parts, metas)],
                        offsets, field_maps, lo, hi, str(out / "index"), lang)
             for lo, hi in zip(bounds, bounds[1:])]
    pieces = _run_ranges(tasks, out.parent) if PARALLEL > 1 and len(tasks) > 1 else [_join_range(t) for t in tasks]
    return [rejoin.Chunk(*chunk) for piece in pieces for chunk in piece]


@dataclasses.dataclass(frozen=True)
class _RangeTask:
    """What one process needs to join the words in [lo, hi) (None: open end)."""

    shards: list[tuple[str, list[str], list[str]]]  # (bundle, chunk starts, chunk files) per shard
    offsets: list[int]
    field_maps: list[list[int]]
    lo: str | None
    hi: str | None
    folder: str
    lang: str


def _run_ranges(tasks: list[_RangeTask], scratch: Path) -> list[list[list[Any]]]:
    """Each range in its own process (`python -m sgz_portal.site.shards TASK RESULT`, site/children.py)."""
    with tempfile.TemporaryDirectory(prefix=".join-", dir=scratch) as tmp:
        running = []
        for n, task in enumerate(tasks):
            task_file, result_file = Path(tmp) / f"task-{n}.json", Path(tmp) / f"result-{n}.json"
            task_file.write_text(json.dumps(dataclasses.asdict(task), ensure_ascii=False), encoding="utf-8")
            command, env = children.module_command("sgz_portal.site.shards", str(task_file), str(result_file))
            running.append((subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                             text=True), result_file))
        pieces = []
        for process, result_file in running:
            output, _ = process.communicate()
            if process.returncode == UNJOINABLE_EXIT:
                raise chunks.Unjoinable(output)
            if process.returncode != 0:
                raise SearchIndexError(f"合并搜索索引失败:{output.strip()}")
            pieces.append(json.loads(result_file.read_text(encoding="utf-8")))
    return pieces


def _join_range(task: _RangeTask) -> list[list[Any]]:
    streams = [chunks.bundle_words(Path(bundle), starts, names, n, task.lo, task.hi)
               for n, (bundle, starts, names) in enumerate(task.shards)]
    return chunks.write_chunks(chunks.merged_words(streams, task.offsets, task.field_maps), Path(task.folder), task.lang)


def _join_filters(parts: list[tuple[Path, dict[str, Any]]], metas: list[Any], offsets: list[int],
                  out: Path, lang: str) -> list[list[str]]:
    joined: dict[str, dict[str, list[int]]] = {}
    for (bundle, _), meta, offset in zip(parts, metas, offsets):
        for name, file_name in meta[3]:
            _, values = search.read_index_file(bundle / "filter" / f"{file_name}.pf_filter")
            for value, page_numbers in values:
                joined.setdefault(name, {}).setdefault(value, []).extend(offset + p for p in page_numbers)
    folder = out / "filter"
    folder.mkdir(exist_ok=True)
    return sorted([name, search.write_index_file(folder, lang, ".pf_filter",
                                                 [name, [[v, pages] for v, pages in sorted(values.items())]], 7)]
                  for name, values in joined.items())


def _range_main(argv: list[str]) -> int:
    """The child of _run_ranges: join one range, write its chunk list."""
    task = _RangeTask(**json.loads(Path(argv[0]).read_text(encoding="utf-8")))
    try:
        written = _join_range(task)
    except chunks.Unjoinable as err:
        print(err)
        return UNJOINABLE_EXIT
    Path(argv[1]).write_text(json.dumps(written, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(_join_main(sys.argv[2:]) if sys.argv[1:2] == ["join"] else _range_main(sys.argv[1:]))
