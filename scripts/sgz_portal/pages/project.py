"""Project page (projects/<id>/): agreement, money, task book, indicators, reports and gaps.

Everything the page shows is decided here: the verdict on each indicator,
the timeline of reports due (from schedule.due_reports, the one schedule),
which expenditures are barred (rules.BARRED), and every attachment link.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from markupsafe import Markup

from sgz_portal.data import urls
from sgz_portal.data.issues import Issue
from sgz_portal.data.markup import render
from sgz_portal.data.model import Indicator, Project, Report
from sgz_portal.data.urls import Link
from sgz_portal.data.words import REPORT_WORDS, STATUS_WORDS, money
from sgz_portal.pages.context import Context, ListView
from sgz_portal.pages.disclosure import params_of, schedule_words
from sgz_portal.pages.searchterms import SearchTerms, index_terms
from sgz_portal.pages.statistics import STAT_WORDS
from sgz_portal.rules.judge import BARRED
from sgz_portal.rules.schedule import DueReport, due_reports

TASK_BOOK_WORDS = {"overview": "项目概述", "needs_analysis": "需求分析", "service_plan": "服务计划",
                   "staffing": "人员配置"}
EXPENSE_WORDS = {"board_lodging": "食宿费", "travel": "交通费", "labor": "劳务费(含保险)",
                 "printing": "印刷费", "publicity": "宣传费", "office": "办公费",
                 "utilities": "水电费", "property": "物业费", "renovation": "装修改造费",
                 "fixed_assets": "固定资产"}
DIRECTION_WORDS = {"at_least": "不低于目标值为达成", "at_most": "不高于目标值为达成(越低越好)"}


@dataclass(frozen=True)
class IndicatorRow:
    name: str
    target: str
    actual: str
    rule: str  # which way is better, in words
    verdict: str  # met | not_met | not_reported
    verdict_text: str
    symbol: str


@dataclass(frozen=True)
class TimelineRow:
    report: str
    due: str
    published: str
    status: str  # on_time | late | missing | not_due
    status_text: str
    symbol: str
    document: Link | None


@dataclass(frozen=True)
class EvaluationRow:
    kind: str
    published: str
    evaluator: str
    score: str
    grade: str
    document: Link | None


@dataclass(frozen=True)
class ReportEntry:
    heading: str
    published: str
    summary: Markup
    stats: str
    document: Link | None


@dataclass(frozen=True)
class ExpenseRow:
    category: str
    amount: str
    allowed: bool
    allowed_text: str
    note: str


@dataclass
class ProjectView:
    """Context `view` of project.html (projects/<id>/)."""

    project: Project
    title: str
    status: str
    supplier: Link
    stations: list[Link]
    period: str
    amount: str
    signed: str
    agreement: Link | None
    funding: list[tuple[str, str, str]]  # source, amount, share of the agreement amount
    funding_note: str
    task_book: list[tuple[str, Markup]]
    indicators: list[IndicatorRow]
    timeline: list[TimelineRow]
    timeline_note: str
    deadlines: str  # the deadlines in force, in words
    evaluations: list[EvaluationRow]
    reports: list[ReportEntry]
    expenditures: list[ExpenseRow]
    spending: str  # total against the agreement amount, in words
    stories: list[tuple[str, str, Markup]]
    corrections: list[tuple[str, str]]
    attachments: list[Link]
    as_of: str
    county: str
    search_terms: SearchTerms
    findings: list[Issue] = field(default_factory=list)


def _num(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def _measure(value: float, unit: str) -> str:
    return f"{_num(value)}{unit}" if unit == "%" else f"{_num(value)} {unit}".strip()


def _indicator(ind: Indicator, active: bool) -> IndicatorRow:
    met = ind.met
    if met is None:
        verdict, words, symbol = "not_reported", "尚未报告", "—"
    elif met:
        verdict, words, symbol = "met", "已达成", "✓"
    else:
        verdict, words, symbol = "not_met", "尚未达到(项目实施中)" if active else "未达成", "✗"
    actual = _measure(ind.actual, ind.unit) if ind.actual is not None else "未报告"
    return IndicatorRow(ind.name, _measure(ind.target, ind.unit), actual,
                        DIRECTION_WORDS.get(ind.direction, DIRECTION_WORDS["at_least"]), verdict, words, symbol)


def _doc(title: str, path: str | None) -> Link | None:
    """An attachment link; the note is the file type shown to readers (PDF, JPG...)."""
    return Link(title, urls.attachment(path), PurePosixPath(path).suffix.lstrip(".").upper()) if path else None


def _report_title(rep: Report) -> str:
    return f"{REPORT_WORDS[rep.type]} {rep.period or ''}".strip()


def _timeline(due: list[DueReport]) -> list[TimelineRow]:
    return [TimelineRow(d.label, d.due.isoformat(),
                        d.published.isoformat() if d.published else "未发布" if d.status == "missing" else "—",
                        d.status, d.status_text, d.symbol,
                        _doc(d.label, d.report.document) if d.report else None)
            for d in due]


def _timeline_note(pr: Project) -> str:
    if pr.status == "planned":
        return "项目尚未开始实施,暂无应发布的报告。"
    if pr.status == "terminated":
        return "项目已终止,不再按期发布报告。"
    if not (pr.start and pr.end):
        return "协议未写明服务期,无法列出应发布的报告。"
    return ""


def _stats(rep: Report) -> str:
    return ",".join(f"{label} {rep.stats[key]:,} {unit}" for key, label, unit in STAT_WORDS if key in rep.stats)


def _reports(pr: Project) -> list[ReportEntry]:
    ordered = sorted(pr.reports, key=lambda r: (r.published, r.index))
    return [ReportEntry(_report_title(r), r.published.isoformat(), render(r.summary), _stats(r),
                        _doc(_report_title(r), r.document)) for r in ordered]


def _evaluations(pr: Project) -> list[EvaluationRow]:
    evals = sorted((r for r in pr.reports if r.type in ("midterm", "final")), key=lambda r: (r.published, r.index))
    return [EvaluationRow(REPORT_WORDS[r.type], r.published.isoformat(), r.evaluator or "未填写",
                          _num(r.score) if r.score is not None else "未填写", r.grade or "未填写",
                          _doc(REPORT_WORDS[r.type], r.document)) for r in evals]


def _expenditures(pr: Project) -> tuple[list[ExpenseRow], str]:
    rows = [ExpenseRow(EXPENSE_WORDS.get(e.category, e.category), money(e.amount), e.category not in BARRED,
                       "允许使用" if e.category not in BARRED else "不允许使用(违反资金使用规定)", e.note or "")
            for e in pr.expenditures]
    total = sum(e.amount for e in pr.expenditures)
    barred = sum(e.amount for e in pr.expenditures if e.category in BARRED)
    words = f"已公开支出合计 {money(total)}"
    if pr.amount:
        words += f",占合同金额 {money(pr.amount)} 的 {total * 100 / pr.amount:.1f}%"
        if total > pr.amount:
            words += f",超出合同金额 {money(total - pr.amount)}"
    if barred:
        words += f";其中不允许使用的支出 {money(barred)}"
    return rows, words + "。"


def _funding(pr: Project) -> tuple[list[tuple[str, str, str]], str]:
    rows = [(source, money(amount), f"{amount * 100 / pr.amount:.1f}%" if pr.amount else "—")
            for source, amount in pr.funding]
    total = sum(amount for _, amount in pr.funding)
    note = "" if not pr.funding or pr.amount is None or abs(total - pr.amount) < 0.005 else \
        f"资金来源合计 {money(total)},与合同金额 {money(pr.amount)} 不一致。"
    return rows, note


def _attachments(pr: Project) -> list[Link]:
    docs = [_doc("三方协议", pr.document)]
    docs += [_doc(f"{_report_title(r)}(发布于 {r.published})", r.document)
             for r in sorted(pr.reports, key=lambda r: (r.published, r.index))]
    return [d for d in docs if d]


def view(ctx: Context, pid: str) -> ProjectView:
    p, pr = ctx.p, ctx.p.projects[pid]
    period = f"{pr.start} 至 {pr.end}" if pr.start and pr.end else "未填写"
    params = params_of(p)
    expenses, spending = _expenditures(pr)
    funding, funding_note = _funding(pr)
    return ProjectView(
        project=pr, title=pr.title, status=STATUS_WORDS[pr.status],
        supplier=Link(p.agencies[pr.supplier].name, urls.agency(pr.supplier)),
        stations=[ctx.station_link(s) for s in pr.stations], period=period,
        amount=money(pr.amount), signed=pr.signed.isoformat() if pr.signed else "未填写",
        agreement=_doc("三方协议", pr.document), funding=funding, funding_note=funding_note,
        task_book=[(TASK_BOOK_WORDS[k], render(pr.task_book[k])) for k in TASK_BOOK_WORDS if k in pr.task_book],
        indicators=[_indicator(i, pr.status in ("active", "planned")) for i in pr.indicators],
        timeline=_timeline(due_reports(pr, p.site.as_of, params)), timeline_note=_timeline_note(pr),
        deadlines=schedule_words(params),
        evaluations=_evaluations(pr), reports=_reports(pr),
        expenditures=expenses, spending=spending,
        stories=[(s.title, s.published.isoformat(), render(s.body))
                 for s in sorted(pr.stories, key=lambda s: (s.published, s.title))],
        corrections=[(c.date.isoformat(), c.note) for c in sorted(pr.corrections, key=lambda c: c.date)],
        attachments=_attachments(pr), as_of=p.site.as_of.isoformat(),
        county=ctx.county_name(p.stations[pr.stations[0]].region),
        # a project is findable by its title, but the title does not rank it as a name does: titles
        # repeat their station's name (××街道社会工作服务站运营项目), and a county's 17 projects
        # outranked its hub for the county's name (province recall, issue 11)
        search_terms=index_terms([], [pr.title, *(p.stations[s].name for s in pr.stations)]),
        findings=ctx.findings.get(pid, []),
    )


def listing(ctx: Context) -> ListView:
    """projects/: every project, grouped by status."""
    p = ctx.p
    by_status: dict[str, list[Link]] = {}
    for pr in p.projects.values():
        note = f"{pr.start or ''} 至 {pr.end or ''} · {money(pr.amount)}"
        by_status.setdefault(pr.status, []).append(Link(pr.title, urls.project(pr.id), note))
    return ListView([(STATUS_WORDS[s], by_status[s]) for s in STATUS_WORDS if s in by_status])
