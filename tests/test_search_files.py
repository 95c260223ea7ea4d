"""Which HTML files pagefind is given (site/shards.py: html_files).

Once any page carries data-pagefind-body, pagefind indexes only the pages that do. The others
(posters, region pages, redirect stubs: two thirds of a province's HTML) are left out of the
shards, which changes nothing in the index (tests/browser/test_search_shards.py compares the
joined index with one pagefind run over every file) and saves reading them.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from sgz_portal.site import rejoin, search, shards


def _page(root: Path, rel: str, body: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<!doctype html><html><body>{body}</body></html>", encoding="utf-8")


def _digest(root: Path, rel: str) -> str:
    return hashlib.sha256((root / rel).read_bytes()).hexdigest()


def test_only_pages_that_pagefind_indexes_are_listed(tmp_path: Path) -> None:
    _page(tmp_path, "stations/a/index.html", "<main data-pagefind-body>甲站</main>")
    _page(tmp_path, "stations/a/poster/index.html", "<main>海报</main>")
    _page(tmp_path, "regions/1/index.html", "<p>已合并</p>")
    _page(tmp_path, "services/b/index.html", "<main data-pagefind-body>乙服务</main>")
    _page(tmp_path, f"{search.BUNDLE}/x.html", "<main data-pagefind-body></main>")
    assert shards.html_files(tmp_path) == [
        ("services/b/index.html", _digest(tmp_path, "services/b/index.html")),
        ("stations/a/index.html", _digest(tmp_path, "stations/a/index.html")),
    ]


def test_without_any_marked_page_every_page_is_listed(tmp_path: Path) -> None:
    """Pagefind then indexes every page's body, so it must be given every page."""
    _page(tmp_path, "index.html", "首页")
    _page(tmp_path, "about/index.html", "关于")
    assert [rel for rel, _ in shards.html_files(tmp_path)] == ["about/index.html", "index.html"]


def test_what_the_build_recorded_is_trusted_without_reading(tmp_path: Path) -> None:
    """A file the build wrote is known by its recorded hash and marker (site/cache.py)."""
    _page(tmp_path, "stations/a/index.html", "<main data-pagefind-body>甲站</main>")
    _page(tmp_path, "stations/a/poster/index.html", "<main>海报</main>")
    known = {"stations/a/index.html": ("recorded", True), "stations/a/poster/index.html": ("stub", False)}
    assert shards.html_files(tmp_path, known) == [("stations/a/index.html", "recorded")]


def test_the_sample_site_gives_pagefind_its_searchable_pages_only(demo_site: Path) -> None:
    listed = {rel for rel, _ in shards.html_files(demo_site)}
    every = {p.relative_to(demo_site).as_posix() for p in demo_site.rglob("*.html")
             if not p.relative_to(demo_site).as_posix().startswith(f"{search.BUNDLE}/")}
    marked = {rel for rel in every if search.MARKER in (demo_site / rel).read_bytes()}
    assert listed == marked
    assert any(rel.endswith("/poster/index.html") for rel in every - listed)
    assert any(rel.startswith("stations/") for rel in listed)


def test_the_walk_finds_what_rglob_finds_in_its_order(demo_site: Path) -> None:
    expected = [p.relative_to(demo_site).as_posix() for p in sorted(demo_site.rglob("*.html"))
                if p.relative_to(demo_site).parts[0] != search.BUNDLE and p.is_file()]
    assert shards._html_paths(demo_site) == expected


def test_the_walk_orders_paths_as_folders_not_as_strings(tmp_path: Path) -> None:
    for rel in ("a-b/index.html", "a/b/index.html", "a/index.html", "a.html"):
        _page(tmp_path, rel, "")
    expected = ["a/b/index.html", "a/index.html", "a-b/index.html", "a.html"]
    assert [p.relative_to(tmp_path).as_posix() for p in sorted(tmp_path.rglob("*.html"))] == expected
    assert shards._html_paths(tmp_path) == expected


def test_fragments_are_linked_from_the_stored_shards_and_never_written_through(
        demo_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site, store = tmp_path / "site", tmp_path / "store"
    shutil.copytree(demo_site, site, ignore=shutil.ignore_patterns(search.BUNDLE))
    monkeypatch.setattr(shards, "SHARD_FILES", 10)
    shards.index(site, store)
    stored = {p.name: p for p in store.glob("*/fragment/*.pf_fragment")}
    before = {name: p.read_bytes() for name, p in stored.items()}
    published = sorted((site / search.BUNDLE / "fragment").iterdir())
    assert len(stored) > 20 and len(published) == len(stored)
    assert all(p.stat().st_ino == stored[p.name].stat().st_ino for p in published)
    shutil.rmtree(site / search.BUNDLE)
    assert shards.index(site, store) == len([p for p in store.iterdir() if p.name != rejoin.FOLDER])  # every shard from the store, joined again
    assert {name: p.read_bytes() for name, p in stored.items()} == before


def test_a_file_is_never_written_through_a_link(tmp_path: Path) -> None:
    """Published index files may be links to a stored shard's files (the fragments)."""
    (tmp_path / "x_1.pf").write_bytes(b"same")
    os.link(tmp_path / "x_1.pf", tmp_path / "stored-1")
    assert search.place(tmp_path, ".pf", b"same", ["x_1", "x_12"]) == "x_1"
    assert search.place(tmp_path, ".pf", b"other", ["x_1", "x_12"]) == "x_12"
    os.link(tmp_path / "x_12.pf", tmp_path / "stored-12")
    assert search.place(tmp_path, ".pf", b"third", ["x_1", "x_12"]) == "x_12"  # the last name: replaced
    assert (tmp_path / "x_12.pf").read_bytes() == b"third"
    assert (tmp_path / "stored-1").read_bytes() == b"same"
    assert (tmp_path / "stored-12").read_bytes() == b"other"
