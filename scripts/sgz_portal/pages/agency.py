"""Agency pages (agencies/<id>/: the stations and projects an agency runs) and the agency list."""
from __future__ import annotations

from dataclasses import dataclass

from sgz_portal.data import urls
from sgz_portal.data.urls import Link
from sgz_portal.data.words import PARTY_WORDS
from sgz_portal.pages.context import Context, ListView


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


def view(ctx: Context, aid: str) -> AgencyView:
    p, a = ctx.p, ctx.p.agencies[aid]
    return AgencyView(
        id=aid, title=a.name, uscc=a.uscc,
        rating=f"{a.rating}({a.rating_year}年评定)" if a.rating else "未评估",
        local="本地机构" if a.local else "外地机构", phone=a.phone,
        party_org=PARTY_WORDS.get(a.party_org or "", "未填写"),
        stations=ctx.ordered(p.stations_by_agency.get(aid, [])),
        projects=[Link(p.projects[x].title, urls.project(x)) for x in p.projects_by_agency.get(aid, [])],
    )


def listing(ctx: Context) -> ListView:
    p = ctx.p
    links = [Link(a.name, urls.agency(a.id), f"{'本地' if a.local else '外地'} · {a.rating or '未评估'} · "
                                             f"运营 {len(p.stations_by_agency.get(a.id, []))} 个站点")
             for a in p.agencies.values()]
    return ListView([("运营机构", links)])
