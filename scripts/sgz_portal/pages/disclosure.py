"""Disclosure (信息公开): what was due, what each station published, and what is late.

`due_reports` is the one schedule of the reports a project owes under rules
6-8 (monthly briefs, half-year self-assessments, midterm and final
evaluations). The project timeline, the station checklist and the
disclosure pages all read it, so they cannot disagree on a due date.
Deadlines are inclusive, as in rules/judge.py: published on the due day is on time,
and nothing is missing until its due day has passed.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import astuple, dataclass, field
from typing import Any

from sgz_portal.data import urls
from sgz_portal.data.issues import ERROR
from sgz_portal.data.model import Portal, Station
from sgz_portal.data.urls import Link
from sgz_portal.data.words import hours_summary
from sgz_portal.pages.context import Context
from sgz_portal.rules.funds import quarters
from sgz_portal.rules.judge import settings
from sgz_portal.rules.schedule import KIND_ORDER, DueReport, due_reports


def params_of(portal: Portal) -> dict[str, dict[str, Any]]:
    """The rule thresholds in force."""
    return settings(portal)


def schedule_words(params: Mapping[str, Mapping[str, Any]]) -> str:
    """The deadlines in force, in one Chinese sentence (pages state what they judge by)."""
    ev = params["evaluations"]
    return (f"月简报在每月结束后 {params['monthly_briefs']['due_days']} 天内发布,"
            f"自评报告在每半年结束后 {params['self_assessments']['due_days']} 天内发布,"
            f"中期评估在服务期过半后 {ev['midterm_grace_days']} 天内发布,"
            f"结项评估在服务期结束后 {ev['final_due_days']} 天内发布;截止日当天发布视为按时。")


def schedule(ctx: Context) -> dict[str, list[DueReport]]:
    """Project id -> its due reports, for every project, at the portal's as-of date (computed
    once per build: two pages read it)."""
    if "schedule" not in ctx.once:
        p, params = ctx.p, params_of(ctx.p)
        ctx.once["schedule"] = {pid: due_reports(pr, p.site.as_of, params) for pid, pr in sorted(p.projects.items())}
    due: dict[str, list[DueReport]] = ctx.once["schedule"]
    return due


# -- the station checklist ------------------------------------------------------------------

CHECK_WORDS = {"published": "已公开", "late": "逾期", "missing": "未公开"}
CHECK_SYMBOLS = {"published": "✓", "late": "⚠", "missing": "✗"}


@dataclass(frozen=True)
class ChecklistItem:
    """One thing a station should publish, and whether it has."""

    key: str  # contact | hours | services | operator | staff | projects | monthly | ...
    label: str
    status: str  # published | late | missing
    note: str

    @property
    def status_word(self) -> str:
        return CHECK_WORDS[self.status]

    @property
    def symbol(self) -> str:
        return CHECK_SYMBOLS[self.status]

    @property
    def counted(self) -> bool:
        """Counts toward completeness: it is public, on time or not."""
        return self.status != "missing"


def _item(key: str, label: str, ok: bool, yes: str, no: str) -> ChecklistItem:
    return ChecklistItem(key, label, "published" if ok else "missing", yes if ok else no)


def _basic_items(p: Portal, st: Station) -> list[ChecklistItem]:
    gaps = [w for w, ok in (("联系电话", any(x.strip() for x in st.phones)),
                            ("投诉电话", (st.complaint_phone or "").strip()),
                            ("地址", (st.address or "").strip())) if not ok]
    staff = st.staff
    items = [
        _item("contact", "联系方式", not gaps, "电话、投诉电话和地址均已公开", "缺少" + "、".join(gaps)),
        _item("hours", "开放时间", bool(st.hours), hours_summary(st.hours),
              "未公开开放时间"),
        _item("services", "服务内容", bool(st.services), f"公开了 {len(st.services)} 项服务", "未公开服务内容"),
    ]
    if st.operator or st.level != "city":
        agency = p.agencies.get(st.operator or "")
        items.append(_item("operator", "运营机构", agency is not None,
                           agency.name if agency else "", "未公开运营机构"))
    items.append(_item("staff", "人员配置", staff.full_time + staff.part_time > 0,
                       f"专职 {staff.full_time} 名,持证 {staff.certified} 名,兼职 {staff.part_time} 名",
                       "未公开驻站人员"))
    return items


def _agreement_item(p: Portal, st: Station, pids: list[str]) -> list[ChecklistItem]:
    """Township stations run on a purchased-service agreement; others only if they have one."""
    if not pids:
        return [] if st.level != "township" else [
            ChecklistItem("projects", "服务项目和协议", "missing", "未公开政府购买服务项目及三方协议")]
    lacking = [p.projects[x].title for x in pids
               if not (p.projects[x].start and p.projects[x].end and p.projects[x].amount is not None)]
    if lacking:
        return [ChecklistItem("projects", "服务项目和协议", "missing",
                              "协议未写明服务期或金额:" + "、".join(lacking))]
    docs = sum(1 for x in pids if p.projects[x].document)
    return [ChecklistItem("projects", "服务项目和协议", "published",
                          f"{len(pids)} 个项目均公开服务期和金额,{docs} 个附协议文本")]


REPORT_ITEMS = (("monthly", "月简报", ("monthly",)),
                ("self_assessment", "自评报告", ("self_assessment",)),
                ("evaluations", "中期和结项评估", ("midterm", "final")))


def _report_item(key: str, label: str, due: list[DueReport]) -> ChecklistItem:
    missing = [d for d in due if d.status == "missing"]
    late = [d for d in due if d.status == "late"]
    parts = [f"应发布 {len(due)} 份"]
    if missing:
        parts.append(f"未发布 {len(missing)} 份({'、'.join(d.label for d in missing)})")
    if late:
        parts.append(f"逾期发布 {len(late)} 份({'、'.join(d.label for d in late)})")
    if not (missing or late):
        parts.append("均按时发布")
    latest = max((d for d in due if d.report), key=lambda d: (d.published, d.due), default=None)
    if latest and key == "monthly":
        parts.append(f"最近一期 {latest.period}({latest.published} 发布)")
    status = "missing" if missing else "late" if late else "published"
    return ChecklistItem(key, label, status, ",".join(parts))


def _report_items(due: list[DueReport]) -> list[ChecklistItem]:
    owed = [d for d in due if d.status != "not_due"]
    out = []
    for key, label, kinds in REPORT_ITEMS:
        mine = [d for d in owed if d.kind in kinds]
        if mine:
            out.append(_report_item(key, label, mine))
    return out


def _verified_item(st: Station, as_of: dt.date, max_days: int) -> ChecklistItem:
    days = (as_of - st.verified).days
    if days <= max_days:
        return ChecklistItem("verified", "信息核实", "published", f"{st.verified} 核实({days} 天前)")
    return ChecklistItem("verified", "信息核实", "late",
                         f"上次核实 {st.verified},已 {days} 天,超过 {max_days} 天")


def checklist_for(p: Portal, sid: str, due_by_project: Mapping[str, list[DueReport]],
                  params: Mapping[str, Mapping[str, Any]]) -> list[ChecklistItem]:
    """The checklist of one station, given the schedule of every project (computed once)."""
    st = p.stations[sid]
    pids = sorted(p.projects_by_station.get(sid, []))
    due = [d for x in pids for d in due_by_project.get(x, [])]
    return (_basic_items(p, st) + _agreement_item(p, st, pids) + _report_items(due)
            + [_verified_item(st, p.site.as_of, params["verification"]["max_age_days"])])


def station_checklist(ctx: Context, station_id: str) -> list[ChecklistItem]:
    """What station `station_id` has published, item by item (for station.html)."""
    p = ctx.p
    params = params_of(p)
    pids = p.projects_by_station.get(station_id, [])
    due = {x: due_reports(p.projects[x], p.site.as_of, params) for x in pids}
    return checklist_for(p, station_id, due, params)


def completeness(items: list[ChecklistItem]) -> tuple[int, int]:
    """(items public, items applicable): late counts as public, missing does not."""
    return sum(1 for i in items if i.counted), len(items)


def percent(done: int, total: int) -> str:
    return f"{done * 100 / total:.0f}%" if total else "—"


def summary(items: list[ChecklistItem]) -> str:
    """'已公开 8 项,共 9 项(89%)' for the top of the checklist."""
    done, total = completeness(items)
    return f"已公开 {done} 项,共 {total} 项({percent(done, total)})"


def group_of(p: Portal, region: str) -> str:
    """The county a record counts under; records above county level count under the portal region."""
    return p.county_of(region) or p.site.region


def link_of_project(p: Portal, pid: str) -> Link:
    return Link(p.projects[pid].title, urls.project(pid))


def severity_counts(found: list) -> tuple[int, int]:
    errors = sum(1 for f in found if f.severity == ERROR)
    return errors, len(found) - errors


# -- the portal-wide pages (disclosure/ and disclosure/late/) -----------------------------

@dataclass(frozen=True)
class StationRow:
    link: Link
    level: str
    done: int
    total: int
    percent: str
    gaps: str  # labels of the items not public, or '—'
    findings: int  # findings on the station and on its projects


@dataclass(frozen=True)
class CountyRow:
    code: str
    name: str
    link: Link | None  # the region's page
    page: Link | None  # the county's disclosure page (its stations' rows)
    stations: int
    done: int
    total: int
    percent: str
    late: int
    missing: int
    errors: int
    warnings: int
    rows: tuple[StationRow, ...]


@dataclass(frozen=True)
class PlanFinding:
    """A rule 12 finding: a binding plan target missed."""

    plan: Link
    message: str
    severity: str


@dataclass(frozen=True)
class FundRow:
    """Rule 13 for one fund: the quarters owed, and which are missing."""

    fund: Link
    station: Link
    owed: int  # quarters whose deadline has passed
    disclosed: int
    missing: tuple[str, ...]  # '2026年第1季度(截止 2026-04-30)'
    findings: int  # rule 13 findings (missing quarters, negative balance)


@dataclass
class DisclosureView:
    """Context `view` of disclosure.html (disclosure/): one row per county, each linking to the
    county's page of station rows (a province's 34,000 rows on one page were 9 MB); then binding
    plan targets missed (rule 12) and charity fund disclosure (rule 13)."""

    as_of: str
    counties: list[CountyRow]
    total: CountyRow
    max_verified_days: int
    items: list[str]  # the checklist item labels, for the definition on the page
    plan_findings: list[PlanFinding] = field(default_factory=list)
    funds: list[FundRow] = field(default_factory=list)
    fund_due_days: int = 30


@dataclass
class CountyView:
    """Context `view` of disclosure_county.html (disclosure/<county code>/): the county's row and
    one row per station in it."""

    as_of: str
    county: CountyRow
    max_verified_days: int
    items: list[str]  # the checklist item labels, for the definition on the page


@dataclass(frozen=True)
class LateRow:
    project: Link
    stations: tuple[Link, ...]
    report: str
    due: str
    published: str
    status: str  # late | missing
    status_text: str
    symbol: str


@dataclass
class LateView:
    """Context `view` of late_reports.html (disclosure/late/)."""

    as_of: str
    rows: list[LateRow]
    late: int
    missing: int
    deadlines: str  # the deadlines in force, in words
    funds: list[FundRow] = field(default_factory=list)  # charity funds with missing quarters (rule 13)


def _station_row(ctx: Context, sid: str, items: list[ChecklistItem]) -> StationRow:
    p = ctx.p
    done, total = completeness(items)
    found = len(ctx.findings.get(sid, [])) + sum(
        len(ctx.findings.get(x, [])) for x in p.projects_by_station.get(sid, []))
    gaps = "、".join(i.label for i in items if i.status == "missing") or "—"
    return StationRow(ctx.station_link(sid), p.stations[sid].level, done, total, percent(done, total),
                      gaps, found)


def _county_row(ctx: Context, code: str, rows: list[StationRow], pids: list[str],
                due: Mapping[str, list[DueReport]], sids: list[str], keep_rows: bool = True) -> CountyRow:
    done, total = sum(r.done for r in rows), sum(r.total for r in rows)
    return _row(ctx, code, (len(rows), done, total), pids, due, sids, tuple(rows) if keep_rows else ())


def _row(ctx: Context, code: str, counts: tuple[int, int, int], pids: list[str], due: Mapping[str, list[DueReport]],
         sids: list[str], rows: tuple[StationRow, ...]) -> CountyRow:
    """A county's row ("": the total) from its (stations, items public, items applicable)."""
    p = ctx.p
    owed = [d for x in pids for d in due[x]]
    found = [f for s in [*sids, *pids] for f in ctx.findings.get(s, [])]
    errors, warnings = severity_counts(found)
    stations, done, total = counts
    region = p.regions.get(code)
    return CountyRow(code, region.name if region else "合计", ctx.region_link(code) if region else None,
                     Link(f"{region.name}信息公开", urls.disclosure_county(code)) if region else None,
                     stations, done, total, percent(done, total),
                     sum(1 for d in owed if d.status == "late"), sum(1 for d in owed if d.status == "missing"),
                     errors, warnings, rows)


def _portal_county_row(ctx: Context, code: str, sids: list[str], pids: list[str],
                       due: Mapping[str, list[DueReport]], params: Mapping[str, Mapping[str, Any]]) -> CountyRow:
    """The county's row on the portal's page, without its stations' rows. It is derived only from
    what the county's own disclosure page reads (pages/inputs.py), so the build keeps it under
    that page's inputs: the checklists of a province's 34,000 stations took a second of every
    incremental build."""
    def make() -> tuple[Any, ...]:
        rows = [_station_row(ctx, sid, checklist_for(ctx.p, sid, due, params)) for sid in sids]
        return astuple(_county_row(ctx, code, rows, pids, due, sids, keep_rows=False))
    code, name, link, page, stations, done, total, share, late, missing, errors, warnings, _ = ctx.remembered(
        "portal row", "disclosure_county", code, make)
    return CountyRow(code, name, Link(*link) if link else None, Link(*page) if page else None,
                     stations, done, total, share, late, missing, errors, warnings, ())


def groups(ctx: Context) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """County code -> its stations (by region and id), and -> the projects that serve them; every
    county has an entry, and records above county level count under the portal's region. Computed
    once per build: the portal's page and each county's read them."""
    if "disclosure_groups" not in ctx.once:
        p = ctx.p
        by_group: dict[str, list[str]] = {c: [] for c in county_codes(p)}
        for sid in sorted(p.stations, key=lambda s: (p.stations[s].region, s)):
            by_group[group_of(p, p.stations[sid].region)].append(sid)
        projects_by_group: dict[str, list[str]] = {c: [] for c in by_group}  # one pass, not counties x projects
        for x in sorted(p.projects):
            for c in sorted({group_of(p, p.stations[s].region) for s in p.projects[x].stations}):
                projects_by_group[c].append(x)
        ctx.once["disclosure_groups"] = (by_group, projects_by_group)
    found: tuple[dict[str, list[str]], dict[str, list[str]]] = ctx.once["disclosure_groups"]
    return found


def county_codes(p: Portal) -> list[str]:
    """The counties that have a disclosure page: every county, and the portal's region where
    stations sit above county level (what groups() groups by)."""
    codes = {group_of(p, s.region) for s in p.stations.values()}
    codes |= {c for c, r in p.regions.items() if r.level == "county"}
    return sorted(codes)


# The checklist's items, named on the pages that define the completion rate.
CHECKLIST_LABELS = ("联系方式", "开放时间", "服务内容", "运营机构", "人员配置", "服务项目和协议",
                    *(label for _, label, _ in REPORT_ITEMS), "信息核实")


def portal_view(ctx: Context) -> DisclosureView:
    p = ctx.p
    params, due = params_of(p), schedule(ctx)
    by_group, projects_by_group = groups(ctx)
    counties = [_portal_county_row(ctx, c, sids, projects_by_group[c], due, params) for c, sids in by_group.items()]
    every = [s for sids in by_group.values() for s in sids]
    counts = (len(every), sum(c.done for c in counties), sum(c.total for c in counties))
    total = _row(ctx, "", counts, sorted(p.projects), due, every, ())
    return DisclosureView(p.site.as_of.isoformat(), counties, total,
                          params["verification"]["max_age_days"], list(CHECKLIST_LABELS), plan_findings(ctx), fund_rows(ctx),
                          params["charity_fund_disclosure"]["due_days"])


def county_view(ctx: Context, code: str) -> CountyView:
    p = ctx.p
    params, due = params_of(p), schedule(ctx)
    by_group, projects_by_group = groups(ctx)
    sids = by_group[code]
    rows = [_station_row(ctx, sid, checklist_for(p, sid, due, params)) for sid in sids]
    return CountyView(p.site.as_of.isoformat(), _county_row(ctx, code, rows, projects_by_group[code], due, sids),
                      params["verification"]["max_age_days"], list(CHECKLIST_LABELS))


def plan_findings(ctx: Context) -> list[PlanFinding]:
    """Rule 12 findings of every plan, by plan."""
    p = ctx.p
    return [PlanFinding(Link(x.title, urls.plan(x.id)), f.message, f.severity)
            for x in p.plans.values() for f in sorted(ctx.findings.get(f"plan:{x.id}", []))]


def fund_rows(ctx: Context) -> list[FundRow]:
    """Rule 13 for every fund at the as-of date (the schedule of rules/funds.py)."""
    p = ctx.p
    due_days = params_of(p)["charity_fund_disclosure"]["due_days"]
    rows = []
    for fund in p.funds.values():
        qs = [q for q in quarters(fund, p.site.as_of, due_days) if q.status != "open"]
        rows.append(FundRow(Link(fund.name, urls.fund(fund.id)), ctx.station_link(fund.station), len(qs),
                            sum(1 for q in qs if q.status == "disclosed"),
                            tuple(f"{q.label}(截止 {q.due})" for q in qs if q.status == "missing"),
                            len(ctx.findings.get(f"fund:{fund.id}", []))))
    return rows


def late_view(ctx: Context) -> LateView:
    p = ctx.p
    owed = [d for ds in schedule(ctx).values() for d in ds if d.status in ("late", "missing")]
    deadlines = schedule_words(params_of(p))
    owed.sort(key=lambda d: (d.due, d.project, KIND_ORDER[d.kind], d.period))
    rows = [LateRow(link_of_project(p, d.project),
                    tuple(ctx.station_link(s) for s in p.projects[d.project].stations),
                    d.label, d.due.isoformat(), d.published.isoformat() if d.published else "未发布",
                    d.status, d.status_text, d.symbol)
            for d in owed]
    return LateView(p.site.as_of.isoformat(), rows, sum(1 for d in owed if d.status == "late"),
                    sum(1 for d in owed if d.status == "missing"), deadlines,
                    [f for f in fund_rows(ctx) if f.missing])
