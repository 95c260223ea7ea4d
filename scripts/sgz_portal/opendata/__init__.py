"""The open data files under /data/ (tables, HSDS 3.0, OCDS 1.1.5, Atom feed, and the
Frictionless data package that describes them).

`files()` is the one list of what a build publishes there; the page data/ shows
their sizes (pages/opendata.py) and the site layer writes them (site/exports.py).

The files are made in parts, each from the records it names (`Part.reads`): a station's phone
changed makes the station files again, not the 80 MB made from the projects, and a report added
the reverse. The descriptor is made last from what the parts tell of their files (`Made.facts`),
so that a part taken from the previous build need not be made to describe it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sgz_portal.data.memo import Memo
from sgz_portal.data.model import Portal, shared_digest
from sgz_portal.opendata import feed, ocds, package, resources, stationpart
from sgz_portal.opendata.common import to_csv, to_json
from sgz_portal.opendata.tables import project_rows, project_station_rows, report_rows

DESCRIPTOR = "data/datapackage.json"


@dataclass
class Made:
    """A part's files, and what the descriptor says of them (plain values: kept as JSON)."""

    files: list[tuple[str, str]]  # (site path, text)
    facts: dict[str, Any] = field(default_factory=dict)  # rows: tables with rows; hsds: their resources


@dataclass(frozen=True)
class Part:
    """Open data files made together from the same records."""

    name: str
    make: Callable[[Portal, Memo | None], Made]  # what a memo keeps is not made again (stations)
    # What the part reads besides the shared files, written out; None: not known, always made.
    reads: Callable[[Portal], str | None]


def _tables(named: Iterable[tuple[str, list[dict]]], optional: bool = False) -> Made:
    made = Made([], {"rows": []})
    for name, rows in named:
        if optional and not rows:  # optional inputs: no file when data/ has none
            continue
        made.files += [(f"data/{name}.json", to_json(rows)), (f"data/{name}.csv", to_csv(rows))]
        if rows:
            made.facts["rows"].append(name)
    return made


def _stations(p: Portal, memo: Memo | None = None) -> Made:
    """Made station by station, each data file's stations kept in `memo` (opendata/stationpart.py)."""
    files, with_rows, hsds_resources = stationpart.files(p, memo)
    return Made(files, {"rows": with_rows, "hsds": hsds_resources})


def _stations_read(p: Portal) -> str | None:
    """Every station record (the services and agencies are shared files)."""
    if not p.record_digests:
        return None
    return "".join(f"{sid} {p.record_digests[sid]}\n" for sid in sorted(p.stations))


def _projects(p: Portal, memo: Memo | None = None) -> Made:
    made = _tables((("projects", project_rows(p)), ("reports", report_rows(p)),
                    ("project_stations", project_station_rows(p))))
    if p.projects:  # an OCDS package needs at least one release
        made.files.append(("data/ocds.json", to_json(ocds.package(p))))
    made.files.append(("data/feed.xml", feed.atom(p)))
    return made


def _projects_read(p: Portal) -> str | None:
    """Every project file, and the name of each station a project serves (OCDS items name them)."""
    if not p.digests:
        return None
    served = sorted({sid for x in p.projects.values() for sid in x.stations})
    return ("".join(f"{x.source.file} {p.digests[x.source.file]}\n" for x in p.projects.values())
            + "".join(f"{sid} {p.stations[sid].name}\n" for sid in served))


def _resources(p: Portal, memo: Memo | None = None) -> Made:
    return _tables((("plans", resources.plan_rows(p)), ("community_orgs", resources.org_rows(p)),
                    ("volunteer_teams", resources.team_rows(p)), ("funds", resources.fund_rows(p)),
                    ("fund_ledger", resources.ledger_rows(p))), optional=True)


PARTS = (Part("stations", _stations, _stations_read),
         Part("projects", _projects, _projects_read),
         Part("resources", _resources, lambda p: None))  # small, and they name stations: always made


def inputs(p: Portal, part: Part) -> str | None:
    """Everything `part` is made from, written out (the site layer adds the code), or None."""
    reads = part.reads(p)
    if reads is None:
        return None
    return f"{part.name}\n{p.site!r}\n{shared_digest(p)}\n{reads}"


def descriptor(p: Portal, made: Iterable[Made]) -> tuple[str, str]:
    """data/datapackage.json, from what every part made."""
    rows: set[str] = set()
    hsds_resources: list[dict] = []
    present: set[str] = set()
    for m in made:
        rows.update(m.facts.get("rows", []))
        hsds_resources += m.facts.get("hsds", [])
        present.update(path for path, _ in m.files)
    return DESCRIPTOR, to_json(package.datapackage(p.site, rows, present, hsds_resources))


def files(p: Portal) -> list[tuple[str, str]]:
    """(site path, text) of every open data file, in a stable order."""
    made = [part.make(p, None) for part in PARTS]
    return [f for m in made for f in m.files] + [descriptor(p, made)]


def encoded(p: Portal) -> list[tuple[str, bytes]]:
    """files(), as the bytes written."""
    return [(path, text.encode("utf-8")) for path, text in files(p)]
