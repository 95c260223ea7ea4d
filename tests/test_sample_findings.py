"""The bundled sample data, judged at its fixed as-of date (2026-10-31), gives exactly
the findings it was designed to give: one complete project with none, one missing
monthly brief, one late self-assessment, barred expenditure categories, a
non-standard station name and an outside operator rated below 3A; the talent plan's binding
township-coverage target for 2025 missed (rule 12) and one charity fund's missing quarter (rule 13)."""
from __future__ import annotations

from sgz_portal.pages.views import Views

EXPECTED = [
    ("R01_name_branding", "beiling-maan", "data/stations/beiling.yaml", 200, "stations[7].name"),
    ("R02_township_staffing", "xishan-yunwu", "data/stations/xishan.yaml", 251, "stations[8].staff"),
    ("R04_outside_operator_rating", "beiling-songlin", "data/stations/beiling.yaml", 129,
     "stations[4].operator"),
    ("R06_monthly_brief_missing", "nanhu-hubin-2026", "data/projects/nanhu-hubin-2026.yaml", 34, "reports"),
    ("R07_self_assessment_late", "xishan-shimen-2026", "data/projects/xishan-shimen-2026.yaml", 80,
     "reports[5].published"),
    ("R09_barred_category", "xishan-shimen-2026", "data/projects/xishan-shimen-2026.yaml", 121,
     "expenditures[4].category"),
    ("R09_barred_category", "xishan-shimen-2026", "data/projects/xishan-shimen-2026.yaml", 122,
     "expenditures[5].category"),
    ("R10_verification", "nanhu-xinqiao-changgang", "data/stations/nanhu.yaml", 351, "stations[11].verified"),
    ("R10_verification", "xishan-shuanghe", "data/stations/xishan.yaml", 153, "stations[4].verified"),
    ("R12_plan_target_missed", "plan:shi-talent-14th", "data/plans/talent-14th.yaml", 15,
     "indicators[0].targets"),
    ("R13_fund_quarter_missing", "fund:hubin-fund", "data/resources.yaml", 42, "charity_funds[1].ledger"),
]


def test_exact_findings_on_the_sample_data(demo_views: Views) -> None:
    found = sorted(((i.code, i.subject, i.file, i.line, i.path) for f in demo_views.findings.values() for i in f),
                   key=lambda t: (t[0], t[1], t[3]))
    assert found == sorted(EXPECTED, key=lambda t: (t[0], t[1], t[3]))


def test_the_completed_project_has_no_finding(demo_views: Views) -> None:
    assert demo_views.p.projects["dongcheng-qingshi-2025"].status == "completed"
    assert "dongcheng-qingshi-2025" not in demo_views.findings


def test_messages_name_the_gap_in_chinese(demo_views: Views) -> None:
    messages = {i.code: i.message for f in demo_views.findings.values() for i in f}
    assert messages["R06_monthly_brief_missing"] == "2026-05 月简报未发布(截止日 2026-06-15)"
    assert messages["R07_self_assessment_late"] == "2026-H1 自评报告于 2026-08-20 发布,晚于截止日 2026-07-30"
    assert messages["R04_outside_operator_rating"].startswith("外地运营机构“")
    assert "2A" in messages["R04_outside_operator_rating"]
    assert messages["R01_name_branding"].startswith("站点名称应以“社会工作服务站”结尾")
    assert messages["R12_plan_target_missed"] == (
        "约束性指标“乡镇(街道)社会工作服务站覆盖率”2025 年目标为不低于 100%,"
        "实际为 81.3%(2026 年,平台数据计算),未达到目标")
    assert messages["R13_fund_quarter_missing"] == "2026年第1季度的收支未公开(应在 2026-04-30 前公开)"
