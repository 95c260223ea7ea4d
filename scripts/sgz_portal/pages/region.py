"""Region pages (regions/<code>/: the stations under a region) and the region list (regions/)."""
from __future__ import annotations

from dataclasses import dataclass

from sgz_portal.data import urls
from sgz_portal.data.urls import Link
from sgz_portal.pages.context import Context, ListView

LEVEL_NAMES = {"province": "省", "city": "市", "county": "县(区)", "township": "乡镇(街道)", "village": "村(社区)"}


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


def view(ctx: Context, code: str) -> RegionView:
    p, r = ctx.p, ctx.p.regions[code]
    return RegionView(
        code=code, title=r.name, level_word=LEVEL_NAMES[r.level],
        breadcrumbs=ctx.breadcrumbs(code),
        children=[ctx.region_link(c) for c in sorted(p.region_children.get(code, []))],
        stations=ctx.ordered(ctx.subtree.get(code, [])),
        county=ctx.county_name(code),
    )


def listing(ctx: Context) -> ListView:
    p = ctx.p
    sections = []
    for code in sorted(c for c, r in p.regions.items() if r.level == "county"):
        towns = [Link(p.regions[t].name, urls.region(t), f"{len(ctx.subtree.get(t, []))} 个站点")
                 for t in sorted(p.region_children.get(code, []))]
        sections.append((p.regions[code].name, [ctx.region_link(code)] + towns))
    return ListView(sections)
