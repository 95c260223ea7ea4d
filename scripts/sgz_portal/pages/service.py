"""Service pages (services/<id>/: which stations offer it) and the service catalogue (services/)."""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from sgz_portal.data import urls
from sgz_portal.data.markup import render
from sgz_portal.data.model import ACCESS_WORDS
from sgz_portal.data.urls import Link
from sgz_portal.pages.context import Context
from sgz_portal.pages.searchterms import SearchTerms, index_terms


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
class CatalogueView:
    """Context `view` of catalogue.html (services/): domains with their services."""

    domains: list[tuple[str, str, list[Link]]]
    groups: list[Link]


def view(ctx: Context, sid: str) -> ServiceView:
    p, s = ctx.p, ctx.p.services[sid]
    by_county: dict[str, list[str]] = {}
    county_of = ctx.county_of_station
    for station_id in p.stations_by_service.get(sid, []):
        by_county.setdefault(county_of[station_id], []).append(station_id)
    aliases = [a for g in s.groups for a in p.groups[g].aliases]
    return ServiceView(
        id=sid, title=s.name, summary=s.summary,
        domain=Link(p.domains[s.domain].name, f"services/#{s.domain}"),
        groups=[p.groups[g].name for g in s.groups], aliases=aliases,
        access=[ACCESS_WORDS[a] for a in s.access], eligibility=s.eligibility, fee=s.fee,
        basis=s.basis, description=render(s.description),
        stations_by_county=[(ctx.region_link(c), ctx.ordered(ids)) for c, ids in sorted(by_county.items())],
        station_count=len(p.stations_by_service.get(sid, [])),
        # the summary too, boosted like the name: words from it must put the service's own page
        # among the first results, above the many stations that offer it (issue 11)
        search_terms=index_terms([s.name, p.domains[s.domain].name,
                                  *(p.groups[g].name for g in s.groups), *aliases, s.summary]),
    )


def catalogue(ctx: Context) -> CatalogueView:
    p = ctx.p
    return CatalogueView(
        domains=[(d.id, d.name, [Link(p.services[s].name, urls.service(s), p.services[s].summary)
                                 for s in p.services_by_domain.get(d.id, [])])
                 for d in p.domains.values() if p.services_by_domain.get(d.id)],
        groups=[Link(g.name, f"search/?q={g.name}", "、".join(g.aliases)) for g in p.groups.values()],
    )
