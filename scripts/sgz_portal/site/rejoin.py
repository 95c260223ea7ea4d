"""Join the shards again after a few of them changed, writing only the chunks whose words changed.

One phone number corrected on a station page changes one shard of a province's index and a
handful of words, and a full join read all 13 shards and wrote all their chunks again (35-40 s).
Pagefind's cut (chunks.write_chunks) starts each chunk afresh once the one before reached
CHUNK_WEIGHT, and at every range cut, so two cuts of nearly the same words agree again from the
first boundary they share. So each join keeps, in the search store (`join/`), a record of its
chunks (where each starts and ends, the light words it set aside, the copies it received) and
links to their files. The next join, when every shard still holds the same number of pages with
the same meta fields (a phone changed, a brief added: the page numbers stay put), finds the words
that changed in the changed shards, cuts again from the last boundary before each until the new
cut meets a boundary of the last join, and takes the other chunks as they were, receiving again
the light words copied into them (chunks.light_sources). Anything else is a full join. The
result is byte for byte a full join's (tests/test_rejoin.py compares them after random edits).
"""
from __future__ import annotations

import bisect
import dataclasses
import hashlib
import json
import marshal
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sgz_portal.site import chunks, search

FOLDER = "join"  # in the search store: RECORD and index/, links to the chunk files of the last join
RECORD = "record.marshal"  # marshal: a province's record (23 MB of JSON) took 4 s to read as JSON
ENTRY = "pagefind-entry.json"


@dataclasses.dataclass
class Chunk:
    """One chunk of a joined index, by its whole first and last words (the meta file shortens them)."""

    first: str
    last: str
    file: str  # fresh: the file of its own words; otherwise the last join's file, copies included
    light: list[Any] | Light  # its light words that may be copied elsewhere (chunks.write_chunk)
    fresh: bool = True
    copied: list[str] = dataclasses.field(default_factory=list)  # the words copied into it
    digest: str = ""  # of those copies, entries included
    light_id: str = ""  # SHA-256 of its light words as recorded (_blob), once known
    sources: str = ""  # what its copies were made from: the light_id and piece of each chunk sending them
    # fresh from _recut: its own words, as its file holds them (not recorded), so that finish adds
    # copies without decoding the file it has just written (3 s of a province's phone edit)
    words: list[Any] | None = dataclasses.field(default=None, repr=False, compare=False)


class Light:
    """A kept chunk's light words as the record holds them (marshal), read only if iterated: a
    province's record held 287 chunks of them, and reading them all took 4 s."""

    def __init__(self, blob: bytes) -> None:
        self.blob = blob

    def __iter__(self) -> Iterator[list[Any]]:
        return iter(marshal.loads(self.blob))


def _blob(light: list[Any] | Light) -> bytes:
    return light.blob if isinstance(light, Light) else marshal.dumps(light)


@dataclasses.dataclass(frozen=True)
class Previous:
    """The last join's record, and where its chunk files are."""

    store: Path
    languages: dict[str, dict[str, Any]]

    @property
    def index(self) -> Path:
        return self.store / FOLDER / "index"


def _code() -> str:
    """What a record depends on besides the shards: the cut, the copies and pagefind's format."""
    h = hashlib.sha256(search.PAGEFIND_VERSION.encode())
    for module in (chunks.__file__, __file__):
        h.update(Path(module).read_bytes())
    return h.hexdigest()


def load(store: Path) -> Previous | None:
    """The last join's record, if it was made by this code and its chunk files are there."""
    try:
        record = marshal.loads((store / FOLDER / RECORD).read_bytes())  # no code runs when it is read
        if record["code"] != _code():
            return None
        languages = {lang: {**info, "chunks": [Chunk(first, last, file, Light(light), False, copied, digest, light_id,
                                                     sources)
                                               for first, last, file, light, copied, digest, _, light_id, sources
                                               in info["chunks"]]}
                     for lang, info in record["languages"].items()}
        index = store / FOLDER / "index"
        if any(_stamp(index / f"{c[2]}.pf_index") != c[6] for info in record["languages"].values()
               for c in info["chunks"]):
            return None  # a file changed since it was written (by hand, or damaged): it is not published
    except (OSError, ValueError, KeyError, TypeError, IndexError, EOFError):
        return None
    return Previous(store, languages)


def _stamp(path: Path) -> list[int]:
    """Size, modification time and inode: a file with the same is trusted to be the one written
    (as site/cache.py trusts kept pages), so the kept chunks are not read to be checked."""
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def forget(store: Path) -> None:
    """No record: the next join is a full one (the index was made some other way)."""
    shutil.rmtree(store / FOLDER, ignore_errors=True)


def save(store: Path, index: Path, languages: dict[str, dict[str, Any]]) -> None:
    """Record this join for the next one: replaced whole, by a rename."""
    new = store / f".{FOLDER}-new"
    shutil.rmtree(new, ignore_errors=True)
    (new / "index").mkdir(parents=True)
    for info in languages.values():
        for chunk in info["chunks"]:
            _link(index / f"{chunk.file}.pf_index", new / "index")
    record = {"code": _code(), "languages": {
        lang: {**info, "chunks": [[c.first, c.last, c.file, _blob(c.light), c.copied, c.digest,
                                   _stamp(new / "index" / f"{c.file}.pf_index"), c.light_id, c.sources]
                                  for c in info["chunks"]]}
        for lang, info in languages.items()}}
    (new / RECORD).write_bytes(marshal.dumps(record))
    shutil.rmtree(store / FOLDER, ignore_errors=True)
    os.rename(new, store / FOLDER)


def describe(parts: list[tuple[Path, dict[str, Any]]], metas: list[Any], field_maps: list[list[int]],
             cuts: list[str], cut: list[Chunk]) -> dict[str, Any]:
    """What the next join needs to know of one language of this one."""
    return {"parts": [bundle.name for bundle, _ in parts], "pages": [len(meta[1]) for meta in metas],
            "maps": field_maps, "cuts": cuts, "chunks": cut}


def recut(previous: Previous, lang: str, parts: list[tuple[Path, dict[str, Any]]], metas: list[Any],
          offsets: list[int], field_maps: list[list[int]], cuts: list[str], folder: Path) -> list[Chunk] | None:
    """The chunks of `lang`, cut again only where words changed since the last join (new chunk
    files in `folder`); None where the last join cannot be built on (a full join is needed)."""
    last = previous.languages.get(lang)
    if (last is None or not last["chunks"] or len(last["parts"]) != len(parts)
            or last["pages"] != [len(meta[1]) for meta in metas] or last["maps"] != field_maps):
        return None
    dirty = set(last["cuts"]) ^ set(cuts)
    for n, ((bundle, _), meta) in enumerate(zip(parts, metas)):
        if bundle.name != last["parts"][n]:
            old = _meta(previous.store / last["parts"][n], lang)
            if old is None:
                return None
            dirty |= _changed_words(previous.store / last["parts"][n], old, bundle, meta)

    def stream(lo: str | None) -> Iterator[list[Any]]:
        return chunks.merged_words([chunks.bundle_words(bundle, [c[0] for c in meta[2]], [c[2] for c in meta[2]],
                                                        n, lo, None)
                                    for n, ((bundle, _), meta) in enumerate(zip(parts, metas))], offsets, field_maps)

    return _recut(last["chunks"], sorted(dirty), cuts, stream, folder, lang)


def _meta(bundle: Path, lang: str) -> Any:
    try:
        entry = json.loads((bundle / ENTRY).read_text(encoding="utf-8"))
        return search.read_index_file(bundle / f"pagefind.{entry['languages'][lang]['hash']}.pf_meta")
    except (OSError, ValueError, KeyError, search.SearchIndexError):
        return None


def _changed_words(old_bundle: Path, old_meta: Any, new_bundle: Path, new_meta: Any) -> set[str]:
    """The words whose pages differ between two indexes of one shard. A chunk file is named by its
    content, so the words of a chunk both have are the same: only the others are read."""
    old_files, new_files = {c[2] for c in old_meta[2]}, {c[2] for c in new_meta[2]}

    def words(bundle: Path, files: set[str]) -> dict[str, Any]:
        return {w[0]: w[1:] for name in sorted(files)
                for w in search.read_index_file(bundle / "index" / f"{name}.pf_index")[0]}

    old, new = words(old_bundle, old_files - new_files), words(new_bundle, new_files - old_files)
    return {word for word in old.keys() | new.keys() if old.get(word) != new.get(word)}


def _recut(old: list[Chunk], dirty: list[str], cuts: list[str], stream: Callable[[str | None], Iterator[list[Any]]],
           folder: Path, lang: str) -> list[Chunk]:
    """The last join's chunks, cut again from the last boundary before each dirty word (a word
    whose pages changed, or a range cut that moved) until the cut meets one of theirs."""
    firsts = [chunk.first for chunk in old]
    starting = {first: n for n, first in enumerate(firsts)}
    result: list[Chunk] = []
    n = 0
    # The chunk that holds a dirty word, and the one before where the word starts a chunk: a chunk
    # that ended because a range cut started the next one ends elsewhere once that cut has gone.
    around = {n for word in dirty for n in (bisect.bisect_left(firsts, word) - 1, bisect.bisect_right(firsts, word) - 1)}
    for d in sorted({max(0, n) for n in around}):
        if d < n:
            continue  # cut again already, by the run from an earlier dirty chunk
        result.extend(old[n:d])
        made, n = _cut_from(d, old, starting, cuts, stream, folder, lang)
        result.extend(made)
    result.extend(old[n:])
    return result


def _cut_from(d: int, old: list[Chunk], starting: dict[str, int], cuts: list[str],
              stream: Callable[[str | None], Iterator[list[Any]]], folder: Path, lang: str) -> tuple[list[Chunk], int]:
    """Cut as chunks.write_chunks does (and at each range cut, as each range starts afresh), from
    the start of old chunk d; stop where a new chunk would start where old chunk j > d started,
    since from there both cut the same words from the same state. (new chunks, j)."""
    lo = old[d].first if d else None
    ahead = [cut for cut in cuts if lo is None or cut > lo]
    made: list[Chunk] = []
    batch: list[Any] = []
    weight = 0
    for word in stream(lo):
        while ahead and word[0] >= ahead[0]:
            ahead.pop(0)
            if batch:
                made.append(_fresh(batch, folder, lang))
                batch, weight = [], 0
        if not batch and starting.get(word[0], -1) > d:
            return made, starting[word[0]]
        batch.append(word)
        weight += sum(len(entry[1]) + 1 for entry in word[1])
        if weight >= chunks.CHUNK_WEIGHT:
            made.append(_fresh(batch, folder, lang))
            batch, weight = [], 0
    if batch:
        made.append(_fresh(batch, folder, lang))
    return made, len(old)


def _fresh(batch: list[Any], folder: Path, lang: str) -> Chunk:
    first, last, file, light = chunks.write_chunk(batch, folder, lang)
    return Chunk(first, last, file, light, words=batch)


def finish(cut: list[Chunk], folder: Path, lang: str, kept_from: Path | None) -> list[list[str]]:
    """Put the light word copies into the chunks (chunks.light_sources) and give the meta
    file's list: [from, to, file], ranges shortened. A chunk of the last join that receives copies
    from the same light words (its `sources`) is linked from `kept_from` without their being read
    (a province's 181 chunks of them took 2.8 s to read); so is one whose copies come out the same;
    one whose copies differ is written again with its own words."""
    ranges = [[chunk.first, chunk.last] for chunk in cut]
    for before, after in zip(ranges, ranges[1:]):
        before[1], after[0] = chunks.shorten(before[1], after[0])
    sources = chunks.light_sources(ranges)
    for chunk in cut:
        if not chunk.light_id:  # made by this join: its light words as the record will hold them
            chunk.light = Light(_blob(chunk.light))
            chunk.light_id = hashlib.sha256(chunk.light.blob).hexdigest()
    read: dict[int, list[Any]] = {}

    def lights(n: int) -> list[Any]:
        if n not in read:
            read[n] = list(cut[n].light)
        return read[n]

    for n, chunk in enumerate(cut):
        sent = sources.get(n, [])
        made_from = hashlib.sha256(repr([(cut[m].light_id, piece) for m, piece in sent]).encode()).hexdigest()
        if not chunk.fresh and made_from == chunk.sources and kept_from is not None:
            _link(kept_from / f"{chunk.file}.pf_index", folder)
            continue
        copies = chunks.copies_from(lights, sent)
        digest = hashlib.sha256(json.dumps(sorted(copies.items()), ensure_ascii=False).encode()).hexdigest()
        if chunk.fresh:
            if copies:
                path = folder / f"{chunk.file}.pf_index"
                own = search.read_index_file(path)[0] if chunk.words is None else chunk.words
                path.unlink()
                chunk.file = chunks.with_copies(own, copies, folder, lang)
        elif digest == chunk.digest and kept_from is not None:
            _link(kept_from / f"{chunk.file}.pf_index", folder)
        else:
            assert kept_from is not None
            received = set(chunk.copied)
            own = [w for w in search.read_index_file(kept_from / f"{chunk.file}.pf_index")[0] if w[0] not in received]
            chunk.file = chunks.with_copies(own, copies, folder, lang)
        chunk.fresh, chunk.copied, chunk.digest, chunk.sources = False, sorted(copies), digest, made_from
        chunk.words = None
    return [[*pair, chunk.file] for pair, chunk in zip(ranges, cut)]


def _link(source: Path, folder: Path) -> None:
    """`source` into `folder` under its name: a link (nothing writes into a chunk file once it is
    written, search.place), or a copy where links are not allowed; a name already there holds the
    same bytes, since chunk files are named by their content."""
    target = folder / source.name
    if target.exists():
        return
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
