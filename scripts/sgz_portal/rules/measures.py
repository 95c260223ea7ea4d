"""Plan indicators against the data: the computed measures, and where an indicator stands.

A plan indicator (data/plans/*.yaml) either has reported values (`actual`) or a
`measure`, computed here from data/ at the as-of date, for the as-of year (the
data is a snapshot: a station established after the as-of date does not count
yet, nor does a community organisation founded after it). Every measure counts
inside the plan's `region` (the region itself and every region below it):

- township_coverage, village_coverage: % of the township (village) regions in the
  plan's region that have a station of that level whose `region` is exactly
  them (the statistics page's definition);
- social_workers: full-time plus part-time staff of the stations in the region;
- certified_social_workers: their certified staff, all three levels;
- volunteers, volunteer_teams: the stations' `staff.volunteers` and
  `staff.volunteer_teams` (the figures the statistics page adds up);
- community_orgs: records in resources.yaml whose station is in the region;
- agencies_rated_3a: agencies in agencies.yaml rated 3A, 4A or 5A (agencies
  have no region: all of them count);
- party_org_coverage: % of agencies whose `party_org` is own, joint or
  instructor (an agency that leaves `party_org` out has not shown coverage).

`standing()` judges an indicator against its next target (the first whose year
is the as-of year or later, else the last): met, on track (at least as far
along as a straight line from the baseline to that target), behind, or not
judged. `target_values()` gives rule 12 the value that counts for each target.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass

from sgz_portal.data.model import Plan, PlanIndicator, Portal, Station, YearValue

# measure -> (Chinese name, how it is computed: shown on the plan page)
MEASURES: dict[str, tuple[str, str]] = {
    "township_coverage": ("乡镇(街道)社工站覆盖率",
                          "规划区划内已建乡镇(街道)社会工作服务站的乡镇(街道)数 ÷ 规划区划内乡镇(街道)总数 × 100。"
                          "站点层级须为乡镇(街道),服务区划正是该乡镇(街道)。"),
    "village_coverage": ("村(社区)社工室覆盖率",
                         "规划区划内已建村(社区)社会工作服务室的村(社区)数 ÷ 规划区划内村(社区)总数 × 100。"
                         "站点层级须为村(社区),服务区划正是该村(社区)。"),
    "social_workers": ("社会工作人员", "规划区划内各站点公开的专职人员与兼职人员人数之和。"),
    "certified_social_workers": ("持证社会工作者",
                                 "规划区划内各站点公开的助理社会工作师、社会工作师、高级社会工作师人数之和。"),
    "volunteers": ("志愿者", "规划区划内各站点公开的志愿者人数之和。"),
    "volunteer_teams": ("志愿服务队", "规划区划内各站点公开的志愿服务队数之和。"),
    "community_orgs": ("社区社会组织", "五社联动资源中合作站点在规划区划内的社区社会组织条数(成立日期晚于判定日的不计)。"),
    "agencies_rated_3a": ("3A 及以上社会工作服务机构", "运营机构名录中评估等级为 3A、4A 或 5A 的机构数。"),
    "party_org_coverage": ("机构党组织覆盖率",
                           "运营机构名录中党组织覆盖情况为单独组建、联合组建或选派党建指导员的机构数 ÷ 机构总数 × 100;"
                           "未填写的按未覆盖计算。"),
}
STATUS_WORDS = {"met": "已达到", "on_track": "进度正常", "behind": "进度落后", "pending": "暂无法判断进度",
                "no_data": "暂无数据"}
KIND_WORDS = {"binding": "约束性", "expected": "预期性"}
COMPARISON_WORDS = {"at_least": "不低于", "at_most": "不高于", "equal": "等于"}
PARTY_COVERED = ("own", "joint", "instructor")


@dataclass(frozen=True)
class Counted:
    """A computed measure: the value and what it was computed from."""

    value: float
    numerator: int
    denominator: int | None  # for percentages
    station_ids: tuple[str, ...]  # the stations counted (empty for agency measures)
    missing: tuple[str, ...]  # region codes not covered (coverage measures)


def in_region(portal: Portal, code: str, top: str) -> bool:
    """True if region `code` is `top` or lies below it."""
    return any(r.code == top for r in portal.region_path(code))


def _stations(portal: Portal, plan: Plan) -> list[Station]:
    as_of = portal.site.as_of
    return [s for _, s in sorted(portal.stations.items())
            if s.established <= as_of and in_region(portal, s.region, plan.region)]


def _pct(numerator: int, denominator: int) -> float:
    """A percentage to one decimal, halves rounded up (13/16 -> 81.3)."""
    return math.floor(numerator * 1000 / denominator + 0.5) / 10 if denominator else 0.0


def _coverage(level: str) -> Callable[[Portal, Plan], Counted]:
    def count(portal: Portal, plan: Plan) -> Counted:
        units = sorted(c for c, r in portal.regions.items() if r.level == level
                       and in_region(portal, c, plan.region))
        stations = [s for s in _stations(portal, plan) if s.level == level and s.region in units]
        covered = {s.region for s in stations}
        return Counted(_pct(len(covered), len(units)), len(covered), len(units),
                       tuple(s.id for s in stations), tuple(u for u in units if u not in covered))
    return count


def _staff(field: Callable[[Station], int]) -> Callable[[Portal, Plan], Counted]:
    def count(portal: Portal, plan: Plan) -> Counted:
        stations = _stations(portal, plan)
        total = sum(field(s) for s in stations)
        return Counted(total, total, None, tuple(s.id for s in stations), ())
    return count


def _community_orgs(portal: Portal, plan: Plan) -> Counted:
    ids = {s.id for s in _stations(portal, plan)}
    orgs = [o for o in portal.community_orgs.values() if o.station in ids
            and (o.since is None or o.since <= portal.site.as_of)]
    return Counted(len(orgs), len(orgs), None, tuple(sorted({o.station for o in orgs})), ())


def _rated(portal: Portal, plan: Plan) -> Counted:
    n = sum(1 for a in portal.agencies.values() if a.rating and a.rating[0] in "345")
    return Counted(n, n, None, (), ())


def _party(portal: Portal, plan: Plan) -> Counted:
    n = sum(1 for a in portal.agencies.values() if a.party_org in PARTY_COVERED)
    return Counted(_pct(n, len(portal.agencies)), n, len(portal.agencies), (), ())


COMPUTE: dict[str, Callable[[Portal, Plan], Counted]] = {
    "township_coverage": _coverage("township"),
    "village_coverage": _coverage("village"),
    "social_workers": _staff(lambda s: s.staff.full_time + s.staff.part_time),
    "certified_social_workers": _staff(lambda s: s.staff.certified),
    "volunteers": _staff(lambda s: s.staff.volunteers),
    "volunteer_teams": _staff(lambda s: s.staff.volunteer_teams),
    "community_orgs": _community_orgs,
    "agencies_rated_3a": _rated,
    "party_org_coverage": _party,
}


def compute(portal: Portal, plan: Plan, measure: str) -> Counted:
    """The value of `measure` for `plan` at the as-of date."""
    return COMPUTE[measure](portal, plan)


def current(portal: Portal, plan: Plan, ind: PlanIndicator) -> YearValue | None:
    """Where the indicator stands: the computed value (as-of year), else the latest reported one."""
    if ind.measure:
        return YearValue(portal.site.as_of.year, compute(portal, plan, ind.measure).value, "平台数据计算")
    return ind.actual[-1] if ind.actual else None


def meets(value: float, target: float, comparison: str) -> bool:
    if comparison == "at_most":
        return value <= target + 1e-9
    if comparison == "equal":
        return abs(value - target) < 1e-9
    return value >= target - 1e-9


def next_target(ind: PlanIndicator, as_of: dt.date) -> YearValue:
    """The first target of the as-of year or later; the last one once all have passed."""
    return next((t for t in ind.targets if t.year >= as_of.year), ind.targets[-1])


@dataclass(frozen=True)
class Standing:
    status: str  # met | on_track | behind | pending | no_data
    value: YearValue | None
    target: YearValue
    expected: float | None  # where a straight line from the start would be in the value's year

    @property
    def word(self) -> str:
        return STATUS_WORDS[self.status]


def standing(portal: Portal, plan: Plan, ind: PlanIndicator) -> Standing:
    """The indicator against its next target (see the module docstring)."""
    as_of = portal.site.as_of
    target = next_target(ind, as_of)
    value = current(portal, plan, ind)
    if value is None:
        return Standing("no_data", None, target, None)
    if meets(value.value, target.value, ind.comparison):
        return Standing("met", value, target, None)
    if target.year < as_of.year:
        return Standing("behind", value, target, None)
    start = ind.baseline or (ind.actual[0] if ind.actual and ind.actual[0].year < value.year else None)
    if start is None or start.year >= target.year:
        return Standing("pending", value, target, None)
    share = min(max((value.year - start.year) / (target.year - start.year), 0.0), 1.0)
    expected = round(start.value + (target.value - start.value) * share, 2)
    rising = target.value >= start.value if ind.comparison == "equal" else ind.comparison == "at_least"
    ok = value.value >= expected - 1e-9 if rising else value.value <= expected + 1e-9
    return Standing("on_track" if ok else "behind", value, target, expected)


def value_for_target(portal: Portal, plan: Plan, ind: PlanIndicator, target: YearValue) -> YearValue:
    """The value a target is judged by (rule 12): the value reported for its year; else the computed
    value; else the latest value reported before that year; else the first one reported after it.
    There always is one: an indicator without a measure must report values (validation)."""
    for v in ind.actual:
        if v.year == target.year:
            return v
    if ind.measure:
        return YearValue(portal.site.as_of.year, compute(portal, plan, ind.measure).value, "平台数据计算")
    earlier = [v for v in ind.actual if v.year < target.year]
    return earlier[-1] if earlier else ind.actual[0]


def ended_targets(ind: PlanIndicator, as_of: dt.date) -> list[YearValue]:
    """Targets whose year has ended by the as-of date."""
    return [t for t in ind.targets if t.year < as_of.year]
