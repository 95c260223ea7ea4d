"""Open data under /data/: valid against the official HSDS 3.0 and OCDS 1.1.5 schemas
(offline), consistent ids across files, byte-stable builds, Excel-friendly CSV, a sound feed.

The schemas are the published ones, vendored under tests/standards/ with their
licences, so no test depends on a file outside the repository. Validation never touches the network: the registry's
retrieve function raises, and so does any socket connect during these tests.
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import re
import shutil
import socket
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft4Validator, Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT4, DRAFT202012

import sgz_portal.opendata as opendata
from sgz_portal import pipeline
from sgz_portal.data import geo
from sgz_portal.data.memo import Memo
from sgz_portal.data.model import Portal, Station
from sgz_portal.opendata import common, feed, hsds, package, stationpart, tables
from sgz_portal.pages import opendata as datapage
from sgz_portal.pages.views import Views
from tests.fixturedata import SAMPLE, edit

ROOT = Path(__file__).resolve().parents[1]
STANDARDS = Path(__file__).resolve().parent / "standards"  # vendored, with their licences
HSDS_DIR, OCDS_DIR = STANDARDS / "hsds-3.0", STANDARDS / "ocds-1.1.5"
ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://www.example.gov.cn/sgz/"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("open data tests must not touch the network")
    monkeypatch.setattr(socket.socket, "connect", refuse)


def _prepare():
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("PORTAL_AS_OF", raising=False)  # the as-of date of data/site.yaml
        prepared = pipeline.prepare(ROOT / "tests" / "fixtures" / "sample" / "data")
    assert prepared.ok, prepared.issues
    return prepared


@pytest.fixture(scope="module")
def prepared():
    return _prepare()


@pytest.fixture(scope="module")
def portal(prepared):
    return prepared.portal


@pytest.fixture(scope="module")
def built(portal) -> dict[str, str]:
    return dict(opendata.files(portal))


@pytest.fixture(scope="module")
def hosted(portal) -> dict[str, str]:
    """The same data published with a base_url (absolute links)."""
    site = dataclasses.replace(portal.site, base_url=BASE)
    return dict(opendata.files(dataclasses.replace(portal, site=site)))


def load(built: dict[str, str], path: str):
    return json.loads(built[path])


# -- offline validation machinery -------------------------------------------------------

def _refuse(uri: str):
    raise LookupError(f"schema {uri} is not in the local standards folder (no network lookups)")


def format_checker() -> FormatChecker:
    """uuid/email/date as jsonschema checks them, plus strict date-time and uri (no extra packages)."""
    checker = FormatChecker()

    @checker.checks("date-time")
    def _datetime(value: object) -> bool:
        if not isinstance(value, str):
            return True
        return bool(RFC3339.match(value)) and dt.datetime.fromisoformat(value) is not None

    @checker.checks("uri")
    def _uri(value: object) -> bool:
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        absolute = bool(parts.scheme) and (bool(parts.netloc) or parts.scheme in ("tag", "urn", "mailto"))
        return absolute and not re.search(r"\s", value)

    return checker


def hsds_validator(name: str) -> Draft202012Validator:
    """HSDS files $ref their siblings by bare file name: register them under those names."""
    resources = [(p.name, DRAFT202012.create_resource(json.loads(p.read_text(encoding="utf-8"))))
                 for p in sorted(HSDS_DIR.glob("*.json"))]
    registry = Registry(retrieve=_refuse).with_resources(resources)
    schema = json.loads((HSDS_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, registry=registry, format_checker=format_checker())


def ocds_schema(name: str) -> dict:
    return json.loads((OCDS_DIR / name).read_text(encoding="utf-8"))


def ocds_package_validator() -> Draft4Validator:
    release = ocds_schema("release-schema.json")
    registry = Registry(retrieve=_refuse).with_resource(release["id"], DRAFT4.create_resource(release))
    return Draft4Validator(ocds_schema("release-package-schema.json"), registry=registry,
                           format_checker=format_checker())


def hsds_tables(files: dict[str, str]) -> dict[str, str]:
    """Every published HSDS table -> the official schema its records follow (table names are plurals)."""
    names = [path.removeprefix("data/hsds/").removesuffix(".json") for path in files if path.startswith("data/hsds/")]
    return {n: n[:-3] + "y" if n.endswith("ies") else n[:-2] if n.endswith("sses") else n[:-1] for n in names}


def errors_of(validator, instance, where: str) -> list[str]:
    return [f"{where} {'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(instance)]


# -- HSDS ----------------------------------------------------------------------------------

@pytest.mark.parametrize("data", ["built", "hosted"])
def test_every_hsds_record_is_valid(request: pytest.FixtureRequest, data: str) -> None:
    files = request.getfixturevalue(data)
    problems = []
    tables = hsds_tables(files)
    assert {"organizations", "services", "locations", "service_at_locations", "schedules"} <= set(tables)
    assert all((HSDS_DIR / f"{schema}.json").is_file() for schema in tables.values())
    for table, schema in tables.items():
        validator = hsds_validator(schema)
        for n, record in enumerate(load(files, f"data/hsds/{table}.json")):
            problems += errors_of(validator, record, f"{table}[{n}]")
    assert problems == []


def test_a_broken_hsds_record_is_caught(built: dict[str, str]) -> None:
    """The validation above has teeth: the nested $refs resolve and formats are checked."""
    location = dict(load(built, "data/hsds/locations.json")[0], id="not-a-uuid")
    location["addresses"] = [{"id": location["id"]}]  # nested address: missing required fields
    found = errors_of(hsds_validator("location"), location, "location")
    assert any("is not a 'uuid'" in e for e in found) and any("'address_1' is a required" in e for e in found)


def test_hsds_ids_are_unique_and_every_reference_resolves(built: dict[str, str]) -> None:
    tables = {t: load(built, f"data/hsds/{t}.json") for t in hsds_tables(built)}
    ids = [r["id"] for records in tables.values() for r in records]
    assert len(ids) == len(set(ids))
    known = {key: {r["id"] for r in tables[t]} for key, t in (
        ("organization_id", "organizations"), ("location_id", "locations"), ("service_id", "services"),
        ("taxonomy_id", "taxonomies"), ("taxonomy_term_id", "taxonomy_terms"))}
    known["link_id"] = known["service_id"]
    dangling = [(t, r["id"], key) for t, records in tables.items() for r in records
                for key, ids_ in known.items() if key in r and r[key] not in ids_]
    assert dangling == []


def test_every_station_is_an_hsds_location_in_wgs84(built: dict[str, str], portal) -> None:
    stations = {s["id"] for s in load(built, "data/stations.json")}
    locations = {loc["external_identifier"]: loc for loc in load(built, "data/hsds/locations.json")}
    assert set(locations) == stations
    assert len({loc["id"] for loc in locations.values()}) == len(locations)
    for sid, loc in locations.items():
        s = portal.stations[sid]
        if s.lat is not None:
            lat, lng = geo.convert(s.lat, s.lng, s.crs or "gcj02", "wgs84")
            assert (loc["latitude"], loc["longitude"]) == (round(lat, 6), round(lng, 6))
    addressed = {a["location_id"] for a in load(built, "data/hsds/addresses.json")}
    assert addressed == {loc["id"] for loc in locations.values()}


def test_service_at_locations_match_the_station_list(built: dict[str, str]) -> None:
    location = {loc["external_identifier"]: loc["id"] for loc in load(built, "data/hsds/locations.json")}
    name = {sv["id"]: sv["name"] for sv in load(built, "data/services.json")}
    service = {sv["name"]: sv["id"] for sv in load(built, "data/hsds/services.json")}
    expected = {(location[s["id"]], service[name[sv]])
                for s in load(built, "data/stations.json") for sv in s["services"].split(";") if sv}
    assert expected
    found = {(x["location_id"], x["service_id"]) for x in load(built, "data/hsds/service_at_locations.json")}
    assert found == expected


def test_agencies_carry_their_credit_code(built: dict[str, str], portal) -> None:
    name = {o["id"]: o["name"] for o in load(built, "data/hsds/organizations.json")}
    codes = {(name[r["organization_id"]], r["identifier"])
             for r in load(built, "data/hsds/organization_identifiers.json")}
    assert codes == {(a.name, a.uscc) for a in portal.agencies.values()}
    assert all(r["identifier_scheme"] == "CN-USCC" for r in load(built, "data/hsds/organization_identifiers.json"))


def test_schedules_are_weekly_rules_with_a_utc_offset(built: dict[str, str]) -> None:
    for row in load(built, "data/hsds/schedules.json"):
        day = "(MO|TU|WE|TH|FR|SA|SU)"
        assert row["freq"] == "WEEKLY" and re.fullmatch(f"{day}(,{day})*", row["byday"])
        assert re.fullmatch(r"\d{2}:\d{2}\+08:00", row["opens_at"]) and row["opens_at"] < row["closes_at"]


# -- OCDS ----------------------------------------------------------------------------------

@pytest.mark.parametrize("data", ["built", "hosted"])
def test_ocds_package_is_valid(request: pytest.FixtureRequest, data: str) -> None:
    package = load(request.getfixturevalue(data), "data/ocds.json")
    assert errors_of(ocds_package_validator(), package, "package") == []
    releases = Draft4Validator(ocds_schema("dereferenced-release-schema.json"), format_checker=format_checker())
    problems = [e for r in package["releases"] for e in errors_of(releases, r, r["ocid"])]
    assert problems == []


def test_a_broken_release_is_caught(built: dict[str, str]) -> None:
    package = load(built, "data/ocds.json")
    package["releases"][0]["date"] = "2026-10-31"  # a date, not a date-time
    package["releases"][0]["contracts"][0]["value"]["currency"] = "RMB"
    found = errors_of(ocds_package_validator(), package, "package")
    assert any("is not a 'date-time'" in e for e in found) and any("'RMB' is not one of" in e for e in found)


def test_every_project_has_exactly_one_release(built: dict[str, str], portal) -> None:
    package = load(built, "data/ocds.json")
    projects = load(built, "data/projects.json")
    assert [r["ocid"] for r in package["releases"]] == [p["ocid"] for p in projects]
    # OCDS: an ocid is a registered prefix (ocds- and six characters), a hyphen, then the local id.
    assert all(re.fullmatch(r"ocds-[a-z0-9]{6}-" + re.escape(p["id"]), p["ocid"]) for p in projects)
    assert len({p["ocid"].rsplit("-" + p["id"], 1)[0] for p in projects}) == 1
    stations = {s["id"] for s in load(built, "data/stations.json")}
    for rel, row in zip(package["releases"], projects):
        pr = portal.projects[row["id"]]
        items = {i["id"] for i in rel["tender"]["items"]}
        assert items == set(pr.stations) and items <= stations
        supplier = next(p for p in rel["parties"] if "supplier" in p["roles"])
        assert supplier["identifier"] == {"scheme": "CN-USCC", "id": portal.agencies[pr.supplier].uscc,
                                          "legalName": portal.agencies[pr.supplier].name}
        assert rel["buyer"]["id"] in {p["id"] for p in rel["parties"] if "buyer" in p["roles"]}


def test_ocds_dates_come_from_the_data_never_the_clock(built: dict[str, str], portal) -> None:
    package = load(built, "data/ocds.json")
    as_of = f"{portal.site.as_of.isoformat()}T00:00:00+08:00"
    assert package["publishedDate"] == as_of and package["version"] == "1.1"
    assert package["publisher"]["name"] == portal.site.publisher
    assert {r["date"] for r in package["releases"]} == {as_of}


def test_reports_are_documents_and_due_reports_are_milestones(built: dict[str, str]) -> None:
    package = {r["ocid"]: r for r in load(built, "data/ocds.json")["releases"]}
    reports = load(built, "data/reports.json")
    project_of = {p["ocid"]: p["id"] for p in load(built, "data/projects.json")}
    for rel in package.values():
        project = project_of[rel["ocid"]]
        contract = rel.get("contracts", [{}])[0]
        docs = [d["id"] for d in contract.get("implementation", {}).get("documents", [])]
        assert docs == ["report-" + r["id"].split("/", 1)[1] for r in reports if r["project"] == project]
    hub = package[{v: k for k, v in project_of.items()}["dongcheng-hub-2026"]]["contracts"][0]["implementation"]["milestones"]
    by_id = {m["id"]: m for m in hub}
    assert by_id["monthly-2026-01"]["status"] == "met"
    assert by_id["monthly-2026-01"]["dateMet"] == "2026-02-08T00:00:00+08:00"
    assert by_id["monthly-2026-12"]["status"] == "scheduled"
    assert by_id["final"]["dueDate"] == "2027-03-01T23:59:59+08:00"


def test_hosted_ocds_links_are_absolute(hosted: dict[str, str]) -> None:
    package = load(hosted, "data/ocds.json")
    assert package["uri"] == BASE + "data/ocds.json"
    urls = [d["url"] for r in package["releases"] for c in r.get("contracts", []) for d in c.get("documents", [])]
    assert urls and all(u.startswith(BASE + "files/") for u in urls)


# -- plain tables, stability ---------------------------------------------------------

def test_two_builds_are_byte_identical(built: dict[str, str]) -> None:
    again = dict(opendata.files(_prepare().portal))
    assert list(again) == list(built)
    assert [p for p in built if again[p] != built[p]] == []


def test_report_keys_do_not_depend_on_list_order(portal) -> None:
    pr = portal.projects["dongcheng-hub-2026"]
    shuffled = tuple(dataclasses.replace(r, index=n) for n, r in enumerate(reversed(pr.reports)))
    before = {(r.type, r.period, r.published): k for r in pr.reports for k in [common.report_keys(pr)[r.index]]}
    moved = dataclasses.replace(pr, reports=shuffled)
    after = {(r.type, r.period, r.published): k for r in moved.reports for k in [common.report_keys(moved)[r.index]]}
    assert before == after


@pytest.mark.parametrize("name", ["stations", "services", "projects", "reports"])
def test_csv_opens_in_excel_and_matches_json(built: dict[str, str], name: str) -> None:
    text = built[f"data/{name}.csv"]
    assert text.startswith("\ufeff")
    assert text.count("\n") == text.count("\r\n") > 1
    rows = list(csv.DictReader(io.StringIO(text.encode("utf-8").decode("utf-8-sig"), newline="")))
    records = load(built, f"data/{name}.json")
    assert len(rows) == len(records) and list(rows[0]) == list(records[0])
    order = [(r["project"], r["published"]) if name == "reports" else r["id"] for r in rows]
    assert order == sorted(order), "rows by id (reports: by project, then publication date)"


def test_report_rows_cover_every_report(built: dict[str, str], portal) -> None:
    rows = load(built, "data/reports.json")
    assert len(rows) == sum(len(p.reports) for p in portal.projects.values())
    assert len({r["id"] for r in rows}) == len(rows)


# -- Atom feed ------------------------------------------------------------------------------

def test_feed_is_atom_newest_first(built: dict[str, str], portal) -> None:
    root = ET.fromstring(built["data/feed.xml"].encode("utf-8"))
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert 0 < len(entries) <= feed.LIMIT
    published = [e.findtext(f"{ATOM}published") for e in entries]
    assert published == sorted(published, reverse=True)
    assert all(e.findtext(f"{ATOM}updated") == e.findtext(f"{ATOM}published") for e in entries)
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids) and all(i.startswith("tag:example.gov.cn,") for i in ids)
    as_of = portal.site.as_of.isoformat()
    candidates = [r for r in load(built, "data/reports.json") if r["published"] <= as_of]
    day = max(r["published"] for r in candidates)  # newest day; on a tie, by project then key
    project, key = min(tuple(r["id"].split("/", 1)) for r in candidates if r["published"] == day)
    newest = {"published": day, "project": project}
    assert ids[0] == f"tag:example.gov.cn,{newest['published']}:sgz/projects/{project}/reports/{key}"
    assert root.findtext(f"{ATOM}updated") == published[0]
    link = entries[0].find(f"{ATOM}link[@rel='alternate']").get("href")
    assert link == f"../projects/{newest['project']}/"


def test_hosted_feed_links_are_absolute(hosted: dict[str, str]) -> None:
    root = ET.fromstring(hosted["data/feed.xml"].encode("utf-8"))
    hrefs = [link.get("href") for link in root.iter(f"{ATOM}link")]
    assert hrefs and all(h.startswith(BASE) for h in hrefs)


def test_feed_escapes_text(portal) -> None:
    pr = portal.projects["dongcheng-hub-2026"]
    nasty = dataclasses.replace(pr, title='<b>&"测试"</b>', reports=pr.reports[:1])
    text = feed.atom(dataclasses.replace(portal, projects={pr.id: nasty}))
    title = ET.fromstring(text.encode("utf-8")).find(f"{ATOM}entry/{ATOM}title").text
    assert title.startswith('<b>&"测试"</b>') and "<b>" not in text


# -- the page data/ ----------------------------------------------------------------------

def test_page_lists_every_file_with_its_size(prepared, built: dict[str, str]) -> None:
    view = Views(prepared.portal, prepared.issues).opendata()
    listed = {d.url: d for s in view.sections for ds in s.datasets for d in ds.downloads}
    assert set(listed) == set(built), "every published file is explained on data/ (and nothing else)"
    size = len(built["data/feed.xml"].encode("utf-8"))
    shown = re.fullmatch(r"(\d+\.\d) KB", listed["data/feed.xml"].size)
    assert size > 1024 and shown and abs(float(shown[1]) - size / 1024) <= 0.05
    assert (listed["data/stations.csv"].name, listed["data/stations.csv"].format) == ("stations.csv", "CSV")
    assert view.as_of == prepared.portal.site.as_of.isoformat()
    assert all(ds.description for s in view.sections for ds in s.datasets)


def test_a_portal_without_projects_publishes_no_empty_package(portal) -> None:
    """OCDS needs at least one release: no projects, no ocds.json (and the page says nothing of it)."""
    bare = dataclasses.replace(portal, projects={}, projects_by_station={}, projects_by_agency={})
    files = dict(opendata.files(bare))
    assert "data/ocds.json" not in files and load(files, "data/reports.json") == []
    root = ET.fromstring(files["data/feed.xml"].encode("utf-8"))
    assert root.findall(f"{ATOM}entry") == []
    assert root.findtext(f"{ATOM}updated") == f"{portal.site.as_of.isoformat()}T00:00:00+08:00"
    view = datapage.view(SimpleNamespace(p=bare, exports=[(path, len(data)) for path, data in opendata.encoded(bare)]))
    assert "data/ocds.json" not in {d.url for s in view.sections for ds in s.datasets for d in ds.downloads}


@pytest.mark.parametrize("value", [
    {"name": "城关镇社会工作服务站", "lat": 30.123456789, "count": 3, "open": True, "closed": None,
     "tags": ["养老", "儿童"], "nested": {"a": [1.5, -0.0, 1e-7, 12345678901234567890]}},
    ["引号\"和\\反斜杠", "换行\n制表\t", "\u2028\u2029", "\x00\x1f", "😀"],
    {1: "整数键", "": ""}, [], {}, 0.1, float("nan"), "仅一个字符串", 7, False, None,
])
@pytest.mark.parametrize("c_encoder", [True, False])
def test_open_data_json_is_what_json_dumps_writes(value: object, c_encoder: bool,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """to_json writes each row with json's C encoder made once (common._ENCODE): the same text as
    json.dumps(ensure_ascii=False, separators=(",", ":")), which it falls back to without one."""
    if not c_encoder:
        monkeypatch.setattr(common, "_ENCODE", None)
    assert common.compact(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    assert common.to_json({"rows": [value, value]}) == (
        '{\n "rows": [\n  ' + ",\n  ".join([json.dumps(value, ensure_ascii=False, separators=(",", ":"))] * 2)
        + "\n ]\n}\n")


def test_open_data_json_refuses_what_json_refuses() -> None:
    with pytest.raises(TypeError):
        common.compact({"when": dt.date(2026, 1, 1)})


@pytest.mark.parametrize("kind, key", [("station", "nanhu"), ("service", "养老-助餐"), ("feed", ""), ("x", "a:b:c")])
def test_uid_is_uuid5_of_the_namespace(kind: str, key: str) -> None:
    assert common.uid(kind, key) == str(uuid.uuid5(common.NAMESPACE, f"{kind}:{key}"))


def test_descriptor_types_hsds_fields_as_a_reader_of_the_json_files_would(portal) -> None:
    """The descriptor takes HSDS field types from the records as made, not from the files read
    back: the same types, as the records hold only what JSON holds."""
    records = hsds.tables(portal)
    assert package.hsds_resources(records) == package.hsds_resources({name: json.loads(common.to_json(rows))
                                                    for name, rows in records.items()})


def test_an_hsds_field_is_typed_by_its_first_value_in_the_order_fields_first_appear() -> None:
    rows = [{"id": "a"}, {"id": "b", "x": 2.5}, {"id": "c", "x": "s", "y": [1]}, {"y": {}, "z": True}]
    [resource] = package.hsds_resources({"services": rows})
    assert [(f["name"], f["type"]) for f in resource["schema"]["fields"]] == [
        ("id", "string"), ("x", "number"), ("y", "array"), ("z", "boolean")]


def _station_part_whole(p: Portal) -> tuple[dict[str, str], list[dict]]:
    """The station part's files as the whole-table functions make them, and its HSDS resources."""
    files = {}
    for name, rows in (("stations", tables.station_rows(p)), ("services", tables.service_rows(p)),
                       ("station_services", tables.station_service_rows(p))):
        files[f"data/{name}.json"], files[f"data/{name}.csv"] = common.to_json(rows), common.to_csv(rows)
    records = hsds.tables(p)
    files.update({f"data/hsds/{name}.json": common.to_json(rows) for name, rows in records.items()})
    files["data/stations.geo.json"] = tables.nearest_json(p)
    return files, package.hsds_resources(records)


def test_the_station_part_is_joined_from_pieces_kept_per_data_file(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """opendata/stationpart.py: the station files are joined from each station's piece, and the
    pieces of a data file unchanged since the last build are taken from the memo, not made: the
    bytes are those of the whole tables, before and after a phone changed in one file."""
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    made: list[str] = []
    real = stationpart.piece

    def piece(p: Portal, s: Station) -> stationpart.Piece:
        made.append(s.id)
        return real(p, s)
    monkeypatch.setattr(stationpart, "piece", piece)
    for step in ("first", "unchanged", "phone"):
        if step == "phone":
            edit(data, "stations/beiling.yaml", "0830-5720174", "0830-5720999")
        memo = Memo(tmp_path / "memo", "test")
        p = pipeline.prepare(data, memo=memo).portal
        assert p is not None and p.digests
        made.clear()
        files, with_rows, resources = stationpart.files(p, memo)
        whole, whole_resources = _station_part_whole(p)
        assert dict(files) == whole and resources == whole_resources
        assert with_rows == ["stations", "services", "station_services"]
        in_beiling = sorted(s.id for s in p.stations.values() if s.source.file.endswith("beiling.yaml"))
        assert sorted(made) == {"first": sorted(p.stations), "unchanged": [], "phone": in_beiling}[step]
    assert "0830-5720999" in dict(files)["data/hsds/phones.json"]
