"""Station pages (stations/<id>/), their A4 posters, and the station directory (stations/)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from markupsafe import Markup

from sgz_portal.data import urls
from sgz_portal.data.geo import map_links
from sgz_portal.data.issues import Issue
from sgz_portal.data.markup import render
from sgz_portal.data.model import Station
from sgz_portal.data.urls import Link
from sgz_portal.data.words import DEMO_WORDS, LEVEL_WORDS, day_ranges
from sgz_portal.pages import disclosure
from sgz_portal.pages.context import Context
from sgz_portal.pages.qr import StationQr, poster_url, station_qr
from sgz_portal.pages.resources import StationResources, station_resources
from sgz_portal.pages.searchterms import SearchTerms, index_terms


@dataclass(frozen=True)
class HoursRow:
    days: str
    open: str
    close: str


@dataclass(frozen=True)
class Photo:
    """A photo on the station page: the site path of the published (metadata-free) file."""

    url: str  # relative to the site root
    width: int
    height: int
    alt: str  # the station's name, so a resident recognises the place: '青石街道社会工作服务站 站牌照片'


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
    photos: list[Photo]  # the sign first (signage.photo), then photos
    county: str
    domains: list[str]
    groups: list[str]
    search_terms: SearchTerms
    qr: StationQr  # QR code of the page's URL, for printed signs
    poster_url: str  # the printable A4 poster (stations/<id>/poster/)
    resources: StationResources  # its community organisations, volunteer teams and charity funds
    findings: list[Issue] = field(default_factory=list)
    checklist: list[disclosure.ChecklistItem] = field(default_factory=list)  # 信息公开清单
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
class DirectoryView:
    """Context `view` of directory.html (stations/): counties, each with its stations by level."""

    counties: list[tuple[Link, list[tuple[Link, list[Link]]]]]
    top: list[Link]
    total: int


def view(ctx: Context, sid: str) -> StationView:
    p, st = ctx.p, ctx.p.stations[sid]
    services = [p.services[s] for s in st.services]
    groups = sorted({g for s in services for g in s.groups})
    domains = sorted({p.domains[s.domain].name for s in services})
    op = p.agencies.get(st.operator) if st.operator else None
    checklist = disclosure.station_checklist(ctx, sid)
    resources = station_resources(ctx, sid)
    return StationView(
        station=st, title=st.name, level_word=LEVEL_WORDS[st.level],
        breadcrumbs=[c for c in ctx.breadcrumbs(st.region) if c.url != urls.station(st.id)],  # not itself
        parent=ctx.station_link(st.parent) if st.parent else None,
        children=ctx.ordered(p.station_children.get(sid, [])),
        operator=Link(op.name, urls.agency(op.id)) if op else None,
        phones=list(st.phones),
        hours=[HoursRow(day_ranges(h.days), h.open, h.close) for h in st.hours],
        hours_json=json.dumps({"hours": [h.__dict__ | {"days": list(h.days)} for h in st.hours],
                               "closed": [d.isoformat() for d in st.closed_on]},
                              ensure_ascii=False, separators=(",", ":")),
        closed_on=[f"{d.month}月{d.day}日" for d in st.closed_on if d >= p.site.as_of],
        services=[Link(s.name, urls.service(s.id), s.summary) for s in services],
        projects=[Link(p.projects[x].title, urls.project(x)) for x in p.projects_by_station.get(sid, [])],
        staff_summary=_staff(st),
        demonstration=f"{st.demonstration[1]}年{DEMO_WORDS[st.demonstration[0]]}" if st.demonstration else "",
        description=render(st.description),
        map_links=[Link(t, u) for t, u in map_links(st)],
        photos=_photos(ctx, st),
        county=ctx.county_name(st.region), domains=domains,
        groups=[p.groups[g].name for g in groups],
        # what finds a station: its places, address and operator and the organisations it works with;
        # not what it offers (its services, their domains and groups), which the services' own pages
        # and the domain and group filters serve: on a province, a group's name matched 22,000
        # stations that outranked the group's services, and weighed 60 KB in every query (issue 11)
        search_terms=index_terms([st.name], [*(r.name for r in p.region_path(st.region)), st.address,
                                             op.name if op else "",
                                             *(o.name for o in resources.orgs), *(t.name for t in resources.teams),
                                             *(f.link.title for f in resources.funds)],
                                  place=p.regions[st.region].name),  # a reference validation checked
        qr=station_qr(sid, p.site.base_url, ctx.draw_qr), poster_url=poster_url(sid),
        resources=resources,
        findings=ctx.findings.get(sid, []),
        checklist=checklist, checklist_summary=disclosure.summary(checklist),
    )


def _photos(ctx: Context, st: Station) -> list[Photo]:
    named = [(st.signage_photo, f"{st.name} 站牌照片")] if st.signage_photo else []
    many = len(st.photos) > 1
    named += [(ref, f"{st.name} 站点照片{f' {i}' if many else ''}") for i, ref in enumerate(st.photos, 1)]
    out = []
    for ref, alt in named:
        size = ctx.p.photo_sizes.get(ref)
        if size is not None:  # always: validation refuses a photo whose size cannot be read
            out.append(Photo(ref, size[0], size[1], alt))
    return out


def poster(ctx: Context, station: StationView) -> PosterView:
    return PosterView(station=station, title=f"{station.title}(公示海报)",
                      back=ctx.station_link(station.station.id),
                      portal_name=ctx.p.site.name, publisher=ctx.p.site.publisher)


def _staff(st: Station) -> list[tuple[str, str]]:
    s = st.staff
    rows = [("专职社工", f"{s.full_time} 名"),
            ("持证社工", f"{s.certified} 名(助理社会工作师 {s.assistant}、社会工作师 {s.intermediate}、"
                         f"高级社会工作师 {s.senior})"),
            ("兼职人员", f"{s.part_time} 名"),
            ("志愿者", f"{s.volunteers} 名,志愿服务队 {s.volunteer_teams} 支")]
    return ([("站长", st.head)] if st.head else []) + rows


def directory(ctx: Context) -> DirectoryView:
    p = ctx.p
    counties = sorted(c for c, r in p.regions.items() if r.level == "county")
    rows = []
    for county in counties:
        tops = [s for s in ctx.subtree.get(county, []) if p.stations[s].level in ("county", "township")]
        entries = [(ctx.station_link(s), ctx.ordered(p.station_children.get(s, [])))
                   for s in sorted(tops, key=lambda s: (p.stations[s].level != "county", p.stations[s].region, s))]
        rows.append((ctx.region_link(county), entries))
    top = [ctx.station_link(s.id) for s in p.stations.values() if s.level == "city"]
    return DirectoryView(counties=rows, top=top, total=len(p.stations))
