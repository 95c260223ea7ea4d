"""data/datapackage.json: a Frictionless Data Package describing every CSV and JSON export
(field types, primary keys, foreign keys, licence, publisher). `frictionless validate` passes
on the built sample, offline, and fails on a broken key or a wrong type."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import HOSTED_BASE


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("the data package check must not touch the network")
    monkeypatch.setattr(socket.socket, "connect", refuse)


def validate(package: Path) -> dict:
    """`frictionless validate --json` (the command line tool, in a process without network access)."""
    blocker = ("import socket\n"
               "def refuse(*a, **k): raise OSError('no network')\n"
               "socket.socket.connect = refuse\n"
               "import sys; from frictionless.console import console\n"
               "console(['validate', '--json', sys.argv[1]], prog_name='frictionless')\n")
    done = subprocess.run([sys.executable, "-c", blocker, package.name], cwd=package.parent,
                          capture_output=True, text=True, timeout=300, check=False)
    return json.loads(done.stdout)


def errors(report: dict) -> list[str]:
    return [f"{task['name']}: {e['type']}: {e['message']}" for task in report["tasks"] for e in task["errors"]]


def descriptor(site: Path) -> dict:
    return json.loads((site / "data" / "datapackage.json").read_text(encoding="utf-8"))


def test_frictionless_validate_passes(site: Path) -> None:
    report = validate(site / "data" / "datapackage.json")
    assert errors(report) == [] and report["valid"]
    assert report["stats"]["tasks"] == len(descriptor(site)["resources"])


def test_every_csv_and_json_export_is_described(site: Path) -> None:
    data = site / "data"
    published = {p.relative_to(data).as_posix() for p in data.rglob("*") if p.suffix in (".csv", ".json")}
    described = {r["path"] for r in descriptor(site)["resources"]}
    assert described - {"feed.xml"} == published - {"datapackage.json"}
    assert "feed.xml" in described  # the Atom feed too, as a plain file


def test_types_keys_publisher_and_licence(site: Path) -> None:
    package = descriptor(site)
    resources = {r["name"]: r for r in package["resources"]}
    fields = {f["name"]: f["type"] for f in resources["projects"]["schema"]["fields"]}
    assert (fields["amount"], fields["signed"], fields["reports"]) == ("number", "date", "integer")
    assert resources["stations"]["schema"]["primaryKey"] == ["id"]
    links = {(r, fk["fields"][0], fk["reference"]["resource"]) for r in resources
             for fk in resources[r].get("schema", {}).get("foreignKeys", [])}
    for link in (("reports", "project", "projects"), ("stations", "parent", "stations"),
                 ("station_services", "station", "stations"), ("station_services", "service", "services"),
                 ("project_stations", "project", "projects"), ("project_stations", "station", "stations"),
                 ("reports-json", "project", "projects-json"), ("hsds-phones", "location_id", "hsds-locations")):
        assert link in links, link
    assert package["contributors"] == [{"title": "示例市民政局", "role": "publisher", "email": "sgz@example.gov.cn"}]
    assert package["licenses"][0]["name"] == "other-at" and "示例市民政局" in package["licenses"][0]["title"]


def test_hosted_package_names_its_homepage(hosted_demo_site: Path) -> None:
    assert descriptor(hosted_demo_site)["homepage"] == HOSTED_BASE + "data/"


def test_data_page_lists_the_package(site: Path) -> None:
    assert 'href="../data/datapackage.json"' in (site / "data" / "index.html").read_text(encoding="utf-8")


def test_a_broken_key_or_type_is_caught(site: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(site / "data", data)
    reports = (data / "reports.csv").read_text(encoding="utf-8")
    first = reports.splitlines()[1].split(",")[1]  # the project of the first report
    reports = reports.replace(f"\r\n{first.split('/')[0]}/", "\r\nno-such-project/", 1)
    (data / "reports.csv").write_text(reports.replace(f",{first},", ",no-such-project,", 1), encoding="utf-8")
    stations = json.loads((data / "stations.json").read_text(encoding="utf-8"))
    stations[0]["volunteers"] = "许多"
    (data / "stations.json").write_text(json.dumps(stations, ensure_ascii=False), encoding="utf-8")
    found = "\n".join(errors(validate(data / "datapackage.json")))
    assert "reports: foreign-key" in found
    assert "stations-json: type-error" in found
