"""The open data files under /data/ (tables, HSDS 3.0, OCDS 1.1.5, Atom feed, and the
Frictionless data package that describes them).

`files()` is the one list of what a build publishes there; the page data/ shows
their sizes (pages/opendata.py) and the site layer writes them.
"""
from __future__ import annotations

from collections.abc import Iterator

from sgz_portal.data.model import Portal
from sgz_portal.opendata import feed, hsds, ocds, package, resources
from sgz_portal.opendata.common import to_csv, to_json
from sgz_portal.opendata.tables import (
    nearest_json,
    project_rows,
    project_station_rows,
    report_rows,
    service_rows,
    station_rows,
    station_service_rows,
)


def files(p: Portal) -> list[tuple[str, str]]:
    """(site path, text) of every open data file, in a stable order."""
    return list(_make(p))


def encoded(p: Portal) -> list[tuple[str, bytes]]:
    """files(), as the bytes written: a province's 80 MB of them came back from the fork that makes
    them (site/plugin.py) as text in 1.3 s, to be encoded twice more (sizes, writing)."""
    return [(path, text.encode("utf-8")) for path, text in files(p)]


def _make(p: Portal) -> Iterator[tuple[str, str]]:
    hsds_records = hsds.tables(p)  # the descriptor reads their fields' types
    published = list(_data(p, hsds_records))
    yield from published
    descriptor = package.datapackage(p.site, dict(published), hsds_records)
    yield "data/datapackage.json", to_json(descriptor)


def _data(p: Portal, hsds_records: dict[str, list[dict]]) -> Iterator[tuple[str, str]]:
    for name, rows in (("stations", station_rows(p)), ("services", service_rows(p)),
                       ("projects", project_rows(p)), ("reports", report_rows(p)),
                       ("station_services", station_service_rows(p)), ("project_stations", project_station_rows(p))):
        yield f"data/{name}.json", to_json(rows)
        yield f"data/{name}.csv", to_csv(rows)
    for name, rows in (("plans", resources.plan_rows(p)), ("community_orgs", resources.org_rows(p)),
                       ("volunteer_teams", resources.team_rows(p)), ("funds", resources.fund_rows(p)),
                       ("fund_ledger", resources.ledger_rows(p))):
        if rows:  # optional inputs: no file when data/ has none
            yield f"data/{name}.json", to_json(rows)
            yield f"data/{name}.csv", to_csv(rows)
    for name, records in hsds_records.items():
        yield f"data/hsds/{name}.json", to_json(records)
    if p.projects:  # an OCDS package needs at least one release
        yield "data/ocds.json", to_json(ocds.package(p))
    yield "data/feed.xml", feed.atom(p)
    yield "data/stations.geo.json", nearest_json(p)
