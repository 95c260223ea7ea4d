"""Community charity funds: the quarters a fund owes a disclosure (rule 13), and its running balance.

Rule 13 (《慈善法》 Art. 72-73: a charitable organisation raising money from the
public discloses at least once a quarter): every quarter from the quarter of
`established` on, once it ended more than `due_days` days before the as-of
date, needs a ledger entry dated inside the quarter or within `due_days` days
after it. The deadline is inclusive, as for reports: an entry on the due day
counts, and a quarter is not missing until its due day has passed. Entries dated
after the as-of date do not exist yet at that date: they count for nothing. The fund
page, the disclosure page and the rule read this one schedule.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sgz_portal.data.model import CharityFund, LedgerEntry


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1..4
    start: dt.date
    end: dt.date
    due: dt.date
    status: str  # disclosed | missing | open (not yet due)
    entries: tuple[LedgerEntry, ...]  # entries dated in the quarter (its income and spending)
    disclosures: tuple[LedgerEntry, ...]  # entries that count as its disclosure (in it or by `due`)

    @property
    def label(self) -> str:
        return f"{self.year}年第{self.number}季度"

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def income(self) -> float:
        return sum(e.income for e in self.entries)

    @property
    def expense(self) -> float:
        return sum(e.expense for e in self.entries)


STATUS_WORDS = {"disclosed": "已公开", "missing": "未公开", "open": "未到期"}


def _quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _bounds(year: int, number: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * number - 2, 1)
    nxt = dt.date(year + 1, 1, 1) if number == 4 else dt.date(year, 3 * number + 1, 1)
    return start, nxt - dt.timedelta(days=1)


def quarters(fund: CharityFund, as_of: dt.date, due_days: int = 30) -> list[Quarter]:
    """Every quarter from the quarter of `established` to the as-of date's, with its status."""
    out: list[Quarter] = []
    year, number = _quarter_of(fund.established)
    last = _quarter_of(as_of)
    while (year, number) <= last:
        start, end = _bounds(year, number)
        due = end + dt.timedelta(days=due_days)
        entries = tuple(e for e in fund.ledger if start <= e.date <= end)
        disclosures = tuple(e for e in fund.ledger if start <= e.date <= min(due, as_of))
        status = "disclosed" if disclosures else "missing" if due < as_of else "open"
        out.append(Quarter(year, number, start, end, due, status, entries, disclosures))
        year, number = (year + 1, 1) if number == 4 else (year, number + 1)
    return out


def running_balance(fund: CharityFund) -> list[tuple[LedgerEntry, float]]:
    """Each ledger entry with the balance after it (income minus expense, accumulated)."""
    balance = 0.0
    out = []
    for entry in fund.ledger:
        balance = round(balance + entry.income - entry.expense, 2)
        out.append((entry, balance))
    return out
