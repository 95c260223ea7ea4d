"""The one schedule of reports a project owes (rules 6-8 of the data contract).

Monthly briefs for every calendar month the agreement period touches, a
self-assessment for every half-year it touches, a midterm evaluation once the
period is half over and a final evaluation after the end. The rules engine,
the project timeline, the station checklist and the disclosure pages all read
`due_reports`, so they cannot disagree on a due date. Deadlines are inclusive:
published on the due day is on time, and nothing is missing until its due
day has passed. A resubmission does not cure lateness: the earliest counts.
"""
from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sgz_portal.data.model import Project, Report
from sgz_portal.data.words import REPORT_WORDS

JUDGED_STATUSES = ("active", "completed")  # planned/terminated projects owe no reports
KIND_ORDER = {"monthly": 0, "self_assessment": 1, "midterm": 2, "final": 3}
DUE_WORDS = {"on_time": "按时发布", "late": "逾期发布", "missing": "未发布", "not_due": "尚未到期"}
DUE_SYMBOLS = {"on_time": "✓", "late": "⚠", "missing": "✗", "not_due": "…"}


@dataclass(frozen=True)
class DueReport:
    """One report a project owes: its deadline and what was published for it."""

    project: str
    kind: str  # monthly | self_assessment | midterm | final
    period: str  # 2026-05, 2026-H1, or '' for evaluations
    due: dt.date  # last day to publish on time (inclusive)
    report: Report | None  # the earliest published report for this slot
    status: str  # on_time | late | missing | not_due
    days: int  # days late (late) or overdue (missing); 0 otherwise

    @property
    def published(self) -> dt.date | None:
        return self.report.published if self.report else None

    @property
    def label(self) -> str:
        """'月简报 2026-05', '中期评估'."""
        return f"{REPORT_WORDS[self.kind]} {self.period}".strip()

    @property
    def status_text(self) -> str:
        """The status in words (never colour alone)."""
        if self.status == "late":
            return f"逾期 {self.days} 天发布"
        if self.status == "missing":
            return f"未发布(已超期 {self.days} 天)" if self.days else "未发布"
        return DUE_WORDS[self.status]

    @property
    def symbol(self) -> str:
        return DUE_SYMBOLS[self.status]


def _months(start: dt.date, end: dt.date) -> Iterator[tuple[str, dt.date]]:
    """('2024-03', 2024-03-31) for every calendar month the period touches."""
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield _month(year, month)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


@functools.lru_cache(maxsize=1024)
def _month(year: int, month: int) -> tuple[str, dt.date]:
    """A province's 3,500 projects touch the same few dozen months (45,000 of them, 0.5 profiled s)."""
    return f"{year:04d}-{month:02d}", dt.date(year, month, calendar.monthrange(year, month)[1])


def _halves(start: dt.date, end: dt.date) -> Iterator[tuple[str, dt.date]]:
    """('2024-H1', 2024-06-30) for every half-year the period touches."""
    for year in range(start.year, end.year + 1):
        for half, first, last in (("H1", (1, 1), (6, 30)), ("H2", (7, 1), (12, 31))):
            if dt.date(year, *first) <= end and dt.date(year, *last) >= start:
                yield f"{year}-{half}", dt.date(year, *last)


def _earliest(pr: Project, kind: str, by_period: bool) -> dict[str | None, Report]:
    """Period (or None) -> the earliest report of `kind`: a resubmission does not cure lateness."""
    out: dict[str | None, Report] = {}
    for rep in sorted(pr.reports, key=lambda r: (r.published, r.index)):
        if rep.type == kind:
            out.setdefault(rep.period if by_period else None, rep)
    return out


def _slot(pr: Project, kind: str, period: str, due: dt.date, rep: Report | None,
          as_of: dt.date, due_now: bool = False) -> DueReport:
    if rep is not None:
        late = (rep.published - due).days
        return DueReport(pr.id, kind, period, due, rep, "late" if late > 0 else "on_time", max(late, 0))
    if as_of > due or due_now:
        return DueReport(pr.id, kind, period, due, None, "missing", max((as_of - due).days, 0))
    return DueReport(pr.id, kind, period, due, None, "not_due", 0)


def due_reports(project: Project, as_of: dt.date, params: Mapping[str, Mapping[str, Any]]
                ) -> list[DueReport]:
    """Every report `project` owes over its whole period, each judged at `as_of`.

    `params` is `rules.settings(portal)` (rule id -> thresholds in force). Only active and
    completed projects with a start and end date owe reports. A completed project owes its
    midterm evaluation at once, even if it ended before the midterm was due.
    """
    pr = project
    if pr.status not in JUDGED_STATUSES or not (pr.start and pr.end):
        return []
    monthly = dt.timedelta(days=params["monthly_briefs"]["due_days"])
    half = dt.timedelta(days=params["self_assessments"]["due_days"])
    ev = params["evaluations"]
    out = []
    briefs = _earliest(pr, "monthly", True)
    out += [_slot(pr, "monthly", period, end + monthly, briefs.get(period), as_of)
            for period, end in _months(pr.start, pr.end)]
    selfs = _earliest(pr, "self_assessment", True)
    out += [_slot(pr, "self_assessment", period, end + half, selfs.get(period), as_of)
            for period, end in _halves(pr.start, pr.end)]
    mid_due = pr.start + dt.timedelta(days=(pr.end - pr.start).days // 2 + ev["midterm_grace_days"])
    out.append(_slot(pr, "midterm", "", mid_due, _earliest(pr, "midterm", False).get(None), as_of,
                     due_now=pr.status == "completed"))
    out.append(_slot(pr, "final", "", pr.end + dt.timedelta(days=ev["final_due_days"]),
                     _earliest(pr, "final", False).get(None), as_of))
    return sorted(out, key=lambda d: (d.due, KIND_ORDER[d.kind], d.period))
