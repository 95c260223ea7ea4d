"""The disclosure rules (scripts/sgz_portal/rules/), judged through the whole flow.

Each test writes a tiny data tree into tmp_path from the Python dicts below (one clean
portal, changed a little per case), runs `pipeline.prepare`, and asserts exact findings.
The clean portal is judged at 2025-06-30 and has no finding at all.
"""
import copy
import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from stdnum import luhn
from stdnum.cn import ric

from sgz_portal.data.issues import ERROR, MESSAGES, WARNING
from sgz_portal.pipeline import prepare
from sgz_portal.rules import judge as rules
from sgz_portal.rules.judge import RULES
from sgz_portal.rules.pii import find_personal_info, id_valid, luhn_valid

AS_OF = dt.date(2025, 6, 30)
SCHEMA = Path(__file__).resolve().parents[1] / "scripts" / "sgz_portal" / "data" / "schemas" / "rules.schema.json"

HOURS = [{"days": ["mon", "tue", "wed", "thu", "fri"], "open": "09:00", "close": "17:00"}]


def station(id_, name, level, region, parent=None, **extra):
    record = {"id": id_, "name": name, "level": level, "region": region, "address": "便民服务中心二楼",
              "phone": ["0830-3123456"], "complaint_phone": "0830-12345", "hours": copy.deepcopy(HOURS),
              "established": "2021-06-01", "staff": {"full_time": 3, "certified": {"assistant": 2}},
              "services": ["elderly-visit"], "verified": "2025-05-01"}
    if parent:
        record.update(parent=parent, operator="xinyuan")
    record.update(extra)
    return record


def evaluation(kind, published):
    return {"type": kind, "published": published, "summary": "评估。", "evaluator": "测试市社会工作评估中心",
            "score": 88, "grade": "良好"}


def monthly(period, published):
    return {"type": "monthly", "period": period, "published": published, "summary": "本月开展巡访。"}


BASE = {
    "site.yaml": {"name": "测试市社会工作服务平台", "publisher": "测试市民政局", "region": "990100",
                  "contact": {"phone": "0830-1234567", "email": "sgz@example.gov.cn",
                              "address": "测试市民政局三楼"},
                  "as_of": "2025-06-30"},
    "regions.yaml": {"regions": [
        {"code": "990100", "name": "测试市", "level": "city"},
        {"code": "990101", "name": "东区", "level": "county", "parent": "990100"},
        {"code": "990101001", "name": "小市街道", "level": "township", "parent": "990101"},
        {"code": "990101001001", "name": "桂圆林社区", "level": "village", "parent": "990101001"},
    ]},
    "services.yaml": {
        "domains": [{"id": "elderly", "name": "养老服务"}],
        "groups": [{"id": "elderly", "name": "老年人", "aliases": ["老人"]}],
        "services": [{"id": "elderly-visit", "name": "老年人巡访评估", "domain": "elderly",
                      "groups": ["elderly"], "summary": "对空巢老人开展巡访。", "access": ["visit"]}],
    },
    "agencies.yaml": {"agencies": [
        {"id": "xinyuan", "name": "测试市心源社会工作服务中心", "uscc": "52510500MJQ123456J",
         "rating": "4A", "rating_year": 2023, "local": True},
        {"id": "qihang", "name": "外市启航社会工作服务中心", "uscc": "52990100MJQ7654328",
         "rating": "2A", "rating_year": 2023, "local": False},
    ]},
    "stations.yaml": {"stations": [
        station("city", "测试市社会工作指导中心", "city", "990100", services=[]),
        station("dq", "东区社会工作服务总站", "county", "990101", "city"),
        station("xs", "东区小市街道社会工作服务站", "township", "990101001", "dq"),
        station("gyl", "桂圆林社区社会工作服务室", "village", "990101001001", "xs"),
    ]},
    "projects/xs-2025.yaml": {
        "id": "xs-2025", "title": "小市街道社工站运营项目(2025年度)", "stations": ["xs"],
        "buyers": ["东区民政局", "小市街道办事处"], "supplier": "xinyuan", "status": "active",
        "agreement": {"signed": "2024-12-20", "start": "2025-01-01", "end": "2025-12-31",
                      "amount": 300000},
        "task_book": {"overview": "为小市街道老人提供巡访服务。"},
        "indicators": [{"id": "visits", "name": "巡访老人", "unit": "人次", "target": 200}],
        "reports": [monthly("2025-01", "2025-02-10"), monthly("2025-02", "2025-03-10"),
                    monthly("2025-03", "2025-04-10"), monthly("2025-04", "2025-05-10"),
                    monthly("2025-05", "2025-06-10")],
        "expenditures": [{"category": "labor", "amount": 100000}],
    },
}


def build(tmp_path, change=None, as_of=None, texts=None):
    """Write BASE (changed by `change(data)`, plus raw `texts`) under tmp_path/data and prepare it."""
    data = copy.deepcopy(BASE)
    if change:
        change(data)
    root = tmp_path / "data"
    for name, content in data.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for name, text in (texts or {}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return prepare(root, as_of)


def found(prepared, prefix="R"):
    """(code, subject) of the findings whose code starts with `prefix`."""
    assert prepared.portal is not None, [str(i) for i in prepared.issues]
    return [(i.code, i.subject) for i in prepared.issues if i.code.startswith(prefix)]


def project(data):
    return data["projects/xs-2025.yaml"]


def stations(data):
    return {s["id"]: s for s in data["stations.yaml"]["stations"]}


@pytest.fixture(autouse=True)
def _no_env_as_of(monkeypatch):
    monkeypatch.delenv("PORTAL_AS_OF", raising=False)


# ------------------------------------------------------------------ the clean portal

def test_clean_portal_has_no_findings(tmp_path):
    prepared = build(tmp_path)
    assert prepared.ok
    assert prepared.issues == []


def test_judging_is_deterministic_and_sorted(tmp_path):
    def many(data):
        project(data)["reports"] = []
        for s in data["stations.yaml"]["stations"]:
            s["verified"] = "2024-01-01"
    first = build(tmp_path, many).issues
    assert first == sorted(first) and len(first) > 5
    assert build(tmp_path, many).issues == first


# ------------------------------------------------------------------ rule 1: name branding

def test_name_branding(tmp_path):
    def change(data):
        st = stations(data)
        st["city"]["name"] = "测试市社工中心"  # city: no check
        st["dq"]["name"] = "东区社会工作服务站"  # county must end with 总站
        st["xs"]["name"] = "小市街道社工站"
        st["gyl"]["name"] = "桂圆林社区社会工作服务站"  # village must end with 服务室
    prepared = build(tmp_path, change)
    assert found(prepared) == [("R01_name_branding", "dq"), ("R01_name_branding", "xs"),
                               ("R01_name_branding", "gyl")]
    lines = {i.subject: (i.file, i.line, i.path) for i in prepared.issues}
    assert lines["xs"] == ("data/stations.yaml", 54, "stations[2].name")
    assert "社会工作服务站" in prepared.issues[1].message
    assert all(i.severity == WARNING for i in prepared.issues)


# ------------------------------------------------------------------ rule 2: township staffing

@pytest.mark.parametrize("staff, expected", [
    ({"full_time": 3, "certified": {"assistant": 1}}, [("R02_township_staffing", "xs")]),
    ({"full_time": 3, "certified": {}}, [("R02_township_staffing", "xs")]),
    ({"full_time": 3, "certified": {"assistant": 1}, "part_time": 2}, []),
    ({"full_time": 3, "certified": {"assistant": 1, "senior": 1}}, []),
])
def test_township_staffing(tmp_path, staff, expected):
    def change(data):
        stations(data)["xs"]["staff"] = staff
        stations(data)["gyl"]["staff"] = {"full_time": 1, "certified": {}}  # village: no check
    assert found(build(tmp_path, change)) == expected


# ------------------------------------------------------------------ rule 3: contacts

def test_station_contacts(tmp_path):
    """The schema requires these, so the model is changed directly to test robustness."""
    prepared = build(tmp_path)
    portal = prepared.portal
    xs, gyl = portal.stations["xs"], portal.stations["gyl"]
    portal.stations["xs"] = dataclasses.replace(xs, complaint_phone="", hours=())
    portal.stations["gyl"] = dataclasses.replace(gyl, complaint_phone=None, phones=(" ",), address="")
    conf = rules.settings(portal)["station_contacts"]
    result = list(rules.check_station_contacts(portal, conf))
    assert [(i.code, i.subject, i.line) for i in result] == [
        ("R03_station_contacts", "gyl", 80), ("R03_station_contacts", "xs", 53)]
    assert result[0].message == "缺少对外公开的投诉电话、联系电话、地址"
    assert result[1].message == "缺少对外公开的投诉电话、开放时间"


# ------------------------------------------------------------------ rule 4: outside operators

@pytest.mark.parametrize("agency, expected", [
    ({}, [("R04_outside_operator_rating", "gyl"), ("R04_outside_operator_rating", "xs")]),
    ({"rating": "3A"}, []),
    ({"local": True}, []),
])
def test_outside_operator_rating(tmp_path, agency, expected):
    def change(data):
        data["agencies.yaml"]["agencies"][1].update(agency)
        stations(data)["xs"]["operator"] = "qihang"
        stations(data)["gyl"]["operator"] = "qihang"
    prepared = build(tmp_path, change)
    assert sorted(found(prepared)) == expected
    for i in prepared.issues:
        assert i.path.endswith(".operator")
        assert i.message == "外地运营机构“外市启航社会工作服务中心”评估等级为2A,应为 3A 及以上"


def test_outside_operator_without_rating(tmp_path):
    def change(data):
        agency = data["agencies.yaml"]["agencies"][1]
        del agency["rating"], agency["rating_year"]
        stations(data)["xs"]["operator"] = "qihang"
    prepared = build(tmp_path, change)
    assert found(prepared) == [("R04_outside_operator_rating", "xs")]
    assert "评估等级为未评级" in prepared.issues[0].message


# ------------------------------------------------------------------ rule 5: agreement and task book

def test_project_agreement_needs_an_indicator(tmp_path):
    prepared = build(tmp_path, lambda d: project(d).update(indicators=[]))
    assert found(prepared) == [("R05_project_agreement", "xs-2025")]
    assert prepared.issues[0].message == "项目缺少绩效指标"
    assert prepared.issues[0].path == "indicators"


@pytest.mark.parametrize("status, expected", [
    ("active", ["R05_project_agreement"]), ("completed", ["R05_project_agreement"]),
    ("planned", []), ("terminated", []),
])
def test_project_agreement_by_status(tmp_path, status, expected):
    portal = build(tmp_path).portal
    pr = portal.projects["xs-2025"]
    portal.projects["xs-2025"] = dataclasses.replace(pr, status=status, signed=None, amount=None,
                                                     task_book={})
    result = list(rules.check_project_agreement(portal, rules.settings(portal)["project_agreement"]))
    assert [i.code for i in result] == expected
    if result:
        assert result[0].message == "项目缺少协议签订日期、合同金额、任务书项目概述"
        assert result[0].path == "agreement.signed"


# ------------------------------------------------------------------ rule 6: monthly briefs

def test_monthly_brief_on_due_day_is_on_time_and_a_day_later_is_late(tmp_path):
    def change(data):
        reports = project(data)["reports"]
        reports[3]["published"] = "2025-05-15"  # April: due 2025-05-15, on the day
        reports[4]["published"] = "2025-06-16"  # May: due 2025-06-15, one day late
    prepared = build(tmp_path, change)
    assert [(i.code, i.path) for i in prepared.issues] == [
        ("R06_monthly_brief_late", "reports[4].published")]
    assert prepared.issues[0].message == "2025-05 月简报于 2025-06-16 发布,晚于截止日 2025-06-15"


def test_monthly_brief_missing_only_after_its_due_day(tmp_path):
    def change(data):
        del project(data)["reports"][4]  # no May brief, due 2025-06-15
    assert found(build(tmp_path, change, dt.date(2025, 6, 15))) == []
    prepared = build(tmp_path, change, dt.date(2025, 6, 16))
    assert found(prepared) == [("R06_monthly_brief_missing", "xs-2025")]
    assert prepared.issues[0].message == "2025-05 月简报未发布(截止日 2025-06-15)"


def test_month_not_yet_due_is_not_reported(tmp_path):
    # June ends 2025-06-30 and is due 2025-07-15: nothing to report at 2025-07-15 ...
    assert found(build(tmp_path, as_of=dt.date(2025, 7, 15))) == []
    # ... but the next day it is missing.
    assert found(build(tmp_path, as_of=dt.date(2025, 7, 16)), "R06") == [
        ("R06_monthly_brief_missing", "xs-2025")]


def test_partial_first_month_counts(tmp_path):
    def change(data):
        project(data)["agreement"]["start"] = "2024-12-20"
    prepared = build(tmp_path, change)
    assert [i.message for i in prepared.issues if i.code.startswith("R06")] == [
        "2024-12 月简报未发布(截止日 2025-01-15)"]


def test_monthly_briefs_not_judged_for_planned_or_terminated(tmp_path):
    for status in ("planned", "terminated"):
        def change(data):
            project(data).update(status=status, reports=[])  # noqa: B023 (called at once)
        assert found(build(tmp_path, change), "R06") == []


# ------------------------------------------------------------------ rule 7: self-assessments

def _completed_2024(data):
    """A finished project 2024-03-01..2025-02-28 with all briefs and both evaluations."""
    pr = project(data)
    pr["status"] = "completed"
    pr["agreement"].update(signed="2024-02-20", start="2024-03-01", end="2025-02-28")
    months = [f"2024-{m:02d}" for m in range(3, 13)] + ["2025-01", "2025-02"]
    pr["reports"] = [monthly(m, f"{m}-28") for m in months]
    pr["reports"] += [evaluation("midterm", "2024-09-20"), evaluation("final", "2025-04-20")]
    return pr


def self_assessment(period, published):
    return {"type": "self_assessment", "period": period, "published": published, "summary": "自评。"}


def test_self_assessments(tmp_path):
    def change(data):
        pr = _completed_2024(data)
        pr["reports"].append(self_assessment("2024-H1", "2024-07-30"))  # due 2024-07-30: on time
        # 2024-H2 (due 2025-01-30) missing; 2025-H1 is due 2025-07-30: not yet
    prepared = build(tmp_path, change)
    assert [i.message for i in prepared.issues] == ["2024-H2 自评报告未发布(截止日 2025-01-30)"]
    assert found(prepared) == [("R07_self_assessment_missing", "xs-2025")]


def test_self_assessment_late_and_next_half_due(tmp_path):
    def change(data):
        pr = _completed_2024(data)
        pr["reports"] += [self_assessment("2024-H1", "2024-07-31"),  # one day late
                          self_assessment("2024-H2", "2025-01-15")]
    prepared = build(tmp_path, change, dt.date(2025, 7, 31))
    assert [(i.code, i.path) for i in prepared.issues] == [
        ("R07_self_assessment_missing", "reports"), ("R07_self_assessment_late", "reports[14].published")]
    assert prepared.issues[0].message.startswith("2025-H1 自评报告未发布")


# ------------------------------------------------------------------ rule 8: evaluations



@pytest.mark.parametrize("as_of, extra, expected", [
    # period 2025-01-01..2025-12-31: half over 2025-07-02, midterm due 2025-08-01
    (dt.date(2025, 8, 1), [], []),
    (dt.date(2025, 8, 2), [], ["R08_midterm_missing"]),
    (dt.date(2025, 8, 2), [evaluation("midterm", "2025-08-01")], []),
    (dt.date(2025, 8, 10), [evaluation("midterm", "2025-08-05")], ["R08_midterm_late"]),
    # final due 2026-03-01
    (dt.date(2026, 3, 1), [evaluation("midterm", "2025-07-20")], []),
    (dt.date(2026, 3, 2), [evaluation("midterm", "2025-07-20")], ["R08_final_missing"]),
    (dt.date(2026, 3, 9), [evaluation("midterm", "2025-07-20"), evaluation("final", "2026-03-05")],
     ["R08_final_late"]),
])
def test_evaluations(tmp_path, as_of, extra, expected):
    prepared = build(tmp_path, lambda d: project(d)["reports"].extend(extra), as_of)
    assert [code for code, _ in found(prepared, "R08")] == expected


def test_completed_project_needs_its_midterm_even_when_ended_early(tmp_path):
    def change(data):
        project(data)["status"] = "completed"
    prepared = build(tmp_path, change)  # 2025-06-30: midterm not due by date, but the project is over
    assert found(prepared) == [("R08_midterm_missing", "xs-2025")]
    assert prepared.issues[0].message == "中期评估未发布(截止日 2025-08-01)"


# ------------------------------------------------------------------ rule 9: expenditures

def test_expenditures(tmp_path):
    def change(data):
        project(data)["expenditures"] = [
            {"category": "labor", "amount": 200000}, {"category": "utilities", "amount": 6000},
            {"category": "office", "amount": 4000}, {"category": "fixed_assets", "amount": 90000.5},
        ]
    prepared = build(tmp_path, change)
    assert [(i.code, i.path) for i in prepared.issues] == [
        ("R09_over_amount", "expenditures"),
        ("R09_barred_category", "expenditures[1].category"),
        ("R09_barred_category", "expenditures[3].category"),
    ]
    assert [i.message for i in prepared.issues] == [
        "支出合计 300000.50 元,超过合同金额 300000 元",
        "支出类别“水电费”(6000 元)不属于允许使用的范围",
        "支出类别“固定资产”(90000.50 元)不属于允许使用的范围",
    ]


def test_expenditures_equal_to_amount_are_fine(tmp_path):
    def change(data):
        project(data)["expenditures"] = [{"category": "labor", "amount": 250000},
                                         {"category": "travel", "amount": 50000}]
    assert found(build(tmp_path, change)) == []


# ------------------------------------------------------------------ rule 10: verification

@pytest.mark.parametrize("verified, expected", [
    ("2025-01-01", []),  # 180 days before 2025-06-30
    ("2024-12-31", [("R10_verification", "gyl")]),  # 181 days
])
def test_verification(tmp_path, verified, expected):
    prepared = build(tmp_path, lambda d: stations(d)["gyl"].update(verified=verified))
    assert found(prepared) == expected
    if expected:
        assert prepared.issues[0].message == (
            "站点信息已 181 天未核实(上次核实 2024-12-31),应至少每 180 天核实一次")


# ------------------------------------------------------------------ rules.yaml overrides

def test_rules_yaml_changes_thresholds_and_severities(tmp_path):
    def change(data):
        project(data)["reports"][4]["published"] = "2025-06-12"  # 12 days after the month end
        stations(data)["xs"]["staff"] = {"full_time": 3, "certified": {"assistant": 2}}
        data["rules.yaml"] = {"rules": {
            "monthly_briefs": {"severity": "error", "due_days": 10},
            "township_staffing": {"min_certified": 3},
            "verification": {"max_age_days": 30, "severity": "warning"},
            "personal_info": {"severity": "error"},  # allowed: it is the only value
        }}
    prepared = build(tmp_path, change)
    assert [(i.code, i.subject, i.severity) for i in prepared.issues] == [
        ("R06_monthly_brief_late", "xs-2025", ERROR),
        ("R10_verification", "city", WARNING), ("R10_verification", "dq", WARNING),
        ("R02_township_staffing", "xs", WARNING), ("R10_verification", "xs", WARNING),
        ("R10_verification", "gyl", WARNING),
    ]
    assert not prepared.ok  # an error-severity finding stops publishing
    assert "截止日 2025-06-10" in prepared.issues[0].message
    assert "应至少 3 名" in prepared.issues[3].message


def test_personal_info_cannot_be_downgraded(tmp_path):
    def change(data):
        data["rules.yaml"] = {"rules": {"personal_info": {"severity": "warning"}}}
    prepared = build(tmp_path, change)
    assert prepared.portal is None
    assert [(i.code, i.file, i.line, i.path) for i in prepared.issues] == [
        ("schema_enum", "data/rules.yaml", 3, "rules.personal_info.severity")]


def test_settings_keep_personal_info_an_error_even_if_the_model_says_otherwise(tmp_path):
    portal = build(tmp_path).portal
    portal.rules = {"personal_info": {"severity": "warning"}, "verification": {"max_age_days": 7}}
    conf = rules.settings(portal)
    assert conf["personal_info"]["severity"] == ERROR
    assert conf["verification"] == {"severity": WARNING, "max_age_days": 7}
    assert conf["monthly_briefs"] == {"severity": WARNING, "due_days": 15}


# ------------------------------------------------------------------ rule 11: personal information

STATION_FILE = """\
# yaml-language-server: $schema=../scripts/sgz_portal/data/schemas/stations.schema.json
id: west
name: 西区桂圆林社区社会工作服务室
level: village
parent: xs
region: "990101001001"
address: 桂圆林社区党群服务中心,统一社会信用代码 52510500MJQ123456J
phone: ["13800001234"]
complaint_phone: "13900001234"
hours:
  - {days: [tue, thu], open: "14:00", close: "17:00"}
hours_note: 节假日请拨打值班手机 139-1234-5678
established: 2022-03-01
operator: xinyuan
staff: {full_time: 1, certified: {assistant: 1}}
services: [elderly-visit]
verified: 2025-06-01
description: |
  桂圆林社区社工室成立于 2022-03-01,项目金额 300000 元。
  区划代码 990101001001,服务热线 0830-12345678。

  服务对象王某(身份证 11010519491231002X)已结案。
"""

PROJECT_TEXT = """\
id: xs-2025
title: 小市街道社工站运营项目(2025年度)
stations: [xs]
buyers: [东区民政局, 小市街道办事处]
supplier: xinyuan
status: active
agreement: {signed: 2024-12-20, start: 2025-01-01, end: 2025-12-31, amount: 300000}
task_book:
  overview: |
    合同编号 2025063000012345,区划 990101。
    编号 990105194912310021 地区码不存在,不是身份证号。
indicators:
  - {id: visits, name: 巡访老人, unit: 人次, target: 200}
reports:
  - {type: monthly, period: 2025-01, published: 2025-02-10, summary: 一月巡访。}
  - {type: monthly, period: 2025-02, published: 2025-03-10, summary: 二月巡访。}
  - {type: monthly, period: 2025-03, published: 2025-04-10, summary: 三月巡访。}
  - {type: monthly, period: 2025-04, published: 2025-05-10, summary: 四月巡访。}
  - type: monthly
    period: 2025-05
    published: 2025-06-10
    summary: >
      五月为困难家庭办理补贴,
      打入银行卡 6222 0202 0001 2349。
expenditures:
  - {category: labor, amount: 100000, note: 付给李某 6228480012345678903}
stories:
  - {title: 独居老人, published: 2025-05-01, body: 老人的女儿(电话13812345678)很感谢。}
"""


def test_personal_info_found_with_exact_lines(tmp_path):
    def change(data):
        del data["projects/xs-2025.yaml"]
    texts = {"stations/west.yaml": STATION_FILE, "projects/xs-2025.yaml": PROJECT_TEXT}
    # one station file next to stations.yaml is read as well (a single record)
    prepared = build(tmp_path, change, texts=texts)
    assert [(i.code, i.file, i.line, i.path, i.subject) for i in prepared.issues] == [
        ("R11_personal_info", "data/projects/xs-2025.yaml", 24, "reports[4].summary", "xs-2025"),
        ("R11_personal_info", "data/projects/xs-2025.yaml", 26, "expenditures[0].note", "xs-2025"),
        ("R11_personal_info", "data/projects/xs-2025.yaml", 28, "stories[0].body", "xs-2025"),
        ("R11_personal_info", "data/stations/west.yaml", 12, "hours_note", "west"),
        ("R11_personal_info", "data/stations/west.yaml", 22, "description", "west"),
    ]
    assert [i.message for i in prepared.issues] == [
        "公开文字中含有银行卡号“6222********2349”,不得公开服务对象的个人信息",
        "公开文字中含有银行卡号“6228***********8903”,不得公开服务对象的个人信息",
        "公开文字中含有手机号“138****5678”,不得公开服务对象的个人信息",
        "公开文字中含有手机号“139****5678”,不得公开服务对象的个人信息",
        "公开文字中含有身份证号“110105********002X”,不得公开服务对象的个人信息",
    ]
    assert all(i.severity == ERROR for i in prepared.issues)
    assert not prepared.ok


def test_personal_info_in_site_and_services_has_no_subject(tmp_path):
    def change(data):
        data["site.yaml"]["contact"]["address"] = "测试市民政局三楼,联系人手机 13712345678"
        data["services.yaml"]["services"][0]["eligibility"] = "凭身份证 11010519491231002X 办理"
    prepared = build(tmp_path, change)
    assert [(i.code, i.file, i.path, i.subject) for i in prepared.issues] == [
        ("R11_personal_info", "data/services.yaml", "services[0].eligibility", ""),
        ("R11_personal_info", "data/site.yaml", "contact.address", ""),
    ]


def _valid_id(first17):
    """The check character computed by python-stdnum, not by the module under test."""
    return first17 + ric.calc_check_digit(first17 + "0")


SICHUAN_ID = _valid_id("51050419800101123")
GB_11643_EXAMPLE = "11010519491231002X"  # the standard's own worked example


# ID numbers whose place code python-stdnum knows, with birth dates before AS_OF.
ID_PREFIXES = ["11010519491231002", "51010520000101123", "36042619910101007", "44030420001229555"]


@pytest.mark.parametrize("first17", ID_PREFIXES)
def test_id_check_character_agrees_with_stdnum(first17):
    """Of the eleven possible last characters exactly one is right, and it is stdnum's."""
    judged = {c: id_valid(first17 + c, AS_OF) for c in "0123456789X"}
    assert judged == {c: ric.is_valid(first17 + c) for c in "0123456789X"}
    assert sum(judged.values()) == 1


def test_the_standards_example_id_is_valid():
    assert id_valid(GB_11643_EXAMPLE, AS_OF)
    assert not id_valid(GB_11643_EXAMPLE[:-1] + "1", AS_OF)


@pytest.mark.parametrize("prefix", ["622202020001234", "622848001234567890", "411111111111111", "37828224631000"])
def test_luhn_agrees_with_stdnum(prefix):
    assert {d: luhn_valid(prefix + d) for d in "0123456789"} == {d: luhn.is_valid(prefix + d) for d in "0123456789"}


@pytest.mark.parametrize("text, expected", [
    ("身份证11010519491231002X。", [("身份证号", "110105********002X")]),
    ("身份证11010519491231002x", [("身份证号", "110105********002X")]),
    (f"编号{SICHUAN_ID}", [("身份证号", "510504********" + SICHUAN_ID[-4:])]),
    ("手机13812345678", [("手机号", "138****5678")]),
    ("电话 138-1234-5678 或 138 1234 5678", [("手机号", "138****5678"), ("手机号", "138****5678")]),
    ("+8613812345678", [("手机号", "138****5678")]),
    ("卡号6222020200012349", [("银行卡号", "6222********2349")]),
    ("卡号 6222-0202-0001-2349 ", [("银行卡号", "6222********2349")]),
    ("6228 4800 1234 5678 903", [("银行卡号", "6228***********8903")]),
])
def test_detects_personal_info(text, expected):
    assert [(kind, masked) for _, kind, masked, _ in find_personal_info(text, AS_OF)] == expected


@pytest.mark.parametrize("text", [
    "990105194912310021",  # no such province
    "11010519491231002X1",  # embedded in a longer run
    _valid_id("11010520990101123"),  # born after the as-of date
    _valid_id("10010519491231002"),  # no such province
    "2025-06-30", "2025年6月30日", "金额 300000 元", "300000.00", "09:00-17:30",
    "990101001001", "510504001", "52510500MJQ123456J", "91510500MA62X1234Y",
    "0830-12345678", "0830-3123456", "12345", "12345678901",  # 12x is no mobile
    "213812345678", "1381234567", "138123456789",  # mobile inside longer / shorter runs
    "6222020200012348",  # fails Luhn
    "2025063000012345",  # passes no card prefix: a reference number, not a card
    "6222 0202 0001 2349 1234",  # five groups: not a card
    "https://example.gov.cn/sgz/",
])
def test_no_false_positives(text):
    assert find_personal_info(text, AS_OF) == []


def test_id_shaped_number_is_never_taken_for_a_card():
    bad_check = "110105194912310021"
    candidates = [bad_check[:17] + c for c in "0123456789"]
    luhn_ok = [c for c in candidates if luhn.is_valid(c) and not ric.is_valid(c)]
    assert luhn_ok  # some look like bank cards by the Luhn check alone...
    for number in luhn_ok:
        # ...but an ID shape is judged as an ID only (whatever its check character)
        assert [kind for _, kind, _, _ in find_personal_info(number, AS_OF)] == ["身份证号"]


def test_phone_fields_ids_and_codes_are_not_scanned(tmp_path):
    def change(data):
        stations(data)["gyl"].update(phone=["13800001234"], complaint_phone="13900001234")
        data["agencies.yaml"]["agencies"][0]["phone"] = "13700001234"
        data["site.yaml"]["contact"]["phone"] = "13600001234"
    assert build(tmp_path, change).issues == []


# ------------------------------------------------------------------ metadata and helpers

def test_rules_metadata_matches_contract_and_schema():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))["properties"]["rules"]["properties"]
    assert [r.number for r in RULES] == list(range(1, 15))
    assert [r.id for r in RULES] == list(schema)
    for rule in RULES:
        params = {k for k in schema[rule.id]["properties"] if k != "severity"}
        assert set(rule.params) == params, rule.id
        for name, default in rule.params.items():
            assert schema[rule.id]["properties"][name]["default"] == default
        assert rule.codes and all(code in MESSAGES for code in rule.codes)
        assert rule.severity == (ERROR if rule.id == "personal_info" else WARNING)
        assert "{" not in rule.describe()
    assert RULES[10].fixed
    staffing = next(r for r in RULES if r.id == "township_staffing")
    assert staffing.describe({"min_certified": 3}) == "乡镇(街道)站至少有 3 名持证专职社工,或配备兼职人员。"
    assert [r.number for r in RULES if "R06_monthly_brief_late" in r.codes] == [6]
    assert [r for r in RULES if "schema_enum" in r.codes] == []


def test_findings_name_their_station_or_project(tmp_path):
    def change(data):
        stations(data)["xs"]["name"] = "小市街道社工站"
        stations(data)["xs"]["verified"] = "2024-01-01"
        project(data)["indicators"] = []
        data["site.yaml"]["contact"]["address"] = "手机 13712345678"
    issues = build(tmp_path, change).issues
    assert sorted((i.subject, i.code) for i in issues) == [
        ("", "R11_personal_info"),  # in site.yaml: no station or project
        ("xs", "R01_name_branding"), ("xs", "R10_verification"), ("xs-2025", "R05_project_agreement")]
