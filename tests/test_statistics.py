"""The statistics page on the demo data: coverage, staff, services by year, money; charts with tables."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from sgz_portal.pages import charts, statistics
from sgz_portal.pages.views import Views

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "fixtures" / "sample" / "data"  # a copy of the sample: tests never read data/



@pytest.fixture(scope="module")
def page(views: Views) -> statistics.StatisticsView:
    return statistics.view(views)


@pytest.fixture(scope="module")
def html(demo_site: Path) -> str:
    return (demo_site / "statistics" / "index.html").read_text(encoding="utf-8")


def flat(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_township_coverage(page: statistics.StatisticsView) -> None:
    t = page.township_total
    assert (t.covered, t.total, t.percent) == (13, 16, "81%")
    assert re.findall(r"\d{9}", t.uncovered) == ["990102004", "990103004", "990104004"]
    assert [(r.name, r.covered, r.total) for r in page.townships] == [
        ("东城区", 4, 4), ("西山县", 3, 4), ("南湖区", 3, 4), ("北岭县", 3, 4)]


def test_village_coverage(page: statistics.StatisticsView) -> None:
    t = page.village_total
    assert (t.covered, t.total, t.percent) == (32, 48, "67%")
    assert sum(r.covered for r in page.villages) == 32 and sum(r.total for r in page.villages) == 48


def test_staff(page: statistics.StatisticsView) -> None:
    t = page.staff_total
    assert (t.stations, t.assistant, t.intermediate, t.senior, t.certified) == (50, 51, 14, 3, 68)
    assert (t.volunteers, t.teams) == (1476, 75)
    assert [r.name for r in page.staff] == ["示例市", "东城区", "西山县", "南湖区", "北岭县"]
    assert sum(r.certified for r in page.staff) == 68


def test_services_by_year_count_monthly_briefs_by_period(page: statistics.StatisticsView) -> None:
    expected: dict[int, int] = {}
    for path in sorted((DATA / "projects").glob("*.yaml")):
        for rep in yaml.safe_load(path.read_text(encoding="utf-8")).get("reports", []):
            if rep["type"] == "monthly":
                year = int(str(rep["period"])[:4])
                expected[year] = expected.get(year, 0) + rep.get("stats", {}).get("beneficiaries", 0)
    got = {y.year: y.values[3] for y in page.years}
    assert got == expected == {2025: 4062, 2026: 6536}
    assert [(y.year, y.briefs) for y in page.years] == [(2025, 12), (2026, 24)]


def test_money_by_county(page: statistics.StatisticsView) -> None:
    rows = {r.name: r for r in page.money}
    assert (rows["东城区"].projects, rows["东城区"].amount_text) == (2, "750,000 元")
    assert rows["北岭县"].by_status == "筹备中 1"
    assert (page.money_total.projects, page.money_total.amount_text) == (5, "1,540,000 元")


def test_charts_are_accessible_static_and_deterministic(views: Views, page: statistics.StatisticsView) -> None:
    again = statistics.view(views)
    for name in ("township_chart", "village_chart", "certified_chart", "volunteer_chart", "years_chart",
                 "money_chart"):
        svg = str(getattr(page, name))
        assert svg == str(getattr(again, name))
        cid = re.search(r'aria-labelledby="([\w-]+)-t \1-d"', svg).group(1)
        assert svg.startswith('<svg class="sgz-chart" role="img"')
        assert f'<title id="{cid}-t">' in svg and f'<desc id="{cid}-d">' in svg
        assert re.findall(r"https?://[^\"]*", svg) == ["http://www.w3.org/2000/svg"]  # namespace only
        assert "<script" not in svg
    assert "东城区:4/4(100%);西山县:3/4(75%)" in str(page.township_chart)


def test_chart_escapes_labels() -> None:
    svg = str(charts.hbar("c", "<t>", [charts.Bar("<b>&", 1, "1 个")]))
    assert "<b>" not in svg and "&lt;b&gt;&amp;" in svg and "&lt;t&gt;" in svg


def test_statistics_page_rendered(html: str) -> None:
    t = flat(html)
    assert "数据截至 2026-10-31" in t
    assert "乡镇(街道)社会工作服务站:13/16(81%)" in t
    assert "村(社区)社会工作服务室:32/48(67%)" in t
    assert "合计 16 13 81% 龙潭乡(990102004)、白鹭镇(990103004)、青冈乡(990104004)" in t
    assert "西山县 4 3 75% 龙潭乡(990102004)" in t
    assert "合计 48 32 67%" in t
    assert "持证社会工作者:68 名" in t and "合计 50 51 14 3 68" in t
    assert "志愿者:1476 名,志愿服务队 75 支" in t
    assert "2025年 12 138 36 71 4,062 1,516" in t and "2026年 24 179 66 133 6,536 2,425" in t
    assert "按月简报所属月份的年份归入年度" in t
    assert "合同金额合计:1,540,000 元(5 个项目)" in t
    charts_found = list(re.finditer(r'<svg class="sgz-chart" role="img".*?</svg>', html, re.S))
    assert len(charts_found) == 6
    for m in charts_found:  # every chart is followed by a table of the same numbers
        assert re.match(r"<table( data-cards)?>", html[m.end():].lstrip())
