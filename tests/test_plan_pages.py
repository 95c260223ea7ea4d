"""The plan, fund and resources pages of the sample, the exports behind data/, and tables that
become cards on a phone (every table of four or more columns on every built page)."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from sgz_portal import opendata, pipeline
from sgz_portal.pages import plans as plan_page
from sgz_portal.pages.views import Views
from tests.sitetext import page_html, text_of

MINIMAL = Path(__file__).parent / "fixtures" / "minimal" / "data"

# The sample's talent plan at 2026-10-31: (indicator, baseline, actual, next target, status)
TALENT = [
    ("乡镇(街道)社会工作服务站覆盖率", "35%(2020 年)", "81.3%(2026 年)", "2025 年不低于 100%", "进度落后"),
    ("村(社区)社会工作服务室覆盖率", "10%(2020 年)", "66.7%(2026 年)", "2025 年不低于 60%", "已达到"),
    ("社工站专兼职社会工作人员", "40 名(2020 年)", "151 名(2026 年)", "2025 年不低于 100 名", "已达到"),
    ("社工站持证社会工作者", "20 名(2020 年)", "68 名(2026 年)", "2025 年不低于 60 名", "已达到"),
    ("每千名户籍人口拥有社会工作专业人才", "0.9‰(2020 年)", "1.6‰(2025 年)", "2025 年不低于 1.7‰", "进度落后"),
    ("通过全国社会工作职业资格考试人数", "420 名(2020 年)", "768 名(2025 年)", "2025 年不低于 750 名", "已达到"),
    ("社工站联系的注册志愿者", "500 名(2020 年)", "1,476 名(2026 年)", "2025 年不低于 1,200 名", "已达到"),
    ("社工站孵化培育的社区社会组织", "未填写", "12 个(2026 年)", "2025 年不低于 10 个", "已达到"),
    ("3A 及以上社会工作服务机构", "1 家(2020 年)", "3 家(2026 年)", "2025 年不低于 3 家", "已达到"),
    ("社会工作服务机构党组织覆盖率", "40%(2020 年)", "80%(2026 年)", "2025 年不低于 100%", "进度落后"),
]


def test_plan_view_figures(demo_views: Views) -> None:
    view = plan_page.view(demo_views, "shi-talent-14th")
    assert [(c.name, c.baseline, c.current, c.next_target, c.status_word) for c in view.indicators] == TALENT
    assert {c.kind_word for c in view.indicators} == {"约束性", "预期性"}
    assert sum(1 for c in view.indicators if c.method) == 8  # computed; two are reported
    assert view.counts == [("已达到", 7), ("进度落后", 3)]
    pilot = plan_page.view(demo_views, "dongcheng-pilot")
    assert [(c.current, c.next_target, c.status, c.expected) for c in pilot.indicators] == [
        ("100%(2026 年)", "2026 年不低于 100%", "met", ""),
        ("83.3%(2026 年)", "2026 年不低于 90%", "behind", "90%"),
        ("25 支(2026 年)", "2027 年不低于 30 支", "on_track", "22.67 支"),
    ]


def test_plan_page_rendered(demo_site: Path) -> None:
    html = page_html(demo_site, "plans/shi-talent-14th")
    t = text_of(html)
    summary = t[t.index("指标一览"):t.index("对照下一个目标")]
    for name, baseline, actual, target, status in TALENT:  # one row each in the summary table
        assert re.search(f"{re.escape(name)} (约束性|预期性) {re.escape(f'{baseline} {actual} {target}')} [✓✗○—] {status}",
                         summary), name
    assert "计算结果: 13 ÷ 16 × 100 = 81.3%" in t and "龙潭乡 尚未建站 白鹭镇 尚未建站 青冈乡 尚未建站" in t
    assert "计算结果: 2 ÷ 5 × 100 = 80%" not in t and "计算结果: 4 ÷ 5 × 100 = 80%" in t
    charts = list(re.finditer(r'<svg class="sgz-chart" role="img".*?</svg>', html, re.S))
    assert len(charts) == 10
    for m in charts:  # each chart has the table of its numbers right beside it
        assert html[m.end():].lstrip().startswith("<table>\n        <caption>")
    assert "基期值 2020 35% 实际值 2026 81.3% 目标值 2025 100%" in t
    assert 'href="#measure-township-coverage"' in html and 'id="measure-township-coverage"' in html
    assert "约束性指标“乡镇(街道)社会工作服务站覆盖率”2025 年目标为不低于 100%" in t  # rule 12, on the page too
    assert 'data-pagefind-filter="type">规划指标<' in html


def test_fund_page_rendered(demo_site: Path) -> None:
    t = text_of(page_html(demo_site, "funds/hubin-fund"))
    assert "累计收入 50,000 元 累计支出 34,500 元 累计结余 15,500 元" in t
    assert "✗ 未按季度公开: 2026年第1季度。" in t
    assert "2025-09-28 30,000 元 6,000 元 24,000 元 设立首期募集" in t
    assert "2026年第1季度 0 元 0 元 2026-04-30 — ✗ 未公开" in t
    assert "2026年第4季度 0 元 0 元 2027-01-30 — — 未到期" in t
    ok = text_of(page_html(demo_site, "funds/qingshi-fund"))
    assert "每个已到期的季度都已公开收支" in ok and "下载(PDF)" in ok
    assert "累计结余 25,100 元" in ok


def test_resources_and_station_pages(demo_site: Path) -> None:
    t = text_of(page_html(demo_site, "resources"))
    assert "12 个社区社会组织 6 支志愿服务队 2 个社区慈善基金" in t
    assert "东城区 6 2 1" in t and "合计 12 6 2" in t
    assert "青石街道银发互助会 互助类 已备案 36 人 2023-05-01" in t
    station = text_of(page_html(demo_site, "stations/nanhu-hubin"))
    assert "五社联动资源" in station and "湖滨街道儿童之家志愿者协会" in station
    assert "湖滨街道社区慈善基金 示例市慈善总会 2025-07-01 15,500 元 ✗ 2026年第1季度" in station
    assert "五社联动资源" not in text_of(page_html(demo_site, "stations/beiling-maan"))


def test_disclosure_home_and_statistics_link_the_new_pages(demo_site: Path) -> None:
    t = text_of(page_html(demo_site, "disclosure"))
    assert "待改进 示例市社会工作专业人才队伍建设“十四五”主要指标 :约束性指标“乡镇(街道)社会工作服务站覆盖率”" in t
    assert "湖滨街道社区慈善基金 南湖区湖滨街道社会工作服务站 5 4 ✗ 2026年第1季度(截止 2026-04-30)" in t
    assert "青石街道社区慈善基金 东城区青石街道社会工作服务站 7 7 无" in t
    late = text_of(page_html(demo_site, "disclosure/late"))
    assert "湖滨街道社区慈善基金 :2026年第1季度(截止 2026-04-30)" in late
    for page in ("", "statistics"):
        html = (demo_site / page / "index.html").read_text(encoding="utf-8")
        assert "plans/shi-talent-14th/" in html and "plans/dongcheng-pilot/" in html
    assert "resources/" in (demo_site / "index.html").read_text(encoding="utf-8")
    assert 'data-filter="type"' in page_html(demo_site, "search")


# ------------------------------------------------------------------ exports


def test_exports(demo_views: Views) -> None:
    files = dict(opendata.files(demo_views.p))
    plans = json.loads(files["data/plans.json"])
    assert len(plans) == 13
    row = next(r for r in plans if r["id"] == "shi-talent-14th/township-coverage")
    assert (row["kind"], row["measure"], row["baseline"], row["targets"], row["computed"],
            row["current_year"], row["next_target"], row["status"]) == (
        "binding", "township_coverage", 35.0, "2023:80;2025:100", 81.3, 2026, 100.0, "behind")
    exam = next(r for r in plans if r["id"] == "shi-talent-14th/exam-passed")
    assert (exam["measure"], exam["computed"], exam["reported"], exam["status"]) == ("", "", "2024:690;2025:768", "met")
    orgs = list(csv.DictReader(io.StringIO(files["data/community_orgs.csv"].lstrip("\ufeff"))))
    assert len(orgs) == 12 and orgs[0]["id"] == "dongcheng-cishan" and orgs[0]["station"] == "dongcheng"
    assert len(json.loads(files["data/volunteer_teams.json"])) == 6
    funds = {f["id"]: f for f in json.loads(files["data/funds.json"])}
    assert (funds["hubin-fund"]["balance"], funds["hubin-fund"]["missing_quarters"]) == (15500, "2026-Q1")
    assert funds["qingshi-fund"]["missing_quarters"] == ""
    ledger = [r for r in json.loads(files["data/fund_ledger.json"]) if r["fund"] == "hubin-fund"]
    assert [r["balance"] for r in ledger] == [24000, 17000, 20000, 15500]
    hsds_orgs = {o["name"]: o for o in json.loads(files["data/hsds/organizations.json"])}
    assert hsds_orgs["青石街道银发互助会"]["legal_status"] == "已备案"
    assert hsds_orgs["青石街道银发互助会"]["year_incorporated"] == 2023
    assert "year_incorporated" not in hsds_orgs["新街社区邻里守望社"]


def test_no_plan_or_resource_files_without_the_optional_inputs() -> None:
    prepared = pipeline.prepare(MINIMAL)
    paths = [path for path, _ in opendata.files(prepared.portal)]
    assert not [x for x in paths if re.search(r"/(plans|community_orgs|volunteer_teams|funds|fund_ledger)\.", x)]


# ------------------------------------------------------------------ tables as cards


def test_every_wide_table_is_marked_for_cards(demo_site: Path) -> None:
    """Every table of four or more columns, on every page: data-cards, a th scope=row naming each
    row, and a data-label on every data cell, equal to its column's heading."""
    wide = 0
    for path in sorted(demo_site.rglob("index.html")):
        html = path.read_text(encoding="utf-8")
        for table in re.findall(r"<table[^>]*>.*?</table>", html, re.S):
            heads = re.findall(r"<th scope=\"col\">(.*?)</th>", table)
            if len(heads) < 4:
                continue
            wide += 1
            assert table.startswith("<table data-cards>"), (path, table[:80])
            labels = [re.sub(r"<[^>]+>", "", h) for h in heads]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", re.search(r"</thead>(.*)", table, re.S).group(1), re.S):
                cells = re.findall(r"<(td|th)([^>]*)>", row)
                assert sum(1 for tag, attrs in cells if tag == "th" and 'scope="row"' in attrs) == 1, (path, row[:80])
                for (tag, attrs), label in zip(cells, labels):
                    if tag == "td":
                        assert f'data-label="{label}"' in attrs, (path, label, row[:120])
    assert wide > 50
