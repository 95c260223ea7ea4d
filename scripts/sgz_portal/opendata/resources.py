"""Open-data tables of the plans and the 五社联动 resources: plan indicators (with the computed value
and the standing the plan page shows), community organisations, volunteer teams, charity funds and
their ledgers (with the running balance). Sorted by id: same data, same bytes."""
from __future__ import annotations

from sgz_portal.data import urls
from sgz_portal.data.model import Portal, YearValue
from sgz_portal.rules import measures
from sgz_portal.rules.funds import quarters, running_balance
from sgz_portal.rules.judge import settings


def _blank(value: object) -> object:
    return "" if value is None else value


def _years(values: tuple[YearValue, ...]) -> str:
    """'2023:80;2025:100'."""
    return ";".join(f"{v.year}:{v.value:g}" for v in values)


def plan_rows(p: Portal) -> list[dict]:
    """One row per plan indicator; `id` is <plan>/<indicator>."""
    rows = []
    for plan in p.plans.values():
        for ind in plan.indicators:
            st = measures.standing(p, plan, ind)
            computed = measures.compute(p, plan, ind.measure).value if ind.measure else None
            rows.append({
                "id": f"{plan.id}/{ind.id}", "plan": plan.id, "plan_title": plan.title,
                "plan_region": plan.region, "period_start": plan.start, "period_end": plan.end,
                "indicator": ind.id, "name": ind.name, "unit": ind.unit, "kind": ind.kind,
                "kind_name": measures.KIND_WORDS[ind.kind], "measure": ind.measure or "",
                "comparison": ind.comparison,
                "baseline_year": ind.baseline.year if ind.baseline else "",
                "baseline": ind.baseline.value if ind.baseline else "",
                "targets": _years(ind.targets), "reported": _years(ind.actual),
                "computed": _blank(computed), "current_year": st.value.year if st.value else "",
                "current": st.value.value if st.value else "",
                "next_target_year": st.target.year, "next_target": st.target.value,
                "status": st.status, "status_name": st.word, "url": urls.plan(plan.id),
            })
    return rows


def org_rows(p: Portal) -> list[dict]:
    return [{"id": o.id, "name": o.name, "station": o.station, "station_name": p.stations[o.station].name,
             "kind": o.kind, "status": o.status, "members": _blank(o.members),
             "since": o.since.isoformat() if o.since else "", "url": urls.RESOURCES}
            for o in p.community_orgs.values()]


def team_rows(p: Portal) -> list[dict]:
    return [{"id": t.id, "name": t.name, "station": t.station, "station_name": p.stations[t.station].name,
             "members": _blank(t.members), "hours_last_year": _blank(t.hours_last_year), "url": urls.RESOURCES}
            for t in p.volunteer_teams.values()]


def fund_rows(p: Portal) -> list[dict]:
    """One row per fund: totals, balance and the quarters rule 13 finds missing."""
    due_days = settings(p)["charity_fund_disclosure"]["due_days"]
    rows = []
    for f in p.funds.values():
        balance = running_balance(f)
        missing = [q.key for q in quarters(f, p.site.as_of, due_days) if q.status == "missing"]
        rows.append({"id": f.id, "name": f.name, "station": f.station, "station_name": p.stations[f.station].name,
                     "host": f.host, "established": f.established.isoformat(), "disclosures": len(f.ledger),
                     "income": sum(e.income for e in f.ledger), "expense": sum(e.expense for e in f.ledger),
                     "balance": balance[-1][1] if balance else 0, "missing_quarters": ";".join(missing),
                     "url": urls.fund(f.id)})
    return rows


def ledger_rows(p: Portal) -> list[dict]:
    """One row per ledger entry, oldest first within each fund; `id` is <fund>/<n>."""
    return [{"id": f"{f.id}/{e.index + 1}", "fund": f.id, "date": e.date.isoformat(), "income": e.income,
             "expense": e.expense, "balance": balance, "note": e.note,
             "document": urls.attachment(e.document) if e.document else "", "url": urls.fund(f.id)}
            for f in p.funds.values() for e, balance in running_balance(f)]
