"""Pagefind's index chunks, as the join reads and writes them: a shard's words, the words of all
shards merged in code-point order with their pages renumbered, cut into chunk files as pagefind
cuts them, light words copied where the browser looks for them, and CBOR written fast.

site/shards.py joins whole sites with these; site/rejoin.py rewrites only the chunks whose words
changed. The index format is described in shards.py.
"""
from __future__ import annotations

import bisect
import functools
import heapq
import itertools
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import cbor2

from sgz_portal.site import search
from sgz_portal.site.search import SearchIndexError

CHUNK_WEIGHT = 20_000  # pagefind's own cut between index chunks: locations + 1 per page
# Words copied into the chunk the browser loads for their first characters (light_sources):
# those on at most LIGHT_PAGES pages (names and their suffix forms: 帮扶资源链接 ends two service
# names; with 1, eight of 30 service names still found nothing), for their first COPY_PREFIX characters.
LIGHT_PAGES = 16
COPY_PREFIX = 2
CHUNK_GZIP = 6  # pagefind's own level: level 9 made chunks 3.8 % smaller and took 6 times as long (36 s for a province)


class Unjoinable(SearchIndexError):
    """A shard uses a part of the index format that joining does not know (sorting, word variants)."""


def light_sources(ranges: list[list[str]]) -> dict[int, list[tuple[int, str]]]:
    """{chunk number: [(chunk number, piece)]}: the chunks whose light words beginning with the
    piece are copied into it, in order; from the chunks' ranges alone ([from, to], shortened as the
    meta file gives them). Each light word (on at most LIGHT_PAGES pages: names and their suffix
    forms) goes into the chunks the browser loads for its first COPY_PREFIX characters, where those
    are not its own (copies_from; written by with_copies, in rejoin.finish).

    The browser cuts a Chinese query into pieces of one or two characters (柳龙镇 -> 柳 龙 镇),
    loads for each piece the one chunk whose range holds it, and widens the piece only to the longer
    words of that chunk. A page whose name begins with the piece (柳龙镇门潭村, searchterms.py) is
    found only if that word is there. Pagefind ends a chunk right after every heavy word, so 柳, on
    5,626 pages of a province, ended its chunk and every longer word beginning with 柳 sat in the
    next one: 12 of 40 station names were missed. Keeping such families in one chunk instead made
    the chunk of 社区 carry 社工 and weigh 135 KB; a copy of the light words costs bytes, not chunks.
    A word loaded twice is the same entry twice: the browser keeps one (a map by word)."""
    tops = [r[1] for r in ranges]
    sources: dict[int, list[tuple[int, str]]] = {}
    for n, r in enumerate(ranges):
        # A piece sorts before the chunk holding a word it begins only where the chunk's start
        # begins with the piece and is longer (柳东 for 柳): only such words, at the start of
        # their chunk, can need copying, and write_chunk set them aside when it wrote the chunk.
        for piece in (r[0][:length] for length in range(1, min(len(r[0]), COPY_PREFIX + 1))):
            loaded = _loaded(ranges, tops, piece)
            if loaded is not None and loaded != n:
                sources.setdefault(loaded, []).append((n, piece))
    return sources


def copies_from(lights: Callable[[int], Iterable[list[Any]]], sent: list[tuple[int, str]]) -> dict[str, list[Any]]:
    """The copies one chunk receives: {word: entry} of its sources' light words (light_sources)."""
    return {word[0]: word for n, piece in sent for word in lights(n) if word[0].startswith(piece)}


def with_copies(own: list[Any], copies: dict[str, list[Any]], folder: Path, lang: str) -> str:
    """Write a chunk of its own words and the copies it receives; its file's name."""
    merged = sorted({**copies, **{w[0]: w for w in own}}.values(), key=lambda w: w[0])
    return search.write_index_file(folder, lang, ".pf_index", [merged], 12, CHUNK_GZIP, chunk_cbor)


def _loaded(chunks: list[list[str]], tops: list[str], piece: str) -> int | None:
    """The chunk the browser loads for `piece`: the first whose range holds it (pagefind's
    request_indexes), found by bisection since ranges are in order and do not overlap."""
    n = bisect.bisect_left(tops, piece)
    return n if n < len(chunks) and chunks[n][0] <= piece else None


def bundle_words(bundle: Path, starts: list[str], names: list[str], shard: int, lo: str | None,
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


def merged_words(streams: list[Iterator[tuple[str, int, list[Any]]]], offsets: list[int],
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


def write_chunks(words: Iterator[list[Any]], folder: Path, lang: str) -> list[list[Any]]:
    """Cut the words into chunk files as pagefind does; write_chunk's list per chunk
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
            chunks.append(write_chunk(batch, folder, lang))
            batch, weight = [], 0
    if batch:
        chunks.append(write_chunk(batch, folder, lang))
    return chunks


def write_chunk(batch: list[Any], folder: Path, lang: str) -> list[Any]:
    """[first word, last word, file, light words that may need copying]: the light words at the
    chunk's start that share the first character of its first word (light_sources)."""
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


def shorten(a: str, b: str) -> tuple[str, str]:
    common = 0
    for x, y in zip(b, a):
        if x != y:
            break
        common += 1
    return a[:common + 1], b[:common + 1]
