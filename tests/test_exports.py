"""The open data files are made in parts (opendata.PARTS), and a build links a part from the cache
when its inputs (opendata.inputs) are those it was made from (site/exports.py). So under equal
inputs a part's files must be equal: each edit of tests/test_inputs.py is made here too."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from sgz_portal import opendata, pipeline
from sgz_portal.data.memo import Memo
from sgz_portal.data.model import Portal
from sgz_portal.site import build as build_module
from sgz_portal.site import exports, plugin
from tests.fixturedata import SAMPLE
from tests.test_inputs import EDITS
from tests.test_publish import CONFIG, MINIMAL

Parts = dict[str, tuple[str | None, opendata.Made]]


def portal(data: Path, memo: Path | None) -> Portal:
    prepared = pipeline.prepare(data, memo=Memo(memo, "exports") if memo else None)
    assert prepared.ok and prepared.portal is not None
    return prepared.portal


def parts(p: Portal) -> Parts:
    return {part.name: (opendata.inputs(p, part), part.make(p)) for part in opendata.PARTS}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    shutil.copytree(SAMPLE, folder / "data")
    return folder


@pytest.fixture(scope="module")
def before(sample: Path) -> Parts:
    return parts(portal(sample / "data", sample / "memo"))


def edited(tmp_path: Path, name: str) -> Portal:
    shutil.copytree(SAMPLE, tmp_path / "data")
    EDITS[name](tmp_path / "data")
    return portal(tmp_path / "data", tmp_path / "memo")


@pytest.mark.parametrize("name", EDITS)
def test_a_part_never_changes_under_equal_inputs(name: str, before: Parts, tmp_path: Path) -> None:
    after = parts(edited(tmp_path, name))
    for part, (inputs, made) in after.items():
        if inputs is not None and inputs == before[part][0]:
            assert made == before[part][1], f"{part} changed under equal inputs"


@pytest.mark.parametrize(("name", "unchanged"), [("a phone changed", "projects"),
                                                 ("a monthly brief added", "stations")])
def test_an_edit_leaves_the_other_part_as_it_was(name: str, unchanged: str, before: Parts, tmp_path: Path) -> None:
    """What the parts are for: a phone changed keeps the files made from the projects, a brief
    added those made from the stations; the part that reads the edit is made again."""
    after = parts(edited(tmp_path, name))
    assert after[unchanged][0] == before[unchanged][0]
    changed = {part for part, (inputs, _) in after.items() if inputs != before[part][0]}
    assert changed == {"stations", "projects"} - {unchanged}


def test_without_the_files_digests_no_part_has_inputs(sample: Path) -> None:
    p = portal(sample / "data", None)
    assert all(opendata.inputs(p, part) is None for part in opendata.PARTS)


def _files(out: Path, sizes: list[tuple[str, int]]) -> dict[str, bytes]:
    return {path: (out / path).read_bytes() for path, _ in sizes}


def _inodes(out: Path, sizes: list[tuple[str, int]]) -> dict[str, int]:
    return {path: os.stat(out / path).st_ino for path, _ in sizes}


def test_written_files_are_those_of_files(sample: Path, tmp_path: Path) -> None:
    p = portal(sample / "data", sample / "memo")
    sizes = exports.write(p, tmp_path / "out", tmp_path / "store", "code")
    assert _files(tmp_path / "out", sizes) == dict(opendata.encoded(p))
    assert sizes == [(path, len(data)) for path, data in opendata.encoded(p)]
    assert sorted(path for path, _ in sizes) == sorted(
        p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*") if p.is_file())


def test_an_unchanged_part_is_linked_from_the_store_and_a_changed_one_made(sample: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    p = portal(sample / "data", sample / "memo")
    first = exports.write(p, tmp_path / "one", store, "code")
    again = exports.write(p, tmp_path / "two", store, "code")
    assert again == first
    linked = {path for path, ino in _inodes(tmp_path / "two", again).items()
              if ino == os.stat(tmp_path / "one" / path).st_ino}
    keyed = {path for part in opendata.PARTS if opendata.inputs(p, part) is not None for path, _ in part.make(p).files}
    assert "data/stations.json" in keyed and linked == keyed  # the rest (resources, descriptor) is always made

    q = edited(tmp_path / "edit", "a phone changed")
    after = exports.write(q, tmp_path / "three", store, "code")
    assert _files(tmp_path / "three", after) == dict(opendata.encoded(q))
    same = {path for path, ino in _inodes(tmp_path / "three", after).items()
            if ino == os.stat(tmp_path / "one" / path).st_ino}
    projects = {path for path, _ in opendata.PARTS[1].make(q).files}
    assert "data/ocds.json" in projects and same == projects  # the station part was made again
    assert sorted(path.name.split("-")[0] for path in store.iterdir()) == ["projects", "stations"]  # old ones pruned


def test_a_stored_file_edited_in_place_is_not_used(sample: Path, tmp_path: Path) -> None:
    """The site's copy is a hard link to the stored file: an edit in place of the published file
    changes the stored one too, and the part is made again."""
    store = tmp_path / "store"
    p = portal(sample / "data", sample / "memo")
    sizes = exports.write(p, tmp_path / "one", store, "code")
    with open(tmp_path / "one" / "data" / "ocds.json", "r+b") as published:
        published.write(b"[")
    again = exports.write(p, tmp_path / "two", store, "code")
    assert _files(tmp_path / "two", again) == dict(opendata.encoded(p))
    assert again == sizes


def test_another_code_or_a_full_build_makes_every_part(sample: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    p = portal(sample / "data", sample / "memo")
    exports.write(p, tmp_path / "one", store, "code")
    for out, code, reuse in ((tmp_path / "two", "other code", True), (tmp_path / "three", "code", False)):
        sizes = exports.write(p, out, store, code, reuse)
        assert _files(out, sizes) == dict(opendata.encoded(p))
        assert not set(_inodes(out, sizes).values()) & set(_inodes(tmp_path / "one", sizes).values())


def _leftovers(site: Path) -> list[str]:
    return sorted(p.name for p in site.parent.iterdir() if p.name != site.name)


def test_a_build_leaves_no_folder_beside_the_site_whether_it_succeeds_or_fails(tmp_path: Path, monkeypatch) -> None:
    """The open data is written beside the site while mkdocs renders (mkdocs empties the site's own
    folder after the fork starts), then moved in; a failed build removes it."""
    site = tmp_path / "out" / "site"
    monkeypatch.setattr(plugin, "EXPORTS_AHEAD", 0)  # the way a province's build goes
    assert build_module.build(MINIMAL, site, CONFIG) == 0
    assert _leftovers(site) == []
    assert (site / "data" / "datapackage.json").is_file() and (site / "data" / "hsds" / "phones.json").is_file()

    def fail(self, **kwargs):
        raise PluginError("injected failure")
    monkeypatch.setattr(plugin.PortalPlugin, "on_post_build", fail)
    assert build_module.build(MINIMAL, site, CONFIG) == 1
    assert _leftovers(site) == []


def test_writing_again_into_the_same_folder_never_writes_through_a_link(sample: Path, tmp_path: Path) -> None:
    """A fork that failed halfway leaves links to stored files where the work, done again by the
    build itself, writes: the stored files (and the published site that links them) stay as they were."""
    store = tmp_path / "store"
    p = portal(sample / "data", sample / "memo")
    exports.write(p, tmp_path / "published", store, "code")
    exports.write(p, tmp_path / "out", store, "code")
    for reuse in (True, False):  # linked again, or made again
        sizes = exports.write(p, tmp_path / "out", store, "code", reuse)
        assert _files(tmp_path / "out", sizes) == dict(opendata.encoded(p))
        assert _files(tmp_path / "published", sizes) == dict(opendata.encoded(p))
