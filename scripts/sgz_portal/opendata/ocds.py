"""Open Contracting Data Standard 1.1.5: one release per project in data/ocds.json.

The package holds the state of every government-purchased service project at
the as-of date (release `date` and package `publishedDate` are that date, never
the clock). Mapping decisions:
- ocid: OCID_PREFIX + "-" + project id. The prefix here is a placeholder: a bureau
  that publishes OCDS should register its own prefix with the Open Contracting
  Partnership and change OCID_PREFIX (ids stay stable as long as the prefix does).
- parties: every buyer (购买主体) with role buyer, the first also procuringEntity and
  `buyer` of the release; the supplier (承接机构) with its 统一社会信用代码 under scheme
  CN-USCC, party id "CN-USCC-<code>" ({scheme}-{id}, as OCDS suggests).
- items: one per station the project runs, item id = station id (the join key with
  data/stations.json), classification scheme x_sgz_station (a local code, per OCDS).
- tender: procurement method mapped where the Chinese method is unambiguous
  (公开招标 open, 邀请招标 selective, 单一来源 direct); the Chinese name is always kept in
  procurementMethodDetails. awards/contracts: value in CNY, period, signed date, agreement
  document (contractSigned).
- implementation.documents: every report (finalAudit for the final evaluation, else
  physicalProgressReport); implementation.milestones: every report the disclosure rules
  require of an active or completed project (schedule.due_reports with the thresholds in
  force), with its due date and met / notMet / scheduled.
  No transactions: the data records spending by category, not payments.
- URLs must be absolute (format uri): document urls and the package uri come from
  site.yaml base_url; without it documents carry no url and the package uri is a tag: URI.
"""
from __future__ import annotations

from pathlib import PurePosixPath

from sgz_portal.data import urls
from sgz_portal.data.model import Portal, Project
from sgz_portal.data.words import REPORT_WORDS, money
from sgz_portal.opendata.common import absolute, authority, plain_text, report_keys, report_text, rfc3339, uid
from sgz_portal.rules import judge as rules
from sgz_portal.rules.schedule import due_reports

OCID_PREFIX = "ocds-sgz000"
USCC_SCHEME = "CN-USCC"
METHODS = {"公开招标": "open", "邀请招标": "selective", "单一来源": "direct"}
DOC_TYPES = {"monthly": "physicalProgressReport", "self_assessment": "physicalProgressReport",
             "midterm": "physicalProgressReport", "final": "finalAudit"}
CONTRACT_STATUS = {"planned": "pending", "active": "active", "completed": "terminated",
                   "terminated": "terminated"}
MEDIA = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
         ".webp": "image/webp"}


def ocid(project_id: str) -> str:
    return f"{OCID_PREFIX}-{project_id}"


def _clean(record: dict) -> dict:
    return {k: v for k, v in record.items() if v not in (None, "", [], {})}


def _value(amount: float | None) -> dict | None:
    return None if amount is None else {"amount": amount, "currency": "CNY"}


def _buyer_ref(name: str) -> dict:
    return {"id": "sgz-buyer-" + uid("buyer", name), "name": name}


def _supplier_ref(p: Portal, x: Project) -> dict:
    agency = p.agencies[x.supplier]
    return {"id": f"{USCC_SCHEME}-{agency.uscc}", "name": agency.name}


def parties(p: Portal, x: Project) -> list[dict]:
    buyers = list(dict.fromkeys(x.buyers))
    out = [{**_buyer_ref(name), "roles": ["buyer", "procuringEntity"] if n == 0 else ["buyer"]}
           for n, name in enumerate(buyers)]
    agency = p.agencies[x.supplier]
    out.append(_clean({**_supplier_ref(p, x),
                       "identifier": {"scheme": USCC_SCHEME, "id": agency.uscc, "legalName": agency.name},
                       "contactPoint": {"telephone": agency.phone} if agency.phone else None,
                       "roles": ["supplier"]}))
    return out


def items(p: Portal, x: Project) -> list[dict]:
    out = []
    for sid in dict.fromkeys(x.stations):
        name = p.stations[sid].name
        out.append({"id": sid, "description": f"{name}运营服务", "quantity": 1,
                    "classification": _clean({"scheme": "x_sgz_station", "id": sid, "description": name,
                                              "uri": absolute(p.site, urls.station(sid))})})
    return out


def _period(x: Project) -> dict | None:
    return _clean({"startDate": rfc3339(x.start) if x.start else None,
                   "endDate": rfc3339(x.end, end_of_day=True) if x.end else None}) or None


def _file(p: Portal, path: str | None, fallback: str) -> tuple[str | None, str]:
    """(absolute url or None, media type) of an attachment, or of the page showing the text."""
    if path:
        return absolute(p.site, urls.attachment(path)), MEDIA.get(PurePosixPath(path).suffix.lower(), "")
    return absolute(p.site, fallback), "text/html"


def report_documents(p: Portal, x: Project) -> list[dict]:
    keys = report_keys(x)
    out = []
    for r in sorted(x.reports, key=lambda r: (r.published, keys[r.index])):
        url, media = _file(p, r.document, urls.project(x.id))
        out.append(_clean({
            "id": f"report-{keys[r.index]}", "documentType": DOC_TYPES[r.type],
            "title": f"{REPORT_WORDS[r.type]} {r.period or ''}".strip(), "description": report_text(r),
            "url": url, "datePublished": rfc3339(r.published), "format": media, "language": "zh",
        }))
    return out


MILESTONE_STATUS = {"on_time": "met", "late": "met", "missing": "notMet", "not_due": "scheduled"}


def milestones(p: Portal, x: Project) -> list[dict]:
    """Every report the disclosure rules require (schedule.due_reports, the schedule rules/judge.py
    judges by), with its due date, when it was met, and met / notMet / scheduled."""
    as_of = rfc3339(p.site.as_of)
    return [_clean({
        "id": f"{slot.kind}-{slot.period}" if slot.period else slot.kind, "title": slot.label,
        "type": "reporting",
        "description": f"按信息公开要求应不晚于 {slot.due.isoformat()} 发布;{slot.status_text}",
        "dueDate": rfc3339(slot.due, end_of_day=True),
        "dateMet": rfc3339(slot.published) if slot.published else None,
        "dateModified": as_of, "status": MILESTONE_STATUS[slot.status],
    }) for slot in due_reports(x, p.site.as_of, rules.settings(p))]


def _tender(p: Portal, x: Project, awarded: bool) -> dict:
    return _clean({
        "id": f"{x.id}-tender", "title": x.title, "description": plain_text(x.task_book.get("overview")),
        "status": "complete" if awarded else "planned", "procuringEntity": _buyer_ref(x.buyers[0]),
        "items": items(p, x), "procurementMethod": METHODS.get(x.procurement_method or ""),
        "procurementMethodDetails": x.procurement_method, "mainProcurementCategory": "services",
    })


def _contract(p: Portal, x: Project) -> dict:
    url, media = _file(p, x.document, urls.project(x.id))
    agreement = [_clean({"id": "agreement", "documentType": "contractSigned", "title": "三方协议",
                         "url": url, "format": media, "language": "zh"})] if x.document else []
    implementation = _clean({"documents": report_documents(p, x),
                             "milestones": milestones(p, x)})
    return _clean({
        "id": f"{x.id}-contract", "awardID": f"{x.id}-award", "title": x.title,
        "status": CONTRACT_STATUS[x.status], "period": _period(x), "value": _value(x.amount),
        "dateSigned": rfc3339(x.signed) if x.signed else None, "items": items(p, x),
        "documents": agreement, "implementation": implementation or None,
    })


def _planning(x: Project) -> dict | None:
    if not x.funding:
        return None
    sources = ";".join(f"{source} {money(amount)}" for source, amount in x.funding)
    return {"budget": {"description": f"资金来源:{sources}",
                       "amount": _value(sum(amount for _, amount in x.funding))}}


def release(p: Portal, x: Project) -> dict:
    awarded = x.signed is not None or x.amount is not None
    award = _clean({"id": f"{x.id}-award", "title": x.title, "status": "active",
                    "date": rfc3339(x.signed) if x.signed else None, "value": _value(x.amount),
                    "suppliers": [_supplier_ref(p, x)], "items": items(p, x), "contractPeriod": _period(x)})
    contract = _contract(p, x) if awarded else None
    planning = _planning(x)
    tags = (["planning"] if planning else []) + ["tender"] + (["award", "contract"] if awarded else [])
    tags += ["implementation"] if contract and "implementation" in contract else []
    tags += ["contractTermination"] if awarded and x.status in ("completed", "terminated") else []
    return _clean({
        "ocid": ocid(x.id), "id": f"{ocid(x.id)}-{p.site.as_of.isoformat()}",
        "date": rfc3339(p.site.as_of), "tag": tags, "initiationType": "tender", "language": "zh",
        "parties": parties(p, x), "buyer": _buyer_ref(x.buyers[0]), "planning": planning,
        "tender": _tender(p, x, awarded), "awards": [award] if awarded else [],
        "contracts": [contract] if contract else [],
    })


def package(p: Portal) -> dict:
    """The release package: publisher, as-of date and one release per project, by project id."""
    site = p.site
    uri = absolute(site, "data/ocds.json") or f"tag:{authority(site)},{site.as_of.isoformat()}:sgz/data/ocds.json"
    return {
        "uri": uri, "version": "1.1", "publishedDate": rfc3339(site.as_of),
        "publisher": _clean({"name": site.publisher, "uri": absolute(site, "")}),
        "releases": [release(p, x) for x in sorted(p.projects.values(), key=lambda x: x.id)],
    }
