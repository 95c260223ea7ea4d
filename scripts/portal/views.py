"""Stage 4: page contexts. One dataclass per page type is the contract for templates.

Everything a template shows is computed here (labels, links, groupings,
sorted lists), so templates only display. Cross-page lists are computed once
in `Views.__init__` and shared; no view walks all pages.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable

from markupsafe import Markup

from . import urls
from .urls import Link
from .geo import map_links
from .issues import Issue
from .markup import plain, render
from .model import ACCESS_WORDS, Portal, Station
from .qr import StationQr, poster_url, station_qr
from .searchterms import SearchTerms, index_terms
from .words import (DEMO_WORDS, LEVEL_WORDS, PARTY_WORDS, REPORT_WORDS, STATUS_WORDS, day_ranges,
                    money)

@dataclass(frozen=True)
class HoursRow:
    days: str
    open: str
    close: str


@dataclass
class StationView:
    """Context `view` of station.html (stations/<id>/)."""

    station: Station
    title: str
    level_word: str
    breadcrumbs: list[Link]
    parent: Link | None
    children: list[Link]
    operator: Link | None
    phones: list[str]
    hours: list[HoursRow]
    hours_json: str
    closed_on: list[str]
    services: list[Link]
    projects: list[Link]
    staff_summary: list[tuple[str, str]]
    demonstration: str
    description: Markup
    map_links: list[Link]
    county: str
    domains: list[str]
    groups: list[str]
    search_terms: SearchTerms
    qr: StationQr  # QR code of the page's URL, for printed signs
    poster_url: str  # the printable A4 poster (stations/<id>/poster/)
    findings: list[Issue] = field(default_factory=list)
    checklist: list = field(default_factory=list)  # disclosure.ChecklistItem rows (信息公开清单)
    checklist_summary: str = ""


@dataclass
class PosterView:
    """Context `view` of poster.html (stations/<id>/poster/): the A4 poster for the station's bulletin board."""

    station: StationView
    title: str
    back: Link  # the station's own page
    portal_name: str
    publisher: str


@dataclass
class ServiceView:
    """Context `view` of service.html (services/<id>/)."""

    id: str
    title: str
    summary: str
    domain: Link
    groups: list[str]
    aliases: list[str]
    access: list[str]
    eligibility: str | None
    fee: str
    basis: str | None
    description: Markup
    stations_by_county: list[tuple[Link, list[Link]]]
    station_count: int
    search_terms: SearchTerms


@dataclass
class RegionView:
    """Context `view` of region.html (regions/<code>/)."""

    code: str
    title: str
    level_word: str
    breadcrumbs: list[Link]
    children: list[Link]
    stations: list[Link]
    county: str


@dataclass
class AgencyView:
    """Context `view` of agency.html (agencies/<id>/)."""

    id: str
    title: str
    uscc: str
    rating: str
    local: str
    phone: str | None
    party_org: str
    stations: list[Link]
    projects: list[Link]


@dataclass
class DirectoryView:
    """Context `view` of directory.html (stations/): counties, each with its stations by level."""

    counties: list[tuple[Link, list[tuple[Link, list[Link]]]]]
    top: list[Link]
    total: int


@dataclass
class CatalogueView:
    """Context `view` of catalogue.html (services/): domains with their services."""

    domains: list[tuple[str, str, list[Link]]]
    groups: list[Link]


@dataclass
class HomeView:
    """Context `view` of home.html: browse entries and the latest reports."""

    counties: list[Link]
    domains: list[Link]
    groups: list[Link]
    latest_reports: list[Link]
    counts: list[tuple[str, int]]


@dataclass
class ListView:
    """Context `view` of the simple list pages (projects/, agencies/, regions/)."""

    sections: list[tuple[str, list[Link]]]


class Views:
    """Builds every page context from the model; shared lists are computed once."""

    def __init__(self, portal: Portal, findings: list[Issue]) -> None:
        self.p = portal
        self.findings: dict[str, list[Issue]] = {}
        for f in findings:
            if f.subject:
                self.findings.setdefault(f.subject, []).append(f)
        self.subtree = self._stations_under_regions()
        # The poster page follows its station page; keep just that one view (memory stays flat).
        self._last_station: StationView | None = None

    # -- shared helpers ------------------------------------------------------
    def _stations_under_regions(self) -> dict[str, list[str]]:
        """Each region code -> ids of stations serving it or any region below it."""
        out: dict[str, list[str]] = {}
        for station in self.p.stations.values():
            for region in self.p.region_path(station.region):
                out.setdefault(region.code, []).append(station.id)
        return out

    def station_link(self, sid: str) -> Link:
        return Link(self.p.stations[sid].name, urls.station(sid))

    def region_link(self, code: str) -> Link:
        return Link(self.p.regions[code].name, urls.region(code))

    def county_name(self, region_code: str) -> str:
        county = self.p.county_of(region_code)
        return self.p.regions[county].name if county else self.p.regions[self.p.site.region].name

    def breadcrumbs(self, region_code: str) -> list[Link]:
        return [self.region_link(r.code) for r in self.p.region_path(region_code)]

    def _ordered(self, ids: Iterable[str]) -> list[Link]:
        return [self.station_link(s) for s in sorted(ids, key=lambda s: (self.p.stations[s].region, s))]

    # -- pages ---------------------------------------------------------------
    def station(self, sid: str) -> StationView:
        if self._last_station is None or self._last_station.station.id != sid:
            self._last_station = self._station(sid)
        return self._last_station

    def _station(self, sid: str) -> StationView:
        import json

        p, st = self.p, self.p.stations[sid]
        services = [p.services[s] for s in st.services]
        groups = sorted({g for s in services for g in s.groups})
        group_words = [w for g in groups for w in (p.groups[g].name, *p.groups[g].aliases)]
        domains = sorted({p.domains[s.domain].name for s in services})
        op = p.agencies.get(st.operator) if st.operator else None
        from . import disclosure
        checklist = disclosure.station_checklist(self, sid)
        return StationView(
            station=st, title=st.name, level_word=LEVEL_WORDS[st.level],
            breadcrumbs=self.breadcrumbs(st.region),
            parent=self.station_link(st.parent) if st.parent else None,
            children=self._ordered(p.station_children.get(sid, [])),
            operator=Link(op.name, urls.agency(op.id)) if op else None,
            phones=list(st.phones),
            hours=[HoursRow(day_ranges(h.days), h.open, h.close) for h in st.hours],
            hours_json=json.dumps({"hours": [h.__dict__ | {"days": list(h.days)} for h in st.hours],
                                   "closed": [d.isoformat() for d in st.closed_on]},
                                  ensure_ascii=False, separators=(",", ":")),
            closed_on=[f"{d.month}月{d.day}日" for d in st.closed_on if d >= p.site.as_of],
            services=[Link(s.name, urls.service(s.id), s.summary) for s in services],
            projects=[Link(p.projects[x].title, urls.project(x)) for x in p.projects_by_station.get(sid, [])],
            staff_summary=self._staff(st),
            demonstration=f"{st.demonstration[1]}年{DEMO_WORDS[st.demonstration[0]]}" if st.demonstration else "",
            description=render(st.description),
            map_links=[Link(t, u) for t, u in map_links(st)],
            county=self.county_name(st.region), domains=domains,
            groups=[p.groups[g].name for g in groups],
            search_terms=index_terms([st.name], [*(r.name for r in p.region_path(st.region)), st.address,
                                                 op.name if op else "", *domains, *group_words,
                                                 *(s.name for s in services)]),
            qr=station_qr(sid, p.site.base_url), poster_url=poster_url(sid),
            findings=self.findings.get(sid, []),
            checklist=checklist, checklist_summary=disclosure.summary(checklist),
        )

    def poster(self, sid: str) -> PosterView:
        st = self.station(sid)
        return PosterView(station=st, title=f"{st.title}(公示海报)", back=self.station_link(sid),
                          portal_name=self.p.site.name, publisher=self.p.site.publisher)

    @staticmethod
    def _staff(st: Station) -> list[tuple[str, str]]:
        s = st.staff
        rows = [("专职社工", f"{s.full_time} 名"),
                ("持证社工", f"{s.certified} 名(助理社会工作师 {s.assistant}、社会工作师 {s.intermediate}、"
                             f"高级社会工作师 {s.senior})"),
                ("兼职人员", f"{s.part_time} 名"),
                ("志愿者", f"{s.volunteers} 名,志愿服务队 {s.volunteer_teams} 支")]
        return ([("站长", st.head)] if st.head else []) + rows

    def service(self, sid: str) -> ServiceView:
        p, s = self.p, self.p.services[sid]
        by_county: dict[str, list[str]] = {}
        for station_id in p.stations_by_service.get(sid, []):
            county = p.county_of(p.stations[station_id].region) or p.site.region
            by_county.setdefault(county, []).append(station_id)
        aliases = [a for g in s.groups for a in p.groups[g].aliases]
        return ServiceView(
            id=sid, title=s.name, summary=s.summary,
            domain=Link(p.domains[s.domain].name, f"services/#{s.domain}"),
            groups=[p.groups[g].name for g in s.groups], aliases=aliases,
            access=[ACCESS_WORDS[a] for a in s.access], eligibility=s.eligibility, fee=s.fee,
            basis=s.basis, description=render(s.description),
            stations_by_county=[(self.region_link(c), self._ordered(ids))
                                for c, ids in sorted(by_county.items())],
            station_count=len(p.stations_by_service.get(sid, [])),
            search_terms=index_terms([s.name, p.domains[s.domain].name,
                                      *(p.groups[g].name for g in s.groups), *aliases]),
        )

    def region(self, code: str) -> RegionView:
        p, r = self.p, self.p.regions[code]
        return RegionView(
            code=code, title=r.name, level_word={"province": "省", "city": "市", "county": "县(区)",
                                                 "township": "乡镇(街道)", "village": "村(社区)"}[r.level],
            breadcrumbs=self.breadcrumbs(code),
            children=[self.region_link(c) for c in sorted(p.region_children.get(code, []))],
            stations=self._ordered(self.subtree.get(code, [])),
            county=self.county_name(code),
        )

    def agency(self, aid: str) -> AgencyView:
        p, a = self.p, self.p.agencies[aid]
        return AgencyView(
            id=aid, title=a.name, uscc=a.uscc,
            rating=f"{a.rating}({a.rating_year}年评定)" if a.rating else "未评估",
            local="本地机构" if a.local else "外地机构", phone=a.phone,
            party_org=PARTY_WORDS.get(a.party_org or "", "未填写"),
            stations=self._ordered(p.stations_by_agency.get(aid, [])),
            projects=[Link(p.projects[x].title, urls.project(x)) for x in p.projects_by_agency.get(aid, [])],
        )

    def project(self, pid: str):
        """Project page context: see projectpage.py."""
        from . import projectpage
        return projectpage.view(self, pid)

    def disclosure(self):
        from . import disclosure
        return disclosure.portal_view(self)

    def late_reports(self):
        from . import disclosure
        return disclosure.late_view(self)

    def statistics(self):
        from . import statistics
        return statistics.view(self)

    def opendata(self):
        from . import opendata
        return opendata.page_view(self)

    def directory(self) -> DirectoryView:
        p = self.p
        counties = sorted(c for c, r in p.regions.items() if r.level == "county")
        rows = []
        for county in counties:
            tops = [s for s in self.subtree.get(county, []) if p.stations[s].level in ("county", "township")]
            entries = [(self.station_link(s), self._ordered(p.station_children.get(s, [])))
                       for s in sorted(tops, key=lambda s: (p.stations[s].level != "county", p.stations[s].region, s))
                       if p.stations[s].level == "township" or True]
            rows.append((self.region_link(county), entries))
        top = [self.station_link(s.id) for s in p.stations.values() if s.level == "city"]
        return DirectoryView(counties=rows, top=top, total=len(p.stations))

    def catalogue(self) -> CatalogueView:
        p = self.p
        return CatalogueView(
            domains=[(d.id, d.name, [Link(p.services[s].name, urls.service(s), p.services[s].summary)
                                     for s in p.services_by_domain.get(d.id, [])])
                     for d in p.domains.values() if p.services_by_domain.get(d.id)],
            groups=[Link(g.name, f"search/?q={g.name}", "、".join(g.aliases)) for g in p.groups.values()],
        )

    def home(self, latest: int = 8) -> HomeView:
        p = self.p
        reports = sorted(((r.published, pr.id, r.index, r) for pr in p.projects.values() for r in pr.reports),
                         key=lambda t: (t[0], t[1], t[2]), reverse=True)[:latest]
        return HomeView(
            counties=[self.region_link(c) for c, r in sorted(p.regions.items()) if r.level == "county"],
            domains=[Link(d.name, f"services/#{d.id}") for d in p.domains.values()],
            groups=[Link(g.name, f"search/?q={g.name}") for g in p.groups.values()],
            latest_reports=[Link(f"{p.projects[pid].title} · {REPORT_WORDS[r.type]} {r.period or ''}".strip(),
                                 urls.project(pid), d.isoformat()) for d, pid, _, r in reports],
            counts=[(LEVEL_WORDS[lv], sum(1 for s in p.stations.values() if s.level == lv))
                    for lv in ("county", "township", "village")],
        )

    def projects(self) -> ListView:
        p = self.p
        by_status: dict[str, list[Link]] = {}
        for pr in p.projects.values():
            note = f"{pr.start or ''} 至 {pr.end or ''} · {money(pr.amount)}"
            by_status.setdefault(pr.status, []).append(Link(pr.title, urls.project(pr.id), note))
        return ListView([(STATUS_WORDS[s], by_status[s]) for s in STATUS_WORDS if s in by_status])


    def agencies(self) -> ListView:
        p = self.p
        links = [Link(a.name, urls.agency(a.id), f"{'本地' if a.local else '外地'} · {a.rating or '未评估'} · "
                                                 f"运营 {len(p.stations_by_agency.get(a.id, []))} 个站点")
                 for a in p.agencies.values()]
        return ListView([("运营机构", links)])


    def regions(self) -> ListView:
        p = self.p
        sections = []
        for code in sorted(c for c, r in p.regions.items() if r.level == "county"):
            towns = [Link(p.regions[t].name, urls.region(t), f"{len(self.subtree.get(t, []))} 个站点")
                     for t in sorted(p.region_children.get(code, []))]
            sections.append((p.regions[code].name, [self.region_link(code)] + towns))
        return ListView(sections)


    def view(self, kind: str, key: str = ""):
        """The context for one generated page; computed when mkdocs renders it."""
        return getattr(self, kind)(key) if key else getattr(self, kind)()


def describe(text: str | None, limit: int = 110) -> str:
    """A one-line page description for search engines and share cards."""
    flat = plain(text)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


__all__ = ["Views", "describe", "money", "day_ranges", "dt"]
