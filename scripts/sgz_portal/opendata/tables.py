"""The plain open-data tables: stations, services, projects and reports as rows, plus the points
the 'nearest station' button reads. Sorted by id: same data, same bytes."""
from __future__ import annotations

import json

from sgz_portal.data import urls
from sgz_portal.data.geo import convert
from sgz_portal.data.model import Portal, Station
from sgz_portal.data.words import REPORT_WORDS, day_ranges
from sgz_portal.opendata.common import report_keys
from sgz_portal.opendata.ocds import ocid

STATS = ("cases", "groups", "activities", "beneficiaries", "volunteer_hours")


def _blank(value: object) -> object:
    return "" if value is None else value


def by_id(p: Portal) -> list[Station]:
    return sorted(p.stations.values(), key=lambda s: s.id)


def station_row(p: Portal, s: Station) -> dict:
    return {
        "id": s.id, "name": s.name, "level": s.level, "parent": s.parent or "",
        "region": s.region, "region_name": p.regions[s.region].name, "address": s.address,
        "lat": _blank(s.lat), "lng": _blank(s.lng),
        "crs": s.crs or "", "phone": ";".join(s.phones), "complaint_phone": s.complaint_phone or "",
        "hours": ";".join(f"{day_ranges(h.days)} {h.open}-{h.close}" for h in s.hours),
        "operator": s.operator or "", "operator_name": p.agencies[s.operator].name if s.operator else "",
        "services": ";".join(s.services), "certified_social_workers": s.staff.certified,
        "volunteers": s.staff.volunteers, "verified": s.verified.isoformat(),
        "url": urls.station(s.id),
    }


def station_rows(p: Portal) -> list[dict]:
    return [station_row(p, s) for s in by_id(p)]


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
             "amount": _blank(x.amount), "spent": sum(e.amount for e in x.expenditures),
             "agreement_document": x.document or "", "reports": len(x.reports),
             "ocid": ocid(x.id), "url": urls.project(x.id)}
            for x in sorted(p.projects.values(), key=lambda x: x.id)]


def report_rows(p: Portal) -> list[dict]:
    """One row per report, by project and publication date; `id` is <project>/<key>."""
    rows = []
    for x in sorted(p.projects.values(), key=lambda x: x.id):
        keys = report_keys(x)
        for r in sorted(x.reports, key=lambda r: (r.published, keys[r.index])):
            rows.append({
                "id": f"{x.id}/{keys[r.index]}", "project": x.id, "type": r.type,
                "type_name": REPORT_WORDS[r.type], "period": r.period or "",
                "published": r.published.isoformat(), "evaluator": r.evaluator or "",
                "score": _blank(r.score), "grade": r.grade or "",
                **{name: _blank(r.stats.get(name)) for name in STATS},
                "document": urls.attachment(r.document) if r.document else "",
                "url": urls.project(x.id),
            })
    return rows


def services_of(s: Station) -> list[dict]:
    return [{"station": s.id, "service": sv} for sv in sorted(set(s.services))]


def station_service_rows(p: Portal) -> list[dict]:
    """Which station offers which service: the link between stations and services, one pair a row."""
    return [row for s in by_id(p) for row in services_of(s)]


def project_station_rows(p: Portal) -> list[dict]:
    """Which stations a project serves: the link between projects and stations, one pair a row."""
    return [{"project": x.id, "station": st} for x in sorted(p.projects.values(), key=lambda x: x.id)
            for st in sorted(set(x.stations))]


def nearest_row(s: Station) -> dict | None:
    """A located station's point for the 'nearest station' button (nearest.js), WGS-84."""
    if s.lat is None or s.lng is None:
        return None
    lat, lng = convert(s.lat, s.lng, s.crs or "gcj02", "wgs84")
    return {"id": s.id, "name": s.name, "level": s.level, "url": urls.station(s.id),
            "lat": round(lat, 5), "lng": round(lng, 5), "address": s.address, "phones": list(s.phones)}


def nearest_json(p: Portal) -> str:
    """Compact WGS-84 points of located stations for the 'nearest station' button (nearest.js)."""
    rows = [row for s in by_id(p) if (row := nearest_row(s)) is not None]
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":")) + "\n"
