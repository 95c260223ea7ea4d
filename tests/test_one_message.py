"""One message per mistake, one count that check and build agree on, and rule 14 (a project
whose status has not followed its dates)."""
from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from sgz_portal import cli
from sgz_portal.data.model import Hours
from sgz_portal.data.words import hours_summary
from sgz_portal.pages.disclosure import _basic_items
from sgz_portal.pipeline import prepare
from sgz_portal.site import build as build_module
from tests.fixturedata import edit

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "tests" / "fixtures" / "minimal" / "data"
SAMPLE = ROOT / "tests" / "fixtures" / "sample" / "data"
SUMMARY = re.compile(r"^共 \d+ 个错误,\d+ 个提醒。")


@pytest.fixture(autouse=True)
def _no_env_as_of(monkeypatch):
    monkeypatch.delenv("PORTAL_AS_OF", raising=False)






def triples(data: Path, as_of: dt.date | None = None) -> list[tuple[str, str, int, str]]:
    return [(i.code, i.file, i.line, i.path) for i in prepare(data, as_of).issues]


# -- one message per mistake --------------------------------------------------------------------

@pytest.mark.parametrize("value", ["2021-6-1", "2021/06/01", "六月一日", "2021-02-30"])
def test_a_bad_date_is_reported_once(data: Path, value: str) -> None:
    edit(data, "stations.yaml", "    established: 2021-06-01", f"    established: {value}")
    [(code, file, line, path)] = triples(data)
    assert (file, line, path) == ("data/stations.yaml", 43, "stations[2].established")
    assert code in ("schema_pattern", "bad_date")


@pytest.mark.parametrize("value", ["2025-5", "2025-13", "2025-H1", "五月"])
def test_a_bad_monthly_period_is_reported_once(data: Path, value: str) -> None:
    edit(data, "projects/xs-2025.yaml", "period: 2025-05", f"period: {value}")
    found = prepare(data).issues
    assert [(i.file, i.line, i.path) for i in found] == [("data/projects/xs-2025.yaml", 13, "reports[0].period")]
    assert "YYYY-MM" in found[0].message


def test_a_bad_half_year_period_is_reported_once(data: Path) -> None:
    edit(data, "projects/xs-2025.yaml", "{type: monthly, period: 2025-05,", "{type: self_assessment, period: 2025-H3,")
    assert [(f, line, p) for _, f, line, p in triples(data)] == [("data/projects/xs-2025.yaml", 13, "reports[0].period")]


def test_check_prints_one_summary_line(data: Path, capsys) -> None:
    edit(data, "stations.yaml", "    established: 2021-06-01", "    established: 2021-6-1")
    assert cli.check(data) == 1
    out = capsys.readouterr().out.splitlines()
    assert [line for line in out if "个错误" in line] == ["共 1 个错误,0 个提醒。数据有错误,不能发布。"]


def test_check_and_build_count_the_same_reminders(tmp_path: Path, capsys, monkeypatch) -> None:
    """The sample has reminders, grouped by station in `check`: both commands print the same count."""
    assert cli.check(SAMPLE) == 0
    checked = [line for line in capsys.readouterr().out.splitlines() if SUMMARY.match(line)]
    assert len(checked) == 1

    def render(prepared, data_dir, out, config_file, *_):  # the count is the point, not the pages
        (out / "index.html").write_text("ok", encoding="utf-8")
    monkeypatch.setattr(build_module, "_render", render)
    assert cli.build(SAMPLE, tmp_path / "site", ROOT / "mkdocs.yml") == 0
    built = capsys.readouterr().out
    assert SUMMARY.search(built.split("。", 1)[1]).group(0) == SUMMARY.match(checked[0]).group(0)
    n = len(prepare(SAMPLE).issues)
    assert checked[0].startswith(f"共 0 个错误,{n} 个提醒。") and n > 0


def test_bad_portal_as_of_is_an_environment_problem(data: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PORTAL_AS_OF", "2025-13-01")
    assert cli.check(data) == 1
    out = capsys.readouterr().out.splitlines()
    assert "PORTAL_AS_OF:1:" not in "\n".join(out)
    assert out[0] == "环境变量 PORTAL_AS_OF 的值“2025-13-01”不是有效日期(应为 YYYY-MM-DD)"
    [found] = prepare(data).issues
    assert (found.code, found.file, found.line) == ("as_of_env", "", 0)


def test_duplicate_id_blames_the_later_one_and_names_the_first(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    path = data / "stations" / "xishan.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  - id: xishan-shimen\n", "  - id: beiling\n", 1),
                    encoding="utf-8")
    dup = [i for i in prepare(data).issues if i.code == "duplicate_id"]
    assert [(i.file, i.path) for i in dup] == [("data/stations/xishan.yaml", "stations[1].id")]
    first = next(n for n, line in enumerate((data / "stations" / "beiling.yaml").read_text(encoding="utf-8")
                                             .splitlines(), 1) if line == "  - id: beiling")
    assert f"已在 data/stations/beiling.yaml:{first} 使用" in dup[0].message


# -- hours, each day once --------------------------------------------------------------------------

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


@pytest.mark.parametrize("hours, expected", [
    ([Hours(WEEKDAYS, "08:30", "12:00"), Hours(WEEKDAYS, "14:00", "17:30"), Hours(("sat",), "09:00", "12:00")],
     "周一至周五 08:30–12:00、14:00–17:30;周六 09:00–12:00"),
    ([Hours(WEEKDAYS, "14:00", "17:30"), Hours(WEEKDAYS, "08:30", "12:00")], "周一至周五 08:30–12:00、14:00–17:30"),
    ([Hours(WEEKDAYS, "09:00", "17:00"), Hours(("sat", "sun"), "09:00", "17:00")], "周一至周日 09:00–17:00"),
    ([Hours(("mon", "wed"), "09:00", "12:00"), Hours(("mon",), "14:00", "17:00")],
     "周一 09:00–12:00、14:00–17:00;周三 09:00–12:00"),
    ([], ""),
])
def test_hours_summary_names_each_day_once(hours, expected) -> None:
    assert hours_summary(hours) == expected


def test_disclosure_checklist_does_not_repeat_days(data: Path) -> None:
    edit(data, "stations.yaml", '      - {days: [mon, tue, wed, thu, fri], open: "09:00", close: "17:30"}',
         '      - {days: [mon, tue, wed, thu, fri], open: "08:30", close: "12:00"}\n'
         '      - {days: [mon, tue, wed, thu, fri], open: "14:00", close: "17:30"}')
    portal = prepare(data).portal
    item = next(i for i in _basic_items(portal, portal.stations["xs"]) if i.key == "hours")
    assert item.note == "周一至周五 08:30–12:00、14:00–17:30;周六 09:00–12:00"


# -- rule 14: status agrees with the dates ---------------------------------------------------------
# The minimal project runs 2025-05-01 .. 2026-04-30.

@pytest.mark.parametrize("status, as_of, expected", [
    ("planned", "2025-04-30", []),
    ("planned", "2025-05-01", []),  # starting today: not yet stale
    ("planned", "2025-05-02", [("R14_planned_started", 6)]),
    ("active", "2026-06-29", []),  # 60 days after the end: still within the grace
    ("active", "2026-06-30", [("R14_active_ended", 6)]),
    ("completed", "2027-01-01", []),
    ("terminated", "2025-06-01", []),
])
def test_rule_14_stale_status(data: Path, status: str, as_of: str, expected) -> None:
    edit(data, "projects/xs-2025.yaml", "status: active", f"status: {status}")
    found = prepare(data, dt.date.fromisoformat(as_of)).issues
    assert [(i.code, i.line) for i in found if i.code.startswith("R14")] == expected
    assert all(i.severity == "warning" and i.subject == "xs-2025" and i.path == "status"
               for i in found if i.code.startswith("R14"))


def test_rule_14_message_and_settings(data: Path) -> None:
    edit(data, "projects/xs-2025.yaml", "status: active", "status: planned")
    [found] = [i for i in prepare(data, dt.date(2025, 6, 1)).issues if i.code.startswith("R14")]
    assert found.message == "服务期已于 2025-05-01 开始,项目状态仍为“筹备中”(planned),请更新为 active"
    (data / "rules.yaml").write_text("rules:\n  project_status: {active_grace_days: 10, severity: error}\n",
                                     encoding="utf-8")
    edit(data, "projects/xs-2025.yaml", "status: planned", "status: active")
    found_late = [i for i in prepare(data, dt.date(2026, 5, 11)).issues if i.code.startswith("R14")]
    assert [(i.code, i.severity, i.message) for i in found_late] == [
        ("R14_active_ended", "error",
         "服务期已于 2026-04-30 结束 11 天,项目状态仍为“实施中”(active),请更新为 completed 或 terminated")]
