"""A page's inputs (pages/inputs.py) name everything its view is made from: an incremental build
reuses a page with unchanged inputs without computing its view, so under equal inputs the view
must be equal. Each edit below changes something a station, poster, project or region page reads, most
of them from another file than the page's own record."""
from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from sgz_portal import pipeline
from sgz_portal.data.issues import WARNING, Issue
from sgz_portal.data.memo import Memo
from sgz_portal.pages import specs
from sgz_portal.pages.inputs import KINDS, Inputs
from sgz_portal.pages.views import Views
from tests.fixturedata import ADDED_BRIEF, SAMPLE, edit

Pages = dict[str, tuple[str | None, str]]  # src_uri -> (inputs key, repr of the view)


def pages(data: Path, memo: Path) -> Pages:
    prepared = pipeline.prepare(data, memo=Memo(memo, "inputs"))
    assert prepared.ok and prepared.portal is not None
    views = Views(prepared.portal, prepared.issues, [])
    inputs = Inputs(views)
    return {spec.src_uri: (inputs.key(spec), repr(views.view(spec.kind, spec.key)))
            for spec in specs.page_specs(prepared.portal) if spec.kind in KINDS}


def _photo(data: Path) -> None:
    """The same photo file, another size: no data file changes."""
    out = io.BytesIO()
    Image.new("RGB", (640, 400), "white").save(out, "PNG")
    (data / "files" / "nanhu-hubin" / "sign.png").write_bytes(out.getvalue())


def _second_room(data: Path) -> None:
    """A second room in 望湖社区, in a file of its own: the village's page, which the first room
    stood in for (context.region_standins), comes back, and the first room's breadcrumbs show it."""
    text = (data / "stations" / "nanhu.yaml").read_text(encoding="utf-8")
    first = text.index("  - id: nanhu-hubin-wanghu")
    record = text[first:text.index("  - id:", first + 1)]
    (data / "stations" / "second.yaml").write_text(
        "stations:\n" + record.replace("id: nanhu-hubin-wanghu", "id: nanhu-hubin-wanghu-2")
        .replace("望湖社区社会工作服务室", "望湖社区第二社会工作服务室").replace("0830-3277911", "0830-3277912"),
        encoding="utf-8")


def _record(data: Path, sid: str, new_id: str) -> str:
    """The YAML of station `sid` in beiling.yaml, under another id and name."""
    text = (data / "stations" / "beiling.yaml").read_text(encoding="utf-8")
    first = text.index(f"  - id: {sid}\n")
    record = text[first:text.index("  - id:", first + 1)]
    name = record.split("name: ", 1)[1].split("\n", 1)[0]
    return (record.replace(f"id: {sid}\n", f"id: {new_id}\n").replace(f"name: {name}", f"name: {name[:-5]}第二服务站")
            .replace("0830-5720174", "0830-5720175"))


def _moved(data: Path) -> None:
    """beiling-lingkou's record, as it is, moved to a file of its own, and renamed there: the
    page reads its record wherever it is."""
    text = (data / "stations" / "beiling.yaml").read_text(encoding="utf-8")
    first = text.index("  - id: beiling-lingkou\n")
    record = text[first:text.index("  - id:", first + 1)]
    (data / "stations" / "beiling.yaml").write_text(text.replace(record, ""), encoding="utf-8")
    (data / "stations" / "moved.yaml").write_text("stations:\n" + record.replace("0830-5720174", "0830-5720176"),
                                                  encoding="utf-8")


EDITS: dict[str, Callable[[Path], None]] = {
    # the city station (city.yaml) is the parent of each county's hub, in the counties' files
    "a parent renamed in another file": lambda d: edit(d, "stations/city.yaml", "name: 示例市社会工作指导中心",
                                                       "name: 示例市社会工作指导服务中心"),
    "a child renamed in another file": lambda d: edit(d, "stations/beiling.yaml", "name: 北岭县社会工作服务总站",
                                                      "name: 北岭县社会工作服务总站(新址)"),
    "a phone changed": lambda d: edit(d, "stations/beiling.yaml", "0830-5720174", "0830-5720999"),
    "a project renamed": lambda d: edit(d, "projects/nanhu-hubin-2026.yaml",
                                        "title: 湖滨街道社会工作服务站运营项目(2026年度)",
                                        "title: 湖滨街道社会工作服务站运营项目(2026年度,续签)"),
    "a monthly brief added": lambda d: edit(d, *ADDED_BRIEF),
    "a project's station renamed": lambda d: edit(d, "stations/nanhu.yaml", "name: 南湖区湖滨街道社会工作服务站",
                                                  "name: 南湖区湖滨街道社会工作服务站(新址)"),
    "a station joins a project": lambda d: edit(d, "projects/nanhu-hubin-2026.yaml",
                                                "stations: [nanhu-hubin]", "stations: [nanhu-hubin, nanhu-lianhua]"),
    "a photo replaced by one of another size": _photo,
    "a second station in a village": _second_room,
    "an operator renamed": lambda d: edit(d, "agencies.yaml", "name: ", "name: 新", 1),
    "a station added at the top of its file": lambda d: edit(
        d, "stations/beiling.yaml", "stations:\n", "stations:\n" + _record(d, "beiling-lingkou", "beiling-lingkou-x")),
    "a record moved to another file": _moved,
    "a station stops offering a service": lambda d: edit(d, "stations/beiling.yaml",
                                                         "services: [org-incubation, volunteer-building, policy-help]",
                                                         "services: [org-incubation, volunteer-building]"),
    "a station run by another agency": lambda d: edit(d, "stations/beiling.yaml", "operator: xinyuan", "operator: tongxin", 1),
}


@pytest.fixture(scope="module")
def before(tmp_path_factory: pytest.TempPathFactory) -> Pages:
    folder = tmp_path_factory.mktemp("before")
    shutil.copytree(SAMPLE, folder / "data")
    return pages(folder / "data", folder / "memo")


@pytest.mark.parametrize("name", EDITS)
def test_a_view_never_changes_under_equal_inputs(name: str, before: Pages, tmp_path: Path) -> None:
    shutil.copytree(SAMPLE, tmp_path / "data")
    EDITS[name](tmp_path / "data")
    after = pages(tmp_path / "data", tmp_path / "memo")
    assert after.keys() >= before.keys()
    changed = [uri for uri in before if after[uri][1] != before[uri][1]]
    assert changed, "the edit changes no view: it tests nothing"
    wrong = [uri for uri in changed if after[uri][0] == before[uri][0]]
    assert wrong == [], f"views changed under equal inputs: {wrong}"


def test_most_pages_keep_their_inputs_after_an_edit_of_one_file(before: Pages, tmp_path: Path) -> None:
    """What the inputs are for: a phone change leaves other counties' pages as they were."""
    shutil.copytree(SAMPLE, tmp_path / "data")
    EDITS["a phone changed"](tmp_path / "data")
    after = pages(tmp_path / "data", tmp_path / "memo")
    kept = [uri for uri in after if after[uri][0] == before[uri][0]]
    assert all(key is not None for key, _ in after.values())
    assert len(kept) > len(after) / 2


def test_a_phone_change_changes_the_inputs_of_only_the_pages_that_read_that_station(before: Pages,
                                                                                   tmp_path: Path) -> None:
    """Stations are inputs by record, not by file: a county's file holds many stations (beiling.yaml
    eleven, a province's two hundred), and one phone changed there leaves the others' pages alone."""
    shutil.copytree(SAMPLE, tmp_path / "data")
    EDITS["a phone changed"](tmp_path / "data")
    after = pages(tmp_path / "data", tmp_path / "memo")
    p = pipeline.prepare(tmp_path / "data").portal
    assert p is not None
    changed = {(spec.kind, spec.key) for spec in specs.page_specs(p)
               if spec.src_uri in after and after[spec.src_uri][0] != before[spec.src_uri][0]}
    readers = {"beiling-lingkou", "beiling", *p.station_children["beiling-lingkou"]}
    assert {key for kind, key in changed if kind in ("station", "poster")} == readers
    others = {s.id for s in p.stations.values() if s.source.file.endswith("beiling.yaml")} - readers
    assert others, "the file holds stations that do not read the edited one"


def test_the_findings_about_a_record_are_among_its_inputs(tmp_path: Path) -> None:
    """Rules compare records across files: a finding is an input as it is, not by its file."""
    prepared = pipeline.prepare(SAMPLE, memo=Memo(tmp_path, "inputs"))
    assert prepared.portal is not None
    found = [Issue("data/x.yaml", 1, "", "R3_contacts", "示例", WARNING, subject)
             for subject in ("nanhu-hubin", "nanhu-hubin-2026")]
    plain, judged = (Inputs(Views(prepared.portal, issues, [])) for issues in (prepared.issues, prepared.issues + found))
    differ = {(spec.kind, spec.key) for spec in specs.page_specs(prepared.portal)
              if plain.key(spec) != judged.key(spec)}
    county = prepared.portal.county_of(prepared.portal.stations["nanhu-hubin"].region)
    assert differ == {("station", "nanhu-hubin"), ("poster", "nanhu-hubin"), ("project", "nanhu-hubin-2026"),
                      ("disclosure_county", county)}  # which counts the findings of its stations and projects


def test_without_the_files_digests_no_page_has_inputs(tmp_path: Path) -> None:
    prepared = pipeline.prepare(SAMPLE)  # no memo: the digests are not known
    assert prepared.portal is not None and prepared.portal.digests == {}
    inputs = Inputs(Views(prepared.portal, prepared.issues, []))
    assert {inputs.key(spec) for spec in specs.page_specs(prepared.portal)} == {None}
