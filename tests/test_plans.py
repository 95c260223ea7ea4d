"""Plans (data/plans/*.yaml) and 五社联动 resources (data/resources.yaml): the computed measures
against hand-counted data, an indicator's standing, rules 12 and 13 at chosen as-of dates with
exact findings, and validation of the new files (FILE:LINE, Chinese, suggestions for misspelt ids).

The data is the small fixture (tests/fixtures/minimal) plus what `world()` adds, counted by hand:
- regions under the city: 2 townships (小市街道 with station xs, 新桥镇 without) and 3 villages
  (桂圆林社区 with station gyl; 新村社区 and 石桥村 without; 石桥村 gets a station `sq` established
  2025-07-01, after the as-of date 2025-06-30, so it does not count yet);
- staff at the as-of date: city 2+0, dq 4+0, xs 3+1, gyl 1+0 -> 11 social workers;
  certified 2 + 4 + 3 + 1 = 10; volunteers 45; volunteer teams 2 (all at xs);
- agencies: xinyuan 4A (party_org not given), a2 3A own, a3 2A none, a4 unrated joint;
- community organisations: o1 (xs, since 2024), o2 (gyl, no date), o3 (xs, since 2025-08-01: later).
"""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from sgz_portal import cli
from sgz_portal.pipeline import prepare
from sgz_portal.rules import measures
from sgz_portal.rules.funds import quarters, running_balance
from sgz_portal.site.build import grouped

FIXTURE = Path(__file__).parent / "fixtures" / "minimal" / "data"
ROOT = Path(__file__).resolve().parents[1]

REGIONS = """  - {code: "990101002", name: 新桥镇, level: township, parent: "990101", kind: 镇}
  - {code: "990101001002", name: 新村社区, level: village, parent: "990101001", kind: 社区}
  - {code: "990101002001", name: 石桥村, level: village, parent: "990101002", kind: 村}
"""
AGENCIES = """  - {id: a2, name: 测试市同心社会工作服务中心, uscc: 52510500MJQ22222XN, rating: 3A, rating_year: 2024, local: true, party_org: own}
  - {id: a3, name: 测试市启航社会工作服务中心, uscc: 52510500MJQ33333XY, rating: 2A, rating_year: 2024, local: true, party_org: none}
  - {id: a4, name: 测试市邻里社会工作服务中心, uscc: 52510500MJQ44444X7, local: true, party_org: joint}
"""
LATE_STATION = """  - id: sq
    name: 东区新桥镇石桥村社会工作服务室
    level: village
    parent: xs
    region: "990101002001"
    address: 石桥村党群服务中心
    phone: ["0830-3999999"]
    complaint_phone: "0830-12345"
    hours:
      - {days: [mon], open: "09:00", close: "12:00"}
    established: 2025-07-01
    operator: xinyuan
    staff: {full_time: 5, certified: {assistant: 5}, volunteers: 100, volunteer_teams: 3}
    services: [elderly-visit]
    verified: 2025-06-01
"""
PLAN = """id: city-plan
title: 测试市社会工作“十四五”指标
source: 《测试市社会工作发展规划》
region: "990100"
period: {start: 2021, end: 2025}
indicators:
  - {id: towns, name: 乡镇覆盖率, unit: "%", kind: binding, measure: township_coverage, baseline: {year: 2020, value: 0}, targets: [{year: 2025, value: 100}]}
  - {id: villages, name: 村社区覆盖率, unit: "%", kind: expected, measure: village_coverage, targets: [{year: 2025, value: 30}]}
  - {id: workers, name: 社会工作人员, unit: 名, kind: binding, measure: social_workers, baseline: {year: 2020, value: 5}, targets: [{year: 2024, value: 12}, {year: 2026, value: 20}]}
  - {id: certified, name: 持证社工, unit: 名, kind: expected, measure: certified_social_workers, targets: [{year: 2025, value: 10}]}
  - {id: volunteers, name: 志愿者, unit: 名, kind: expected, measure: volunteers, targets: [{year: 2025, value: 40}]}
  - {id: teams, name: 志愿服务队, unit: 支, kind: expected, measure: volunteer_teams, targets: [{year: 2025, value: 2}]}
  - {id: orgs, name: 社区社会组织, unit: 个, kind: expected, measure: community_orgs, targets: [{year: 2025, value: 2}]}
  - {id: rated, name: 3A以上机构, unit: 家, kind: binding, measure: agencies_rated_3a, targets: [{year: 2025, value: 2}]}
  - {id: party, name: 党组织覆盖率, unit: "%", kind: expected, measure: party_org_coverage, targets: [{year: 2025, value: 100}]}
  - {id: exam, name: 考试通过人数, unit: 名, kind: binding, targets: [{year: 2024, value: 750}], actual: [{year: 2024, value: 690, source: 2024年考试合格名单}]}
  - {id: ratio, name: 每千人社工数, unit: "‰", kind: expected, targets: [{year: 2024, value: 1.7}], actual: [{year: 2024, value: 1.2}]}
"""
TOWN_PLAN = """id: xs-plan
title: 小市街道社会工作指标
source: 《小市街道工作方案》
region: "990101001"
period: {start: 2025, end: 2027}
indicators:
  - {id: towns, name: 乡镇覆盖率, unit: "%", kind: binding, measure: township_coverage, targets: [{year: 2025, value: 100}]}
  - {id: villages, name: 村社区覆盖率, unit: "%", kind: expected, measure: village_coverage, baseline: {year: 2024, value: 0}, targets: [{year: 2026, value: 100}]}
  - {id: workers, name: 社会工作人员, unit: 名, kind: expected, measure: social_workers, targets: [{year: 2027, value: 5}]}
"""
RESOURCES = """community_orgs:
  - {id: o1, name: 小市街道银发互助会, station: xs, kind: mutual_aid, status: filed, members: 36, since: 2024-05-01}
  - {id: o2, name: 桂圆林社区文艺队, station: gyl, kind: culture, status: registered}
  - {id: o3, name: 小市街道读书会, station: xs, kind: culture, status: filed, since: 2025-08-01}
volunteer_teams:
  - {id: t1, name: 小市街道志愿服务队, station: xs, members: 45, hours_last_year: 1200}
charity_funds:
  - id: f1
    name: 小市街道社区慈善基金
    station: xs
    host: 测试市慈善总会
    established: 2025-01-10
    ledger:
      - {date: 2025-03-31, income: 5000, expense: 1000, note: 一季度募集}
      - {date: 2025-10-20, income: 2000, expense: 3000, note: 三季度助学}
      - {date: 2025-12-31, income: 0, expense: 4000, note: 四季度慰问}
"""


def world(tmp_path: Path, plan: str = PLAN, resources: str = RESOURCES) -> Path:
    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    for name, extra in (("regions.yaml", REGIONS), ("agencies.yaml", AGENCIES), ("stations.yaml", LATE_STATION)):
        with open(data / name, "a", encoding="utf-8") as f:
            f.write(extra)
    (data / "plans").mkdir()
    (data / "plans" / "city.yaml").write_text(plan, encoding="utf-8")
    (data / "plans" / "town.yaml").write_text(TOWN_PLAN, encoding="utf-8")
    (data / "resources.yaml").write_text(resources, encoding="utf-8")
    return data


def ready(data: Path, as_of: str = "2025-06-30"):
    prepared = prepare(data, dt.date.fromisoformat(as_of))
    assert prepared.ok, [str(i) for i in prepared.issues]
    return prepared


# ------------------------------------------------------------------ the computed measures

def test_each_measure_against_hand_counted_data(tmp_path: Path) -> None:
    p = ready(world(tmp_path)).portal
    city, town = p.plans["city-plan"], p.plans["xs-plan"]
    value = {m: measures.compute(p, city, m) for m in measures.MEASURES}
    assert (value["township_coverage"].numerator, value["township_coverage"].denominator) == (1, 2)
    assert value["township_coverage"].value == 50.0
    assert value["township_coverage"].missing == ("990101002",)
    assert (value["village_coverage"].numerator, value["village_coverage"].denominator) == (1, 3)
    assert value["village_coverage"].value == 33.3  # 1/3, one decimal
    assert value["social_workers"].value == 11
    assert value["certified_social_workers"].value == 10
    assert value["volunteers"].value == 45
    assert value["volunteer_teams"].value == 2
    assert value["community_orgs"].value == 2  # o3 was founded after the as-of date
    assert value["agencies_rated_3a"].value == 2  # xinyuan 4A, a2 3A
    assert (value["party_org_coverage"].numerator, value["party_org_coverage"].denominator) == (2, 4)
    assert value["party_org_coverage"].value == 50.0  # a2 own, a4 joint; not given counts as not covered
    assert "sq" not in value["social_workers"].station_ids  # established after the as-of date
    # a plan of one township counts only what lies inside it
    assert measures.compute(p, town, "township_coverage").value == 100.0
    assert measures.compute(p, town, "village_coverage").value == 50.0  # 桂圆林 yes, 新村 no
    assert measures.compute(p, town, "social_workers").value == 5  # xs 3+1, gyl 1


def test_a_station_counts_from_its_established_date(tmp_path: Path) -> None:
    p = ready(world(tmp_path), "2025-07-01").portal
    city = p.plans["city-plan"]
    assert measures.compute(p, city, "village_coverage").value == 66.7  # 2/3: 石桥村 now has sq
    assert measures.compute(p, city, "social_workers").value == 16
    assert measures.compute(p, city, "volunteer_teams").value == 5


def test_percentages_round_half_up() -> None:
    assert measures._pct(13, 16) == 81.3 and measures._pct(1, 8) == 12.5 and measures._pct(0, 0) == 0.0


def test_standing_against_the_next_target(tmp_path: Path) -> None:
    p = ready(world(tmp_path)).portal
    city, town = p.plans["city-plan"], p.plans["xs-plan"]
    by_id = {i.id: measures.standing(p, city, i) for i in city.indicators}
    # township coverage: 50 in 2025 against 100 in 2025; straight line from 0 (2020) gives 100
    assert (by_id["towns"].status, by_id["towns"].expected) == ("behind", 100.0)
    assert by_id["villages"].status == "met"  # 33.3 >= 30
    # workers: next target is 2026's 20 (2024 has passed); line 5 (2020) -> 20 (2026): 17.5 in 2025
    assert by_id["workers"].target.year == 2026
    assert (by_id["workers"].status, by_id["workers"].expected) == ("behind", 17.5)
    assert by_id["exam"].status == "behind"  # 2024's target has passed, 690 < 750
    assert by_id["orgs"].status == "met"
    town_by_id = {i.id: measures.standing(p, town, i) for i in town.indicators}
    # villages: line 0 (2024) -> 100 (2026) gives 50 in 2025: 50 is on track
    assert (town_by_id["villages"].status, town_by_id["villages"].expected) == ("on_track", 50.0)
    assert town_by_id["workers"].status == "met"


# ------------------------------------------------------------------ rule 12

def _r12(prepared) -> list[tuple[str, str, int, str, str]]:
    return [(i.subject, i.file, i.line, i.path, i.message) for i in prepared.issues if i.code.startswith("R12")]


def test_rule_12_binding_targets_whose_year_has_ended(tmp_path: Path) -> None:
    data = world(tmp_path)
    assert _r12(ready(data, "2025-06-30")) == [
        ("plan:city-plan", "data/plans/city.yaml", 9, "indicators[2].targets",
         "约束性指标“社会工作人员”2024 年目标为不低于 12 名,实际为 11 名(2025 年,平台数据计算),未达到目标"),
        ("plan:city-plan", "data/plans/city.yaml", 16, "indicators[9].targets",
         "约束性指标“考试通过人数”2024 年目标为不低于 750 名,实际为 690 名(2024 年,2024年考试合格名单),未达到目标"),
    ]
    # 2025's targets are judged once 2025 has ended: township coverage (binding) misses 100%;
    # the expected ones never give a finding; the town plan's township target is met. A computed
    # value is the figure at the as-of date: by 2026 station sq counts, 16 workers meet 2024's 12.
    found = _r12(ready(data, "2026-01-01"))
    assert [(f[0], f[3]) for f in found] == [
        ("plan:city-plan", "indicators[0].targets"), ("plan:city-plan", "indicators[9].targets")]
    assert found[0][4] == "约束性指标“乡镇覆盖率”2025 年目标为不低于 100%,实际为 50%(2026 年,平台数据计算),未达到目标"
    assert all(i.severity == "warning" for i in ready(data).issues if i.code.startswith("R12"))


def test_rule_12_severity_from_rules_yaml(tmp_path: Path) -> None:
    data = world(tmp_path)
    (data / "rules.yaml").write_text("rules:\n  plan_targets: {severity: error}\n", encoding="utf-8")
    prepared = prepare(data, dt.date(2025, 6, 30))
    assert not prepared.ok
    assert {i.severity for i in prepared.issues if i.code.startswith("R12")} == {"error"}


# ------------------------------------------------------------------ rule 13

def _r13(data: Path, as_of: str) -> list[tuple[str, int, str, str]]:
    return [(i.code, i.line, i.path, i.message) for i in ready(data, as_of).issues if i.code.startswith("R13")]


def test_rule_13_quarters_at_chosen_dates(tmp_path: Path) -> None:
    data = world(tmp_path)
    # Q1 2025 disclosed on 03-31; Q2 is due 2025-07-30 (inclusive): not missing on its due day
    assert _r13(data, "2025-07-30") == []
    assert _r13(data, "2025-07-31") == [
        ("R13_fund_quarter_missing", 13, "charity_funds[0].ledger", "2025年第2季度的收支未公开(应在 2025-07-30 前公开)")]
    # Q3 2025 is covered by 2025-10-20 (within 30 days after 09-30); Q4 by 12-31;
    # the balance goes 4000 -> 3000 -> -1000 on 2025-12-31
    assert _r13(data, "2026-02-01") == [
        ("R13_fund_quarter_missing", 13, "charity_funds[0].ledger", "2025年第2季度的收支未公开(应在 2025-07-30 前公开)"),
        ("R13_fund_negative_balance", 16, "charity_funds[0].ledger[2]", "2025-12-31 公开后累计结余为 -1000 元,结余不能为负数"),
    ]
    # Q1 2026 has no entry: missing once 2026-04-30 has passed
    assert [m[3] for m in _r13(data, "2026-05-01") if m[0] == "R13_fund_quarter_missing"] == [
        "2025年第2季度的收支未公开(应在 2025-07-30 前公开)", "2026年第1季度的收支未公开(应在 2026-04-30 前公开)"]


def test_rule_13_deadline_from_rules_yaml(tmp_path: Path) -> None:
    data = world(tmp_path)
    (data / "rules.yaml").write_text("rules:\n  charity_fund_disclosure: {due_days: 10}\n", encoding="utf-8")
    assert [m[3] for m in _r13(data, "2025-07-11")] == ["2025年第2季度的收支未公开(应在 2025-07-10 前公开)"]


def test_quarters_and_balance(tmp_path: Path) -> None:
    fund = ready(world(tmp_path)).portal.funds["f1"]
    qs = quarters(fund, dt.date(2026, 2, 1))
    assert [(q.key, q.status) for q in qs] == [("2025-Q1", "disclosed"), ("2025-Q2", "missing"),
                                               ("2025-Q3", "disclosed"), ("2025-Q4", "disclosed"),
                                               ("2026-Q1", "open")]
    assert [(q.income, q.expense) for q in qs] == [(5000, 1000), (0, 0), (0, 0), (2000, 7000), (0, 0)]
    assert [b for _, b in running_balance(fund)] == [4000, 3000, -1000]


# ------------------------------------------------------------------ validation of the new files

def _errors(data: Path) -> list[str]:
    return [str(i) for i in prepare(data).issues if i.severity == "error"]


def test_misspelt_ids_are_located_and_a_fix_suggested(tmp_path: Path) -> None:
    resources = RESOURCES.replace("station: gyl, kind: culture", "station: gy1, kind: culture")
    resources = resources.replace("    station: xs\n    host:", "    station: xss\n    host:")
    data = world(tmp_path, PLAN.replace('region: "990100"', 'region: "990110"'), resources)
    assert _errors(data) == [
        "data/plans/city.yaml:4: region: 找不到区划“990110”,是否应为“990101”?",
        "data/resources.yaml:3: community_orgs[1].station: 找不到站点“gy1”,是否应为“gyl”?",
        "data/resources.yaml:10: charity_funds[0].station: 找不到站点“xss”,是否应为“xs”?",
    ]


def test_shape_order_and_duplicates_in_the_new_files(tmp_path: Path) -> None:
    plan = PLAN.replace("kind: binding, targets: [{year: 2024, value: 750}], actual: [{year: 2024, value: 690, "
                        "source: 2024年考试合格名单}]", "kind: binding, targets: [{year: 2024, value: 750}]")
    plan = plan.replace("measure: volunteers", "measure: volunteer")
    resources = RESOURCES.replace("{id: o3,", "{id: o1,").replace("2025-10-20", "2025-03-01")
    assert _errors(world(tmp_path, plan, resources)) == [
        "data/plans/city.yaml:11: indicators[4].measure: 取值“volunteer”无效,可选值:township_coverage、village_coverage、"
        "social_workers、certified_social_workers、volunteers、volunteer_teams、community_orgs、agencies_rated_3a、"
        "party_org_coverage",
        "data/plans/city.yaml:16: indicators[9].id: 指标“exam”没有计算方法(measure),必须填写上报值(actual)",
        "data/resources.yaml:4: community_orgs[2].id: 编号“o1”重复,已在 data/resources.yaml:2 使用",
        "data/resources.yaml:15: charity_funds[0].ledger[1].date: 公开日期 2025-03-01 早于上一条的 2025-03-31,"
        "收支公开应按日期从早到晚排列",
    ]


def test_personal_information_in_a_ledger_note_stops_the_build(tmp_path: Path) -> None:
    data = world(tmp_path, resources=RESOURCES.replace("note: 三季度助学", "note: 资助 13912345678 家庭"))
    found = [i for i in prepare(data).issues if i.code == "R11_personal_info"]
    assert [(i.file, i.line, i.path, i.subject, i.severity) for i in found] == [
        ("data/resources.yaml", 15, "charity_funds[0].ledger[1].note", "fund:f1", "error")]


def test_the_optional_files_may_be_absent(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    p = ready(data).portal
    assert p.plans == {} and p.community_orgs == {} and p.funds == {}


def test_names_are_escaped_on_the_new_pages(tmp_path: Path) -> None:
    plan = PLAN.replace("name: 乡镇覆盖率", 'name: "乡镇<b>覆盖率</b>"')
    resources = RESOURCES.replace("note: 一季度募集", 'note: "一季度<script>x()</script>募集"')
    data = world(tmp_path, plan, resources)
    site = tmp_path / "site"
    assert cli.build(data, site, ROOT / "mkdocs.yml") == 0
    plan_html = (site / "plans" / "city-plan" / "index.html").read_text(encoding="utf-8")
    fund_html = (site / "funds" / "f1" / "index.html").read_text(encoding="utf-8")
    assert "<b>覆盖率" not in plan_html and "乡镇&lt;b&gt;覆盖率&lt;/b&gt;" in plan_html
    assert "<script>x()" not in fund_html and "一季度&lt;script&gt;x()&lt;/script&gt;募集" in fund_html


def test_check_names_the_plan_and_the_fund_a_finding_is_about(tmp_path: Path) -> None:
    text = grouped(prepare(world(tmp_path), dt.date(2025, 7, 31)))
    assert "【测试市社会工作“十四五”指标】(plan:city-plan)" in text
    assert "【小市街道社区慈善基金】(fund:f1)" in text
