"""The typed model, built once from validated records.

Frozen dataclasses with the contract's field names. `Portal` holds every
record and the cross-page indexes (children, stations by service, projects by
station...), computed here once so that no template ever walks all pages.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sgz_portal.data import files
from sgz_portal.data.load import Located, RawData, items, plan_records, project_records, station_records

LEVELS = ("province", "city", "county", "township", "village")
ACCESS_WORDS = {"visit": "到站服务", "home": "上门服务", "phone": "电话服务", "online": "线上服务"}
DAY_WORDS = {"mon": "周一", "tue": "周二", "wed": "周三", "thu": "周四", "fri": "周五",
             "sat": "周六", "sun": "周日"}
DAYS = tuple(DAY_WORDS)


@dataclass(frozen=True)
class Source:
    """Where a record came from, for findings and error messages."""

    file: str
    path: tuple
    lines: dict = field(repr=False, compare=False, hash=False)

    def line(self, *sub: str | int) -> int:
        path = self.path + sub
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return 1


def _src(located: Located) -> Source:
    doc, path, _ = located
    return Source(doc.file, path, doc.lines)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _day(value: str) -> dt.date:
    """A date the schema requires (validation has run, so it is there and well formed)."""
    return dt.date.fromisoformat(value)


@dataclass(frozen=True)
class Correction:
    date: dt.date
    note: str


@dataclass(frozen=True)
class Site:
    name: str
    publisher: str
    region: str
    phone: str
    email: str
    address: str
    feedback_url: str | None
    as_of: dt.date
    base_url: str | None
    icp: str | None
    police_filing: str | None
    demo: bool = False
    logo: str | None = None


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str
    parent: str | None
    kind: str | None


@dataclass(frozen=True)
class Domain:
    id: str
    name: str


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Service:
    id: str
    name: str
    domain: str
    groups: tuple[str, ...]
    summary: str
    description: str | None
    access: tuple[str, ...]
    eligibility: str | None
    fee: str
    basis: str | None


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    uscc: str
    rating: str | None
    rating_year: int | None
    local: bool
    phone: str | None
    party_org: str | None


@dataclass(frozen=True)
class Hours:
    days: tuple[str, ...]
    open: str
    close: str


@dataclass(frozen=True)
class Staff:
    full_time: int
    assistant: int
    intermediate: int
    senior: int
    part_time: int
    volunteers: int
    volunteer_teams: int

    @property
    def certified(self) -> int:
        return self.assistant + self.intermediate + self.senior


@dataclass(frozen=True)
class Station:
    id: str
    name: str
    level: str
    parent: str | None
    region: str
    address: str
    lat: float | None
    lng: float | None
    crs: str | None
    phones: tuple[str, ...]
    complaint_phone: str | None
    hours: tuple[Hours, ...]
    closed_on: tuple[dt.date, ...]
    hours_note: str | None
    established: dt.date
    operator: str | None
    head: str | None
    staff: Staff
    services: tuple[str, ...]
    facilities: tuple[str, ...]
    demonstration: tuple[str, int] | None
    signage_installed: bool | None
    signage_photo: str | None
    description: str | None
    commitments: str | None
    photos: tuple[str, ...]
    verified: dt.date
    corrections: tuple[Correction, ...]
    # Where it stands in its file, for findings: shown on no page, so left out of the view's repr,
    # which keys the page (site/cache.page_key): a record added above it changes no page of it.
    source: Source = field(repr=False)


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    unit: str
    target: float
    actual: float | None
    direction: str  # at_least | at_most

    @property
    def met(self) -> bool | None:
        if self.actual is None:
            return None
        return self.actual <= self.target if self.direction == "at_most" else self.actual >= self.target


@dataclass(frozen=True)
class Report:
    type: str
    period: str | None
    published: dt.date
    summary: str
    stats: dict[str, int]
    document: str | None
    evaluator: str | None
    score: float | None
    grade: str | None
    index: int


@dataclass(frozen=True)
class Expenditure:
    category: str
    amount: float
    note: str | None


@dataclass(frozen=True)
class Story:
    title: str
    published: dt.date
    body: str


@dataclass(frozen=True)
class Project:
    id: str
    title: str
    stations: tuple[str, ...]
    buyers: tuple[str, ...]
    supplier: str
    procurement_method: str | None
    status: str
    signed: dt.date | None
    start: dt.date | None
    end: dt.date | None
    amount: float | None
    document: str | None
    funding: tuple[tuple[str, float], ...]
    task_book: dict[str, str]
    indicators: tuple[Indicator, ...]
    reports: tuple[Report, ...]
    expenditures: tuple[Expenditure, ...]
    stories: tuple[Story, ...]
    corrections: tuple[Correction, ...]
    source: Source = field(repr=False)


@dataclass(frozen=True)
class YearValue:
    """A value of a plan indicator in one year (baseline, target or reported)."""

    year: int
    value: float
    source: str | None = None  # where a reported value comes from


@dataclass(frozen=True)
class PlanIndicator:
    id: str
    name: str
    unit: str
    kind: str  # binding | expected
    measure: str | None  # computed from data/ (rules/measures.py) when set
    comparison: str  # at_least | at_most | equal
    baseline: YearValue | None
    targets: tuple[YearValue, ...]  # by year
    actual: tuple[YearValue, ...]  # reported, by year
    index: int  # position in the file's `indicators` list


@dataclass(frozen=True)
class Plan:
    id: str
    title: str
    source_document: str  # the policy document the indicators come from (`source` in YAML)
    region: str
    start: int
    end: int
    document: str | None
    indicators: tuple[PlanIndicator, ...]
    source: Source = field(repr=False)


@dataclass(frozen=True)
class CommunityOrg:
    id: str
    name: str
    station: str
    kind: str  # service | mutual_aid | culture | charity | other
    status: str  # registered | filed
    members: int | None
    since: dt.date | None
    source: Source = field(repr=False)


@dataclass(frozen=True)
class VolunteerTeam:
    id: str
    name: str
    station: str
    members: int | None
    hours_last_year: int | None
    source: Source = field(repr=False)


@dataclass(frozen=True)
class LedgerEntry:
    date: dt.date
    income: float
    expense: float
    note: str
    document: str | None
    index: int


@dataclass(frozen=True)
class CharityFund:
    id: str
    name: str
    station: str
    host: str
    established: dt.date
    ledger: tuple[LedgerEntry, ...]  # oldest first (validated)
    source: Source = field(repr=False)


@dataclass
class Portal:
    """The whole model plus indexes computed once."""

    site: Site
    regions: dict[str, Region]
    domains: dict[str, Domain]
    groups: dict[str, Group]
    services: dict[str, Service]
    agencies: dict[str, Agency]
    stations: dict[str, Station]
    projects: dict[str, Project]
    rules: dict[str, dict[str, Any]]
    # attachments the data references (files/... paths, sorted) and each photo's (width, height)
    attachments: tuple[str, ...] = ()
    photo_sizes: dict[str, tuple[int, int]] = field(default_factory=dict)
    plans: dict[str, Plan] = field(default_factory=dict)
    community_orgs: dict[str, CommunityOrg] = field(default_factory=dict)
    volunteer_teams: dict[str, VolunteerTeam] = field(default_factory=dict)
    funds: dict[str, CharityFund] = field(default_factory=dict)
    # data file -> SHA-256 of its bytes, when every file was read with a memo (pages/inputs.py)
    digests: dict[str, str] = field(default_factory=dict)
    # station -> digest of its record (load.record_digests, or its file's where it is alone in it), with digests
    record_digests: dict[str, str] = field(default_factory=dict)
    # indexes
    region_children: dict[str, list[str]] = field(default_factory=dict)
    station_children: dict[str, list[str]] = field(default_factory=dict)
    stations_by_service: dict[str, list[str]] = field(default_factory=dict)
    stations_by_agency: dict[str, list[str]] = field(default_factory=dict)
    projects_by_station: dict[str, list[str]] = field(default_factory=dict)
    projects_by_agency: dict[str, list[str]] = field(default_factory=dict)
    services_by_domain: dict[str, list[str]] = field(default_factory=dict)
    orgs_by_station: dict[str, list[str]] = field(default_factory=dict)
    teams_by_station: dict[str, list[str]] = field(default_factory=dict)
    funds_by_station: dict[str, list[str]] = field(default_factory=dict)
    _counties: dict[str, str | None] = field(default_factory=dict, init=False, repr=False, compare=False)  # county_of's

    def county_of(self, region_code: str) -> str | None:
        """The county-level region that contains `region_code` (itself if a county). Remembered:
        pages ask it for each station several times (600,000 times for a province)."""
        if region_code in self._counties:
            return self._counties[region_code]
        code: str | None = region_code
        while code is not None and code in self.regions:
            if self.regions[code].level == "county":
                break
            code = self.regions[code].parent
        else:
            code = None
        self._counties[region_code] = code
        return code

    def region_path(self, region_code: str) -> list[Region]:
        """From the top region down to `region_code`."""
        out: list[Region] = []
        code: str | None = region_code
        while code is not None and code in self.regions:
            out.append(self.regions[code])
            code = self.regions[code].parent
        return out[::-1]


def _site(record: dict, as_of: dt.date | None) -> Site:
    contact = record.get("contact", {})
    return Site(
        name=record["name"], publisher=record["publisher"], region=record["region"],
        phone=contact.get("phone", ""), email=contact.get("email", ""),
        address=contact.get("address", ""), feedback_url=record.get("feedback_url"),
        as_of=as_of or _date(record.get("as_of")) or dt.date.today(),
        base_url=record.get("base_url"), icp=record.get("icp"),
        police_filing=record.get("police_filing"), demo=bool(record.get("demo")),
        logo=record.get("logo"),
    )


def _station(located: Located) -> Station:
    r = located[2]
    staff = r.get("staff", {})
    cert = staff.get("certified", {})
    loc = r.get("location") or {}
    demo = r.get("demonstration")
    return Station(
        id=r["id"], name=r["name"], level=r["level"], parent=r.get("parent"), region=r["region"],
        address=r["address"], lat=loc.get("lat"), lng=loc.get("lng"), crs=loc.get("crs"),
        phones=tuple(r.get("phone", [])), complaint_phone=r.get("complaint_phone"),
        hours=tuple(Hours(tuple(h["days"]), h["open"], h["close"]) for h in r.get("hours", [])),
        closed_on=tuple(sorted(_day(d) for d in r.get("closed_on", []))),
        hours_note=r.get("hours_note"), established=_day(r["established"]),
        operator=r.get("operator"), head=r.get("head"),
        staff=Staff(staff.get("full_time", 0), cert.get("assistant", 0), cert.get("intermediate", 0),
                    cert.get("senior", 0), staff.get("part_time", 0), staff.get("volunteers", 0),
                    staff.get("volunteer_teams", 0)),
        services=tuple(r.get("services", [])), facilities=tuple(r.get("facilities", [])),
        demonstration=(demo["level"], demo["year"]) if demo else None,
        signage_installed=(r.get("signage") or {}).get("installed"),
        signage_photo=(r.get("signage") or {}).get("photo"),
        description=r.get("description"), commitments=r.get("commitments"),
        photos=tuple(r.get("photos", [])), verified=_day(r["verified"]),
        corrections=_corrections(r), source=_src(located),
    )


def _corrections(record: dict) -> tuple[Correction, ...]:
    return tuple(Correction(_day(c["date"]), c["note"]) for c in record.get("corrections", []))


def _project(located: Located) -> Project:
    r = located[2]
    ag = r.get("agreement", {})
    return Project(
        id=r["id"], title=r["title"], stations=tuple(r["stations"]), buyers=tuple(r["buyers"]),
        supplier=r["supplier"], procurement_method=r.get("procurement_method"), status=r["status"],
        signed=_date(ag.get("signed")), start=_date(ag.get("start")), end=_date(ag.get("end")),
        amount=ag.get("amount"), document=ag.get("document"),
        funding=tuple((f["source"], f["amount"]) for f in r.get("funding", [])),
        task_book={k: v for k, v in (r.get("task_book") or {}).items() if v},
        indicators=tuple(Indicator(i["id"], i["name"], i.get("unit", ""), i["target"], i.get("actual"),
                                   i.get("direction", "at_least")) for i in r.get("indicators", [])),
        reports=tuple(
            Report(x["type"], x.get("period"), _day(x["published"]), x.get("summary", ""),
                   dict(x.get("stats", {})), x.get("document"), x.get("evaluator"), x.get("score"),
                   x.get("grade"), n)
            for n, x in enumerate(r.get("reports", []))),
        expenditures=tuple(Expenditure(e["category"], e["amount"], e.get("note"))
                           for e in r.get("expenditures", [])),
        stories=tuple(Story(s["title"], _day(s["published"]), s["body"]) for s in r.get("stories", [])),
        corrections=_corrections(r), source=_src(located),
    )


def _year_value(record: dict) -> YearValue:
    return YearValue(int(record["year"]), float(record["value"]), record.get("source"))


def _plan(located: Located) -> Plan:
    r = located[2]
    indicators = tuple(
        PlanIndicator(
            i["id"], i["name"], i["unit"], i["kind"], i.get("measure"), i.get("comparison", "at_least"),
            _year_value(i["baseline"]) if i.get("baseline") else None,
            tuple(sorted(map(_year_value, i["targets"]), key=lambda v: v.year)),
            tuple(sorted(map(_year_value, i.get("actual", [])), key=lambda v: v.year)), n)
        for n, i in enumerate(r["indicators"]))
    return Plan(r["id"], r["title"], r["source"], r["region"], r["period"]["start"], r["period"]["end"],
                r.get("document"), indicators, _src(located))


def _resources(raw: RawData) -> tuple[dict, dict, dict]:
    doc = raw.resources
    orgs = [CommunityOrg(r["id"], r["name"], r["station"], r["kind"], r["status"], r.get("members"),
                         _date(r.get("since")), _src(loc))
            for loc in items(doc, "community_orgs") for r in [loc[2]]]
    teams = [VolunteerTeam(r["id"], r["name"], r["station"], r.get("members"), r.get("hours_last_year"),
                           _src(loc)) for loc in items(doc, "volunteer_teams") for r in [loc[2]]]
    funds = [CharityFund(r["id"], r["name"], r["station"], r["host"], _day(r["established"]),
                         tuple(LedgerEntry(_day(e["date"]), e["income"], e["expense"], e["note"],
                                           e.get("document"), n) for n, e in enumerate(r["ledger"])),
                         _src(loc)) for loc in items(doc, "charity_funds") for r in [loc[2]]]
    return ({o.id: o for o in sorted(orgs, key=lambda o: o.id)},
            {t.id: t for t in sorted(teams, key=lambda t: t.id)},
            {f.id: f for f in sorted(funds, key=lambda f: f.id)})


def _index(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for key, value in pairs:
        out[key].append(value)
    return dict(out)


def build(raw: RawData, as_of: dt.date | None = None) -> Portal:
    """Turn validated raw data into the model. Call only when validation found no error."""
    assert raw.services is not None and raw.site is not None, "build() runs on validated data only"
    svc = raw.services.data
    portal = Portal(
        site=_site(raw.site.data, as_of),
        regions={r["code"]: Region(r["code"], r["name"], r["level"], r.get("parent"), r.get("kind"))
                 for _, _, r in items(raw.regions, "regions")},
        domains={d["id"]: Domain(d["id"], d["name"]) for d in svc.get("domains", [])},
        groups={g["id"]: Group(g["id"], g["name"], tuple(g.get("aliases", [])))
                for g in svc.get("groups", [])},
        services={s["id"]: Service(s["id"], s["name"], s["domain"], tuple(s.get("groups", [])),
                                   s["summary"], s.get("description"), tuple(s.get("access", [])),
                                   s.get("eligibility"), s.get("fee") or "免费", s.get("basis"))
                  for s in svc.get("services", [])},
        agencies={a["id"]: Agency(a["id"], a["name"], a["uscc"], a.get("rating"), a.get("rating_year"),
                                  bool(a.get("local")), a.get("phone"), a.get("party_org"))
                  for _, _, a in items(raw.agencies, "agencies")},
        stations={s.id: s for s in map(_station, station_records(raw))},
        projects={p.id: p for p in sorted(map(_project, project_records(raw)), key=lambda p: p.id)},
        rules=(raw.rules.data or {}).get("rules", {}) if raw.rules else {},
        plans={x.id: x for x in sorted(map(_plan, plan_records(raw)), key=lambda x: x.id)},
    )
    portal.community_orgs, portal.volunteer_teams, portal.funds = _resources(raw)
    portal.digests = _digests(raw)
    portal.record_digests = _record_digests(raw) if portal.digests else {}
    _add_indexes(portal)
    _add_attachments(portal, raw.root)
    return portal


def _digests(raw: RawData) -> dict[str, str]:
    """Each data file's digest, or none at all if one was read without a memo."""
    docs = [raw.site, raw.regions, raw.services, raw.agencies, raw.resources, raw.rules,
            *raw.stations, *raw.projects, *raw.plans]
    digests = {doc.file: doc.digest for doc in docs if doc is not None}
    return digests if all(digests.values()) else {}


def shared_digest(p: Portal) -> str:
    """A digest of the data files that hold no station or project record (site, regions, services,
    agencies, resources, rules, plans): what every page and open data file may read ('' without
    digests)."""
    if not p.digests:
        return ""
    records = {s.source.file for s in p.stations.values()} | {x.source.file for x in p.projects.values()}
    shared = "".join(f"{f} {d}\n" for f, d in sorted(p.digests.items()) if f not in records)
    return hashlib.sha256(shared.encode()).hexdigest()


def _record_digests(raw: RawData) -> dict[str, str]:
    out: dict[str, str] = {}
    for doc, path, record in station_records(raw):
        n = path[1] if path else None
        digest = doc.records[n] if isinstance(n, int) and n < len(doc.records) else doc.digest  # else: the whole file
        if isinstance(record.get("id"), str):
            out[record["id"]] = digest
    return out


def _add_attachments(p: Portal, root: Path) -> None:
    """Every file the data references (only these are published) and the size of each photo."""
    refs = {p.site.logo} | {s.signage_photo for s in p.stations.values()}
    refs |= {photo for s in p.stations.values() for photo in s.photos}
    refs |= {pr.document for pr in p.projects.values()}
    refs |= {r.document for pr in p.projects.values() for r in pr.reports}
    refs |= {plan.document for plan in p.plans.values()}
    refs |= {entry.document for fund in p.funds.values() for entry in fund.ledger}
    p.attachments = tuple(sorted(r for r in refs if r))
    for ref in p.attachments:
        size = files.dimensions(root / ref) if files.is_photo(ref) else None
        if size is not None:
            p.photo_sizes[ref] = size


def _add_indexes(p: Portal) -> None:
    p.region_children = _index([(r.parent, r.code) for r in p.regions.values() if r.parent])
    p.station_children = _index([(s.parent, s.id) for s in p.stations.values() if s.parent])
    p.stations_by_service = _index([(sv, s.id) for s in p.stations.values() for sv in s.services])
    p.stations_by_agency = _index([(s.operator, s.id) for s in p.stations.values() if s.operator])
    p.projects_by_station = _index([(st, pr.id) for pr in p.projects.values() for st in pr.stations])
    p.projects_by_agency = _index([(pr.supplier, pr.id) for pr in p.projects.values()])
    p.services_by_domain = _index([(s.domain, s.id) for s in p.services.values()])
    p.orgs_by_station = _index([(o.station, o.id) for o in p.community_orgs.values()])
    p.teams_by_station = _index([(t.station, t.id) for t in p.volunteer_teams.values()])
    p.funds_by_station = _index([(f.station, f.id) for f in p.funds.values()])
