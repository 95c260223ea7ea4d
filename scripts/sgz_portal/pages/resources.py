"""五社联动 pages: resources/ (by county and station, with counts), each fund's page funds/<id>/,
and the section of a station page that lists its own organisations, teams and funds.

A fund's quarters and running balance come from rules/funds.py, the schedule
rule 13 judges by, so a missing quarter on the fund page is the same quarter
the disclosure pages list.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from sgz_portal.data import urls
from sgz_portal.data.issues import Issue
from sgz_portal.data.model import CharityFund, Portal
from sgz_portal.data.urls import Link
from sgz_portal.data.words import ORG_KIND_WORDS, ORG_STATUS_WORDS, money
from sgz_portal.pages.context import Context
from sgz_portal.pages.disclosure import group_of
from sgz_portal.rules.funds import STATUS_WORDS, Quarter, quarters, running_balance
from sgz_portal.rules.judge import settings

QUARTER_SYMBOLS = {"disclosed": "✓", "missing": "✗", "open": "—"}


@dataclass(frozen=True)
class OrgRow:
    id: str
    name: str
    kind: str
    status: str
    members: str
    since: str


@dataclass(frozen=True)
class TeamRow:
    id: str
    name: str
    members: str
    hours: str


@dataclass(frozen=True)
class FundRow:
    link: Link
    host: str
    established: str
    balance: str
    missing: str  # missing quarters in words, or ''


@dataclass(frozen=True)
class StationResources:
    """What one station works with (also the section on its station page)."""

    station: Link
    orgs: list[OrgRow]
    teams: list[TeamRow]
    funds: list[FundRow]

    @property
    def empty(self) -> bool:
        return not (self.orgs or self.teams or self.funds)


@dataclass(frozen=True)
class CountyResources:
    code: str
    name: str
    link: Link | None
    orgs: int
    teams: int
    funds: int
    stations: list[StationResources]


@dataclass
class ResourcesView:
    """Context `view` of resources.html (resources/)."""

    as_of: str
    counties: list[CountyResources]
    total_orgs: int
    total_teams: int
    total_funds: int
    by_kind: list[tuple[str, int]]  # community organisations per kind


def _n(value: int | None, unit: str) -> str:
    return f"{value:,} {unit}" if value is not None else "未填写"


def fund_quarters(p: Portal, fund: CharityFund) -> list[Quarter]:
    return quarters(fund, p.site.as_of, settings(p)["charity_fund_disclosure"]["due_days"])


def _fund_row(p: Portal, fid: str) -> FundRow:
    fund = p.funds[fid]
    balance = running_balance(fund)
    missing = [q.label for q in fund_quarters(p, fund) if q.status == "missing"]
    return FundRow(Link(fund.name, urls.fund(fid)), fund.host, fund.established.isoformat(),
                   money(balance[-1][1] if balance else 0), "、".join(missing))


def station_resources(ctx: Context, sid: str) -> StationResources:
    p = ctx.p
    orgs = [p.community_orgs[o] for o in sorted(p.orgs_by_station.get(sid, []))]
    teams = [p.volunteer_teams[t] for t in sorted(p.teams_by_station.get(sid, []))]
    return StationResources(
        ctx.station_link(sid),
        [OrgRow(o.id, o.name, ORG_KIND_WORDS[o.kind], ORG_STATUS_WORDS[o.status], _n(o.members, "人"),
                o.since.isoformat() if o.since else "未填写") for o in orgs],
        [TeamRow(t.id, t.name, _n(t.members, "人"), _n(t.hours_last_year, "小时")) for t in teams],
        [_fund_row(p, f) for f in sorted(p.funds_by_station.get(sid, []))],
    )


def view(ctx: Context) -> ResourcesView:
    p = ctx.p
    sids = sorted({*p.orgs_by_station, *p.teams_by_station, *p.funds_by_station},
                  key=lambda s: (p.stations[s].region, s))
    by_group: dict[str, list[StationResources]] = {}
    for sid in sids:
        by_group.setdefault(group_of(p, p.stations[sid].region), []).append(station_resources(ctx, sid))
    counties = [CountyResources(code, p.regions[code].name, ctx.region_link(code),
                                sum(len(s.orgs) for s in rows), sum(len(s.teams) for s in rows),
                                sum(len(s.funds) for s in rows), rows)
                for code, rows in sorted(by_group.items())]
    kinds = [(word, sum(1 for o in p.community_orgs.values() if o.kind == k)) for k, word in ORG_KIND_WORDS.items()]
    return ResourcesView(p.site.as_of.isoformat(), counties, len(p.community_orgs), len(p.volunteer_teams),
                         len(p.funds), [(w, n) for w, n in kinds if n])


# -- a fund's page ------------------------------------------------------------------------

@dataclass(frozen=True)
class LedgerRow:
    date: str
    income: str
    expense: str
    balance: str
    negative: bool
    note: str
    document: Link | None


@dataclass(frozen=True)
class QuarterRow:
    label: str
    income: str
    expense: str
    due: str
    status: str  # disclosed | missing | open
    status_word: str
    symbol: str
    disclosed_on: str  # dates of the entries that count, or '—'


@dataclass
class FundView:
    """Context `view` of fund.html (funds/<id>/)."""

    fund: CharityFund
    title: str
    station: Link
    county: str
    host: str
    established: str
    as_of: str
    income: str
    expense: str
    balance: str
    ledger: list[LedgerRow]
    quarters: list[QuarterRow]
    missing: list[str]  # labels of the missing quarters
    due_days: int
    attachments: list[Link]
    findings: list[Issue] = field(default_factory=list)


def _doc(title: str, path: str | None) -> Link | None:
    return Link(title, urls.attachment(path), PurePosixPath(path).suffix.lstrip(".").upper()) if path else None


def fund_view(ctx: Context, fid: str) -> FundView:
    p = ctx.p
    fund = p.funds[fid]
    balance = running_balance(fund)
    ledger = [LedgerRow(e.date.isoformat(), money(e.income), money(e.expense), money(b), b < 0, e.note,
                        _doc(f"{e.date} 收支公开", e.document)) for e, b in balance]
    qs = fund_quarters(p, fund)
    rows = [QuarterRow(q.label, money(q.income), money(q.expense), q.due.isoformat(), q.status,
                       STATUS_WORDS[q.status], QUARTER_SYMBOLS[q.status],
                       "、".join(e.date.isoformat() for e in q.disclosures) or "—") for q in qs]
    return FundView(
        fund=fund, title=fund.name, station=ctx.station_link(fund.station),
        county=ctx.county_name(p.stations[fund.station].region), host=fund.host,
        established=fund.established.isoformat(), as_of=p.site.as_of.isoformat(),
        income=money(sum(e.income for e in fund.ledger)), expense=money(sum(e.expense for e in fund.ledger)),
        balance=money(balance[-1][1] if balance else 0), ledger=ledger, quarters=rows,
        missing=[q.label for q in qs if q.status == "missing"],
        due_days=settings(p)["charity_fund_disclosure"]["due_days"],
        attachments=[d for d in (row.document for row in ledger) if d],
        findings=ctx.findings.get(f"fund:{fid}", []),
    )
