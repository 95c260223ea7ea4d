"""Incremental builds (site/cache.py): after an edit, `sgz-portal build` reuses what did not change
and still publishes, byte for byte, what a full build of the same data publishes."""
from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import types
from collections.abc import Callable
from pathlib import Path

import pytest
from jinja2 import Environment
from mkdocs.config import load_config
from mkdocs.structure.files import File

from sgz_portal import cli, pipeline
from sgz_portal.data import memo as memo_module
from sgz_portal.data import validate
from sgz_portal.data.memo import Memo
from sgz_portal.data.model import Portal, Station
from sgz_portal.opendata import stationpart
from sgz_portal.pages import disclosure as disclosure_page
from sgz_portal.pages import home as home_page
from sgz_portal.pages import specs
from sgz_portal.pages import station as station_page
from sgz_portal.pages.views import Views
from sgz_portal.site import ahead, cache, clone, plugin, redirect, rejoin, shards
from sgz_portal.site import build as build_module
from tests.fixturedata import ADDED_BRIEF, SAMPLE, edit
from tests.sitetext import digest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder of its own (mkdocs.yml, overrides/, content/, data/): its cache is its own."""
    for name in ("mkdocs.yml",):
        shutil.copy(ROOT / name, tmp_path / name)
    for name in ("overrides", "content"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copytree(SAMPLE, tmp_path / "data")
    return tmp_path


def build(project: Path, site: str, *options: str) -> str:
    """Run `sgz-portal build` in the project; return what it printed."""
    args = ["--config", str(project / "mkdocs.yml"), "--data", str(project / "data"), "build",
            "--site", str(project / site), *options]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(args) == 0
    return out.getvalue()


def reused(printed: str) -> int:
    """How many pages the build said it reused (0 for a full build)."""
    for line in printed.splitlines():
        if line.startswith("增量构建:沿用上次生成的 "):
            return int(line.split("沿用上次生成的 ")[1].split(" ")[0])
    return 0


def stations(project: Path) -> list[str]:
    prepared = pipeline.prepare(project / "data")
    assert prepared.portal is not None
    return list(prepared.portal.stations)


def same_as_full(project: Path) -> None:
    build(project, "full", "--full")
    assert digest(project / "site") == digest(project / "full")
    shutil.rmtree(project / "full")


def test_unchanged_data_reuses_every_generated_page_and_the_search_index(project: Path) -> None:
    first = build(project, "site")
    assert reused(first) == 0  # nothing to reuse yet
    before = digest(project / "site")
    again = build(project, "site")
    assert reused(again) > 150 and "沿用搜索索引" in again
    assert digest(project / "site") == before


def test_a_changed_phone_rebuilds_its_station_and_matches_a_full_build(project: Path) -> None:
    build(project, "site")
    edit(project / "data", "stations/beiling.yaml", "0830-5720174", "0830-5720999")
    printed = build(project, "site")
    assert "沿用搜索索引" not in printed  # the phone is on the station page, which is indexed
    text = (project / "site" / "stations").rglob("index.html")
    assert any("0830-5720999" in p.read_text(encoding="utf-8") for p in text)
    assert reused(printed) > 150
    same_as_full(project)


def test_the_views_of_pages_whose_inputs_did_not_change_are_not_computed(project: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A phone changed in beiling.yaml: only the views that read that station's record are computed
    (pages/inputs.py): the township station itself, its parent and its children, not the other
    stations of the file."""
    build(project, "site")
    edit(project / "data", "stations/beiling.yaml", "0830-5720174", "0830-5720999")
    computed: list[str] = []
    view = station_page.view
    monkeypatch.setattr(station_page, "view", lambda ctx, sid: computed.append(sid) or view(ctx, sid))
    build(project, "site")
    assert set(computed) == {"beiling-lingkou", "beiling"} | {
        s for s in stations(project) if s.startswith("beiling-lingkou-")}
    same_as_full(project)


def test_a_list_pages_view_is_made_once_per_build(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A list page whose view decides that it is rendered again is rendered from that view, and
    the home page's view (the home and search pages show it) is made once: the disclosure view
    alone took 3 s for a province."""
    build(project, "site")
    edit(project / "data", *ADDED_BRIEF)  # changes the disclosure pages and the home page's news
    made: list[str] = []
    for module, name in ((disclosure_page, "portal_view"), (disclosure_page, "late_view"), (home_page, "view")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda ctx, real=real, name=name: made.append(name) or real(ctx))
    build(project, "site")
    assert sorted(made) == ["late_view", "portal_view", "view"]
    same_as_full(project)


def test_a_large_site_reindexes_only_the_shard_that_changed(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Above shards.SHARD_FILES indexed pages the index is built in shards (site/shards.py); after a
    phone change only the station page's shard is indexed again, only the chunks whose words
    changed are joined again (site/rejoin.py: no full join), and the site is still byte for byte
    a full build's. The store holds this site's shards and the last join's record only, and goes
    with its manifest."""
    monkeypatch.setattr(shards, "SHARD_FILES", 10)
    build(project, "site")
    store = next((project / cache.FOLDER / cache.SEARCH_STORE).iterdir())
    count = len([p for p in store.iterdir() if p.name != rejoin.FOLDER])
    assert count > 5 and (store / rejoin.FOLDER / rejoin.RECORD).is_file()
    edit(project / "data", "stations/beiling.yaml", "0830-5720174", "0830-5720999")
    full_join = shards._join_words
    monkeypatch.setattr(shards, "_join_words", lambda *a: pytest.fail("a full join after a phone change"))
    printed = build(project, "site")
    monkeypatch.setattr(shards, "_join_words", full_join)
    assert f"沿用 {count - 1} 个搜索索引分片" in printed or f"沿用 {count - 2} 个搜索索引分片" in printed
    assert sorted(p.name for p in store.iterdir()) == sorted([*rejoin.load(store).languages["zh"]["parts"],  # type: ignore[union-attr]
                                                              rejoin.FOLDER])
    # the index files' hashes, most taken from the last manifest by their stamps, are their bytes'
    manifest = cache.read_manifest(next((project / cache.FOLDER).glob(f"*{cache.MANIFEST}")))
    index = project / "site" / cache.SEARCH_DIR
    assert {rel: sha for rel, (sha, _) in manifest["search_files"].items()} == {
        p.relative_to(index).as_posix(): cache.sha256(p.read_bytes()) for p in index.rglob("*") if p.is_file()}
    same_as_full(project)
    parts = cache.exports_store(project / cache.FOLDER, project / "site")
    assert sorted(p.name.split("-")[0] for p in parts.iterdir()) == ["projects", "stations"]  # site/exports.py
    shutil.rmtree(project / "site")
    build(project, "other")  # saving a manifest drops those of site folders that are gone
    assert not store.exists() and not parts.exists()


def test_an_added_monthly_brief_matches_a_full_build(project: Path) -> None:
    build(project, "site")
    edit(project / "data", *ADDED_BRIEF)
    printed = build(project, "site")
    assert reused(printed) > 150
    assert "补发五月简报" in (project / "site" / "projects" / "nanhu-hubin-2026" / "index.html").read_text("utf-8")
    same_as_full(project)


def test_a_renamed_service_and_a_renamed_site_match_full_builds(project: Path) -> None:
    """A service's name shows on many pages; the site's name on every page (the environment key)."""
    build(project, "site")
    edit(project / "data", "services.yaml", "name: 老年人巡访关爱", "name: 老年人巡访关爱服务")
    assert reused(build(project, "site")) > 0
    same_as_full(project)
    edit(project / "data", "site.yaml", "name: 示例市社会工作服务平台", "name: 示例市社会工作服务平台(试运行)")
    assert reused(build(project, "site")) == 0  # every page's header changed: a full build
    same_as_full(project)


def test_a_changed_template_is_a_full_build_by_itself(project: Path) -> None:
    build(project, "site")
    template = project / "overrides" / "station.html"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "{% block content %}", "{% block content %}<!-- 模板已改 -->", 1), encoding="utf-8")
    printed = build(project, "site")
    assert reused(printed) == 0
    station = next((project / "site" / "stations").glob("*/index.html"))
    assert "<!-- 模板已改 -->" in station.read_text(encoding="utf-8")
    same_as_full(project)


def test_a_published_page_edited_by_hand_is_rendered_again(project: Path) -> None:
    """The previous site is the store: a file that is not what the manifest recorded is not reused."""
    build(project, "site")
    station = next((project / "site" / "stations").glob("*/index.html"))
    station.write_text("<p>被改动</p>", encoding="utf-8")
    (project / "site" / "pagefind" / "pagefind-entry.json").write_text("{}", encoding="utf-8")
    build(project, "site")
    assert "被改动" not in station.read_text(encoding="utf-8")
    same_as_full(project)


def test_the_recorded_hashes_are_those_of_the_published_files(project: Path) -> None:
    """The search key takes generated pages' hashes from the manifest instead of reading them
    (shards.html_files): they must be the bytes on disk, rendered or reused."""
    build(project, "site")
    edit(project / "data", "stations/beiling.yaml", "0830-5720174", "0830-5720999")
    build(project, "site")
    manifest = cache.read_manifest(next((project / cache.FOLDER).glob(f"*{cache.MANIFEST}")))
    recorded = {dest: (digest, indexed) for dest, (_, digest, _, indexed, _) in manifest["pages"].items()}
    assert len(recorded) > 150
    site = project / "site"
    assert shards.html_files(site, recorded) == shards.html_files(site)


def test_reused_pages_are_linked_from_the_previous_site_not_copied(project: Path) -> None:
    build(project, "site")
    page = project / "site" / "stations" / "nanhu" / "index.html"
    before = page.stat().st_ino
    edit(project / "data", "stations/beiling.yaml", "0830-5720174", "0830-5720999")
    assert reused(build(project, "site")) > 150
    assert page.stat().st_ino == before and page.stat().st_nlink == 1  # the old site is gone
    same_as_full(project)


@pytest.mark.usefixtures("forking")
@pytest.mark.parametrize("fork_fails", [False, True])
def test_reused_pages_are_linked_by_a_fork_while_the_data_is_checked(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     fork_fails: bool) -> None:
    """The previous site's pages are linked by a fork from the start of the build (site/clone.py);
    if it dies halfway, the build links them itself. Either way: links to the reused pages, none to
    what was rendered again or is gone, no folder left behind, a full build's bytes."""
    build(project, "site")
    page = project / "site" / "stations" / "nanhu" / "index.html"
    before = page.stat().st_ino
    log = project / "pids"
    real = clone._link_recorded

    def linking(site_dir: Path, rels: list[str], folder: Path) -> list[str]:
        with log.open("a", encoding="utf-8") as out:
            out.write(f"{os.getpid()}\n")
        if fork_fails and os.getpid() != parent:
            monkeypatch.setattr(os, "link", counted(os.link, 40))  # the child links 40 files, then dies
        return real(site_dir, rels, folder)

    parent = os.getpid()
    monkeypatch.setattr(clone, "_link_recorded", linking)
    edit(project / "data", "stations/beiling.yaml", "0830-5720174", "0830-5720999")
    assert reused(build(project, "site")) > 150
    pids = log.read_text(encoding="utf-8").split()
    assert pids[0] != str(parent) and pids[1:] == ([str(parent)] if fork_fails else [])
    assert page.stat().st_ino == before
    changed = next(p for p in (project / "site" / "stations").rglob("index.html") if "0830-5720999" in p.read_text("utf-8"))
    assert changed.stat().st_nlink == 1  # rendered again: a file of its own
    assert not [p for p in project.iterdir() if "-clone-" in p.name]
    same_as_full(project)


def counted(link: Callable[..., None], limit: int) -> Callable[..., None]:
    """os.link that ends the process after `limit` links (a fork that dies halfway)."""
    made = []

    def linked(*args: object) -> None:
        if len(made) == limit:
            os._exit(3)
        made.append(args)
        link(*args)
    return linked


def beside(project: Path) -> list[str]:
    """What is beside the site folders: staging, clone and spare folders of builds (none once done)."""
    return [p.name for p in project.iterdir() if p.name.startswith((".site-", ".full-"))]


def settled(project: Path, timeout: float = 60) -> None:
    """Wait for the detached forks that link a first build's spare (site/clone.py make_later)."""
    deadline = time.monotonic() + timeout
    while beside(project) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert beside(project) == []


@pytest.mark.usefixtures("forking")
@pytest.mark.parametrize("fork_fails", [False, True])
def test_a_large_builds_clone_starts_from_the_site_it_replaced(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                                fork_fails: bool) -> None:
    """A large build keeps the site it replaced (a first build: a copy linked by a detached fork)
    as the spare its next build's clone starts from (site/clone.py). Nothing in the spare is
    trusted: a stray file, or a page's file that is not the site's own, is not published; a fork
    that dies halfway leaves the rest to the build. The result is a full build's bytes."""
    monkeypatch.setattr(build_module, "BACKGROUND_PAGES", 1)
    spare = cache.spare_store(project / cache.FOLDER, project / "site")
    build(project, "site")
    settled(project)
    page = "stations/nanhu/index.html"
    assert (spare / page).stat().st_ino == (project / "site" / page).stat().st_ino
    edit(project / "data", "stations/beiling.yaml", "0830-5720174", "0830-5720999")
    assert reused(build(project, "site")) > 150
    assert (spare / page).stat().st_ino == (project / "site" / page).stat().st_ino  # the first site now
    (spare / page).unlink()
    (spare / page).write_text("<p>旧的页面</p>", encoding="utf-8")  # not the site's file
    (spare / "junk").mkdir()
    (spare / "junk" / "index.html").write_text("<p>多余</p>", encoding="utf-8")
    (spare / "empty" / "deeper").mkdir(parents=True)  # as a fork killed halfway may leave them
    shutil.rmtree(spare / "pagefind")
    (spare / "pagefind").mkdir()  # where the search index is made
    parent = os.getpid()
    real = clone._link_recorded

    log = project / "pids"

    def linking(site_dir: Path, rels: list[str], folder: Path) -> list[str]:
        with log.open("a", encoding="utf-8") as out:
            out.write(f"{os.getpid()}\n")
        if fork_fails and os.getpid() != parent:
            monkeypatch.setattr(os, "link", counted(os.link, 2))
        return real(site_dir, rels, folder)
    monkeypatch.setattr(clone, "_link_recorded", linking)
    edit(project / "data", "stations/beiling.yaml", "0830-5720999", "0830-5720888")
    assert reused(build(project, "site")) > 150
    pids = log.read_text(encoding="utf-8").split()
    assert pids[0] != str(parent) and pids[1:] == ([str(parent)] if fork_fails else [])  # the build finished it
    assert (project / "site" / page).stat().st_nlink == 2  # reused: the site and the spare (the last site)
    assert "旧的页面" not in (project / "site" / page).read_text(encoding="utf-8")
    assert not (project / "site" / "junk").exists() and not (project / "site" / "empty").exists()
    assert beside(project) == []
    monkeypatch.setattr(clone, "_link_recorded", real)  # the full build's spare is linked without failing
    same_as_full(project)
    shutil.rmtree(project / "site")  # deleted by hand: the first build after makes the spare from the old one
    (spare / "junk").mkdir()
    (spare / "junk" / "index.html").write_text("<p>多余</p>", encoding="utf-8")
    build(project, "site")
    settled(project)
    assert (spare / page).stat().st_ino == (project / "site" / page).stat().st_ino
    assert not (spare / "junk").exists()


@pytest.mark.usefixtures("forking")
def test_a_full_builds_spare_is_linked_from_the_site_it_published(project: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A full build writes every page as a new file, so the site it replaced would be a spare of
    other files: the next edit's clone would undo and make again each of its links (15 s of a
    province's phone edit). Its spare is linked afresh from the site it published instead
    (site/clone.py make_later), in place of the spare there, and the next edit starts from it."""
    monkeypatch.setattr(build_module, "BACKGROUND_PAGES", 1)
    spare = cache.spare_store(project / cache.FOLDER, project / "site")
    page = "stations/nanhu/index.html"
    build(project, "site")
    settled(project)
    first = (project / "site" / page).stat().st_ino
    assert (spare / page).stat().st_ino == first
    build(project, "site", "--full")
    settled(project)
    now = (project / "site" / page).stat().st_ino
    assert now != first and (spare / page).stat().st_ino == now
    edit(project / "data", "stations/beiling.yaml", "0830-5720174", "0830-5720999")
    assert reused(build(project, "site")) > 150
    assert (project / "site" / page).stat().st_ino == now  # reused from the spare's link
    settled(project)
    same_as_full(project)


@pytest.mark.usefixtures("forking")
def test_a_full_builds_redirect_stubs_are_written_by_a_fork(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """From plugin.WRITE_AHEAD stubs (a province has 31,000), a fork writes them while mkdocs renders."""
    writers: list[int] = []
    write = redirect.write
    monkeypatch.setattr(redirect, "write", lambda *a: writers.append(os.getpid()) or write(*a))
    monkeypatch.setattr(plugin, "WRITE_AHEAD", 1)
    build(project, "site", "--full")
    assert writers == []  # the fork's own list: nothing was written by this process
    assert len(list((project / "site" / "regions").rglob("index.html"))) > 5
    monkeypatch.setattr(plugin, "WRITE_AHEAD", 10**9)
    same_as_full(project)


@pytest.mark.parametrize("directory_urls", [True, False])
def test_a_reused_pages_address_is_the_one_mkdocs_gives_it(directory_urls: bool) -> None:
    """plugin.page_address spares a File per reused page; it must say what mkdocs's File says."""
    config = load_config(str(ROOT / "mkdocs.yml"), use_directory_urls=directory_urls)
    prepared = pipeline.prepare(SAMPLE)
    assert prepared.portal is not None
    sources = [spec.src_uri for spec in specs.page_specs(prepared.portal)] + ["index.md", "about.md", "a/b c.md", "x y/index.md"]
    for src in sources:
        file = File(src, src_dir=None, dest_dir=config.site_dir, use_directory_urls=directory_urls)
        assert plugin.page_address(config, src) == (file.dest_uri, plugin.page_url(file))


def test_nothing_is_written_into_the_replaced_site(project: Path) -> None:
    """Reused files are links to the previous site's files: every file written again must be a new
    one. Links held to every file of the previous site keep their bytes through an incremental
    build that renders pages again, removes one and changes stubs."""
    build(project, "site")
    held = project / "held"
    held.mkdir()
    before = {}
    for n, path in enumerate(sorted(p for p in (project / "site").rglob("*") if p.is_file())):
        os.link(path, held / str(n))
        before[str(n)] = digest_file(path)
    edit(project / "data", "stations/beiling.yaml", "0830-5720174", "0830-5720999")
    edit(project / "data", "regions.yaml", "name: 望湖社区", "name: 望湖社区(新)")  # a stub's title
    edit(project / "data", *ADDED_BRIEF)
    stations = project / "data" / "stations" / "nanhu.yaml"
    text = stations.read_text(encoding="utf-8")
    start = text.index("  - id: nanhu-hubin-yugang")
    stations.write_text(text[:start] + text[text.index("  - id:", start + 1):], encoding="utf-8")  # a room closed
    assert reused(build(project, "site")) > 100
    assert {name: digest_file(held / name) for name in before} == before
    assert not (project / "site" / "stations" / "nanhu-hubin-yugang").exists()  # no folder left behind
    same_as_full(project)


def digest_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_generated_page_linked_from_a_hand_written_one_stays_a_page(project: Path) -> None:
    """Reused pages are copied, not rendered; mkdocs rewrites a link to `x/index.md` only if x is
    a page, so a page linked to from content/ is always rendered."""
    station = sorted((SAMPLE / "stations").glob("*.yaml"))[0].stem
    about = project / "content" / "about.md"
    about.write_text(about.read_text(encoding="utf-8")
                     + f"\n\n[示例服务站](stations/{station}/index.md)\n", encoding="utf-8")
    build(project, "site")
    edit(project / "data", "stations/beiling.yaml", "0830-5720174", "0830-5720999")
    assert reused(build(project, "site")) > 150
    page = (project / "site" / "about" / "index.html").read_text(encoding="utf-8")
    assert f'href="../stations/{station}/"' in page
    same_as_full(project)


def test_the_clone_vouches_for_the_pages_its_spare_holds_as_recorded(tmp_path: Path) -> None:
    """A page the spare holds as the manifest recorded it (its inode, size and time) is kept and
    reported intact without the site's copy being looked at (even gone); one edited in place since
    is still the site's own file but not intact (the build checks it itself); a stub has no
    recorded stamp and is never vouched for."""
    site, spare = tmp_path / "site", tmp_path / "spare"
    for rel in ("a/index.html", "b/index.html", "c/index.html", "stub/index.html"):
        (site / rel).parent.mkdir(parents=True)
        (site / rel).write_text(rel, encoding="utf-8")
        (spare / rel).parent.mkdir(parents=True)
        os.link(site / rel, spare / rel)
    rels = {rel: cache.stamp(site / rel) for rel in ("a/index.html", "b/index.html", "c/index.html")}
    rels["stub/index.html"] = ""
    (site / "a" / "index.html").unlink()  # the site's copy gone: the spare's is the recorded file
    with (site / "b" / "index.html").open("a", encoding="utf-8") as out:
        out.write("改动")  # in place: the same inode, another stamp
    linked, intact = clone._link_recorded(site, rels, spare)
    assert sorted(linked) == ["a/index.html", "b/index.html", "c/index.html", "stub/index.html"]
    assert sorted(intact) == ["a/index.html", "c/index.html"]


@pytest.mark.usefixtures("forking")
def test_pages_the_clone_vouched_for_are_not_looked_up_in_the_site(project: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """With a spare, the build takes the clone's word for the pages it found as recorded: it does
    not stat them again in the site (110,000 folders of a province read twice when the file
    system's caches were cold). A page edited by hand is still rendered again."""
    monkeypatch.setattr(build_module, "BACKGROUND_PAGES", 1)
    build(project, "site")
    settled(project)
    looked: list[str] = []
    real = cache.stamp

    def stamp(path: str | Path) -> str:
        looked.append(str(path))
        return real(path)
    monkeypatch.setattr(cache, "stamp", stamp)
    station = project / "site" / "stations" / "nanhu" / "index.html"
    with station.open("a", encoding="utf-8") as out:
        out.write("<p>被改动</p>")
    edit(project / "data", "stations/beiling.yaml", "0830-5720174", "0830-5720999")
    assert reused(build(project, "site")) > 150
    site = str(project / "site") + os.sep
    assert {path for path in looked if path.startswith(site)} == {str(station)}  # the one the clone doubted
    assert "被改动" not in station.read_text(encoding="utf-8")
    monkeypatch.undo()
    same_as_full(project)


def test_an_unchanged_stamp_spares_reading_the_page_and_a_changed_one_does_not(project: Path) -> None:
    """A reused page is trusted by its size, modification time and inode, as make and git trust
    files; the bytes are read only if one of them changed. Shown by bytes changed behind the
    stamp's back (same size, time put back): the page is kept, unread."""
    build(project, "site")
    page = project / "site" / "stations" / "nanhu" / "index.html"
    before = page.stat()
    text = page.read_text(encoding="utf-8")
    forged = text.replace("<title>", "<titlf>", 1).replace("</title>", "</titlf>", 1)
    with page.open("r+", encoding="utf-8") as out:  # in place: the inode stays
        out.write(forged)
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    build(project, "site")
    assert page.read_text(encoding="utf-8") == forged  # not read, so not noticed
    page.touch()  # the same bytes, a new time: read, found changed, rendered again
    build(project, "site")
    assert page.read_text(encoding="utf-8") == text
    same_as_full(project)


def test_the_cache_lives_in_one_folder_beside_mkdocs_yml(project: Path) -> None:
    build(project, "site")
    manifests = list((project / cache.FOLDER).glob(f"*{cache.MANIFEST}"))
    assert len(manifests) == 1
    assert (cache.read_manifest(manifests[0]) or {})["site"] == str((project / "site").resolve())
    (project / cache.FOLDER / "0123456789abcdef.json").write_text("{}", encoding="utf-8")  # format 5 and before
    build(project, "other")
    shutil.rmtree(project / "other")
    build(project, "site")  # a manifest whose site folder is gone is dropped
    assert len(list((project / cache.FOLDER).glob(f"*{cache.MANIFEST}"))) == 1
    assert not list((project / cache.FOLDER).glob("*.json"))
    assert [p.name for p in (project / ".cache").iterdir()] == ["sgz-portal"]
    assert sorted(p.name for p in (project / cache.FOLDER).iterdir() if p.is_dir()) == \
        ["memo", "opendata", "search", "templates"]


def test_saving_the_manifest_does_not_read_it_back(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pruning the manifests of sites that are gone reads the others, not the one just written
    (a province's is 28 MB: 0.25 s of every build)."""
    build(project, "other")
    read: list[str] = []
    real_read, save = cache.read_manifest, cache.Cache.save

    def saving(self: cache.Cache) -> None:
        monkeypatch.setattr(cache, "read_manifest", lambda path: read.append(Path(path).name) or real_read(path))
        try:
            save(self)
        finally:
            monkeypatch.setattr(cache, "read_manifest", real_read)
    monkeypatch.setattr(cache.Cache, "save", saving)
    build(project, "site")
    other = cache.manifest_path(project / cache.FOLDER, (project / "other").resolve()).name
    assert read == [other]


def test_a_changed_phone_makes_the_open_data_pieces_of_its_file_only(project: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The open data's station files are joined from pieces kept per data file (opendata/stationpart.py):
    after a phone changed in one file, only that file's stations' pieces are made."""
    build(project, "site")
    made: list[str] = []
    real = stationpart.piece

    def piece(p: Portal, s: Station) -> stationpart.Piece:
        made.append(s.source.file)
        return real(p, s)
    monkeypatch.setattr(stationpart, "piece", piece)
    edit(project / "data", "stations/beiling.yaml", "0830-5720174", "0830-5720999")
    build(project, "site")
    assert made and set(made) == {"data/stations/beiling.yaml"}
    assert "0830-5720999" in (project / "site" / "data" / "stations.csv").read_text(encoding="utf-8-sig")
    monkeypatch.undo()
    same_as_full(project)


def test_full_builds_need_no_cache_and_make_clean_removes_it() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    clean = makefile.split("\nclean:", 1)[1].split("\n\n", 1)[0]
    assert str(cache.FOLDER) in clean
    assert cache.spare_store(cache.FOLDER, ROOT / "site").is_relative_to(cache.FOLDER)  # the spare too
    assert ".site-spare-*" in clean  # a first build's spare while a detached fork links it
    assert "/.cache/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_unchanged_files_are_not_parsed_or_checked_again_and_give_the_same_issues(tmp_path: Path) -> None:
    """The memo (data/memo.py) keeps each file's parse, shape check and personal-information check
    under its bytes: a second run finds them all, and reports what a run without the memo reports."""
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    edit(data, "stations/beiling.yaml", 'phone: ["0830-5720174"]', 'phone: "0830-5720174"')  # a shape error
    edit(data, "stations/beiling.yaml", "description: ", "description: 联系人身份证 11010519491231002X。", 1)
    plain = pipeline.prepare(data)
    assert {"R11_personal_info", "schema_type"} <= {i.code for i in plain.issues}
    first = Memo(tmp_path / "memo", "test")
    assert pipeline.prepare(data, memo=first).issues == plain.issues and first.hits == 0
    files = len(list(data.rglob("*.yaml")))
    assert len(first.used) >= 2 * files  # read and shape-checked, every file
    second = Memo(tmp_path / "memo", "test")
    again = pipeline.prepare(data, memo=second)
    assert second.hits == len(second.used) == len(first.used)  # everything found, the broken file's too
    assert again.issues == plain.issues
    edit(data, "stations/beiling.yaml", 'phone: "0830-5720174"', 'phone: ["0830-5720174"]')
    edit(data, "stations/beiling.yaml", "联系人身份证 11010519491231002X。", "")
    third = Memo(tmp_path / "memo", "test")
    fixed = pipeline.prepare(data, memo=third)
    assert len(third.used) - third.hits == 3  # the edited file: read, shape and personal information afresh
    assert fixed.ok and fixed.issues == pipeline.prepare(data).issues
    other_code = Memo(tmp_path / "memo", "another version of the program")
    pipeline.prepare(data, memo=other_code)
    assert other_code.hits == 0


def test_memoized_dates_references_and_attachments_give_a_plain_runs_issues(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A file's dates and 'files/...' strings are kept with its shape check, and each attachment's
    vetting under its size, time and inode: a run with the memo reports what a plain run reports,
    and an attachment replaced under the same name is vetted again."""
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    edit(data, "stations/beiling.yaml", "closed_on: [2026-09-25]", 'closed_on: ["2026-09-31"]')
    (data / "files" / "stray.pdf").write_bytes((data / "files" / "dongcheng" / "2026-agreement.pdf").read_bytes())
    codes = {i.code for i in pipeline.prepare(data).issues}
    assert {"bad_date", "file_unreferenced"} <= codes and "file_content" not in codes
    sniffed: list[str] = []
    sniff = validate.files.sniff
    monkeypatch.setattr(validate.files, "sniff", lambda path: sniffed.append(path.name) or sniff(path))
    for run in range(3):
        if run == 2:  # a PDF that is a PNG, in place of the agreement
            (data / "files" / "dongcheng" / "2026-agreement.pdf").write_bytes(
                (data / "files" / "nanhu-hubin" / "sign.png").read_bytes())
        memo = Memo(tmp_path / "memo", "test")
        sniffed.clear()
        memoized = pipeline.prepare(data, memo=memo).issues
        assert len(sniffed) > 10 if run == 0 else sniffed == [[], ["2026-agreement.pdf"]][run - 1]
        assert memoized == pipeline.prepare(data).issues
        assert memo.hits == (0 if run == 0 else len(memo.used))
    assert "file_content" in {i.code for i in pipeline.prepare(data).issues}


def test_two_data_folders_of_one_project_do_not_prune_each_others_memo(tmp_path: Path) -> None:
    """The sample and a bureau's data built from one checkout: each keeps its entries; what no
    run used for a week, and what another version of the program wrote, is dropped."""
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    shutil.copytree(SAMPLE, ours)
    shutil.copytree(SAMPLE, theirs)
    edit(theirs, "stations/beiling.yaml", "0830-5720174", "0830-5720999")
    for data in (ours, theirs):
        memo = Memo(tmp_path / "memo", "code")
        pipeline.prepare(data, memo=memo)
        memo.prune()
    again = Memo(tmp_path / "memo", "code")
    pipeline.prepare(ours, memo=again)
    assert again.hits == len(again.used) > 0  # nothing parsed again
    old_code = Memo(tmp_path / "memo", "an earlier version of the program")
    pipeline.prepare(ours, memo=old_code)
    stale = sorted(p for p in again.folder.glob("*/*") if p.name not in again.used)
    assert stale  # the other data folder's edited file
    week_ago = time.time() - memo_module.KEEP_SECONDS - 60
    os.utime(stale[0], (week_ago, week_ago))
    again.prune()
    assert not old_code.folder.exists()
    assert not stale[0].exists() and all(p.exists() for p in stale[1:])


def test_a_full_build_reuses_nothing_but_seeds_the_next_incremental_one(project: Path) -> None:
    build(project, "site")
    full = build(project, "site", "--full")
    assert reused(full) == 0 and "增量构建" not in full
    assert reused(build(project, "site")) > 150


KEYS = """
import sys
from pathlib import Path
from sgz_portal import pipeline
from sgz_portal.pages import specs
from sgz_portal.pages.views import Views
from sgz_portal.site.cache import page_key
prepared = pipeline.prepare(Path(sys.argv[1]))
views = Views(prepared.portal, prepared.issues)
for spec in specs.page_specs(prepared.portal):
    view = repr(views.view(spec.kind, spec.key))
    assert " at 0x" not in view, (spec.src_uri, view)
    print(spec.src_uri, page_key("env", spec, view))
"""


def test_page_keys_do_not_depend_on_the_process() -> None:
    """A page's key hashes its view's repr: no object addresses and no set order (which changes
    with PYTHONHASHSEED from one process to the next), or no page would ever be reused, or worse."""
    def keys(seed: str) -> str:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", KEYS, str(SAMPLE)], env=env, capture_output=True,
                              text=True, check=True)
        return done.stdout

    first = keys("1")
    assert len(first.splitlines()) > 150
    assert keys("2") == first


def test_markdown_of_data_is_rendered_once_per_text_and_code(tmp_path: Path) -> None:
    """Incremental builds compute every page's view; Markdown from data is taken from the memo
    when the same code rendered the same text before, and rendered afresh otherwise."""
    from sgz_portal.data import markup

    text = "**开放时间**调整:周六上午也开放。"
    with markup.remembered(Memo(tmp_path / "memo", "code A")):
        fresh = markup.render(text)
    assert "<strong>开放时间</strong>" in fresh
    memo = Memo(tmp_path / "memo", "code A")
    stored = memo.get(memo.key("markup"))
    assert stored == {text: str(fresh)}
    memo.put(memo.key("markup"), {text: "<p>remembered</p>"})  # what the memo says is what is used
    with markup.remembered(Memo(tmp_path / "memo", "code A")):
        assert markup.render(text) == "<p>remembered</p>"
    with markup.remembered(Memo(tmp_path / "memo", "code B")):  # other code: rendered again
        assert markup.render(text) == fresh
    assert markup.render(text) == fresh  # outside a build nothing is remembered


def test_a_build_that_rendered_only_some_texts_keeps_the_others_remembered(tmp_path: Path) -> None:
    """An incremental build renders a few pages: it keeps the earlier builds' texts as well, or the
    build after it renders every text of its open data and views again. A build that rendered
    every page keeps only what it rendered: a text gone from the data is forgotten."""
    from sgz_portal.data import markup

    def remembered() -> set[str]:
        memo = Memo(tmp_path / "memo", "code")
        return set(memo.get(memo.key("markup")) or {})

    with markup.remembered(Memo(tmp_path / "memo", "code")) as texts:
        texts.partial = False
        markup.render("甲")
        markup.render("乙")
    with markup.remembered(Memo(tmp_path / "memo", "code")):
        markup.render("丙")
    assert remembered() == {"甲", "乙", "丙"}
    with markup.remembered(Memo(tmp_path / "memo", "code")) as texts:
        texts.partial = False
        markup.render("乙")
    assert remembered() == {"乙"}


def test_an_incremental_build_keeps_the_texts_of_the_pages_it_reused(project: Path) -> None:
    def remembered() -> set[str]:
        memo = cache.memo(project)
        return set(memo.get(memo.key("markup")) or {})

    build(project, "site")
    full = remembered()
    assert len(full) > 30
    edit(project / "data", "stations/beiling.yaml", "0830-5720174", "0830-5720999")
    assert reused(build(project, "site")) > 0
    assert remembered() == full  # a phone number is no Markdown: nothing new, nothing forgotten
    edit(project / "data", *ADDED_BRIEF)
    assert reused(build(project, "site")) > 0
    summary = "**本月重点**:端午节邻里活动,补发五月简报。\n"
    assert remembered() == full | {summary}
    edit(project / "data", ADDED_BRIEF[0], "补发五月简报", "补发五月份简报")
    build(project, "site", "--full")
    assert remembered() == full | {summary.replace("补发五月简报", "补发五月份简报")}


def test_the_readmes_give_the_shard_size_the_code_uses() -> None:
    size = f"{shards.SHARD_FILES:,}"
    assert f"more than {size} such pages is indexed in shards" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"a site of up to {size} such pages" in (ROOT / "bench" / "README.md").read_text(encoding="utf-8")


def test_the_html_files_the_build_names_are_those_in_the_site(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The search index is made from the HTML files the build knows it wrote (plugin._html: pages,
    reused pages, stubs, the clone's links, hand-written pages), not from a walk of the site's folders: the
    two lists are the same, in full and incremental builds."""
    seen: list[tuple[list[str], list[str]]] = []
    real = shards.html_files

    def html_files(site_dir: Path, known=None, paths=None):
        assert paths is not None
        seen.append((sorted(paths, key=lambda rel: rel.split("/")), shards._html_paths(site_dir)))
        return real(site_dir, known, paths)
    monkeypatch.setattr(shards, "html_files", html_files)
    build(project, "site", "--full")
    edit(project / "data", "stations/beiling.yaml", "0830-5720174", "0830-5720999")
    build(project, "site")
    edit(project / "data", *ADDED_BRIEF)
    build(project, "site")
    with open(project / "data" / "site.yaml", "a", encoding="utf-8") as f:
        f.write("base_url: https://mzj.example.gov.cn/sgz/\n")  # a 404 page: mkdocs's, not a page
    build(project, "site")
    assert len(seen) == 4 and "404.html" in seen[-1][1]
    for named, walked in seen:
        assert named == walked and any(rel.startswith("about/") for rel in walked)  # content/about.md


def test_with_another_plugin_the_site_is_walked_for_its_html() -> None:
    """Another plugin may write HTML of its own: the build does not claim to know every file."""
    state = plugin.BuildState(data_dir=ROOT, portal=None, views=None, overrides=ROOT)  # type: ignore[arg-type]
    state.files = []  # type: ignore[assignment]
    theme = types.SimpleNamespace(static_templates=["404.html"])
    ours = types.SimpleNamespace(plugins={"sgz-portal": None}, theme=theme)
    more = types.SimpleNamespace(plugins={"sgz-portal": None, "redirects": None}, theme=theme)
    assert plugin.PortalPlugin._html(state, ours) == ["404.html"]  # type: ignore[arg-type]
    assert plugin.PortalPlugin._html(state, more) is None  # type: ignore[arg-type]


def test_a_page_mkdocs_leaves_out_is_not_named(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bureau's `exclude_docs` keeps a hand-written page out of the site: the build does not name
    its HTML for the search index either."""
    with open(project / "mkdocs.yml", "a", encoding="utf-8") as f:
        f.write("exclude_docs: |\n  about.md\n")
    seen: list[tuple[list[str], list[str]]] = []
    real = shards.html_files

    def html_files(site_dir: Path, known=None, paths=None):
        seen.append((sorted(paths or [], key=lambda rel: rel.split("/")), shards._html_paths(site_dir)))
        return real(site_dir, known, paths)
    monkeypatch.setattr(shards, "html_files", html_files)
    build(project, "site")
    [(named, walked)] = seen
    assert named == walked and not any(rel.startswith("about/") for rel in walked)


def test_the_disclosure_portal_keeps_each_countys_row_under_its_page_inputs(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disclosure portal sums one row per county, derived only from what that county's own
    disclosure page reads: the build keeps each row in the memo under that page's inputs
    (pages/inputs.py Kept). After one county's station stopped publishing its staff, only that
    county's stations' checklists are made again (a province's 34,000 took a second of every edit), and the page,
    whose counts changed, is byte for byte a full build's."""
    made: list[str] = []
    checklist = disclosure_page.checklist_for

    def checking(p: Portal, sid: str, *args: object) -> list:
        made.append(sid)
        return checklist(p, sid, *args)  # type: ignore[arg-type]
    monkeypatch.setattr(disclosure_page, "checklist_for", checking)
    build(project, "site")
    every = set(made)
    assert len(every) > 20
    made.clear()
    before = (project / "site" / "disclosure" / "index.html").read_bytes()
    edit(project / "data", "stations/beiling.yaml", "      full_time: 3\n", "      full_time: 0\n")
    edit(project / "data", "stations/beiling.yaml", "      part_time: 1\n", "      part_time: 0\n")  # staff unpublished
    assert reused(build(project, "site")) > 100
    # the county's stations, and the city centre, whose own page lists the county's hub, rendered again
    assert made and {s for s in made if not s.startswith("beiling")} == {"city"} and set(made) < every
    assert (project / "site" / "disclosure" / "index.html").read_bytes() != before
    same_as_full(project)


# -- search index shards made as mkdocs renders (site/ahead.py) -----------------------------------

class Watched:
    """What shards.index indexed after mkdocs, and when each shard made ahead was started."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.after: list[int] = []  # shards indexed after mkdocs, per build
        self.started: list[int] = []  # pages written when each shard ahead was started
        self.nice: list[int] = []  # the priority each was started with
        self.written = 0
        monkeypatch.setattr(shards, "SHARD_FILES", 12)  # the sample's indexed pages in many shards
        self.specs: list = []  # the generated pages in the order mkdocs renders them
        index_shards, wrote, add = shards._index_shards, ahead.Ahead.wrote, shards.Runner.add
        render_order = plugin.PortalPlugin._render_order

        def ordering(state, uris, specs_of, addresses) -> list[str]:  # type: ignore[no-untyped-def]
            uris = render_order(state, uris, specs_of, addresses)
            self.specs = [specs_of[uri] for uri in uris]
            return uris
        monkeypatch.setattr(plugin.PortalPlugin, "_render_order", staticmethod(ordering))

        def indexing(site_dir: Path, todo: list, tmp: Path) -> None:
            self.after.append(len(todo))
            index_shards(site_dir, todo, tmp)

        def writing(me: ahead.Ahead, rel: str, digest: str, marked: bool) -> None:
            self.written += 1
            wrote(me, rel, digest, marked)

        def adding(me: shards.Runner, group: list, bundle: Path) -> None:
            if "-ahead-" in me.tmp.name:  # site/ahead.py's runner, not the one after mkdocs
                self.started.append(self.written)
                self.nice.append(me.nice)
            add(me, group, bundle)
        monkeypatch.setattr(shards, "_index_shards", indexing)
        monkeypatch.setattr(ahead.Ahead, "wrote", writing)
        monkeypatch.setattr(shards.Runner, "add", adding)


def test_the_index_shards_are_made_as_mkdocs_renders(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The indexed pages are rendered first, shard by shard, and each shard's pagefind run starts
    once its pages are on disk: after mkdocs nothing is left to index, in a full build or after a
    phone changed. The index is byte for byte the one made without this."""
    watched = Watched(monkeypatch)
    build(project, "site")
    shard_count = len(watched.started)
    assert shard_count > 5 and watched.after == []  # nothing indexed after mkdocs (joined meanwhile, too)
    assert watched.started == sorted(watched.started) and watched.started[0] < watched.written / 4
    assert watched.started[-1] < watched.written  # the last shard before the region pages and lists
    order = [(spec.kind, spec.key) for spec in watched.specs]
    posters = [n for n, (kind, _) in enumerate(order) if kind == "poster"]
    assert posters and all(order[n - 1] == ("station", order[n][1]) for n in posters)  # one QR code each
    edit(project / "data", "stations/beiling.yaml", "0830-5720174", "0830-5720999")
    assert reused(build(project, "site")) > 150
    assert 1 <= len(watched.started) - shard_count <= 2 and watched.after == []
    # low priority beside mkdocs rendering every page; an edit's shards, which the build waits for,
    # at full speed: mkdocs renders a few pages
    assert watched.nice[0] == ahead.NICE and watched.nice[shard_count:] == [0] * (len(watched.started) - shard_count)
    monkeypatch.setattr(plugin.PortalPlugin, "_index_ahead", staticmethod(lambda *a: None))
    same_as_full(project)
    assert watched.after[-1] > 5  # without: every shard indexed after mkdocs


def test_the_shards_are_joined_while_mkdocs_renders_the_pages_the_index_does_not_hold(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once every indexed page is on disk and mkdocs renders only pages the index does not hold
    (lists, region pages), a child process joins the shards (shards.join_later), at once if they
    are made, else as soon as a thread has seen the last one made: the build takes that join and
    does not join after mkdocs, in a full build and after a phone changed, whatever the timing. The
    index is byte for byte the one joined after mkdocs, and the join's folder is gone."""
    watched = Watched(monkeypatch)
    joins: list[Path] = []  # joins in the build's own process
    join = shards.join

    def joining(bundles: list[Path], out: Path, *args: object) -> None:
        joins.append(out)
        join(bundles, out, *args)  # type: ignore[arg-type]
    monkeypatch.setattr(shards, "join", joining)
    build(project, "site")
    assert watched.started and watched.after == [] and joins == []  # nothing indexed or joined after mkdocs
    edit(project / "data", "stations/beiling.yaml", "0830-5720174", "0830-5720999")
    assert reused(build(project, "site")) > 150
    assert watched.after == [] and joins == []
    assert not [p.name for p in project.iterdir() if "-joined-" in p.name]
    monkeypatch.setattr(plugin.PortalPlugin, "_index_ahead", staticmethod(lambda *a: None))
    same_as_full(project)
    assert len(joins) == 1  # without: joined after mkdocs


@pytest.mark.parametrize("rendering", [None, 0, ahead.FEW - 1, ahead.FEW, 75_000])
def test_the_shards_of_an_edit_run_at_full_speed_from_the_first(tmp_path: Path, rendering: int | None) -> None:
    """Where mkdocs renders fewer than FEW pages in all (an edit), it is done within one shard's
    run, so the shards run two at a time at full priority from the start; beside a full render,
    one at a time at a low priority (site/ahead.py)."""
    site = tmp_path / ".site-new-1-x"
    site.mkdir()
    me = ahead.Ahead(site, tmp_path / "store", True, [], {}, rendering)
    few = rendering is not None and rendering < ahead.FEW
    assert (me.runner.parallel, me.runner.nice) == ((shards.PARALLEL, 0) if few else (ahead.PARALLEL, ahead.NICE))
    me.close()


def test_a_shards_run_is_lowered_from_the_build_not_by_a_preexec_fn(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A shard's pagefind run beside mkdocs gets its low priority from the build after it started
    (shards._lower), not from a preexec_fn, which may deadlock the child while a thread of the build
    runs (site/ahead.py's waiter): the run's priority is the build's plus NICE, and the bundle is made."""
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_text('<html lang="zh"><body><main data-pagefind-body><h1>养老服务</h1></main></body></html>',
                                           encoding="utf-8")
    started: list[dict[str, object]] = []
    popen = subprocess.Popen

    def starting(*args: object, **kwargs: object) -> subprocess.Popen[str]:
        started.append(kwargs)
        return popen(*args, **kwargs)  # type: ignore[call-overload, no-any-return]
    monkeypatch.setattr(subprocess, "Popen", starting)
    runner = shards.Runner(site, tmp_path, 1, ahead.NICE)
    runner.add([("a/index.html", "x")], tmp_path / "store" / "bundle")
    [(process, _, _)] = runner.running
    priority = os.getpriority(os.PRIO_PROCESS, process.pid)  # before the wrapper ends: it takes seconds
    assert priority == min(19, os.getpriority(os.PRIO_PROCESS, 0) + ahead.NICE)
    assert started and all(kwargs.get("preexec_fn") is None for kwargs in started)
    assert runner.wait() == [] and (tmp_path / "store" / "bundle" / shards.ENTRY).is_file()


def test_a_build_that_stops_leaves_no_join_running(tmp_path: Path) -> None:
    """The join made ahead runs in a process group of its own (shards.join_later), and closing the
    Ahead of a build that failed kills the whole group: the join's range processes too, not only
    the child it started, and removes the join's folder."""
    site = tmp_path / ".site-new-1-x"
    site.mkdir()
    me = ahead.Ahead(site, tmp_path / "store", True, [], {})
    me.joined_in = Path(tempfile.mkdtemp(prefix=f"{site.name}-joined-", dir=tmp_path))
    pids = tmp_path / "pids"
    # a stand-in for the join: a child that starts a range process of its own, as a full join does
    me.joining = subprocess.Popen([sys.executable, "-c", (
        "import subprocess, sys, time\n"
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(pids)!r}, 'w').write(str(p.pid))\n"
        "time.sleep(60)\n")], start_new_session=True)
    deadline = time.monotonic() + 30
    while not (pids.is_file() and pids.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    grandchild = int(pids.read_text())
    me.close()
    assert me.joining.returncode is not None
    for _ in range(200):  # the range process is killed too (then reaped by init)
        try:
            os.kill(grandchild, 0)
        except ProcessLookupError:
            break
        if Path(f"/proc/{grandchild}/stat").read_text().split(")")[1].split()[0] == "Z":
            break
        time.sleep(0.05)
    else:
        pytest.fail("the join's range process still runs")
    assert not me.joined_in.exists()


def test_what_the_thread_waiting_for_the_last_shards_meets_fails_the_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The thread that waits for the last shards (site/ahead.py) hands what went wrong to finish,
    on the build's own thread, which the build reports in Chinese (site/build.py: a full disk is an
    OSError), instead of a traceback printed by the thread while the build goes on."""
    site = tmp_path / ".site-new-1-x"
    site.mkdir()
    me = ahead.Ahead(site, tmp_path / "store", True, [], {})

    def full_disk() -> list[str]:
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(me.runner, "wait", full_disk)
    printed: list[object] = []
    monkeypatch.setattr(threading, "excepthook", printed.append)
    me.waiter = threading.Thread(target=me._join_when_made, daemon=True)
    me.waiter.start()
    with pytest.raises(OSError, match="No space"):
        me.finish()
    assert printed == [] and me.joining is None
    me.close()


def test_a_wrong_guess_of_the_indexed_pages_costs_only_time(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Which pages the index holds is decided by the pages themselves: if the guess of the
    templates that carry pagefind's marker is wrong, the shards made ahead do not match and are
    made again after mkdocs, and the index is what it would be."""
    watched = Watched(monkeypatch)
    guess = ahead.marked_templates
    monkeypatch.setattr(plugin, "marked_templates", lambda folder: guess(folder) - {"service.html"})
    build(project, "site")
    assert watched.started and watched.after[0] > 0
    monkeypatch.setattr(plugin.PortalPlugin, "_index_ahead", staticmethod(lambda *a: None))
    same_as_full(project)


# -- what mkdocs did before the first page: attachments copied, templates compiled -----------------

@pytest.mark.usefixtures("forking")
def test_attachments_are_copied_by_a_fork_while_mkdocs_renders(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Many attachments (a province's 3,700: 0.8 s of every edit) are copied by a fork while
    mkdocs renders (plugin._copy_ahead, as _write_ahead links reused pages), not by mkdocs before
    the first page: the site holds the very files it holds without."""
    monkeypatch.setattr(plugin, "COPY_AHEAD", 1)
    log = project / "copied-by"
    parent = os.getpid()
    copy = File.copy_file

    def copying(file: File, dirty: bool = False) -> None:
        if isinstance(file, plugin.CopiedAhead):
            with log.open("a", encoding="utf-8") as out:  # the fork's own list would not reach the test
                out.write(f"{os.getpid()}\n")
        copy(file, dirty)
    monkeypatch.setattr(File, "copy_file", copying)
    build(project, "site")
    on_main = [int(pid) == parent for pid in log.read_text(encoding="utf-8").split()]
    assert len(on_main) > 5 and not any(on_main)
    assert (project / "site" / "schema").is_dir() and list((project / "site" / "files").rglob("*.*"))
    monkeypatch.setattr(plugin, "COPY_AHEAD", 10**9)
    log.unlink()
    build(project, "full", "--full")
    on_main = [int(pid) == parent for pid in log.read_text(encoding="utf-8").split()]
    assert on_main and all(on_main)  # without: mkdocs copies them
    log.unlink()
    assert digest(project / "site") == digest(project / "full")


@pytest.mark.usefixtures("forking")
def test_an_attachment_the_fork_cannot_copy_fails_the_build(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """What the copying fork meets (a full disk) is met again by the build, which copies them
    itself once the fork has failed (data/forked.py): the build says so in Chinese, with no
    traceback from the fork or a thread, publishes nothing and keeps the old site."""
    build(project, "site")
    before = digest(project / "site")
    monkeypatch.setattr(plugin, "COPY_AHEAD", 1)
    copy = File.copy_file

    def full_disk(file: File, dirty: bool = False) -> None:
        if isinstance(file, plugin.CopiedAhead):
            raise OSError(28, "No space left on device")
        copy(file, dirty)
    monkeypatch.setattr(File, "copy_file", full_disk)
    printed: list[object] = []
    monkeypatch.setattr(threading, "excepthook", printed.append)
    args = ["--config", str(project / "mkdocs.yml"), "--data", str(project / "data"), "build",
            "--site", str(project / "site"), "--full"]
    assert cli.main(args) == 1
    err = capsys.readouterr().err
    assert "生成网站失败,原有的 site/ 保持不变" in err and "No space left" in err and "Traceback" not in err
    assert printed == [] and digest(project / "site") == before
    assert not [p for p in project.iterdir() if p.name.startswith(".site-new-")]


def test_templates_are_compiled_once_not_on_every_build(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Jinja keeps each template's bytecode in the build cache (plugin.on_env): the next build
    compiles none of them; a changed template is compiled again, and its pages show the change."""
    compiled: list[str | None] = []
    compile_ = Environment.compile

    def compiling(self: Environment, source: object, name: str | None = None, *args: object, **kwargs: object) -> object:
        compiled.append(name)
        return compile_(self, source, name, *args, **kwargs)  # type: ignore[arg-type]
    monkeypatch.setattr(Environment, "compile", compiling)
    build(project, "site")
    assert "main.html" in compiled and "station.html" in compiled
    assert list((project / cache.FOLDER / plugin.TEMPLATES_CACHE).iterdir())
    compiled.clear()
    edit(project / "data", "stations/beiling.yaml", "0830-5720174", "0830-5720999")
    build(project, "site")
    assert [name for name in compiled if name] == []
    station = project / "overrides" / "station.html"
    station.write_text(station.read_text(encoding="utf-8").replace("{% block content %}", "{% block content %}<!-- 改过 -->", 1),
                       encoding="utf-8")
    compiled.clear()
    build(project, "site")
    assert [name for name in compiled if name] == ["station.html"]
    assert "<!-- 改过 -->" in (project / "site" / "stations" / "nanhu" / "index.html").read_text(encoding="utf-8")


def test_templates_that_cannot_be_kept_are_compiled_every_time(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache folder that cannot hold the templates' bytecode (a file in its place, a full disk)
    costs only compiling them again: the build succeeds, with the same bytes."""
    folder = project / cache.FOLDER / plugin.TEMPLATES_CACHE
    folder.parent.mkdir(parents=True)
    folder.write_text("not a folder", encoding="utf-8")
    build(project, "site")
    folder.unlink()

    def full_disk(self: object, bucket: object) -> None:
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(plugin.FileSystemBytecodeCache, "dump_bytecode", full_disk)
    build(project, "full", "--full")
    assert digest(project / "site") == digest(project / "full")


def test_the_list_pages_views_are_made_while_the_clone_is_linked(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The views of the pages without inputs (the lists; the late reports' took 0.5 s of a
    province's edit) are made before the build waits for the fork that links the previous site
    (site/clone.py), so that they are made meanwhile, not after it."""
    build(project, "site")
    made: list[str] = []
    seen: list[list[str]] = []
    view, intact = Views.view, clone.Clone.intact

    def viewing(self: Views, kind: str, key: str = "") -> object:
        made.append(kind)
        return view(self, kind, key)

    def waiting(self: clone.Clone) -> dict[str, str]:
        seen.append(list(made))
        return intact(self)
    monkeypatch.setattr(Views, "view", viewing)
    monkeypatch.setattr(clone.Clone, "intact", waiting)
    edit(project / "data", "stations/beiling.yaml", "0830-5720174", "0830-5720999")
    assert reused(build(project, "site")) > 150
    assert len(seen) == 1 and {"late_reports", "resources"} <= set(seen[0])
    same_as_full(project)
