"""The project page on the demo data (as of 2026-10-31): agreement, indicators, the timeline of
reports due, evaluations, money with barred categories, attachments and findings."""
from __future__ import annotations

import re
from pathlib import Path

from sgz_portal.pages import project as projectpage
from sgz_portal.pages.views import Views
from tests.sitetext import page_html, text_of

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "fixtures" / "sample" / "data"  # a copy of the sample: tests never read data/




def html(site: Path, pid: str) -> str:
    return page_html(site, f"projects/{pid}")


flat = text_of


def test_completed_project_every_report_on_time(views: Views) -> None:
    page = projectpage.view(views, "dongcheng-qingshi-2025")
    assert len(page.timeline) == 16
    assert {t.status_text for t in page.timeline} == {"按时发布"}
    assert page.timeline[0].report == "月简报 2025-01" and page.timeline[0].due == "2025-02-15"
    assert page.timeline[0].document.url == "files/dongcheng-qingshi/2025-01.pdf"


def test_indicators_respect_direction(views: Views) -> None:
    rows = {r.name: r for r in projectpage.view(views, "dongcheng-qingshi-2025").indicators}
    complaints = rows["有效投诉率"]  # at_most: 0.5% against a ceiling of 2%
    assert (complaints.target, complaints.actual, complaints.verdict, complaints.symbol) == ("2%", "0.5%", "met", "✓")
    assert "越低越好" in complaints.rule
    assert rows["服务对象满意度"].actual == "95.2%"
    hubin = {r.name: r for r in projectpage.view(views, "nanhu-hubin-2026").indicators}
    assert (hubin["服务对象满意度"].verdict, hubin["服务对象满意度"].verdict_text) == ("not_reported", "尚未报告")
    assert hubin["召开居民议事会"].verdict_text == "尚未达到(项目实施中)"


def test_barred_expenditures(views: Views) -> None:
    page = projectpage.view(views, "xishan-shimen-2026")
    barred = [(e.category, e.amount) for e in page.expenditures if not e.allowed]
    assert barred == [("水电费", "6,000 元"), ("固定资产", "3,500 元")]
    assert page.spending == ("已公开支出合计 146,100 元,占合同金额 260,000 元 的 56.2%;"
                             "其中不允许使用的支出 9,500 元。")


def test_planned_project_has_no_timeline(views: Views) -> None:
    page = projectpage.view(views, "beiling-lingkou-2027")
    assert page.timeline == [] and page.timeline_note == "项目尚未开始实施,暂无应发布的报告。"


def test_rendered_completed_project(site: Path) -> None:
    page = html(site, "dongcheng-qingshi-2025")
    t = flat(page)
    rows = re.findall(r'<td data-label="状态" class="sgz-due sgz-due--(\w+)">', page)
    assert rows == ["on_time"] * 16
    assert "月简报 2025-12 2026-01-15" in t and "结项评估 2026-03-01" in t
    assert "有效投诉率 2% 0.5% 不高于目标值为达成(越低越好) ✓ 已达成" in t
    assert 'href="../../files/dongcheng-qingshi/2025-agreement.pdf"' in page
    assert 'href="../../files/dongcheng-qingshi/2025-final.pdf"' in page
    for n in range(1, 13):  # every attachment linked
        assert f'href="../../files/dongcheng-qingshi/2025-{n:02d}.pdf"' in page
    assert "签订日期 2024-12-20" in t and "采购方式 竞争性磋商" in t
    assert "省级奖补资金 100,000 元 33.3%" in t
    assert 'data-pagefind-filter="county">东城区<' in page and 'data-pagefind-body' in page
    assert "本页信息截至 2026-10-31" in t


def test_rendered_missing_brief(site: Path, views: Views) -> None:
    page = html(site, "nanhu-hubin-2026")
    t = flat(page)
    assert "月简报 2026-05 2026-06-15 未发布 ✗ 未发布(已超期 138 天)" in t
    assert "月简报 2026-10 2026-11-15 — … 尚未到期" in t
    [finding] = views.findings["nanhu-hubin-2026"]  # the rule finding is shown too
    assert finding.code == "R06_monthly_brief_missing" and finding.message in t
    assert "更正说明" in t and "2026-07-10:更正2026年4月简报中的服务人次统计口径。" in t
    assert "一部电梯,六户人家坐到了一起" in t  # case story
    assert "中期评估 2026-07-24 示例市华信社会工作评估中心 84 良好" in t


def test_rendered_late_self_assessment_and_barred_money(site: Path) -> None:
    t = flat(html(site, "xishan-shimen-2026"))
    assert "自评报告 2026-H1 2026-07-30 2026-08-20 ⚠ 逾期 21 天发布" in t
    assert "水电费 6,000 元 ✗ 不允许使用(违反资金使用规定)" in t
    assert "固定资产 3,500 元 ✗ 不允许使用(违反资金使用规定)" in t
    assert "劳务费(含保险) 118,000 元 ✓ 允许使用" in t
    assert "其中不允许使用的支出 9,500 元" in t
