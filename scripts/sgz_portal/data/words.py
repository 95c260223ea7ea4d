"""Chinese labels for codes, and value formatting, shared by views and exports."""
from __future__ import annotations

import functools
from collections.abc import Iterable

from sgz_portal.data.model import DAY_WORDS, DAYS, Hours

LEVEL_WORDS = {"city": "市级指导中心", "county": "县(区)服务总站", "township": "乡镇(街道)服务站",
               "village": "村(社区)服务室"}
DEMO_WORDS = {"provincial": "省级示范点", "city": "市级示范点", "county": "县级示范点"}
REPORT_WORDS = {"monthly": "月简报", "self_assessment": "自评报告", "midterm": "中期评估",
                "final": "结项评估"}
STATUS_WORDS = {"planned": "筹备中", "active": "实施中", "completed": "已结项", "terminated": "已终止"}
PARTY_WORDS = {"own": "单独建立党组织", "joint": "联合建立党组织", "instructor": "选派党建指导员",
               "none": "暂未建立党组织"}

ORG_KIND_WORDS = {"service": "服务类", "mutual_aid": "互助类", "culture": "文体类", "charity": "公益慈善类",
                  "other": "其他"}
ORG_STATUS_WORDS = {"registered": "已登记", "filed": "已备案"}


def money(amount: float | None) -> str:
    if amount is None:
        return "未填写"
    return f"{amount:,.0f} 元" if float(amount).is_integer() else f"{amount:,.2f} 元"


def day_ranges(days: Iterable[str]) -> str:
    """('mon','tue','wed','sat') -> '周一至周三、周六'."""
    idx = sorted(DAYS.index(d) for d in days)
    runs: list[list[int]] = []
    for i in idx:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    words = [DAY_WORDS[DAYS[r[0]]] + (f"至{DAY_WORDS[DAYS[r[-1]]]}" if len(r) > 2 else
                                      (f"、{DAY_WORDS[DAYS[r[-1]]]}" if len(r) == 2 else ""))
             for r in runs]
    return "、".join(words)


def hours_summary(hours: Iterable[Hours]) -> str:
    """Opening hours in one line, each day named once: days that keep the same times are
    merged, and a day's times are listed together.
    [mon-fri 08:30-12:00, mon-fri 14:00-17:30, sat 09:00-12:00]
    -> '周一至周五 08:30–12:00、14:00–17:30;周六 09:00–12:00'."""
    return _hours_summary(tuple(hours))


@functools.lru_cache(maxsize=1024)
def _hours_summary(hours: tuple[Hours, ...]) -> str:
    """Stations mostly keep the same few timetables: a province's 34,000 summaries took 0.9 s."""
    spans: dict[str, set[tuple[str, str]]] = {}
    for h in hours:
        for day in h.days:
            spans.setdefault(day, set()).add((h.open, h.close))
    groups: dict[tuple[tuple[str, str], ...], list[str]] = {}
    for day in DAYS:
        if day in spans:
            groups.setdefault(tuple(sorted(spans[day])), []).append(day)
    return ";".join(day_ranges(days) + " " + "、".join(f"{o}–{c}" for o, c in times)
                    for times, days in groups.items())
