"""Judge the model against the disclosure rules at the as-of date.

The rules are those of DATA-CONTRACT.md ("Rules the data is judged by"), taken
from the Sichuan station-building guideline, the Luzhou pilot plan and the
disclosure duties of 《政府信息公开条例》. Every finding is an `Issue` pointing
at the data it is about (file, line, key path) with the station or project id
as `subject`, so pages can show each gap next to the record.

Time is never read from the clock here: every date rule is judged at
`portal.site.as_of`. Deadlines are inclusive: something published on its due
day is on time, and nothing is missing until its due day has passed.

Thresholds and severities come from `data/rules.yaml` (`portal.rules`), falling
back to RULES below, the one table of defaults. Rule 11 (personal information)
is always an error, whatever `rules.yaml` says. Rules 12 (plan targets) and 13
(charity fund disclosure) read the optional plans and resources; their findings'
`subject` is `plan:<id>` or `fund:<id>`, so they never collide with station or
project ids.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from sgz_portal.data.issues import ERROR, WARNING, Issue, issue
from sgz_portal.data.load import Document, RawData
from sgz_portal.data.memo import issues_in, issues_out
from sgz_portal.data.model import Portal, Project, Source, Station
from sgz_portal.rules import measures
from sgz_portal.rules.funds import quarters, running_balance
from sgz_portal.rules.pii import find_personal_info
from sgz_portal.rules.schedule import due_reports


@dataclass(frozen=True)
class Rule:
    """One disclosure rule: what the docs and the disclosure pages say about it."""

    id: str  # key in data/rules.yaml
    number: int  # as numbered in the data contract
    title: str  # Chinese, short
    text: str  # Chinese, one sentence; `{param}` placeholders are filled by describe()
    severity: str  # default severity
    params: Mapping[str, Any]  # default thresholds
    codes: tuple[str, ...]  # Issue codes this rule can produce
    fixed: bool = False  # severity cannot be changed by rules.yaml

    def describe(self, values: Mapping[str, Any] | None = None) -> str:
        """The rule's sentence with the thresholds in force (defaults if `values` is None)."""
        return self.text.format(**{**self.params, **(values or {})})


def _rule(id_: str, number: int, title: str, text: str, codes: Iterable[str],
          severity: str = WARNING, fixed: bool = False, **params: Any) -> Rule:
    return Rule(id_, number, title, text, severity, MappingProxyType(params), tuple(codes), fixed)


# The one table of rules and their defaults.
RULES: tuple[Rule, ...] = (
    _rule("name_branding", 1, "站点名称规范",
          "县级总站名称以“社会工作服务总站”结尾,乡镇(街道)站以“社会工作服务站”结尾,"
          "村(社区)室以“社会工作服务室”结尾。", ["R01_name_branding"]),
    _rule("township_staffing", 2, "乡镇站人员配备",
          "乡镇(街道)站至少有 {min_certified} 名持证专职社工,或配备兼职人员。",
          ["R02_township_staffing"], min_certified=2),
    _rule("station_contacts", 3, "站点联系信息",
          "站点公开投诉电话、联系电话、地址和开放时间。", ["R03_station_contacts"]),
    _rule("outside_operator_rating", 4, "外地机构评估等级",
          "外地运营机构的社会组织评估等级为 {min_rating} 及以上。",
          ["R04_outside_operator_rating"], min_rating="3A"),
    _rule("project_agreement", 5, "项目协议和任务书",
          "实施中和已结项的项目有写明服务期和金额的三方协议,以及含至少一项绩效指标的任务书。",
          ["R05_project_agreement"]),
    _rule("monthly_briefs", 6, "月简报",
          "服务期内每个已结束的月份,在月末后 {due_days} 天内发布月简报。",
          ["R06_monthly_brief_missing", "R06_monthly_brief_late"], due_days=15),
    _rule("self_assessments", 7, "自评报告",
          "每年上、下半年各发布一份自评报告,在半年结束后 {due_days} 天内发布。",
          ["R07_self_assessment_missing", "R07_self_assessment_late"], due_days=30),
    _rule("evaluations", 8, "中期和结项评估",
          "服务期过半后 {midterm_grace_days} 天内发布中期评估,服务期结束后 {final_due_days} 天内发布结项评估。",
          ["R08_midterm_missing", "R08_midterm_late", "R08_final_missing", "R08_final_late"],
          midterm_grace_days=30, final_due_days=60),
    _rule("expenditures", 9, "资金使用",
          "项目资金只用于食宿、交通、劳务(含保险)、印刷、宣传和办公,支出合计不超过合同金额。",
          ["R09_barred_category", "R09_over_amount"]),
    _rule("verification", 10, "信息核实",
          "站点信息至少每 {max_age_days} 天核实一次。", ["R10_verification"], max_age_days=180),
    _rule("personal_info", 11, "个人信息保护",
          "公开文字中不得出现身份证号(18 位,地区代码和出生日期合理即算,不论校验位)、手机号(电话栏目除外)"
          "和银行卡号;全角数字或用空格、连字符隔开的数字同样算;发现即为错误,不予发布。",
          ["R11_personal_info"], severity=ERROR, fixed=True),
    _rule("plan_targets", 12, "规划约束性指标",
          "约束性规划指标的目标年份结束后,实际值应达到该年目标。",
          ["R12_plan_target_missed"]),
    _rule("charity_fund_disclosure", 13, "慈善基金收支公开",
          "社区慈善基金自设立的季度起每季度至少公开一次收支,在季度结束后 {due_days} 天内公开;累计结余不得为负数。",
          ["R13_fund_quarter_missing", "R13_fund_negative_balance"], due_days=30),
    _rule("project_status", 14, "项目状态与日期一致",
          "判定日已过服务期开始日期的项目不再是“筹备中”(planned),"
          "服务期结束超过 {active_grace_days} 天的项目不再是“实施中”(active)。",
          ["R14_planned_started", "R14_active_ended"], active_grace_days=60),
)

JUDGED_STATUSES = ("active", "completed")
BRANDING = {"county": "社会工作服务总站", "township": "社会工作服务站", "village": "社会工作服务室"}
BARRED = {"utilities": "水电费", "property": "物业费", "renovation": "装修改造费", "fixed_assets": "固定资产"}


# -- settings and small helpers ------------------------------------------------------

def settings(portal: Portal) -> dict[str, dict[str, Any]]:
    """Rule id -> thresholds and severity in force: defaults overlaid with data/rules.yaml."""
    out: dict[str, dict[str, Any]] = {}
    for rule in RULES:
        given = portal.rules.get(rule.id) or {}
        merged = {"severity": rule.severity, **rule.params, **given}
        if rule.fixed:
            merged["severity"] = rule.severity
        out[rule.id] = merged
    return out


def _at(src: Source, sub: tuple, code: str, conf: Mapping[str, Any], subject: str,
        **values: Any) -> Issue:
    """A finding at `sub` inside the record `src` describes."""
    return issue(code, src.file, src.line(*sub), src.path + sub, severity=conf["severity"],
                 subject=subject, **values)


def _yuan(amount: float) -> str:
    return str(int(amount)) if float(amount).is_integer() else f"{amount:.2f}"


def _judged(portal: Portal) -> list[Project]:
    return [p for p in portal.projects.values() if p.status in JUDGED_STATUSES]


def _stations(portal: Portal) -> list[Station]:
    return sorted(portal.stations.values(), key=lambda s: s.id)


# -- rules 1-4 and 10: stations -------------------------------------------------------

def check_name_branding(portal: Portal, conf: Mapping[str, Any]) -> Iterator[Issue]:
    """Rule 1. Sichuan guideline §4: the sign shows the full standard name of the level
    (××社会工作服务总站 / ××社会工作服务站 / ××社会工作服务室); the city centre is free."""
    for st in _stations(portal):
        suffix = BRANDING.get(st.level)
        if suffix and not st.name.strip().endswith(suffix):
            yield _at(st.source, ("name",), "R01_name_branding", conf, st.id, suffix=suffix)


def check_township_staffing(portal: Portal, conf: Mapping[str, Any]) -> Iterator[Issue]:
    """Rule 2. Sichuan guideline §12-15: a township station has at least 2 full-time social
    workers with an assistant certificate or better, or else part-time staff."""
    minimum = conf["min_certified"]
    for st in _stations(portal):
        if st.level == "township" and st.staff.certified < minimum and not st.staff.part_time:
            yield _at(st.source, ("staff",), "R02_township_staffing", conf, st.id,
                      count=st.staff.certified, minimum=minimum)


def check_station_contacts(portal: Portal, conf: Mapping[str, Any]) -> Iterator[Issue]:
    """Rule 3. 《政府信息公开条例》Art. 20 and guideline §17: a station publishes its complaint
    phone, a phone, its address and opening hours. One finding lists everything missing."""
    for st in _stations(portal):
        missing = [word for word, ok in (
            ("投诉电话", (st.complaint_phone or "").strip()),
            ("联系电话", any(p.strip() for p in st.phones)),
            ("地址", (st.address or "").strip()),
            ("开放时间", st.hours),
        ) if not ok]
        if missing:
            yield _at(st.source, (), "R03_station_contacts", conf, st.id, missing="、".join(missing))


def _rank(rating: str | None) -> int:
    return int(rating[0]) if rating and rating[0].isdigit() else 0


def check_outside_operator_rating(portal: Portal, conf: Mapping[str, Any]) -> Iterator[Issue]:
    """Rule 4. Sichuan guideline §8: operators are local first; an agency from outside the
    region (`local: false`) must be rated 3A or better. Reported on each station it runs."""
    minimum = conf["min_rating"]
    for st in _stations(portal):
        agency = portal.agencies.get(st.operator or "")
        if agency and not agency.local and _rank(agency.rating) < _rank(minimum):
            yield _at(st.source, ("operator",), "R04_outside_operator_rating", conf, st.id,
                      agency=agency.name, rating=agency.rating or "未评级", minimum=minimum)


def check_verification(portal: Portal, conf: Mapping[str, Any]) -> Iterator[Issue]:
    """Rule 10. 《政府信息公开条例》Art. 26 (update within 20 working days of a change): a
    station entry is checked true at least every 180 days; older than that is a finding."""
    maximum = conf["max_age_days"]
    for st in _stations(portal):
        days = (portal.site.as_of - st.verified).days
        if days > maximum:
            yield _at(st.source, ("verified",), "R10_verification", conf, st.id, days=days,
                      verified=st.verified.isoformat(), maximum=maximum)


# -- rules 5-9: projects --------------------------------------------------------------

def check_project_agreement(portal: Portal, conf: Mapping[str, Any]) -> Iterator[Issue]:
    """Rule 5. Guideline §11: an active or completed project rests on a three-party agreement
    with period and amount, and a task book with an overview and at least one indicator."""
    for pr in _judged(portal):
        missing = [(word, sub) for word, sub, ok in (
            ("协议签订日期", ("agreement", "signed"), pr.signed),
            ("服务期开始日期", ("agreement", "start"), pr.start),
            ("服务期结束日期", ("agreement", "end"), pr.end),
            ("合同金额", ("agreement", "amount"), pr.amount is not None),
            ("任务书项目概述", ("task_book", "overview"), pr.task_book.get("overview")),
            ("绩效指标", ("indicators",), pr.indicators),
        ) if not ok]
        if missing:
            yield _at(pr.source, missing[0][1], "R05_project_agreement", conf, pr.id,
                      missing="、".join(word for word, _ in missing))


# Which rule and issue-code prefix judges each kind of due report.
REPORT_RULES = {"monthly": ("monthly_briefs", "R06_monthly_brief"),
                "self_assessment": ("self_assessments", "R07_self_assessment"),
                "midterm": ("evaluations", "R08_midterm"), "final": ("evaluations", "R08_final")}


def check_reports(portal: Portal, conf: Mapping[str, Mapping[str, Any]]) -> Iterator[Issue]:
    """Rules 6-8. Luzhou pilot plan: a 项目推进月简报 every month and a 自评报告 to the county
    bureau twice a year; guideline §11: midterm and final evaluations. What is owed and when
    comes from schedule.due_reports (the one schedule the pages show too); here each missing
    or late slot becomes a finding of its rule, with that rule's severity."""
    for pr in _judged(portal):
        for slot in due_reports(pr, portal.site.as_of, conf):
            if slot.status not in ("missing", "late"):
                continue
            rule_id, prefix = REPORT_RULES[slot.kind]
            values = {"period": slot.period, "due": slot.due.isoformat()}
            if slot.status == "missing":
                yield _at(pr.source, ("reports",), f"{prefix}_missing", conf[rule_id], pr.id, **values)
            elif slot.report is not None and slot.published is not None:
                yield _at(pr.source, ("reports", slot.report.index, "published"), f"{prefix}_late",
                          conf[rule_id], pr.id, published=slot.published.isoformat(), **values)


def check_expenditures(portal: Portal, conf: Mapping[str, Any]) -> Iterator[Issue]:
    """Rule 9. Guideline §17: money may pay board, travel, labour, printing, publicity and
    office costs, never utilities, property fees, renovation or fixed assets; the total may
    not exceed the agreement amount. Judged for every status: money spent is money spent."""
    for pr in sorted(portal.projects.values(), key=lambda p: p.id):
        for i, exp in enumerate(pr.expenditures):
            if exp.category in BARRED:
                yield _at(pr.source, ("expenditures", i, "category"), "R09_barred_category", conf,
                          pr.id, category=BARRED[exp.category], amount=_yuan(exp.amount))
        total = sum(e.amount for e in pr.expenditures)
        if pr.amount is not None and total > pr.amount + 1e-6:
            yield _at(pr.source, ("expenditures",), "R09_over_amount", conf, pr.id,
                      total=_yuan(total), amount=_yuan(pr.amount))


def check_project_status(portal: Portal, conf: Mapping[str, Any]) -> Iterator[Issue]:
    """Rule 14. A project's status agrees with its dates at the as-of date: still `planned`
    after `agreement.start`, or still `active` more than the grace days after `agreement.end`,
    means the status (and so everything judged by it) is stale."""
    as_of, grace = portal.site.as_of, conf["active_grace_days"]
    for pr in sorted(portal.projects.values(), key=lambda p: p.id):
        if pr.status == "planned" and pr.start and as_of > pr.start:
            yield _at(pr.source, ("status",), "R14_planned_started", conf, pr.id,
                      start=pr.start.isoformat())
        elif pr.status == "active" and pr.end and (as_of - pr.end).days > grace:
            yield _at(pr.source, ("status",), "R14_active_ended", conf, pr.id,
                      end=pr.end.isoformat(), days=(as_of - pr.end).days)


# -- rule 11: personal information --------------------------------------------------------

# Keys whose string values are not free text: ids and references to ids, codes, attachment
# paths and the portal's own URLs. Everything else a schema lets an editor write is scanned,
# titles and names of stories, reports and indicators included.
NOT_FREE_TEXT = frozenset({
    "id", "code", "uscc", "region", "parent", "operator", "supplier",
    "stations", "station", "services", "groups", "domain", "document", "photo", "photos", "logo",
    "feedback_url", "base_url",
})
# Phone fields: a mobile number is allowed there (it is published on purpose), an ID or card is not.
PHONE_KEYS = frozenset({"phone", "complaint_phone"})


def _free_text(node: Any, path: tuple = (), key: Any = None) -> Iterator[tuple[tuple, str, Any]]:
    """(path, string, key) for every published free-text value under `node`."""
    if isinstance(node, dict):
        for k, value in node.items():
            yield from _free_text(value, path + (k,), k)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _free_text(value, path + (i,), key)
    elif isinstance(node, str) and key not in NOT_FREE_TEXT:
        yield path, node, key


def _subject(doc: Document, path: tuple, kind: str) -> str:
    """The station or project id a value belongs to (`plan:<id>`, `fund:<id>` for those)."""
    record: Any = doc.data
    if kind == "plans" and isinstance(record, dict):
        return f"plan:{record.get('id', '')}"
    if kind == "resources" and len(path) > 1 and path[0] == "charity_funds" and isinstance(record, dict):
        funds = record.get("charity_funds")
        fund = funds[path[1]] if isinstance(funds, list) and isinstance(path[1], int) else None
        return f"fund:{fund.get('id', '')}" if isinstance(fund, dict) else ""
    if kind == "stations" and len(path) > 1 and path[0] == "stations" and isinstance(record, dict):
        items = record.get("stations")
        record = items[path[1]] if isinstance(items, list) and isinstance(path[1], int) else None
    if kind in ("stations", "projects") and isinstance(record, dict):
        return str(record.get("id", ""))
    return ""


class _Lines:
    """Source lines of the data files, read once, to find the exact line of a match."""

    def __init__(self, raw: RawData) -> None:
        self.base = Path(raw.root).parent
        self.cache: dict[str, list[str]] = {}

    def find(self, doc: Document, path: tuple, value: str, offset: int, text: str) -> int:
        """The line of `text` in `value` (a multi-line Markdown block too), else the key's line."""
        line = doc.line(path)
        if doc.file not in self.cache:
            try:
                self.cache[doc.file] = (self.base / doc.file).read_text(encoding="utf-8-sig").splitlines()
            except (OSError, UnicodeError):
                self.cache[doc.file] = []
        lines = self.cache[doc.file]
        last = min(len(lines), line + len(value) + 1)  # a value spans no more lines than that
        for n in range(line + value.count("\n", 0, offset), last + 1):
            if text in lines[n - 1]:
                return n
        return line


# -- rules 12 and 13: plans and charity funds ------------------------------------------------

def _figure(value: float, unit: str) -> str:
    """'100%', '1.7‰', '12 名'."""
    number = str(int(value)) if float(value).is_integer() else f"{value:g}"
    return f"{number}{unit}" if unit in ("%", "‰") else f"{number} {unit}".rstrip()


def check_plan_targets(portal: Portal, conf: Mapping[str, Any]) -> Iterator[Issue]:
    """Rule 12. A binding (约束性) indicator must reach each target whose year has ended; the
    value judged is the one reported for that year, else the computed one (measures.py)."""
    for plan in portal.plans.values():
        for ind in plan.indicators:
            if ind.kind != "binding":
                continue
            for target in measures.ended_targets(ind, portal.site.as_of):
                words = {"name": ind.name, "year": target.year, "target": _figure(target.value, ind.unit),
                         "comparison": measures.COMPARISON_WORDS[ind.comparison]}
                sub = ("indicators", ind.index, "targets")
                value = measures.value_for_target(portal, plan, ind, target)
                if not measures.meets(value.value, target.value, ind.comparison):
                    source = f"{value.year} 年{',' + value.source if value.source else ''}"
                    yield _at(plan.source, sub, "R12_plan_target_missed", conf, f"plan:{plan.id}",
                              value=_figure(value.value, ind.unit), source=source, **words)


def check_charity_funds(portal: Portal, conf: Mapping[str, Any]) -> Iterator[Issue]:
    """Rule 13. 《慈善法》 Art. 72-73: a fund raising from the public discloses its income and
    spending at least once a quarter (funds.py has the schedule); the balance never goes negative."""
    for fund in portal.funds.values():
        for q in quarters(fund, portal.site.as_of, conf["due_days"]):
            if q.status == "missing":
                yield _at(fund.source, ("ledger",), "R13_fund_quarter_missing", conf, f"fund:{fund.id}",
                          quarter=q.label, due=q.due.isoformat())
        for entry, balance in running_balance(fund):
            if balance < 0 and entry.date <= portal.site.as_of:
                yield _at(fund.source, ("ledger", entry.index), "R13_fund_negative_balance", conf,
                          f"fund:{fund.id}", date=entry.date.isoformat(), balance=_yuan(balance))
                break
def personal_info(raw: RawData, as_of: dt.date) -> list[Issue]:
    """Rule 11 on the data as read, whatever else is wrong with it ("every mistake at once"):
    it needs no model, so it runs even when validation failed."""
    docs = [(d, "") for d in (raw.site, raw.regions, raw.services, raw.agencies) if d is not None]
    docs += [(d, "stations") for d in raw.stations] + [(d, "projects") for d in raw.projects]
    docs += [(d, "plans") for d in raw.plans]
    docs += [(raw.resources, "resources")] if raw.resources is not None else []
    lines = _Lines(raw)
    found: list[Issue] = []
    for doc, kind in docs:
        if raw.memo is None or not doc.digest:
            found += _personal_info_of(doc, kind, as_of, lines)
            continue
        key = raw.memo.key("personal_info", kind, doc.file, doc.digest, as_of.isoformat())
        kept = raw.memo.get(key)
        if kept is None:
            kept = issues_out(_personal_info_of(doc, kind, as_of, lines))
            raw.memo.put(key, kept)
        found += issues_in(kept)
    return found


def _personal_info_of(doc: Document, kind: str, as_of: dt.date, lines: _Lines) -> list[Issue]:
    """Rule 11 on one file: it depends on nothing but the file and the as-of date (so an
    incremental build keeps its result under the file's bytes)."""
    found = []
    for path, value, key in _free_text(doc.data):
        for offset, what, masked, text in find_personal_info(value, as_of):
            if what == "手机号" and key in PHONE_KEYS:
                continue
            found.append(issue("R11_personal_info", doc.file, lines.find(doc, path, value, offset, text),
                               path, severity=ERROR, subject=_subject(doc, path, kind),
                               kind=what, masked=masked))
    return found


def check_personal_info(portal: Portal, raw: RawData, conf: Mapping[str, Any]) -> Iterator[Issue]:
    """Rule 11. Personal Information Protection Law and the social work confidentiality codes:
    published text never carries a resident ID number, a mobile number (outside the phone
    fields) or a bank card number. Always an error: the build refuses to publish."""
    yield from personal_info(raw, portal.site.as_of)


# -- the judge ------------------------------------------------------------------------------

Check = Callable[[Portal, Mapping[str, Any]], Iterable[Issue]]
CHECKS: dict[str, Check] = {
    "name_branding": check_name_branding,
    "township_staffing": check_township_staffing,
    "station_contacts": check_station_contacts,
    "outside_operator_rating": check_outside_operator_rating,
    "project_agreement": check_project_agreement,
    "expenditures": check_expenditures,
    "verification": check_verification,
    "plan_targets": check_plan_targets,
    "charity_fund_disclosure": check_charity_funds,
    "project_status": check_project_status,
}


def judge(portal: Portal, raw: RawData) -> list[Issue]:
    """Every finding of the rules at `portal.site.as_of`, sorted and without repeats."""
    conf = settings(portal)
    found: list[Issue] = []
    for rule_id, check in CHECKS.items():
        found.extend(check(portal, conf[rule_id]))
    found.extend(check_reports(portal, conf))
    found.extend(check_personal_info(portal, raw, conf["personal_info"]))
    return sorted(set(found))
