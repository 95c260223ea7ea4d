"""The home page (and the search page, which shows the same browse entries)."""
from __future__ import annotations

from dataclasses import dataclass

from sgz_portal.data import urls
from sgz_portal.data.urls import Link
from sgz_portal.data.words import LEVEL_WORDS, REPORT_WORDS
from sgz_portal.pages.context import Context
from sgz_portal.pages.plans import plan_links


@dataclass
class HomeView:
    """Context `view` of home.html: browse entries and the latest reports."""

    counties: list[Link]
    domains: list[Link]
    groups: list[Link]
    latest_reports: list[Link]
    counts: list[tuple[str, int]]
    plans: list[Link]  # development plans: targets against actual
    resources: list[tuple[str, int]]  # 五社联动: community organisations, volunteer teams, funds


def view(ctx: Context, latest: int = 8) -> HomeView:
    p = ctx.p
    reports = sorted(((r.published, pr.id, r.index, r) for pr in p.projects.values() for r in pr.reports),
                     key=lambda t: (t[0], t[1], t[2]), reverse=True)[:latest]
    return HomeView(
        counties=[ctx.region_link(c) for c, r in sorted(p.regions.items()) if r.level == "county"],
        # Only domains with services: the catalogue has no section (no anchor) for an empty one.
        domains=[Link(d.name, f"services/#{d.id}") for d in p.domains.values() if p.services_by_domain.get(d.id)],
        groups=[Link(g.name, f"search/?q={g.name}") for g in p.groups.values()],
        latest_reports=[Link(f"{p.projects[pid].title} · {REPORT_WORDS[r.type]} {r.period or ''}".strip(),
                             urls.project(pid), d.isoformat()) for d, pid, _, r in reports],
        counts=[(LEVEL_WORDS[lv], sum(1 for s in p.stations.values() if s.level == lv))
                for lv in ("county", "township", "village")],
        plans=plan_links(ctx),
        resources=[(w, n) for w, n in (("个社区社会组织", len(p.community_orgs)), ("支志愿服务队", len(p.volunteer_teams)),
                                       ("个社区慈善基金", len(p.funds))) if n],
    )
