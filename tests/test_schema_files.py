"""The JSON Schema files under scripts/sgz_portal/data/schemas/ are the single source of truth for the
shape of data/. These tests check that the schemas are well formed, document every field,
accept the examples of the data contract and reject wrong documents at the right place."""

import copy
import datetime
import json
import re
import unicodedata
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "scripts" / "sgz_portal" / "data" / "schemas"
NAMES = ["site", "regions", "services", "agencies", "stations", "project", "rules", "plan", "resources"]


def load(name):
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))


def errors(name, doc):
    """Every error as (path inside the document, failing keyword)."""
    validator = Draft202012Validator(load(name))
    return {(tuple(e.absolute_path), e.validator) for e in validator.iter_errors(doc)}


# ------------------------------------------------------------------ contract examples
# Transcribed from DATA-CONTRACT.md; dates and times are strings, as the loader keeps them.

SITE = {
    "name": "示例市社会工作服务平台",
    "publisher": "示例市民政局",
    "region": "510500",
    "contact": {"phone": "0830-1234567", "email": "sgz@example.gov.cn", "address": "示例市民政局三楼"},
    "feedback_url": "https://example.gov.cn/hudong",
    "as_of": "2025-06-30",
    "base_url": "https://www.example.gov.cn/sgz/",
    "icp": "蜀ICP备00000000号",
    "police_filing": "川公网安备00000000000000号",
}

REGIONS = {
    "regions": [
        {"code": "510500", "name": "示例市", "level": "city"},
        {"code": "510504", "name": "龙马潭区", "level": "county", "parent": "510500"},
        {"code": "510504001", "name": "小市街道", "level": "township", "parent": "510504", "kind": "街道"},
        {"code": "510504001001", "name": "桂圆林社区", "level": "village", "parent": "510504001", "kind": "社区"},
    ]
}

SERVICES = {
    "domains": [{"id": "social-assistance", "name": "社会救助"}, {"id": "elderly", "name": "养老服务"}],
    "groups": [
        {"id": "elderly", "name": "老年人", "aliases": ["老人", "空巢老人", "留守老人"]},
        {"id": "children", "name": "儿童", "aliases": ["留守儿童", "困境儿童"]},
    ],
    "services": [
        {
            "id": "elderly-visit",
            "name": "老年人巡访评估",
            "domain": "elderly",
            "groups": ["elderly"],
            "summary": "对留守、空巢、特困老人开展巡访评估、精神慰藉和危机干预。",
            "description": "定期上门巡访,评估需求。\n",
            "access": ["visit", "home", "phone"],
            "eligibility": "辖区内60周岁以上留守、空巢、特困老人",
            "fee": "免费",
            "basis": "《四川省街道(乡镇)社会工作服务站建设导引》",
        }
    ],
}

AGENCIES = {
    "agencies": [
        {
            "id": "xinyuan",
            "name": "示例市心源社会工作服务中心",
            "uscc": "52510500MJQ123456X",
            "rating": "4A",
            "rating_year": 2023,
            "local": True,
            "phone": "0830-2345678",
            "party_org": "joint",
        }
    ]
}

STATION = {
    "id": "lmt-xiaoshi",
    "name": "龙马潭区小市街道社会工作服务站",
    "level": "township",
    "parent": "lmt",
    "region": "510504001",
    "address": "小市街道便民服务中心二楼",
    "location": {"lat": 28.9063, "lng": 105.4412, "crs": "gcj02"},
    "phone": ["0830-3123456"],
    "complaint_phone": "0830-12345",
    "hours": [
        {"days": ["mon", "tue", "wed", "thu", "fri"], "open": "09:00", "close": "17:30"},
        {"days": ["sat"], "open": "09:00", "close": "12:00"},
    ],
    "closed_on": ["2025-10-01", "2025-10-02"],
    "hours_note": "法定节假日休息",
    "established": "2021-06-01",
    "operator": "xinyuan",
    "head": "王某某",
    "staff": {
        "full_time": 3,
        "certified": {"assistant": 2, "intermediate": 1, "senior": 0},
        "part_time": 1,
        "volunteers": 45,
        "volunteer_teams": 2,
    },
    "services": ["elderly-visit", "child-guardianship"],
    "facilities": ["接待区", "个案室", "小组活动室", "多功能室", "档案室"],
    "demonstration": {"level": "provincial", "year": 2022},
    "signage": {"installed": True, "photo": "files/lmt-xiaoshi/sign.jpg"},
    "description": "站点位于便民服务中心二楼。\n",
    "commitments": "首问负责,一次告知,限时办结。",
    "photos": ["files/lmt-xiaoshi/hall.jpg"],
    "verified": "2025-05-20",
    "corrections": [{"date": "2025-03-02", "note": "更正开放时间"}],
}
STATIONS = {"stations": [STATION]}

PROJECT = {
    "id": "lmt-xiaoshi-2024",
    "title": "小市街道社会工作服务站运营项目(2024年度)",
    "stations": ["lmt-xiaoshi"],
    "buyers": ["龙马潭区民政局", "小市街道办事处"],
    "supplier": "xinyuan",
    "procurement_method": "竞争性磋商",
    "status": "active",
    "agreement": {
        "signed": "2024-02-20",
        "start": "2024-03-01",
        "end": "2025-02-28",
        "amount": 300000,
        "document": "files/lmt-xiaoshi/2024-agreement.pdf",
    },
    "funding": [{"source": "省级奖补资金", "amount": 100000}, {"source": "区级财政", "amount": 200000}],
    "task_book": {
        "overview": "运营小市街道社会工作服务站。",
        "needs_analysis": "辖区老年人口多。",
        "service_plan": "巡访、小组、社区活动。",
        "staffing": "专职社工3名。",
    },
    "indicators": [
        {"id": "orgs", "name": "孵化登记注册社会组织", "unit": "个", "target": 2, "actual": 3},
        {"id": "volunteers", "name": "培养社区志愿者", "unit": "名", "target": 30, "actual": 41},
        {"id": "satisfaction", "name": "服务对象满意度", "unit": "%", "target": 90, "actual": 93.5},
    ],
    "reports": [
        {
            "type": "monthly",
            "period": "2024-03",
            "published": "2024-04-08",
            "summary": "三月完成入户巡访。",
            "stats": {"cases": 12, "groups": 3, "activities": 5, "beneficiaries": 430, "volunteer_hours": 120},
            "document": "files/lmt-xiaoshi/2024-03.pdf",
        },
        {
            "type": "midterm",
            "published": "2024-09-15",
            "evaluator": "示例市社会工作评估中心",
            "score": 86.5,
            "grade": "良好",
            "summary": "中期评估良好。",
        },
    ],
    "expenditures": [
        {"category": "labor", "amount": 120000, "note": "驻站社工劳务费(含保险)"},
        {"category": "travel", "amount": 8000},
    ],
    "stories": [{"title": "独居老人重建支持网络", "published": "2024-06-30", "body": "社工多次上门陪伴。"}],
    "corrections": [],
}

RULES = {"rules": {"monthly_briefs": {"severity": "error", "due_days": 10}, "verification": {"max_age_days": 90}}}

PLAN = {
    "id": "lz-talent-14th",
    "title": "泸州市社会工作专业人才队伍建设“十四五”主要指标",
    "source": "《泸州市社会工作专业人才队伍建设“十四五”规划》",
    "region": "510500",
    "period": {"start": 2021, "end": 2025},
    "document": "files/plans/talent-14th.pdf",
    "indicators": [{
        "id": "township-coverage", "name": "乡镇(街道)社会工作服务覆盖率", "unit": "%", "kind": "binding",
        "measure": "township_coverage", "comparison": "at_least", "baseline": {"year": 2020, "value": 35},
        "targets": [{"year": 2023, "value": 80}, {"year": 2025, "value": 100}],
        "actual": [{"year": 2022, "value": 62, "source": "2022年民政事业统计"}],
    }],
}

RESOURCES = {
    "community_orgs": [{"id": "xiaoshi-yinfa", "name": "小市街道银发互助会", "station": "lmt-xiaoshi",
                        "kind": "mutual_aid", "status": "filed", "members": 36, "since": "2022-05-01"}],
    "volunteer_teams": [{"id": "xiaoshi-team", "name": "小市街道社工站志愿服务队", "station": "lmt-xiaoshi",
                         "members": 45, "hours_last_year": 1200}],
    "charity_funds": [{
        "id": "xiaoshi-fund", "name": "小市街道社区慈善基金", "station": "lmt-xiaoshi", "host": "泸州市慈善总会",
        "established": "2023-03-01",
        "ledger": [
            {"date": "2023-06-30", "income": 52000, "expense": 18000, "note": "二季度募集 52000 元,救助困难家庭 12 户"},
            {"date": "2023-10-08", "income": 8000, "expense": 21000, "note": "……", "document": "files/funds/2023-q3.pdf"},
        ],
    }],
}

EXAMPLES = {
    "plan": PLAN,
    "resources": RESOURCES,
    "site": SITE,
    "regions": REGIONS,
    "services": SERVICES,
    "agencies": AGENCIES,
    "stations": STATIONS,
    "project": PROJECT,
    "rules": RULES,
}


def changed(doc, path, value=..., drop=False):
    """A deep copy of doc with the value at path replaced (or its key removed)."""
    doc = copy.deepcopy(doc)
    *head, last = path
    target = doc
    for key in head:
        target = target[key]
    if drop:
        del target[last]
    else:
        target[last] = value
    return doc


def renamed(doc, path, old, new):
    doc = copy.deepcopy(doc)
    target = doc
    for key in path:
        target = target[key]
    target[new] = target.pop(old)
    return doc


# ------------------------------------------------------------------ the schema files themselves


@pytest.mark.parametrize("name", NAMES)
def test_schema_is_valid_draft_2020_12(name):
    schema = load(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://sgz-portal.example/schema/{name}.schema.json"
    Draft202012Validator.check_schema(schema)


def walk(node, where=()):
    """Every sub-schema (dict) in a schema, with where it sits."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            if key in ("enum", "const", "default", "required"):
                continue
            yield from walk(value, where + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk(value, where + (i,))


@pytest.mark.parametrize("name", NAMES)
def test_every_object_is_closed_and_every_property_documented(name):
    schema = load(name)
    for where, node in walk(schema):
        # sub-schemas of if/then/else only narrow properties the object already declares
        conditional = any(k in ("if", "then", "else") for k in where)
        if node.get("type") == "object" and not conditional:
            # the stations file is closed by its then (a list) and else (one station) branches
            closed = node.get("additionalProperties") is False or {"then", "else"} <= node.keys()
            assert closed, f"{name}: {where} is not closed"
        for key, prop in node.get("properties", {}).items():
            if conditional:
                continue
            assert prop.get("title"), f"{name}: {where + (key,)} has no title"
            assert re.search(r"[\u4e00-\u9fff]", prop.get("description", "")), (
                f"{name}: {where + (key,)} has no Chinese description"
            )
            if "default" in prop:
                assert "默认" in prop["description"] or "不填" in prop["description"], (
                    f"{name}: {where + (key,)} does not document its default"
                )


@pytest.mark.parametrize("name", NAMES)
def test_refs_stay_inside_the_file_and_defs_are_used(name):
    schema = load(name)
    text = json.dumps(schema, ensure_ascii=False)
    refs = set(re.findall(r'"\$ref": "([^"]*)"', text))
    assert all(ref.startswith("#/$defs/") for ref in refs), refs
    assert {ref.removeprefix("#/$defs/") for ref in refs} == set(schema.get("$defs", {}))


# ------------------------------------------------------------------ the contract examples validate


@pytest.mark.parametrize("name", NAMES)
def test_contract_example_is_valid(name):
    assert errors(name, EXAMPLES[name]) == set()


def test_a_stations_file_may_hold_a_single_station():
    assert errors("stations", STATION) == set()


def test_minimal_documents_are_valid():
    site = {k: SITE[k] for k in ("name", "publisher", "region", "contact")}
    assert errors("site", site) == set()
    city = {
        k: v
        for k, v in STATION.items()
        if k in ("id", "name", "region", "address", "phone", "complaint_phone", "hours", "established", "verified")
    }
    city |= {"level": "city", "staff": {"full_time": 1, "certified": {}}, "services": []}
    assert errors("stations", city) == set()
    project = changed(PROJECT, ("reports",), []) | {"expenditures": [], "indicators": []}
    assert errors("project", project) == set()
    assert errors("rules", {"rules": {}}) == set()


def test_barred_expenditure_categories_are_data_not_schema_errors():
    for category in ("utilities", "property", "renovation", "fixed_assets"):
        doc = changed(PROJECT, ("expenditures", 0, "category"), category)
        assert errors("project", doc) == set()


# ------------------------------------------------------------------ wrong documents fail where they are wrong

S0 = ("stations", 0)

WRONG = [
    # (schema, document, expected {(path, keyword)})
    pytest.param(
        "stations", renamed(STATIONS, S0, "phone", "phones"),
        {(S0, "additionalProperties"), (S0, "required")}, id="misspelt-key-phones",
    ),
    pytest.param(
        "stations", renamed(STATION, (), "phone", "phones"),
        {((), "additionalProperties"), ((), "required")}, id="single-station-misspelt-key",
    ),
    pytest.param("stations", {"stations": STATION}, {(("stations",), "type")}, id="stations-not-a-list"),
    pytest.param("stations", [STATION], {((), "type")}, id="stations-file-is-a-bare-list"),
    pytest.param(
        "stations", changed(STATIONS, S0 + ("hours", 0, "open"), "9:00"),
        {(S0 + ("hours", 0, "open"), "pattern")}, id="time-without-leading-zero",
    ),
    pytest.param(
        "stations", changed(STATIONS, S0 + ("hours", 0, "close"), 1050),
        {(S0 + ("hours", 0, "close"), "type")}, id="time-parsed-as-sexagesimal",
    ),
    pytest.param(
        "stations", changed(STATIONS, S0 + ("hours", 1, "days"), ["saturday"]),
        {(S0 + ("hours", 1, "days", 0), "enum")}, id="bad-day",
    ),
    pytest.param("stations", changed(STATIONS, S0 + ("level",), "town"), {(S0 + ("level",), "enum")}, id="bad-level"),
    pytest.param(
        "stations", changed(STATIONS, S0 + ("operator",), drop=True), {(S0, "required")}, id="township-without-operator",
    ),
    pytest.param(
        "stations", changed(STATIONS, S0 + ("parent",), drop=True), {(S0, "required")}, id="township-without-parent",
    ),
    pytest.param("stations", changed(STATIONS, S0 + ("phone",), []), {(S0 + ("phone",), "minItems")}, id="no-phone"),
    pytest.param("stations", changed(STATIONS, S0 + ("hours",), []), {(S0 + ("hours",), "minItems")}, id="no-hours"),
    pytest.param(
        "stations", changed(STATIONS, S0 + ("complaint_phone",), "12345678"),
        {(S0 + ("complaint_phone",), "pattern")}, id="bad-phone",
    ),
    pytest.param(
        "stations", changed(STATIONS, S0 + ("complaint_phone",), 12345),
        {(S0 + ("complaint_phone",), "type")}, id="phone-as-integer",
    ),
    pytest.param(
        "stations", changed(STATIONS, S0 + ("established",), datetime.date(2021, 6, 1)),
        {(S0 + ("established",), "type")}, id="date-object-instead-of-string",
    ),
    pytest.param(
        "stations", changed(STATIONS, S0 + ("verified",), "2025-5-20"),
        {(S0 + ("verified",), "pattern")}, id="date-without-leading-zero",
    ),
    pytest.param(
        "stations", changed(STATIONS, S0 + ("photos",), ["files/../secret.jpg"]),
        {(S0 + ("photos", 0), "pattern")}, id="attachment-escapes-files",
    ),
    pytest.param(
        "stations", changed(STATIONS, S0 + ("signage", "photo"), "photos/sign.jpg"),
        {(S0 + ("signage", "photo"), "pattern")}, id="attachment-outside-files",
    ),
    pytest.param(
        "stations", changed(STATIONS, S0 + ("photos",), ["files/lmt-xiaoshi/hall.pdf"]),
        {(S0 + ("photos", 0), "pattern")}, id="photo-is-not-an-image",
    ),
    pytest.param(
        "stations", changed(STATIONS, S0 + ("staff", "certified"), drop=True),
        {(S0 + ("staff",), "required")}, id="staff-without-certified",
    ),
    pytest.param(
        "stations", changed(STATIONS, S0 + ("staff", "full_time"), -1),
        {(S0 + ("staff", "full_time"), "minimum")}, id="negative-count",
    ),
    pytest.param(
        "stations", changed(STATIONS, S0 + ("location", "lat"), 128.9),
        {(S0 + ("location", "lat"), "maximum")}, id="latitude-out-of-range",
    ),
    pytest.param(
        "stations", changed(STATIONS, S0 + ("location", "crs"), "gps"),
        {(S0 + ("location", "crs"), "enum")}, id="bad-crs",
    ),
    pytest.param(
        "regions", changed(REGIONS, ("regions", 0, "code"), 510500),
        {(("regions", 0, "code"), "type")}, id="region-code-as-integer",
    ),
    pytest.param(
        "stations", changed(STATIONS, S0 + ("phone", 0), "０８３０-３１２３４５６"),
        {(S0 + ("phone", 0), "pattern")}, id="full-width-digits",
    ),
    pytest.param(
        "regions", changed(REGIONS, ("regions", 2, "code"), "510504"),
        {(("regions", 2, "code"), "pattern")}, id="township-code-with-six-digits",
    ),
    pytest.param(
        "regions", changed(REGIONS, ("regions", 3, "kind"), "街道"),
        {(("regions", 3, "kind"), "enum")}, id="village-kind-of-township",
    ),
    pytest.param(
        "site", changed(SITE, ("region",), 510500), {(("region",), "type")}, id="site-region-as-integer",
    ),
    pytest.param(
        "site", changed(SITE, ("contact", "email"), drop=True), {(("contact",), "required")}, id="site-contact-email",
    ),
    pytest.param(
        "site", changed(SITE, ("as_of",), "2025/06/30"), {(("as_of",), "pattern")}, id="site-bad-date",
    ),
    pytest.param(
        "services", changed(SERVICES, ("services", 0, "summary"), "第一行\n第二行\n"),
        {(("services", 0, "summary"), "pattern")}, id="summary-on-two-lines",
    ),
    pytest.param(
        "services", changed(SERVICES, ("services", 0, "access"), ["walk-in"]),
        {(("services", 0, "access", 0), "enum")}, id="bad-access",
    ),
    pytest.param(
        "services", changed(SERVICES, ("services", 0, "id"), "Elderly_Visit"),
        {(("services", 0, "id"), "pattern")}, id="bad-id",
    ),
    pytest.param(
        "services", changed(SERVICES, ("services", 0, "name"), "  "),
        {(("services", 0, "name"), "pattern")}, id="blank-name",
    ),
    pytest.param(
        "agencies", changed(AGENCIES, ("agencies", 0, "rating_year"), drop=True),
        {(("agencies", 0), "dependentRequired")}, id="rating-without-year",
    ),
    pytest.param(
        "agencies", changed(AGENCIES, ("agencies", 0, "rating"), "6A"),
        {(("agencies", 0, "rating"), "enum")}, id="bad-rating",
    ),
    pytest.param(
        "agencies", changed(AGENCIES, ("agencies", 0, "uscc"), "52510500MJQ12345OX"),
        {(("agencies", 0, "uscc"), "pattern")}, id="uscc-with-letter-o",
    ),
    pytest.param(
        "agencies", changed(AGENCIES, ("agencies", 0, "local"), "是"),
        {(("agencies", 0, "local"), "type")}, id="local-not-boolean",
    ),
    pytest.param(
        "project", changed(PROJECT, ("reports", 0, "type"), "weekly"),
        {(("reports", 0, "type"), "enum")}, id="report-bad-type",
    ),
    pytest.param(
        "project", changed(PROJECT, ("reports", 0, "period"), "2024-H1"),
        {(("reports", 0, "period"), "pattern")}, id="monthly-with-half-year-period",
    ),
    pytest.param(
        "project", changed(PROJECT, ("reports", 0, "period"), drop=True),
        {(("reports", 0), "required")}, id="monthly-without-period",
    ),
    pytest.param(
        "project", changed(PROJECT, ("reports", 0, "score"), 90),
        {(("reports", 0, "score"), "not")}, id="score-on-a-monthly-brief",
    ),
    pytest.param(
        "project", changed(PROJECT, ("reports", 1, "grade"), drop=True),
        {(("reports", 1), "required")}, id="evaluation-without-grade",
    ),
    pytest.param(
        "project", changed(PROJECT, ("reports", 1, "grade"), "良"),
        {(("reports", 1, "grade"), "enum")}, id="bad-grade",
    ),
    pytest.param(
        "project", changed(PROJECT, ("reports", 1, "score"), 101),
        {(("reports", 1, "score"), "maximum")}, id="score-above-100",
    ),
    pytest.param(
        "project", changed(PROJECT, ("reports", 0, "stats", "cases"), 1.5),
        {(("reports", 0, "stats", "cases"), "type")}, id="stats-not-integer",
    ),
    pytest.param(
        "project", changed(PROJECT, ("expenditures", 0, "category"), "food"),
        {(("expenditures", 0, "category"), "enum")}, id="unknown-expenditure-category",
    ),
    pytest.param(
        "project", changed(PROJECT, ("agreement", "amount"), -1),
        {(("agreement", "amount"), "minimum")}, id="negative-amount",
    ),
    pytest.param("project", changed(PROJECT, ("stations",), []), {(("stations",), "minItems")}, id="project-no-station"),
    pytest.param("project", changed(PROJECT, ("buyers",), []), {(("buyers",), "minItems")}, id="project-no-buyer"),
    pytest.param("project", changed(PROJECT, ("status",), "ongoing"), {(("status",), "enum")}, id="bad-status"),
    pytest.param(
        "project", changed(PROJECT, ("task_book", "overview"), drop=True),
        {(("task_book",), "required")}, id="task-book-without-overview",
    ),
    pytest.param(
        "rules", changed(RULES, ("rules", "personal_info"), {"severity": "warning"}),
        {(("rules", "personal_info", "severity"), "const")}, id="personal-info-softened",
    ),
    pytest.param(
        "rules", changed(RULES, ("rules", "monthly_brief"), {"due_days": 10}),
        {(("rules",), "additionalProperties")}, id="misspelt-rule-id",
    ),
    pytest.param(
        "rules", changed(RULES, ("rules", "monthly_briefs", "due_days"), "10"),
        {(("rules", "monthly_briefs", "due_days"), "type")}, id="due-days-as-string",
    ),
    pytest.param(
        "rules", changed(RULES, ("rules", "verification", "severity"), "info"),
        {(("rules", "verification", "severity"), "enum")}, id="bad-severity",
    ),
    pytest.param(
        "rules", changed(RULES, ("rules", "outside_operator_rating"), {"min_rating": "3"}),
        {(("rules", "outside_operator_rating", "min_rating"), "enum")}, id="bad-min-rating",
    ),
]


@pytest.mark.parametrize("name, doc, expected", WRONG)
def test_wrong_document_fails_at_the_expected_path(name, doc, expected):
    assert errors(name, doc) == expected


# ------------------------------------------------------------------ the fast path (data/schema.py)
# jsonschema-rs passes a file before jsonschema is asked; it must never pass what jsonschema refuses.

def _fast(name, doc):
    from sgz_portal.data import schema
    return schema._surely_valid(doc, name)


@pytest.mark.parametrize("name", NAMES)
def test_the_fast_check_passes_the_contract_examples(name):
    assert _fast(name, EXAMPLES[name])


@pytest.mark.parametrize("name, doc, expected", WRONG)
def test_the_fast_check_refuses_every_wrong_document(name, doc, expected):
    assert not _fast(name, doc)


def _patterns(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield value
            else:
                yield from _patterns(value)
    elif isinstance(node, list):
        for value in node:
            yield from _patterns(value)


# Strings some pattern of ours accepts; each pattern is swept around the ones it accepts.
BASES = ["a", "abc", "123456", "123456789", "123456789012", "2026-01", "2026-H1", "2026-01-15", "08:30",
         "http://a.cn/x", "a@b.cn", "files/a/b.jpg", "files/a/b.pdf", "0830-1234567", "13800138000",
         "91350100MA2XY01234", "a-b", "社工站"]
# Where regex dialects can disagree: controls, format characters, every kind of space, ASCII and
# Latin-1, full-width forms, and a few CJK characters.
SWEEP = sorted({chr(i) for i in range(0x3000)
                if unicodedata.category(chr(i))[0] in "CZ" and unicodedata.category(chr(i)) not in ("Cs", "Co", "Cn")}
               | {c for c in map(chr, range(0x110000)) if c.isspace()}
               | set(map(chr, range(0x100))) | set(map(chr, range(0xFF00, 0xFFF0))) | set("\u3000\ufeff社工站"))


def test_every_pattern_is_swept():
    patterns = {p for name in NAMES for p in _patterns(load(name))}
    assert len(patterns) > 10
    for pattern in patterns:
        assert [b for b in BASES if re.search(pattern, b)], f"no base string for {pattern}"


@pytest.mark.parametrize("pattern", sorted({p for name in NAMES for p in _patterns(load(name))}))
def test_the_fast_check_never_passes_a_string_python_refuses(pattern):
    """Every character of SWEEP, at the start, in the middle and at the end of each base string
    the pattern accepts: whenever jsonschema-rs accepts, Python's `re` must accept too."""
    import jsonschema_rs

    from sgz_portal.data.schema import _as_python
    fast = jsonschema_rs.Draft202012Validator({"type": "string", "pattern": _as_python(pattern)})
    wrong = [(base, hex(ord(c)), at) for base in BASES if re.search(pattern, base)
             for c in SWEEP for at, text in (("start", c + base), ("middle", base[:1] + c + base[1:]),
                                             ("end", base + c), ("alone", c))
             if fast.is_valid(text) and not re.search(pattern, text)]
    assert not wrong, wrong[:10]
