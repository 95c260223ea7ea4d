"""Joining again only the chunks whose words changed (site/rejoin.py) gives a full join's bytes.

A site of 90 pages in shards of 10, with chunks cut at a small weight so that the index has many
of them, goes through rounds of random edits of a few pages (a phone number; a page's words
replaced, new names among them, and the ranges joined side by side cut elsewhere); after each, the index joined incrementally, on the record of the round
before, must be byte for byte the index joined from scratch of the same pages.
"""
from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

import pytest

from sgz_portal.site import chunks, rejoin, search, shards
from tests.sitetext import digest

HEADS = "柳柏柴社老儿残邻养心"
TAILS = "东西南北龙凤河湖山水区服务站村"


def _vocabulary(rng: random.Random) -> list[str]:
    """Heavy one-character words, and names that begin with them (light words, copied)."""
    names = {h + "".join(rng.choice(TAILS) for _ in range(rng.randint(1, 4))) for h in HEADS for _ in range(12)}
    return sorted(set(HEADS) | names | {"社区", "老人", "服务"})


def _text(rng: random.Random, words: list[str]) -> list[str]:
    """A page's words, its phone number last."""
    return [*(rng.choice(words) for _ in range(rng.randint(5, 40))), _phone(rng)]


def _phone(rng: random.Random) -> str:
    return f"0830{rng.randrange(10**7):07d}"


def _html(text: list[str]) -> str:
    return ("<!doctype html><html lang='zh'><body><main data-pagefind-body>"
            f"<h1>{' '.join(text[:3])}</h1><p>{' '.join(text)}</p></main></body></html>")


def _write_site(site: Path, pages: dict[str, list[str]]) -> None:
    for rel, text in pages.items():
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != _html(text):
            path.write_text(_html(text), encoding="utf-8")


def _full_index(site: Path, scratch: Path) -> dict[str, str]:
    """The index of the same pages, joined from scratch with no store."""
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(site, scratch, ignore=shutil.ignore_patterns(search.BUNDLE))
    shards.index(scratch, None, reuse=False)
    return digest(scratch / search.BUNDLE)


def _incremental_index(site: Path, store: Path) -> None:
    shutil.rmtree(site / search.BUNDLE, ignore_errors=True)
    shards.index(site, store, reuse=True)


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shards, "SHARD_FILES", 10)
    monkeypatch.setattr(shards, "PARALLEL", 1)  # the ranges in this process, with its small chunk weight
    monkeypatch.setattr(chunks, "CHUNK_WEIGHT", 60)


def _no_full_join(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("a full join where the last one could be built on")


def _indexed(tmp_path: Path, seed: int, count: int) -> tuple[random.Random, list[str], dict[str, list[str]], Path, Path]:
    """A site of `count` random pages, indexed once into a store: (rng, words, pages, site, store)."""
    rng = random.Random(seed)
    words = _vocabulary(rng)
    pages = {f"p/{n:03d}/index.html": _text(rng, words) for n in range(count)}
    site, store = tmp_path / "site", tmp_path / "store"
    _write_site(site, pages)
    shards.index(site, store, reuse=True)
    return rng, words, pages, site, store


@pytest.mark.usefixtures("small_chunks")
def test_random_edits_rejoin_to_a_full_joins_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng, words, pages, site, store = _indexed(tmp_path, 11, 90)
    assert digest(site / search.BUNDLE) == _full_index(site, tmp_path / "full")
    record = rejoin.load(store)
    assert record is not None and len(record.languages["zh"]["chunks"]) > 30
    full_join, write_chunk = shards._join_words, chunks.write_chunk
    written: list[int] = []

    def counted(*args: Any) -> Any:
        written.append(1)
        return write_chunk(*args)

    read: list[bytes] = []  # the recorded light words read (rejoin.Light), each time
    read_back: list[Path] = []  # chunk files of the join being made, read by it
    read_index_file = search.read_index_file
    monkeypatch.setattr(search, "read_index_file",
                        lambda path: (read_back.append(path) if site / search.BUNDLE / "index" in path.parents else None)
                        or read_index_file(path))
    light_iter = rejoin.Light.__iter__
    monkeypatch.setattr(rejoin.Light, "__iter__", lambda light: read.append(light.blob) or light_iter(light))
    senders = 0

    for round_ in range(16):
        small = round_ % 2 == 0  # one page's phone number (last: no word after it moves); else pages written anew
        if not small:  # the ranges joined side by side meet elsewhere
            monkeypatch.setattr(shards, "JOIN_PARTS", rng.choice([2, 3, 5]))
        for rel in rng.sample(sorted(pages), 1 if small else rng.randint(1, 3)):
            if rng.random() < 0.3:
                words.append(rng.choice(HEADS) + "".join(rng.choice(TAILS) for _ in range(5)))  # a new name
            if small:
                pages[rel] = [*pages[rel][:-1], _phone(rng)]
            else:
                pages[rel] = _text(rng, words)
        _write_site(site, pages)
        monkeypatch.setattr(shards, "_join_words", _no_full_join)
        written.clear()
        read.clear()
        read_back.clear()
        monkeypatch.setattr(chunks, "write_chunk", counted)
        _incremental_index(site, store)
        if small:  # the chunks whose light words were sent before and are again: not read (rejoin.finish)
            joined = (rejoin.load(store) or record).languages["zh"]["chunks"]
            sources = chunks.light_sources([[c.first, c.last] for c in joined])
            senders = max(senders, len({m for sent in sources.values() for m, _ in sent}))
            assert len(read) <= senders // 4, f"round {round_}: {len(read)} of {senders} chunks' light words read"
        assert not read_back, f"round {round_}: the join read back the chunks it wrote: {read_back}"
        monkeypatch.setattr(shards, "_join_words", full_join)
        monkeypatch.setattr(chunks, "write_chunk", write_chunk)
        assert digest(site / search.BUNDLE) == _full_index(site, tmp_path / "full"), f"round {round_}"
        if small:
            assert len(written) <= 8, f"round {round_}: {len(written)} chunks cut again"


@pytest.mark.usefixtures("small_chunks")
def test_a_page_added_or_an_unknown_record_is_a_full_join(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An added page moves the page numbers of the shards after it: every chunk changes."""
    rng, words, pages, site, store = _indexed(tmp_path, 5, 40)
    pages["p/999/index.html"] = _text(rng, words)
    _write_site(site, pages)
    calls = []
    full_join = shards._join_words
    monkeypatch.setattr(shards, "_join_words", lambda *a: calls.append(1) or full_join(*a))
    _incremental_index(site, store)
    assert calls and digest(site / search.BUNDLE) == _full_index(site, tmp_path / "full")
    (store / rejoin.FOLDER / rejoin.RECORD).write_bytes(b"{}")
    assert rejoin.load(store) is None
    pages["p/000/index.html"] = _text(rng, words)
    _write_site(site, pages)
    calls.clear()
    _incremental_index(site, store)
    assert calls and digest(site / search.BUNDLE) == _full_index(site, tmp_path / "full")


@pytest.mark.usefixtures("small_chunks")
def test_the_record_is_kept_with_the_shards_and_nothing_is_written_through_its_links(tmp_path: Path) -> None:
    """The kept chunk files are links shared by the store and the published index: a join that
    wrote into one would change the site already published (here, the one moved aside)."""
    rng, words, pages, site, store = _indexed(tmp_path, 7, 30)
    assert sorted(p.name for p in store.iterdir() if p.name != rejoin.FOLDER) == sorted(
        rejoin.load(store).languages["zh"]["parts"])  # type: ignore[union-attr]
    assert set(digest(store / rejoin.FOLDER / "index")) == {p.name for p in (site / search.BUNDLE / "index").iterdir()}
    published = tmp_path / "published"
    (site / search.BUNDLE).rename(published)
    before = digest(published)
    for n in range(3):
        pages[f"p/{n:03d}/index.html"] = _text(rng, words)
        _write_site(site, pages)
        _incremental_index(site, store)
        assert digest(published) == before
