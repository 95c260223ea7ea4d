"""The open data's station part, made station by station and kept per data file.

The station part (data/stations.json and .csv, station_services, the HSDS locations, addresses,
services at locations, phones and schedules, stations.geo.json) is 200 MB for a province's 34,000
stations. Made whole, it took a phone edit's fork 4.4 s, and as many seconds more of system time:
touching every station record copied the pages of the build's memory that hold them. A phone
edit was 4-8 s faster without it (issue 11).

A station's rows depend on its own record, the shared files (shared_digest: regions, services,
agencies) and site.yaml, and every file lists the stations by id. So each station's piece of every
file is written once, as text (a row per line, as common.to_json writes them), and kept in the
memo (data/memo.py) under the key of the data file that holds the record: a build makes the pieces
of the files that changed and joins the others, in the order of the station ids. The files are the
bytes a whole build writes (tests/test_opendata.py).
"""
from __future__ import annotations

import csv
import io

from sgz_portal.data.memo import Memo
from sgz_portal.data.model import Portal, Station, shared_digest
from sgz_portal.opendata import hsds
from sgz_portal.opendata.common import compact, to_csv, to_json
from sgz_portal.opendata.package import field_types, hsds_resources_of
from sgz_portal.opendata.tables import nearest_row, service_rows, services_of, station_row

PLAIN = ("stations", "station_services")  # data/<name>.json and .csv, from the stations' pieces

# A station's piece: per table its JSON lines joined by ",\n" ("" if none), per plain table its CSV
# rows, its point for stations.geo.json ("" if not located), per HSDS table the types of the fields
# its rows have (package.field_types), in order. Plain values: the memo keeps them as marshal.
Piece = tuple[dict[str, str], dict[str, str], str, dict[str, list[tuple[str, str]]]]


def _rows(p: Portal, s: Station) -> dict[str, list[dict]]:
    return {"stations": [station_row(p, s)], "station_services": services_of(s),
            **{name: rows(p, s) for name, rows in hsds.BY_STATION.items()}}


def _csv_rows(rows: list[dict]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(list(row.values()) for row in rows)
    return buffer.getvalue()


def piece(p: Portal, s: Station) -> Piece:
    rows = _rows(p, s)
    point = nearest_row(s)
    return ({name: ",\n".join(" " + compact(row) for row in table) for name, table in rows.items()},
            {name: _csv_rows(rows[name]) for name in PLAIN},
            compact(point) if point is not None else "",
            {name: list(field_types(rows[name]).items()) for name in hsds.BY_STATION})


def pieces(p: Portal, memo: Memo | None) -> dict[str, Piece]:
    """Every station's piece; with `memo` (and the data files' digests), those of a data file
    unchanged since an earlier build of the same code are taken from it."""
    if memo is None or not p.digests:
        return {s.id: piece(p, s) for s in p.stations.values()}
    by_file: dict[str, list[Station]] = {}
    for s in p.stations.values():
        by_file.setdefault(s.source.file, []).append(s)
    context = (shared_digest(p), repr(p.site))
    out: dict[str, Piece] = {}
    for file, stations in by_file.items():
        if file not in p.digests:  # its pieces are made, never kept under a key that would not change
            out.update((s.id, piece(p, s)) for s in stations)
            continue
        key = memo.key("opendata-stations", file, p.digests[file], *context)
        kept = memo.get(key)
        if not isinstance(kept, dict) or kept.keys() != {s.id for s in stations}:
            kept = {s.id: piece(p, s) for s in stations}
            memo.put(key, kept)
        out.update(kept)
    return out


def _json(lines: list[str]) -> str:
    """common.to_json of the rows these lines are of."""
    joined = ",\n".join(line for line in lines if line)
    return f"[\n{joined}\n]\n" if joined else "[]\n"


def files(p: Portal, memo: Memo | None = None) -> tuple[list[tuple[str, str]], list[str], list[dict]]:
    """The station part's files (site path, text), the plain tables that have rows, and the HSDS
    resources of the data package (package.hsds_resources)."""
    made = pieces(p, memo)
    order = [made[sid] for sid in sorted(p.stations)]
    services = service_rows(p)  # the catalogue, with each service's station count: made whole
    out = [*_plain(p, "stations", order), ("data/services.json", to_json(services)),
           ("data/services.csv", to_csv(services)), *_plain(p, "station_services", order)]
    with_rows = [name for name, has in (("stations", order), ("services", services),
                                        ("station_services", any(piece[1]["station_services"] for piece in order)))
                 if has]
    fields: dict[str, dict[str, str]] = {}
    for name in hsds.TABLES:
        if name not in hsds.BY_STATION:
            rows = hsds.BUILDERS[name](p)
            out.append((f"data/hsds/{name}.json", to_json(rows)))
            fields[name] = field_types(rows)
            continue
        before = hsds.BEFORE_STATIONS[name](p) if name in hsds.BEFORE_STATIONS else []
        out.append((f"data/hsds/{name}.json",
                    _json([" " + compact(row) for row in before] + [piece[0][name] for piece in order])))
        types = field_types(before)
        for seen in dict.fromkeys(tuple(piece[3][name]) for piece in order):  # most stations' are alike
            for field, kind in seen:
                types.setdefault(field, kind)
        fields[name] = types
    out.append(("data/stations.geo.json", "[" + ",".join(piece[2] for piece in order if piece[2]) + "]\n"))
    return out, with_rows, hsds_resources_of(fields)


def _plain(p: Portal, name: str, order: list[Piece]) -> list[tuple[str, str]]:
    """data/<name>.json and .csv, joined from the stations' pieces (common.to_json, to_csv)."""
    body = "".join(piece[1][name] for piece in order)
    return [(f"data/{name}.json", _json([piece[0][name] for piece in order])),
            (f"data/{name}.csv", "\ufeff" + (_header(p, name) + body if body else ""))]


def _header(p: Portal, name: str) -> str:
    """The CSV header of a plain table: the fields of its first row (common.to_csv)."""
    first = next(rows[0] for s in sorted(p.stations.values(), key=lambda s: s.id) if (rows := _rows(p, s)[name]))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(list(first))
    return buffer.getvalue()
