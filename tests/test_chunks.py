"""Which words the browser has for a query piece (site/chunks.py: write_chunks, light_sources; rejoin.finish).

The browser loads, for each piece of a query, the first chunk whose [from, to] range holds the piece
(pagefind's request_indexes) and widens the piece only to the longer words of that chunk. It cuts
Chinese queries into pieces of one or two characters, so a page whose name begins with the piece
(柳龙镇门潭村 for 柳) is found only if that word is in the chunk of the piece. Pagefind's own cut
ends a chunk right after every heavy word, and on a province 12 of 40 station names were missed.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import cbor2
from hypothesis import given, settings
from hypothesis import strategies as st

from sgz_portal.site import chunks as chunking
from sgz_portal.site import rejoin, search

W = chunking.CHUNK_WEIGHT
HEADS = ["柏", "柳", "柴", "柿", "栅", "西村", "标", "栈", "栋"]


def _word(text: str, pages: int) -> list[Any]:
    """A word in pagefind's chunk format, on `pages` pages at one place each."""
    return [text, [[1, [0], []] for _ in range(pages)], []]


def _province_like() -> list[list[Any]]:
    """Heads that are heavy words of page text, each followed by names that begin with them (one
    page each), as a province's place names and their suffix forms (searchterms.py) are."""
    words = []
    for n, head in enumerate(HEADS):
        words.append(_word(head, pages=W // 3 + n * W // 5))
        words += [_word(f"{head}{tail}村社会工作服务室", pages=1) for tail in "东西南北龙凤河湖山水"]
    return sorted(words, key=lambda w: w[0])


def _joined(folder: Path, copy: bool = True) -> list[list[str]]:
    """Chunks as the join leaves them: cut, ranges shortened, light words copied."""
    chunks = chunking.write_chunks(iter(_province_like()), folder, "zh")
    if copy:  # as the join does it
        return rejoin.finish([rejoin.Chunk(*chunk) for chunk in chunks], folder, "zh", None)
    for before, after in zip(chunks, chunks[1:]):
        before[1], after[0] = chunking.shorten(before[1], after[0])
    return chunks


def _words_of(folder: Path, chunk: list[str]) -> list[list[Any]]:
    return search.read_index_file(folder / f"{chunk[2]}.pf_index")[0]


def _loaded(folder: Path, chunks: list[list[str]], piece: str) -> list[str]:
    """The words the browser has for `piece`, as pagefind picks the chunk (a scan, not our bisection)."""
    return [w[0] for w in _words_of(folder, next(c for c in chunks if c[0] <= piece <= c[1]))]


def test_a_piece_finds_every_name_it_begins(tmp_path: Path) -> None:
    chunks = _joined(tmp_path)
    assert len(chunks) > 3
    for head in HEADS:
        loaded = _loaded(tmp_path, chunks, head)
        assert head in loaded
        assert all(f"{head}{tail}村社会工作服务室" in loaded for tail in "东西南北龙凤河湖山水"), head
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{c[2]}.pf_index" for c in chunks)  # none left over


def test_without_the_copies_pieces_lose_them(tmp_path: Path) -> None:
    """What the test above guards against: pagefind's cut alone."""
    chunks = _joined(tmp_path, copy=False)
    lost = [head for head in HEADS if f"{head}龙村社会工作服务室" not in _loaded(tmp_path, chunks, head)]
    assert len(lost) > len(HEADS) // 2


def test_copies_are_the_same_entries_and_heavy_words_are_not_copied(tmp_path: Path) -> None:
    seen: dict[str, list[list[Any]]] = {}
    for chunk in _joined(tmp_path):
        for word in _words_of(tmp_path, chunk):
            seen.setdefault(word[0], []).append(word)
    for text, copies in seen.items():
        assert all(copy == copies[0] for copy in copies), text
        if len(copies[0][1]) > chunking.LIGHT_PAGES:
            assert len(copies) == 1, text
    assert sorted(seen) == sorted(w[0] for w in _province_like())


# -- the chunk encoder -------------------------------------------------------------------------

_INT = st.one_of(st.integers(0, 70_000), st.integers(-2_000, -1),
                 st.sampled_from([23, 24, 255, 256, 65_535, 65_536, 2**32 - 1, 2**32, 2**64 - 1, 2**64,
                                  -24, -25, -256, -257, -65_537, -2**64, -2**64 - 1]))
_ENTRY = st.tuples(_INT, st.lists(_INT, max_size=5), st.lists(_INT, max_size=3)).map(list)
_WORD = st.tuples(st.text(min_size=1, max_size=8), st.lists(_ENTRY, max_size=4),
                  st.one_of(st.just([]), st.lists(st.text(max_size=3), max_size=2))).map(list)


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORD, max_size=6))
def test_chunks_are_encoded_as_cbor2_encodes_them(words: list[list[Any]]) -> None:
    assert chunking.chunk_cbor([words]) == cbor2.dumps([words])


def test_anything_else_is_left_to_cbor2() -> None:
    for value in ([], [[["词", [[True, [1], []]], []]]], [[["词", [[1, [1.5], []]], []]]], {"a": 1}, "x",
                  [[["词", [[1, [1], []]] * 70_000, []]]]):
        assert chunking.chunk_cbor(value) == cbor2.dumps(value)


def test_a_written_chunk_reads_back(tmp_path: Path) -> None:
    words = _province_like()
    name = search.write_index_file(tmp_path, "zh", ".pf_index", [words], 12, chunking.CHUNK_GZIP, chunking.chunk_cbor)
    assert search.read_index_file(tmp_path / f"{name}.pf_index") == [words]
