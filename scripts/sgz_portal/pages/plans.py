"""Plan page (plans/<id>/): each indicator's targets beside where things stand.

The figures come from rules/measures.py (the computed measures and the
standing against the next target), the same functions rule 12 judges by, so
the page and the disclosure findings cannot disagree. Each indicator gets a
bar chart (baseline, actual, target) followed by a table of the same numbers,
and each computed indicator a note saying how it is computed and what counted.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from markupsafe import Markup

from sgz_portal.data import urls
from sgz_portal.data.issues import Issue
from sgz_portal.data.model import Plan, PlanIndicator, Station, YearValue
from sgz_portal.data.urls import Link
from sgz_portal.data.words import PARTY_WORDS
from sgz_portal.pages.charts import Bar, hbar
from sgz_portal.pages.context import Context
from sgz_portal.pages.disclosure import group_of
from sgz_portal.rules import measures
from sgz_portal.rules.measures import COMPARISON_WORDS, KIND_WORDS, MEASURES, Counted, Standing

STATUS_SYMBOLS = {"met": "✓", "on_track": "○", "behind": "✗", "pending": "—", "no_data": "—"}
PERCENT_UNITS = ("%",)


def figure(value: float) -> str:
    """12 -> '12', 81.25 -> '81.25', 1.70 -> '1.7'; thousands separated."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def with_unit(value: float, unit: str) -> str:
    return f"{figure(value)}{unit}" if unit in ("%", "‰") else f"{figure(value)} {unit}".strip()


@dataclass(frozen=True)
class ChartRow:
    stage: str  # 基期值 | 实际值 | 目标值
    year: int
    value: str


@dataclass(frozen=True)
class MethodRow:
    name: str
    link: Link | None
    value: str


@dataclass(frozen=True)
class Method:
    """How one computed indicator is computed, and what counted (anchor `measure-<indicator id>`)."""

    anchor: str
    indicator: str
    measure: str  # the measure's code, e.g. township_coverage
    title: str
    how: str
    result: str  # e.g. '13 ÷ 16 × 100 = 81.3%'
    heading: str  # the table's first column heading
    rows: list[MethodRow]
    more: Link | None  # the page with the full breakdown


@dataclass(frozen=True)
class IndicatorCard:
    id: str
    name: str
    kind: str  # binding | expected
    kind_word: str
    unit: str
    comparison: str  # 不低于 / 不高于 / 等于
    baseline: str
    targets: list[tuple[int, str]]
    reported: list[tuple[int, str, str]]  # year, value, source
    computed: str  # the computed value with its year, or '' for reported indicators
    method: str  # anchor of its Method, or ''
    current: str  # the value judged, with its year
    next_target: str
    expected: str  # where a straight line would be, or ''
    status: str
    status_word: str
    symbol: str
    chart: Markup
    chart_rows: list[ChartRow]


@dataclass
class PlanView:
    """Context `view` of plan.html (plans/<id>/)."""

    plan: Plan
    title: str
    source: str
    region: Link
    period: str
    document: Link | None
    as_of: str
    as_of_year: int
    indicators: list[IndicatorCard]
    counts: list[tuple[str, int]]  # status word, number of indicators
    methods: list[Method]
    status_rule: str  # how the status is decided, in words
    findings: list[Issue] = field(default_factory=list)


def status_rule() -> str:
    return ("对照下一个目标(判定年份及以后最早的目标,全部目标年份已过时取最后一个)判断:达到目标为“已达到”;"
            "目标年份已过仍未达到为“进度落后”;目标年份未到时,把基期值到目标值按年份连成直线,"
            "实际值不落后于该直线上同一年份的数值为“进度正常”,否则为“进度落后”;没有基期值无法画线时为“暂无法判断进度”。"
            "计算类指标的实际值是按本平台数据在判定日计算的数值,计入判定日所在年份;上报类指标取最近一年的上报值。")


def _chart(ind: PlanIndicator, st: Standing, chart_id: str) -> tuple[Markup, list[ChartRow]]:
    points: list[tuple[str, YearValue]] = []
    if ind.baseline:
        points.append(("基期值", ind.baseline))
    if st.value:
        points.append(("实际值", st.value))
    points.append(("目标值", st.target))
    rows = [ChartRow(stage, v.year, with_unit(v.value, ind.unit)) for stage, v in points]
    bars = [Bar(f"{r.stage}({r.year}年)", v.value, r.value) for r, (_, v) in zip(rows, points)]
    top = 100.0 if ind.unit in PERCENT_UNITS else None
    return hbar(chart_id, f"{ind.name}:基期、实际和目标", bars, maximum=top), rows


def _card(ctx: Context, plan: Plan, ind: PlanIndicator) -> IndicatorCard:
    p = ctx.p
    st = measures.standing(p, plan, ind)
    computed = ""
    if ind.measure:
        value = measures.compute(p, plan, ind.measure).value
        computed = f"{with_unit(value, ind.unit)}({p.site.as_of.year} 年,截至 {p.site.as_of})"
    chart, rows = _chart(ind, st, f"chart-{ind.id}")
    return IndicatorCard(
        id=ind.id, name=ind.name, kind=ind.kind, kind_word=KIND_WORDS[ind.kind], unit=ind.unit,
        comparison=COMPARISON_WORDS[ind.comparison],
        baseline=f"{with_unit(ind.baseline.value, ind.unit)}({ind.baseline.year} 年)" if ind.baseline else "未填写",
        targets=[(t.year, with_unit(t.value, ind.unit)) for t in ind.targets],
        reported=[(a.year, with_unit(a.value, ind.unit), a.source or "") for a in ind.actual],
        computed=computed, method=f"measure-{ind.id}" if ind.measure else "",
        current=f"{with_unit(st.value.value, ind.unit)}({st.value.year} 年)" if st.value else "暂无数据",
        next_target=f"{st.target.year} 年{COMPARISON_WORDS[ind.comparison]} {with_unit(st.target.value, ind.unit)}",
        expected=with_unit(st.expected, ind.unit) if st.expected is not None else "",
        status=st.status, status_word=st.word, symbol=STATUS_SYMBOLS[st.status],
        chart=chart, chart_rows=rows,
    )


def _result(counted: Counted, unit: str) -> str:
    if counted.denominator is not None:
        return f"{counted.numerator} ÷ {counted.denominator} × 100 = {with_unit(counted.value, unit)}"
    return with_unit(counted.value, unit)


def _by_county(ctx: Context, counted: Counted, value_of: Callable[[str], int]) -> list[MethodRow]:
    """Station-based measures: the counted stations' figure summed per county."""
    p = ctx.p
    sums: dict[str, tuple[int, int]] = {}
    for sid in counted.station_ids:
        code = group_of(p, p.stations[sid].region)
        n, total = sums.get(code, (0, 0))
        sums[code] = (n + 1, total + value_of(sid))
    return [MethodRow(p.regions[c].name, ctx.region_link(c), f"{total}({n} 个站点)")
            for c, (n, total) in sorted(sums.items())]


STAFF_FIELDS: dict[str, Callable[[Station], int]] = {
    "social_workers": lambda s: s.staff.full_time + s.staff.part_time,
    "certified_social_workers": lambda s: s.staff.certified,
    "volunteers": lambda s: s.staff.volunteers,
    "volunteer_teams": lambda s: s.staff.volunteer_teams,
}


def _method_rows(ctx: Context, measure: str, counted: Counted) -> tuple[str, list[MethodRow], Link | None]:
    p = ctx.p
    if measure in ("township_coverage", "village_coverage"):
        rows = [MethodRow(p.regions[c].name, ctx.region_link(c), "尚未建站") for c in counted.missing]
        return "尚未建站的区划", rows, Link("统计数据:站点覆盖率", "statistics/#cov-h")
    if measure in STAFF_FIELDS:
        rows = _by_county(ctx, counted, lambda sid: STAFF_FIELDS[measure](p.stations[sid]))
        return "区县", rows, Link("统计数据:社会工作人员", "statistics/#staff-h")
    if measure == "community_orgs":
        def founded(sid: str) -> int:
            dates = [p.community_orgs[o].since for o in p.orgs_by_station.get(sid, [])]
            return sum(1 for d in dates if d is None or d <= p.site.as_of)
        return "区县", _by_county(ctx, counted, founded), Link("五社联动资源", urls.RESOURCES)
    if measure == "agencies_rated_3a":
        rows = [MethodRow(a.name, Link(a.name, urls.agency(a.id)), a.rating or "未评级")
                for a in p.agencies.values()]
        return "运营机构(评估等级)", rows, Link("运营机构", "agencies/")
    rows = [MethodRow(a.name, Link(a.name, urls.agency(a.id)),
                      PARTY_WORDS.get(a.party_org or "", "未填写")) for a in p.agencies.values()]
    return "运营机构(党组织覆盖情况)", rows, Link("运营机构", "agencies/")


def _method(ctx: Context, plan: Plan, ind: PlanIndicator) -> Method:
    measure = ind.measure or ""
    counted = measures.compute(ctx.p, plan, measure)
    title, how = MEASURES[measure]
    heading, rows, more = _method_rows(ctx, measure, counted)
    region = ctx.p.regions[plan.region].name
    how = f"{how}规划区划:{region}及其下辖区划;只计成立(设立)日期不晚于判定日 {ctx.p.site.as_of} 的站点。" \
        if measure not in ("agencies_rated_3a", "party_org_coverage") else how
    return Method(f"measure-{ind.id}", ind.name, measure, title, how, _result(counted, ind.unit), heading, rows, more)


def _doc(path: str | None) -> Link | None:
    return Link("规划文本", urls.attachment(path), PurePosixPath(path).suffix.lstrip(".").upper()) if path else None


def view(ctx: Context, plan_id: str) -> PlanView:
    p = ctx.p
    plan = p.plans[plan_id]
    cards = [_card(ctx, plan, ind) for ind in plan.indicators]
    counts = [(word, sum(1 for c in cards if c.status == key)) for key, word in measures.STATUS_WORDS.items()]
    return PlanView(
        plan=plan, title=plan.title, source=plan.source_document, region=ctx.region_link(plan.region),
        period=f"{plan.start}—{plan.end} 年", document=_doc(plan.document), as_of=p.site.as_of.isoformat(),
        as_of_year=p.site.as_of.year, indicators=cards, counts=[(w, n) for w, n in counts if n],
        methods=[_method(ctx, plan, ind) for ind in plan.indicators if ind.measure],
        status_rule=status_rule(), findings=ctx.findings.get(f"plan:{plan.id}", []),
    )


def plan_links(ctx: Context) -> list[Link]:
    """Every plan, for the home and statistics pages."""
    return [Link(x.title, urls.plan(x.id), f"{x.start}—{x.end} 年 · {len(x.indicators)} 项指标")
            for x in ctx.p.plans.values()]
