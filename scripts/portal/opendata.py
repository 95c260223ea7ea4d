"""Stage 5: open data files under /data/ (JSON and CSV).

CSV is UTF-8 with a BOM so that Excel on a bureau's desktop opens it in
Chinese without a garbled first column. Rows are sorted by id: stable bytes.
"""
from __future__ import annotations

import csv
import io
import json
from typing import Iterator

from . import urls
from .model import Portal
from .words import day_ranges


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def _csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    return "\ufeff" + buffer.getvalue()


def station_rows(p: Portal) -> list[dict]:
    rows = []
    for s in sorted(p.stations.values(), key=lambda s: s.id):
        rows.append({
            "id": s.id, "name": s.name, "level": s.level, "parent": s.parent or "",
            "region": s.region, "region_name": p.regions[s.region].name, "address": s.address,
            "lat": s.lat if s.lat is not None else "", "lng": s.lng if s.lng is not None else "",
            "crs": s.crs or "", "phone": ";".join(s.phones), "complaint_phone": s.complaint_phone or "",
            "hours": ";".join(f"{day_ranges(h.days)} {h.open}-{h.close}" for h in s.hours),
            "operator": s.operator or "", "operator_name": p.agencies[s.operator].name if s.operator else "",
            "services": ";".join(s.services), "certified_social_workers": s.staff.certified,
            "volunteers": s.staff.volunteers, "verified": s.verified.isoformat(),
            "url": urls.station(s.id),
        })
    return rows


def service_rows(p: Portal) -> list[dict]:
    return [{"id": s.id, "name": s.name, "domain": s.domain, "domain_name": p.domains[s.domain].name,
             "groups": ";".join(s.groups), "summary": s.summary, "access": ";".join(s.access),
             "eligibility": s.eligibility or "", "fee": s.fee, "basis": s.basis or "",
             "stations": len(p.stations_by_service.get(s.id, [])), "url": urls.service(s.id)}
            for s in sorted(p.services.values(), key=lambda s: s.id)]


def project_rows(p: Portal) -> list[dict]:
    return [{"id": x.id, "title": x.title, "status": x.status, "stations": ";".join(x.stations),
             "buyers": ";".join(x.buyers), "supplier": x.supplier,
             "supplier_name": p.agencies[x.supplier].name,
             "procurement_method": x.procurement_method or "",
             "signed": x.signed.isoformat() if x.signed else "",
             "start": x.start.isoformat() if x.start else "", "end": x.end.isoformat() if x.end else "",
             "amount": x.amount if x.amount is not None else "",
             "reports": len(x.reports), "url": urls.project(x.id)}
            for x in p.projects.values()]


def files(p: Portal) -> Iterator[tuple[str, str]]:
    """(site path, text) of every open data file."""
    for name, rows in (("stations", station_rows(p)), ("services", service_rows(p)),
                       ("projects", project_rows(p))):
        yield f"data/{name}.json", _json(rows)
        yield f"data/{name}.csv", _csv(rows)
