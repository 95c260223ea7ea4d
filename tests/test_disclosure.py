"""The disclosure schedule, station checklists and the 信息公开 pages, on the demo data (as of 2026-10-31).

The schedule (`disclosure.due_reports`) must agree with the rules engine; the
rendered pages must show the concrete figures, not merely exist.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

from sgz_portal.pages import disclosure
from sgz_portal.pages.views import Views
from sgz_portal.rules import judge as rules
from tests.sitetext import page_html, text_of

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "fixtures" / "sample" / "data"  # a copy of the sample: tests never read data/




def text(site: Path, path: str) -> str:
    return text_of(page_html(site, path))


def due(views: Views, pid: str, as_of: dt.date | None = None) -> list[disclosure.DueReport]:
    p = views.p
    return disclosure.due_reports(p.projects[pid], as_of or p.site.as_of, rules.settings(p))


def test_completed_project_has_every_report_on_time(views: Views) -> None:
    slots = due(views, "dongcheng-qingshi-2025")
    assert [(d.kind, d.period) for d in slots if d.kind == "monthly"] == [
        ("monthly", f"2025-{m:02d}") for m in range(1, 13)]
    assert sorted({d.kind for d in slots}) == ["final", "midterm", "monthly", "self_assessment"]
    assert len(slots) == 12 + 2 + 1 + 1
    assert {d.status for d in slots} == {"on_time"}


def test_missing_monthly_brief(views: Views) -> None:
    slots = {(d.kind, d.period): d for d in due(views, "nanhu-hubin-2026")}
    may = slots[("monthly", "2026-05")]
    assert (may.status, may.due, may.report, may.days) == ("missing", dt.date(2026, 6, 15), None, 138)
    assert may.status_text == "未发布(已超期 138 天)"
    assert slots[("monthly", "2026-09")].status == "on_time"
    assert slots[("monthly", "2026-10")].status == "not_due"  # due 2026-11-15
    assert slots[("final", "")].due == dt.date(2027, 3, 1)


def test_late_self_assessment(views: Views) -> None:
    slots = {(d.kind, d.period): d for d in due(views, "xishan-shimen-2026")}
    h1 = slots[("self_assessment", "2026-H1")]
    assert (h1.status, h1.due, h1.published, h1.days) == ("late", dt.date(2026, 7, 30), dt.date(2026, 8, 20), 21)
    assert h1.status_text == "逾期 21 天发布"
    assert slots[("midterm", "")].due == dt.date(2026, 9, 29) and slots[("midterm", "")].status == "on_time"


def test_deadline_is_inclusive(views: Views) -> None:
    on_due_day = {(d.kind, d.period): d.status for d in due(views, "nanhu-hubin-2026", dt.date(2026, 6, 15))}
    day_after = {(d.kind, d.period): d.status for d in due(views, "nanhu-hubin-2026", dt.date(2026, 6, 16))}
    assert on_due_day[("monthly", "2026-05")] == "not_due"
    assert day_after[("monthly", "2026-05")] == "missing"


def test_planned_project_owes_nothing(views: Views) -> None:
    assert due(views, "beiling-lingkou-2027") == []


def test_schedule_agrees_with_rules_engine(views: Views) -> None:
    """Every late or missing slot is exactly one R06-R08 finding with the same due date."""
    kinds = {"R06_monthly_brief": "monthly", "R07_self_assessment": "self_assessment",
             "R08_midterm": "midterm", "R08_final": "final"}
    from_rules = set()
    for subject, found in views.findings.items():
        for f in found:
            prefix, _, status = f.code.rpartition("_")
            if prefix in kinds:
                # the due date is the last date in each R06-R08 message (issues.MESSAGES)
                due_date = re.findall(r"\d{4}-\d{2}-\d{2}", f.message)[-1]
                from_rules.add((subject, kinds[prefix], status, due_date))
    from_schedule = {(d.project, d.kind, d.status, d.due.isoformat())
                     for ds in disclosure.schedule(views).values() for d in ds
                     if d.status in ("late", "missing")}
    assert from_schedule == from_rules == {
        ("nanhu-hubin-2026", "monthly", "missing", "2026-06-15"),
        ("xishan-shimen-2026", "self_assessment", "late", "2026-07-30"),
    }


def items(views: Views, sid: str) -> dict[str, disclosure.ChecklistItem]:
    return {i.key: i for i in disclosure.station_checklist(views, sid)}


def test_station_checklist(views: Views) -> None:
    hubin = items(views, "nanhu-hubin")
    assert list(hubin) == ["contact", "hours", "services", "operator", "staff", "projects", "monthly",
                           "self_assessment", "evaluations", "verified"]
    assert hubin["monthly"].status == "missing" and "月简报 2026-05" in hubin["monthly"].note
    assert "最近一期 2026-09(2026-10-09 发布)" in hubin["monthly"].note
    assert disclosure.summary(list(hubin.values())) == "已公开 9 项,共 10 项(90%)"
    shimen = items(views, "xishan-shimen")
    assert (shimen["self_assessment"].status, shimen["self_assessment"].status_word) == ("late", "逾期")
    shuanghe = items(views, "xishan-shuanghe")
    assert shuanghe["verified"].status == "late" and "已 315 天" in shuanghe["verified"].note
    assert shuanghe["projects"].status == "missing"  # a township station with no published project
    assert "projects" not in items(views, "dongcheng-qingshi-baita")  # village room without a project
    assert "monthly" not in items(views, "beiling-lingkou")  # its project is only planned
    assert all(i.symbol and i.status_word for i in hubin.values())


def test_portal_view_counts(views: Views) -> None:
    page = disclosure.portal_view(views)
    assert page.as_of == "2026-10-31"
    rows = {c.name: c for c in page.counties}
    assert list(rows) == ["示例市", "东城区", "西山县", "南湖区", "北岭县"]
    assert [(rows[n].stations, rows[n].late, rows[n].missing) for n in rows] == [
        (1, 0, 0), (15, 0, 0), (11, 1, 0), (12, 0, 1), (11, 0, 0)]
    assert (rows["西山县"].errors, rows["西山县"].warnings) == (0, 5)
    t = page.total
    assert (t.stations, t.late, t.missing, t.errors, t.warnings) == (50, 1, 1, 0, 9)
    assert t.done == sum(c.done for c in page.counties) and t.total == sum(c.total for c in page.counties)
    assert (rows["南湖区"].done, rows["南湖区"].total, rows["南湖区"].percent) == (75, 78, "96%")  # 96.2%
    assert all(c.rows == () for c in page.counties)  # on each county's page
    assert rows["南湖区"].page.url == "disclosure/" + rows["南湖区"].code + "/"


def test_county_view_has_the_countys_row_and_its_stations(views: Views) -> None:
    overview = {c.code: c for c in disclosure.portal_view(views).counties}
    for code, row in overview.items():
        county = disclosure.county_view(views, code).county
        assert county == dataclasses.replace(row, rows=county.rows)
        assert len(county.rows) == row.stations
    nanhu = next(c for c in overview.values() if c.name == "南湖区")
    rows = disclosure.county_view(views, nanhu.code).county.rows
    hubin = next(r for r in rows if r.link.url == "stations/nanhu-hubin/")
    assert (hubin.done, hubin.total, hubin.percent, hubin.gaps, hubin.findings) == (9, 10, "90%", "月简报", 1)


def test_late_view_lists_every_gap_sorted(views: Views) -> None:
    page = disclosure.late_view(views)
    assert (page.late, page.missing) == (1, 1)
    assert [(r.report, r.due, r.published, r.status) for r in page.rows] == [
        ("月简报 2026-05", "2026-06-15", "未发布", "missing"),
        ("自评报告 2026-H1", "2026-07-30", "2026-08-20", "late"),
    ]
    assert page.rows[0].stations[0].url == "stations/nanhu-hubin/"


def test_disclosure_page_rendered(site: Path, views: Views) -> None:
    t = text(site, "disclosure")
    assert "判定日期: 2026-10-31" in t
    assert "完成率 = (已公开项数 + 逾期项数)÷ 适用的清单项数" in t
    page = disclosure.portal_view(views)
    for c in page.counties:
        assert f"{c.name} {c.stations} {c.percent}({c.done}/{c.total}) {c.late} {c.missing} {c.errors} / {c.warnings}" in t
    tot = page.total
    assert f"合计 50 {tot.percent}({tot.done}/{tot.total}) 1 1 0 / 9" in t
    assert "(1 份逾期,1 份未发布)" in t
    assert "南湖区湖滨街道社会工作服务站 90%" not in t  # the stations' rows are on their county's page
    html = page_html(site, "disclosure")
    assert f'<tr id="county-{page.counties[1].code}">' in html  # the old links to a county's section still land on its row
    nanhu = next(c for c in page.counties if c.name == "南湖区")
    county = text(site, f"disclosure/{nanhu.code}")
    assert "南湖区信息公开" in county and "南湖区湖滨街道社会工作服务站 90%(9/10) 月简报 1" in county
    assert f"南湖区 {nanhu.stations} {nanhu.percent}({nanhu.done}/{nanhu.total}) {nanhu.late} {nanhu.missing}" in county
    xishan = next(c for c in page.counties if c.name == "西山县")
    assert "西山县双河镇社会工作服务站" in text(site, f"disclosure/{xishan.code}")


def test_late_page_rendered(site: Path) -> None:
    t = text(site, "disclosure/late")
    assert "1 份报告逾期发布,1 份应发布而未发布" in t
    first = t.index("2026-06-15 月简报 2026-05 湖滨街道社会工作服务站运营项目(2026年度)")
    second = t.index("2026-07-30 自评报告 2026-H1 石门镇社会工作服务站运营项目(2026—2027年度)")
    assert first < second
    assert "南湖区湖滨街道社会工作服务站 未发布 ✗ 未发布(已超期 138 天)" in t
    assert "西山县石门镇社会工作服务站 2026-08-20 ⚠ 逾期 21 天发布" in t
