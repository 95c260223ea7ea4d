"""Project page (projects/<id>/): agreement, task book, reports, evaluations, money."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from markupsafe import Markup

from . import urls
from .issues import Issue
from .markup import render
from .model import Project
from .searchterms import index_terms
from .urls import Link
from .words import REPORT_WORDS, STATUS_WORDS, money

if TYPE_CHECKING:
    from .views import Views


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
    task_book: list[tuple[str, Markup]]
    reports: list[tuple[str, str, str, Markup]]
    county: str
    search_terms: str
    findings: list[Issue] = field(default_factory=list)




def view(views: "Views", pid: str) -> ProjectView:
    p, pr = views.p, views.p.projects[pid]
    period = f"{pr.start} 至 {pr.end}" if pr.start and pr.end else "未填写"
    words = {"overview": "项目概述", "needs_analysis": "需求分析", "service_plan": "服务计划",
             "staffing": "人员配置"}
    first = p.stations[pr.stations[0]]
    return ProjectView(
        project=pr, title=pr.title, status=STATUS_WORDS[pr.status],
        supplier=Link(p.agencies[pr.supplier].name, urls.agency(pr.supplier)),
        stations=[views.station_link(s) for s in pr.stations], period=period,
        amount=money(pr.amount),
        task_book=[(words[k], render(v)) for k, v in pr.task_book.items() if k in words],
        reports=[(REPORT_WORDS[r.type], r.period or "", r.published.isoformat(), render(r.summary))
                 for r in sorted(pr.reports, key=lambda r: (r.published, r.index))],
        county=views.county_name(first.region),
        search_terms=index_terms([pr.title, *(p.stations[s].name for s in pr.stations)]),
        findings=views.findings.get(pid, []),
    )
