"""Index a large site in parts, then join the parts into the one pagefind bundle the search page loads.

Pagefind keeps everything it indexes in memory until it writes: 8.8 GB for the 38,000 indexed pages
of a 34,304-station province, growing faster than the page count. And it has no incremental mode:
after one phone number changed it read all 75,000 HTML files again. So a site is split into
shards of at most `SHARD_FILES` indexed pages (html_files) by a hash of each file's path (a page stays in its
shard whatever happens to other pages), each shard is indexed by its own pagefind process (up to
`PARALLEL` at a time), and the shards' bundles are joined: the same pages, words, filters and meta
fields as one pagefind run over the whole site (tests/browser/test_search_shards.py compares the
words, and the pages found in Chromium). Joining also copies light words into the chunks where the
browser looks for them (_copy_light_words), so even a small site, one shard, is joined. A shard whose
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

import bisect
import dataclasses
import functools
import hashlib
import heapq
import itertools
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import cbor2

from sgz_portal.site import children, search
from sgz_portal.site.search import SearchIndexError

# Pages per shard: pagefind took 420 MB and 2.7 s on a province's shard of 2,700 pages (with 4,700
# unindexed files besides, 500 MB and 3.7 s); two run at once beside the build's 1.7 GB.
SHARD_FILES = 3_000
PARALLEL = max(1, min(2, os.cpu_count() or 1))
CHUNK_WEIGHT = 20_000  # pagefind's own cut between index chunks: locations + 1 per page
JOIN_PARTS = 2  # word ranges joined side by side; fixed, so that the index is the same on any machine
# Words copied into the chunk the browser loads for their first characters (_copy_light_words):
# those on at most LIGHT_PAGES pages (names and their suffix forms: 帮扶资源链接 ends two service
# names; with 1, eight of 30 service names still found nothing), for their first COPY_PREFIX characters.
LIGHT_PAGES = 16
COPY_PREFIX = 2
CHUNK_GZIP = 6  # pagefind's own level: level 9 made chunks 3.8 % smaller and took 6 times as long (36 s for a province)
ENTRY = "pagefind-entry.json"
UNJOINABLE_EXIT = 3  # a range process met what joining does not know


class Unjoinable(SearchIndexError):
    """A shard uses a part of the index format that joining does not know (sorting, word variants)."""


def html_files(site_dir: Path, known: Mapping[str, tuple[str, bool]] | None = None) -> list[tuple[str, str]]:
    """(path, SHA-256) of every HTML file pagefind would index, in a stable order. Once any page
    carries `data-pagefind-body`, pagefind indexes only such pages and reads the others for nothing:
    a province's posters, region pages and redirect stubs were 68,000 of its 106,000 HTML files, a
    third of pagefind's time and most of the folders made for the shards (the index is the same
    without them). So only pages with the marker are listed, unless none has it. `known`: the hash
    of files this build wrote and whether they carry the marker, recorded as it wrote them
    (site/cache.py), which are not read again (a province's 75,000 pages took half a minute)."""
    known = known or {}
    marked, every = [], []
    for rel in _html_paths(site_dir):
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
    return sorted(found, key=lambda rel: rel.split("/"))


def shard_of(rel: str, count: int) -> int:
    return int.from_bytes(hashlib.sha256(rel.encode()).digest()[:4], "big") % count


def shard_key(files: list[tuple[str, str]]) -> str:
    """What a shard's bundle depends on: pagefind's version and its files' paths and bytes."""
    return search.files_key(files, f"pagefind {search.PAGEFIND_VERSION}\n")[:32]


def index(site_dir: Path, store: Path | None = None, reuse: bool = True,
          files: list[tuple[str, str]] | None = None) -> int:
    """Write site_dir/pagefind/, as search.index does: in shards of at most SHARD_FILES pages (a
    small site is one shard), kept in `store` (when given) for the next build, then joined (which
    also copies light words where the browser looks for them, _copy_light_words); with `reuse`, a
    stored shard with the same files is not indexed again. `files`: html_files(site_dir), if already
    known. Returns the number of shards taken from the store."""
    files = html_files(site_dir) if files is None else files
    count = math.ceil(len(files) / SHARD_FILES)
    if count == 0:
        search.index(site_dir)
        return 0
    groups: list[list[tuple[str, str]]] = [[] for _ in range(count)]
    for rel, digest in files:
        groups[shard_of(rel, count)].append((rel, digest))
    try:
        taken = _index_and_join(site_dir, groups, store, reuse)
    except SearchIndexError:
        if not reuse:
            raise
        shutil.rmtree(site_dir / search.BUNDLE, ignore_errors=True)  # a stored shard damaged since: start over
        taken = _index_and_join(site_dir, groups, store, False)
    search.finish(site_dir / search.BUNDLE)
    return taken


def _index_and_join(site_dir: Path, groups: list[list[tuple[str, str]]], store: Path | None, reuse: bool) -> int:
    # Beside the site, so that its files can be linked, not copied; a name that the next build
    # cleans up if this one is killed (publish.clean_stale: the site folder's name, then -new-<pid>-).
    with tempfile.TemporaryDirectory(prefix=f"{site_dir.name}-shards-", dir=site_dir.parent) as tmp:
        home = store if store is not None else Path(tmp) / "store"
        home.mkdir(parents=True, exist_ok=True)
        bundles, todo = [], []
        for group in groups:
            bundle = home / shard_key(group)
            if not (reuse and (bundle / ENTRY).is_file()):
                todo.append((group, bundle))
            bundles.append(bundle)
        _index_shards(site_dir, todo, Path(tmp))
        try:
            join(bundles, site_dir / search.BUNDLE)
        except Unjoinable:
            shutil.rmtree(site_dir / search.BUNDLE, ignore_errors=True)
            search.run_pagefind(site_dir)
            return 0
    if store is not None:
        _prune(store, {b.name for b in bundles})
    return len(groups) - len(todo)


def _index_shards(site_dir: Path, todo: list[tuple[list[tuple[str, str]], Path]], tmp: Path) -> None:
    """Run pagefind on each shard, PARALLEL at a time: each sees a folder of links to its files."""
    running: list[tuple[subprocess.Popen[str], Path, Path]] = []
    queue = list(enumerate(todo))
    while queue or running:
        while queue and len(running) < PARALLEL:
            n, (group, bundle) = queue.pop(0)
            part = tmp / f"site-{n}"
            for rel, _ in group:
                target = part / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(site_dir / rel, target)
                except OSError:
                    shutil.copyfile(site_dir / rel, target)
            written = tmp / f"bundle-{n}"
            command = [sys.executable, "-m", "pagefind", "--site", str(part), "--output-path", str(written), "--silent"]
            running.append((subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True),
                            written, bundle))
        process, written, bundle = running.pop(0)
        output, _ = process.communicate()
        if process.returncode != 0:
            for other, _, _ in running:
                other.kill()
            raise SearchIndexError(f"建立搜索索引失败:{output.strip()}")
        # Into the store whole or not at all: moved beside its place first, then renamed.
        beside = bundle.with_name(f".{bundle.name}.tmp")
        shutil.rmtree(beside, ignore_errors=True)
        shutil.move(written, beside)
        shutil.rmtree(bundle, ignore_errors=True)
        os.rename(beside, bundle)


def _prune(store: Path, keep: set[str]) -> None:
    """Shards of earlier builds that no current shard matches are of no further use."""
    for path in store.iterdir():
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)


# -- joining ------------------------------------------------------------------------------------

def join(bundles: list[Path], out: Path) -> None:
    """One bundle in `out` from pagefind's bundles of disjoint sets of pages, in their order."""
    entries = [json.loads((b / ENTRY).read_text(encoding="utf-8")) for b in bundles]
    for entry in entries:
        if entry.get("version") != search.PAGEFIND_VERSION:
            raise SearchIndexError(f"搜索索引由 pagefind {entry.get('version')} 生成,本程序只支持 "
                                   f"{search.PAGEFIND_VERSION}(请按 constraints.txt 安装依赖)")
    out.mkdir(parents=True)
    _copy_runtime(bundles, out)
    joined = {**entries[0], "languages": {}}
    for lang in sorted({lang for e in entries for lang in e["languages"]}):
        parts = [(b, e["languages"][lang]) for b, e in zip(bundles, entries) if lang in e["languages"]]
        joined["languages"][lang] = _join_language(parts, out)
    (out / ENTRY).write_text(json.dumps(joined, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


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


def _join_language(parts: list[tuple[Path, dict[str, Any]]], out: Path) -> dict[str, Any]:
    metas = [search.read_index_file(b / f"pagefind.{info['hash']}.pf_meta") for b, info in parts]
    if any(meta[4] for meta in metas):
        raise Unjoinable("sorting")
    lang = parts[0][1]["hash"].split("_")[0]
    fields = sorted({name for meta in metas for name in meta[5]})
    field_maps = [[fields.index(name) for name in meta[5]] for meta in metas]
    offsets: list[int] = []
    pages: list[list[Any]] = []
    fragments = out / "fragment"
    fragments.mkdir(exist_ok=True)
    for (bundle, _), meta in zip(parts, metas):
        offsets.append(len(pages))
        pages.extend([_copy_fragment(bundle, fragments, name), count] for name, count in meta[1])
    chunks = _join_words(parts, metas, offsets, field_maps, out, lang)
    filters = _join_filters(parts, metas, offsets, out, lang)
    meta = [metas[0][0], pages, chunks, filters, [], fields]
    name = search.write_index_file(out, f"pagefind.{lang}", ".pf_meta", meta, 10)
    return {**parts[0][1], "hash": name.split(".", 1)[1], "page_count": len(pages)}


def _copy_fragment(bundle: Path, folder: Path, name: str) -> str:
    """Put one fragment into `folder`: linked, not copied, when its name is free (a province's
    38,000 fragments took 7 s to read, hash and write; nothing writes into a fragment once it is
    written, here or in the store). A name another shard already used gets a longer one, unless
    it holds the same bytes."""
    source = bundle / "fragment" / f"{name}.pf_fragment"
    try:
        os.link(source, folder / f"{name}.pf_fragment")
        return name
    except OSError:  # the name is taken, or links are not allowed here: compared and copied
        pass
    data = source.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    return search.place(folder, ".pf_fragment", data, [f"{name}{digest[:n]}" for n in range(len(digest) + 1)])


def _join_words(parts: list[tuple[Path, dict[str, Any]]], metas: list[Any], offsets: list[int],
                field_maps: list[list[int]], out: Path, lang: str) -> list[list[str]]:
    """The joined word index, in JOIN_PARTS ranges of words joined side by side (PARALLEL at a
    time); the ranges are cut at evenly spaced chunk starts of all shards together, so the
    result does not depend on the machine. [from, to, file] per chunk."""
    (out / "index").mkdir(exist_ok=True)
    starts = sorted({chunk[0] for meta in metas for chunk in meta[2]})
    cuts = sorted({starts[len(starts) * k // JOIN_PARTS] for k in range(1, JOIN_PARTS)} - {starts[0]})
    bounds: list[str | None] = [None, *cuts, None]
    tasks = [_RangeTask([(str(bundle), [c[0] for c in meta[2]], [c[2] for c in meta[2]])
                         for (bundle, _), meta in zip(parts, metas)],
                        offsets, field_maps, lo, hi, str(out / "index"), lang)
             for lo, hi in zip(bounds, bounds[1:])]
    pieces = _run_ranges(tasks, out.parent) if PARALLEL > 1 and len(tasks) > 1 else [_join_range(t) for t in tasks]
    chunks = [chunk for piece in pieces for chunk in piece]
    for before, after in zip(chunks, chunks[1:]):
        before[1], after[0] = _prefixes(before[1], after[0])
    return _copy_light_words(chunks, out / "index", lang)


def _copy_light_words(chunks: list[list[Any]], folder: Path, lang: str) -> list[list[str]]:
    """Copy each light word (on at most LIGHT_PAGES pages: names and their suffix forms) into the
    chunks the browser loads for its first COPY_PREFIX characters, where those are not its own.

    The browser cuts a Chinese query into pieces of one or two characters (柳龙镇 -> 柳 龙 镇),
    loads for each piece the one chunk whose range holds it, and widens the piece only to the longer
    words of that chunk. A page whose name begins with the piece (柳龙镇门潭村, searchterms.py) is
    found only if that word is there. Pagefind ends a chunk right after every heavy word, so 柳, on
    5,626 pages of a province, ended its chunk and every longer word beginning with 柳 sat in the
    next one: 12 of 40 station names were missed. Keeping such families in one chunk instead made
    the chunk of 社区 carry 社工 and weigh 135 KB; a copy of the light words costs bytes, not chunks.
    A word loaded twice is the same entry twice: the browser keeps one (a map by word)."""
    tops = [chunk[1] for chunk in chunks]
    extra: dict[int, dict[str, list[Any]]] = {}
    for n, chunk in enumerate(chunks):
        # A piece sorts before the chunk holding a word it begins only where the chunk's start
        # begins with the piece and is longer (柳东 for 柳): only such words, at the start of
        # their chunk, can need copying, and _chunk set them aside when it wrote the chunk.
        pieces = [chunk[0][:length] for length in range(1, min(len(chunk[0]), COPY_PREFIX + 1))]
        targets = [(piece, loaded) for piece in pieces
                   if (loaded := _loaded(chunks, tops, piece)) is not None and loaded != n]
        for word in chunk[3] if targets else ():
            for piece, loaded in targets:
                if word[0].startswith(piece):
                    extra.setdefault(loaded, {})[word[0]] = word
    for n, words in sorted(extra.items()):
        path = folder / f"{chunks[n][2]}.pf_index"
        own = search.read_index_file(path)[0]
        merged = sorted({**words, **{w[0]: w for w in own}}.values(), key=lambda w: w[0])
        path.unlink()
        chunks[n][2] = search.write_index_file(folder, lang, ".pf_index", [merged], 12, CHUNK_GZIP, chunk_cbor)
    return [chunk[:3] for chunk in chunks]


def _loaded(chunks: list[list[str]], tops: list[str], piece: str) -> int | None:
    """The chunk the browser loads for `piece`: the first whose range holds it (pagefind's
    request_indexes), found by bisection since ranges are in order and do not overlap."""
    n = bisect.bisect_left(tops, piece)
    return n if n < len(chunks) and chunks[n][0] <= piece else None


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
                raise Unjoinable(output)
            if process.returncode != 0:
                raise SearchIndexError(f"合并搜索索引失败:{output.strip()}")
            pieces.append(json.loads(result_file.read_text(encoding="utf-8")))
    return pieces


def _join_range(task: _RangeTask) -> list[list[Any]]:
    streams = [_words(Path(bundle), starts, names, n, task.lo, task.hi)
               for n, (bundle, starts, names) in enumerate(task.shards)]
    return _write_chunks(_joined_words(streams, task.offsets, task.field_maps), Path(task.folder), task.lang)


def _words(bundle: Path, starts: list[str], names: list[str], shard: int, lo: str | None,
           hi: str | None) -> Iterator[tuple[str, int, list[Any]]]:
    """The shard's words in [lo, hi). A chunk holds the words from its start up to the next
    chunk's start (pagefind shortens the starts to where neighbours differ, which keeps that true),
    so only chunks that can hold such words are read."""
    for n, name in enumerate(names):
        after = starts[n + 1] if n + 1 < len(starts) else None
        if (hi is not None and starts[n] >= hi) or (lo is not None and after is not None and after <= lo):
            continue
        for word in search.read_index_file(bundle / "index" / f"{name}.pf_index")[0]:
            if (lo is not None and word[0] < lo) or (hi is not None and word[0] >= hi):
                continue
            if word[2]:
                raise Unjoinable("word variants")
            yield word[0], shard, word[1]


def _joined_words(streams: list[Iterator[tuple[str, int, list[Any]]]], offsets: list[int],
                  field_maps: list[list[int]]) -> Iterator[list[Any]]:
    """Every word of every shard in code-point order, its pages renumbered into the joined list."""
    current: str | None = None
    entries: list[Any] = []
    last = 0  # the joined page number of the word's latest entry
    for word, shard, shard_pages in heapq.merge(*streams, key=lambda w: (w[0], w[1])):
        if word != current:
            if current is not None:
                yield [current, entries, []]
            current, entries, last = word, [], 0
        renumbered = _remapped(shard_pages, field_maps[shard])
        first = offsets[shard] + renumbered[0][0]
        renumbered[0] = [first - last, *renumbered[0][1:]]
        entries.extend(renumbered)
        last = first + sum(entry[0] for entry in shard_pages[1:])
    if current is not None:
        yield [current, entries, []]


def _remapped(shard_pages: list[Any], field_map: list[int]) -> list[Any]:
    """The entries with meta field numbers of the joined list (a copy of the first entry, which
    the caller renumbers)."""
    if field_map == list(range(len(field_map))):
        return [list(shard_pages[0]), *shard_pages[1:]]
    return [[delta, locations, [-(field_map[-v - 1] + 1) if v < 0 else v for v in meta_locations]]
            for delta, locations, meta_locations in shard_pages]


def _write_chunks(words: Iterator[list[Any]], folder: Path, lang: str) -> list[list[Any]]:
    """Cut the words into chunk files as pagefind does; _chunk's list per chunk
    (the caller shortens them as pagefind does, across ranges). Pagefind widens a query word to the
    longer words it starts only within the one chunk whose range holds the word, so the cut decides
    what a prefix finds: starting a new chunk with every heavy word made some of a province's later
    queries lighter, but twice as many service names found nothing, their single-character pieces
    (帮 of 个案帮扶) no longer reaching 帮扶 (bench/README.md). Names are longer than pagefind's 7
    digits: ranges are written side by side, and must not meet on a name."""
    chunks: list[list[Any]] = []
    batch: list[Any] = []
    weight = 0
    for word in words:
        batch.append(word)
        weight += sum(len(entry[1]) + 1 for entry in word[1])
        if weight >= CHUNK_WEIGHT:
            chunks.append(_chunk(batch, folder, lang))
            batch, weight = [], 0
    if batch:
        chunks.append(_chunk(batch, folder, lang))
    return chunks


def _chunk(batch: list[Any], folder: Path, lang: str) -> list[Any]:
    """[first word, last word, file, light words that may need copying]: the light words at the
    chunk's start that share the first character of its first word (_copy_light_words)."""
    head = batch[0][0][:1]
    starting = itertools.takewhile(lambda w: w[0].startswith(head), batch)
    light = [w for w in starting if len(w[1]) <= LIGHT_PAGES]
    return [batch[0][0], batch[-1][0], search.write_index_file(folder, lang, ".pf_index", [batch], 12, CHUNK_GZIP,
                                                                        chunk_cbor), light]


def _cbor_head(major: int, n: int) -> bytes:
    """CBOR's shortest head of major type `major` with argument n (as cbor2 writes it)."""
    if n < 24:
        return bytes((major << 5 | n,))
    for extra, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes((major << 5 | extra,)) + n.to_bytes(size, "big")
    raise OverflowError(n)  # cbor2 writes a bignum tag


@functools.lru_cache(maxsize=1)
def _cbor_ints() -> dict[int, bytes]:
    """The encodings of the integers a chunk is made of: page deltas, positions, meta field marks."""
    return {**{i: _cbor_head(0, i) for i in range(1 << 16)}, **{-1 - i: _cbor_head(1, i) for i in range(1 << 10)}}


@functools.lru_cache(maxsize=1)
def _cbor_lists() -> list[bytes]:
    """The heads of arrays of up to 65,535 items."""
    return [_cbor_head(4, n) for n in range(1 << 16)]


def chunk_cbor(value: Any) -> bytes:
    """cbor2.dumps(value), byte for byte, for a chunk ([[[word, [[delta, [positions], [meta
    positions]]...], variants]...]]): cbor2 took 33 ms for a province's chunk of 20,000 entries, this
    15. Anything else in the value is left to cbor2."""
    try:
        return _chunk_cbor(value)
    except (KeyError, IndexError, TypeError, ValueError, OverflowError):
        return cbor2.dumps(value)


def _chunk_cbor(value: Any) -> bytes:
    """Positions are ints, as pagefind writes them (a bool or float among them would not be told apart)."""
    code, heads = _cbor_ints().__getitem__, _cbor_lists()
    out: list[bytes] = []
    put = out.append
    (words,) = value
    put(heads[1] + heads[len(words)])
    triple = heads[3]
    for word, entries, variants in words:
        if type(word) is not str or type(entries) is not list or variants != []:
            raise TypeError(word)
        text = word.encode("utf-8")
        put(triple + _cbor_head(3, len(text)) + text + heads[len(entries)])
        for delta, positions, metas in entries:
            if type(positions) is not list or type(metas) is not list or type(delta) is not int:
                raise TypeError(delta)
            put(triple + code(delta) + heads[len(positions)] + b"".join(map(code, positions))
                + heads[len(metas)] + b"".join(map(code, metas)))
        put(heads[0])
    return b"".join(out)


def _prefixes(a: str, b: str) -> tuple[str, str]:
    common = 0
    for x, y in zip(b, a):
        if x != y:
            break
        common += 1
    return a[:common + 1], b[:common + 1]


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
        chunks = _join_range(task)
    except Unjoinable as err:
        print(err)
        return UNJOINABLE_EXIT
    Path(argv[1]).write_text(json.dumps(chunks, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(_range_main(sys.argv[1:]))
