"""Statistics page (statistics/): coverage, staff, services delivered, projects and money.

Definitions (also stated on the page, overrides/statistics.html):
- A township (village) is covered when a station of level `township` (`village`)
  has that township (village) as its `region`. The denominator is every
  township (village) in regions.yaml.
- Services delivered are the sums of the `stats` of monthly briefs only:
  self-assessments and evaluations summarise the same months, and adding them
  would count the same work twice. A brief counts in the year of its period
  (the month served), not the year it was published.
- Projects and money count under the county of a project's first station.
"""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from sgz_portal.data.model import Portal
from sgz_portal.data.urls import Link
from sgz_portal.data.words import STATUS_WORDS, money
from sgz_portal.pages.charts import Bar, hbar
from sgz_portal.pages.context import Context
from sgz_portal.pages.disclosure import group_of, percent
from sgz_portal.pages.plans import plan_links

STAT_WORDS = (("cases", "个案", "件"), ("groups", "小组", "个"), ("activities", "社区活动", "场"),
              ("beneficiaries", "服务对象", "人次"), ("volunteer_hours", "志愿服务", "小时"))
TOTAL = "合计"


@dataclass(frozen=True)
class CoverageRow:
    name: str
    link: Link | None
    total: int
    covered: int
    percent: str
    uncovered: str  # '龙潭乡(990102004)、…' or '—'


@dataclass(frozen=True)
class StaffRow:
    name: str
    link: Link | None
    stations: int
    full_time: int
    assistant: int
    intermediate: int
    senior: int
    certified: int
    part_time: int
    volunteers: int
    teams: int


@dataclass(frozen=True)
class YearRow:
    year: int
    briefs: int
    values: tuple[int, ...]  # in STAT_WORDS order

    @property
    def shown(self) -> tuple[str, ...]:
        return tuple(f"{v:,}" for v in self.values)


@dataclass(frozen=True)
class MoneyRow:
    name: str
    link: Link | None
    projects: int
    by_status: str
    amount: float
    amount_text: str
    spent_text: str


@dataclass
class StatisticsView:
    """Context `view` of statistics.html (statistics/). Each chart has a table of the same numbers."""

    as_of: str
    region_name: str  # the portal's region: stations above county level count under it
    townships: list[CoverageRow]
    township_total: CoverageRow
    township_chart: Markup
    villages: list[CoverageRow]
    village_total: CoverageRow
    village_chart: Markup
    staff: list[StaffRow]
    staff_total: StaffRow
    certified_chart: Markup
    volunteer_chart: Markup
    stat_words: list[str]  # column headings, e.g. '个案(件)'
    years: list[YearRow]
    years_chart: Markup
    money: list[MoneyRow]
    money_total: MoneyRow
    money_chart: Markup
    plans: list[Link]  # development plans, whose pages set targets against these figures


def _groups(ctx: Context) -> list[str]:
    """Every county, plus the portal region if anything sits above county level."""
    p = ctx.p
    codes = {c for c, r in p.regions.items() if r.level == "county"}
    codes |= {group_of(p, s.region) for s in p.stations.values()}
    return sorted(codes)


def _name_link(ctx: Context, code: str) -> tuple[str, Link | None]:
    return (ctx.p.regions[code].name, ctx.region_link(code)) if code else (TOTAL, None)


def _coverage_row(ctx: Context, code: str, units: list[str], covered: set[str],
                  list_gaps: bool) -> CoverageRow:
    p = ctx.p
    done = [u for u in units if u in covered]
    gaps = [f"{p.regions[u].name}({u})" for u in units if u not in covered]
    name, link = _name_link(ctx, code)
    return CoverageRow(name, link, len(units), len(done), percent(len(done), len(units)),
                       ("、".join(gaps) or "—") if list_gaps else "")


def coverage(ctx: Context, level: str, list_gaps: bool = True) -> tuple[list[CoverageRow], CoverageRow]:
    """Per county and overall: regions of `level` with a station of that level serving exactly them."""
    p = ctx.p
    units = sorted(c for c, r in p.regions.items() if r.level == level)
    covered = {s.region for s in p.stations.values() if s.level == level}
    by_group: dict[str, list[str]] = {c: [] for c in _groups(ctx) if p.regions[c].level == "county"}
    for u in units:
        by_group.setdefault(group_of(p, u), []).append(u)
    rows = [_coverage_row(ctx, c, us, covered, list_gaps) for c, us in sorted(by_group.items())]
    return rows, _coverage_row(ctx, "", units, covered, list_gaps)


def _coverage_chart(chart_id: str, title: str, rows: list[CoverageRow], total: CoverageRow) -> Markup:
    bars = [Bar(r.name, r.covered * 100 / r.total if r.total else 0, f"{r.covered}/{r.total}({r.percent})")
            for r in [*rows, total]]
    return hbar(chart_id, title, bars, maximum=100)


def _staff_row(ctx: Context, code: str, sids: list[str]) -> StaffRow:
    staff = [ctx.p.stations[s].staff for s in sids]
    name, link = _name_link(ctx, code)
    return StaffRow(name, link, len(sids), *(sum(getattr(s, k) for s in staff) for k in (
        "full_time", "assistant", "intermediate", "senior", "certified", "part_time", "volunteers",
        "volunteer_teams")))


def staff(ctx: Context) -> tuple[list[StaffRow], StaffRow]:
    """Staff of every station, summed per county (the city centre counts under the portal region)."""
    p = ctx.p
    by_group: dict[str, list[str]] = {c: [] for c in _groups(ctx)}
    for sid in sorted(p.stations):
        by_group[group_of(p, p.stations[sid].region)].append(sid)
    rows = [_staff_row(ctx, c, sids) for c, sids in sorted(by_group.items())]
    return rows, _staff_row(ctx, "", sorted(p.stations))


def services_by_year(p: Portal) -> list[YearRow]:
    """Monthly brief stats summed by the year of the brief's period (published year if no period)."""
    sums: dict[int, list[int]] = {}
    for pr in p.projects.values():
        for rep in pr.reports:
            if rep.type != "monthly":
                continue
            year = int(rep.period[:4]) if rep.period else rep.published.year
            row = sums.setdefault(year, [0] * (len(STAT_WORDS) + 1))
            row[0] += 1
            for i, (key, _, _) in enumerate(STAT_WORDS, 1):
                row[i] += int(rep.stats.get(key, 0))
    return [YearRow(y, v[0], tuple(v[1:])) for y, v in sorted(sums.items())]


def _money_row(ctx: Context, code: str, pids: list[str]) -> MoneyRow:
    p = ctx.p
    projects = [p.projects[x] for x in pids]
    counts = [(w, sum(1 for x in projects if x.status == s)) for s, w in STATUS_WORDS.items()]
    amount = sum(x.amount or 0 for x in projects)
    spent = sum(e.amount for x in projects for e in x.expenditures)
    name, link = _name_link(ctx, code)
    return MoneyRow(name, link, len(projects), "、".join(f"{w} {n}" for w, n in counts if n) or "—",
                    amount, money(amount), money(spent))


def projects_money(ctx: Context) -> tuple[list[MoneyRow], MoneyRow]:
    """Projects and contract amounts per county of each project's first station."""
    p = ctx.p
    by_group: dict[str, list[str]] = {c: [] for c in _groups(ctx)}
    for pid, pr in sorted(p.projects.items()):
        by_group.setdefault(group_of(p, p.stations[pr.stations[0]].region), []).append(pid)
    rows = [_money_row(ctx, c, pids) for c, pids in sorted(by_group.items())
            if pids or p.regions[c].level == "county"]
    return rows, _money_row(ctx, "", sorted(p.projects))


def view(ctx: Context) -> StatisticsView:
    p = ctx.p
    towns, town_total = coverage(ctx, "township")
    villages, village_total = coverage(ctx, "village", list_gaps=False)
    staff_rows, staff_total = staff(ctx)
    years = services_by_year(p)
    money_rows, money_total = projects_money(ctx)
    beneficiaries = [k for k, _, _ in STAT_WORDS].index("beneficiaries")
    return StatisticsView(
        as_of=p.site.as_of.isoformat(), region_name=p.regions[p.site.region].name,
        townships=towns, township_total=town_total,
        township_chart=_coverage_chart("chart-township", "乡镇(街道)社工站覆盖率", towns, town_total),
        villages=villages, village_total=village_total,
        village_chart=_coverage_chart("chart-village", "村(社区)社工室覆盖率", villages, village_total),
        staff=staff_rows, staff_total=staff_total,
        certified_chart=hbar("chart-certified", "各区县持证社会工作者人数",
                             [Bar(r.name, r.certified, f"{r.certified} 名") for r in staff_rows]),
        volunteer_chart=hbar("chart-volunteers", "各区县志愿者人数",
                             [Bar(r.name, r.volunteers, f"{r.volunteers} 名,{r.teams} 支队伍")
                              for r in staff_rows]),
        stat_words=[f"{label}({unit})" for _, label, unit in STAT_WORDS],
        years=years,
        years_chart=hbar("chart-years", "各年度服务人次(月简报合计)",
                         [Bar(f"{y.year}年", y.values[beneficiaries], f"{y.values[beneficiaries]:,} 人次")
                          for y in years]),
        money=money_rows, money_total=money_total,
        money_chart=hbar("chart-money", "各区县政府购买服务合同金额",
                         [Bar(r.name, r.amount, r.amount_text) for r in money_rows]),
        plans=plan_links(ctx),
    )
