"""The workbook (`sgz-portal xlsx export|import`): layout, round trip, cell-located errors, LibreOffice."""
from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
import yaml

from sgz_portal import cli
from sgz_portal.sheets.layout import FIRST_ROW, HEADER_ROW, KEY_ROW, sheets

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "fixtures" / "sample" / "data"
MINIMAL = ROOT / "tests" / "fixtures" / "minimal" / "data"
CONFIG = ROOT / "mkdocs.yml"
BOOK = "台账.xlsx"


def _empty_data(tmp: Path, source: Path = DATA) -> Path:
    """A data/ holding only what the workbook does not: site.yaml, rules.yaml (if any) and files/."""
    data = tmp / "data"
    data.mkdir(parents=True)
    for name in ("site.yaml", "rules.yaml"):
        if (source / name).is_file():
            shutil.copy2(source / name, data / name)
    shutil.copytree(source / "files", data / "files")
    return data


def _tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _yaml_files(data: Path) -> dict[str, str]:
    """Each YAML file's text, without the schema line (its relative path depends on where data/ is)."""
    return {p.relative_to(data).as_posix(): re.sub(r"^# yaml-language-server: .*\n", "", p.read_text(encoding="utf-8"))
            for p in sorted(data.rglob("*.yaml"))}


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample exported by the command, from a copy of the sample."""
    tmp = tmp_path_factory.mktemp("xlsx")
    shutil.copytree(DATA, tmp / "data")
    out = tmp / BOOK
    assert cli.main(["--data", str(tmp / "data"), "xlsx", "export", "-o", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def imported(book: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = _empty_data(tmp_path_factory.mktemp("imported"))
    assert cli.main(["--data", str(data), "xlsx", "import", str(book)]) == 0
    return data


def _import_errors(book_path: Path, tmp: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    data = _empty_data(tmp)
    before = _yaml_files(data)
    assert cli.main(["--data", str(data), "xlsx", "import", str(book_path)]) == 1
    assert _yaml_files(data) == before, "a workbook with errors must leave data/ unchanged"
    return capsys.readouterr().out.splitlines()


def _cell(ws: openpyxl.worksheet.worksheet.Worksheet, record_id: str, header: str, key: str = "id") -> str:
    """The coordinate of `header` in the row of record `record_id` (found by the hidden key row)."""
    keys = {c.value: c.column for c in ws[KEY_ROW]}
    heads = {c.value: c.column_letter for c in ws[HEADER_ROW]}
    row = next(r for r in range(FIRST_ROW, ws.max_row + 1) if ws.cell(r, keys[key]).value == record_id)
    return f"{heads[header]}{row}"


# --- layout ------------------------------------------------------------------------------------------

def test_one_sheet_per_record_kind_and_per_nested_list(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    for name in ("站点", "服务", "机构", "项目", "报告", "指标", "支出", "区划", "服务领域", "服务对象",
                 "开放时间", "站点更正", "资金来源", "服务故事", "项目更正", "规划", "规划指标", "指标目标",
                 "指标上报值", "社区社会组织", "志愿服务队", "慈善基金", "基金收支"):
        assert name in wb.sheetnames
    assert wb.sheetnames == [s.name for s in sheets()]


def test_readme_and_guide_name_every_sheet() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## 用 Excel 或 WPS 编辑", 1)[1].split("\n## ", 1)[0]
    assert [s.name for s in sheets() if s.name not in section] == []
    for page, schema in (("plans.md", "plan"), ("resources.md", "resources")):
        text = (ROOT / "guide" / page).read_text(encoding="utf-8")
        assert [s.name for s in sheets() if s.schema == schema and f"**{s.name}**" not in text] == [], page


def test_hidden_key_row_and_chinese_headers(book: Path) -> None:
    ws = openpyxl.load_workbook(book)["站点"]
    assert ws.row_dimensions[KEY_ROW].hidden
    keys = [c.value for c in ws[KEY_ROW]]
    heads = [c.value for c in ws[HEADER_ROW]]
    assert keys[:3] == ["id", "name", "level"]
    assert "staff.certified.assistant" in keys and "phone[]" in keys and "@file" in keys
    assert heads[keys.index("phone[]")] == "联系电话"
    assert heads[keys.index("staff.certified.assistant")] == "人员·持证社工·助理社会工作师"
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in h) for h in heads)


def _validations(ws: openpyxl.worksheet.worksheet.Worksheet) -> dict[str, openpyxl.worksheet.datavalidation.DataValidation]:
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            out[rng.coord.split(":")[0].rstrip("0123456789")] = dv
    return out


@pytest.mark.parametrize("sheet,header,values", [
    ("站点", "层级", ["city", "county", "township", "village"]),
    ("开放时间", "星期", ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
    ("报告", "报告类型", ["monthly", "self_assessment", "midterm", "final"]),
    ("支出", "支出类别", ["board_lodging", "travel", "labor"]),
    ("项目", "项目状态", ["planned", "active", "completed", "terminated"]),
    ("站点", "站牌·已安装", ["是", "否"]),
    ("规划指标", "指标属性", ["binding", "expected"]),
    ("规划指标", "计算方法", ["township_coverage", "social_workers", "party_org_coverage"]),
    ("规划指标", "比较方式", ["at_least", "at_most", "equal"]),
    ("社区社会组织", "组织类别", ["service", "mutual_aid", "culture", "charity", "other"]),
    ("社区社会组织", "登记状态", ["registered", "filed"]),
])
def test_closed_vocabularies_are_drop_down_lists(book: Path, sheet: str, header: str, values: list[str]) -> None:
    ws = openpyxl.load_workbook(book)[sheet]
    letter = next(c.column_letter for c in ws[HEADER_ROW] if c.value == header)
    dv = _validations(ws)[letter]
    assert dv.type == "list"
    listed = dv.formula1.strip('"').split(",")
    assert all(v in listed for v in values)


def test_every_column_has_an_input_hint(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    for ws in wb.worksheets:
        hints = _validations(ws)
        for cell in ws[HEADER_ROW]:
            dv = hints[cell.column_letter]
            assert dv.showInputMessage and dv.prompt, f"{ws.title}!{cell.coordinate} has no hint"
    phone = _validations(wb["站点"])[next(c.column_letter for c in wb["站点"][HEADER_ROW] if c.value == "联系电话")]
    assert phone.prompt.startswith("站点联系电话,至少一个") and phone.promptTitle == "联系电话"
    income = _validations(wb["基金收支"])[next(c.column_letter for c in wb["基金收支"][HEADER_ROW] if c.value == "收入")]
    assert income.prompt == "本期募集收入,人民币元,非负数"


def test_two_deep_lists_have_grandchild_sheets_keyed_by_plan_and_indicator(book: Path) -> None:
    ws = openpyxl.load_workbook(book)["指标上报值"]
    assert [c.value for c in ws[KEY_ROW]] == ["@top", "@parent", "year", "value", "source"]
    assert [c.value for c in ws[HEADER_ROW]][:2] == ["规划编号", "指标编号"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=FIRST_ROW)]
    assert ["shi-talent-14th", "per-thousand", 2023, 1.3, "2023年民政事业统计"] in rows


def test_codes_and_phone_numbers_are_text_cells(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    region = wb["区划"]
    code = region[_cell(region, "990101", "区划代码", key="code")]
    assert code.value == "990101" and code.data_type == "s" and code.number_format == "@"
    stations = wb["站点"]
    phone = stations[_cell(stations, "dongcheng", "投诉电话")]
    assert phone.value == "0830-3112345" and phone.data_type == "s" and phone.number_format == "@"
    letter = phone.column_letter
    assert stations.column_dimensions[letter].number_format == "@"  # new rows typed there stay text too


# --- round trip --------------------------------------------------------------------------------------

def test_round_trip_builds_the_same_site_byte_for_byte(imported: Path, demo_site: Path, tmp_path: Path) -> None:
    """Export the sample, import it into a data/ with only site.yaml, rules.yaml and files/: same site."""
    assert {p.name for p in imported.iterdir()} >= {"regions.yaml", "services.yaml", "agencies.yaml", "stations",
                                                   "projects"}
    assert sorted(p.name for p in (imported / "projects").iterdir()) == \
        sorted(p.name for p in (DATA / "projects").iterdir())
    out = tmp_path / "site"
    assert cli.build(imported, out, CONFIG) == 0
    original, again = _tree(demo_site), _tree(out)
    assert sorted(original) == sorted(again)
    assert [name for name in original if original[name] != again[name]] == []


def test_imported_files_name_their_json_schema(imported: Path) -> None:
    for path, schema in ((imported / "regions.yaml", "regions"), (imported / "stations" / "dongcheng.yaml", "stations"),
                         (imported / "projects" / "nanhu-hubin-2026.yaml", "project"),
                         (imported / "plans" / "dongcheng-pilot.yaml", "plan"), (imported / "resources.yaml", "resources")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=")
        target = (path.parent / first.split("=", 1)[1]).resolve()
        assert target == (ROOT / "scripts" / "sgz_portal" / "data" / "schemas" / f"{schema}.schema.json")


def test_import_writes_stations_to_the_file_they_came_from(imported: Path) -> None:
    ids = {p.name: [s["id"] for s in yaml.safe_load(p.read_text(encoding="utf-8"))["stations"]]
           for p in (imported / "stations").glob("*.yaml")}
    originals = {p.name: [s["id"] for s in yaml.safe_load(p.read_text(encoding="utf-8"))["stations"]]
                 for p in (DATA / "stations").glob("*.yaml")}
    assert ids == originals


def test_plans_and_resources_come_back_as_they_were(imported: Path) -> None:
    assert sorted(p.name for p in (imported / "plans").iterdir()) == sorted(p.name for p in (DATA / "plans").iterdir())
    for name in ("plans/talent-14th.yaml", "plans/dongcheng-pilot.yaml", "resources.yaml"):
        original = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
        assert yaml.safe_load((imported / name).read_text(encoding="utf-8")) == json.loads(json.dumps(original, default=str))


def test_a_new_plan_without_a_data_file_goes_to_plans_id(book: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(book)
    plans = wb["规划"]
    plans[_cell(plans, "shi-talent-14th", "数据文件")] = None
    edited = tmp_path / BOOK
    wb.save(edited)
    data = _empty_data(tmp_path / "out")
    assert cli.main(["--data", str(data), "xlsx", "import", str(edited)]) == 0
    assert sorted(p.name for p in (data / "plans").iterdir()) == ["dongcheng-pilot.yaml", "shi-talent-14th.yaml"]


def test_data_without_plans_or_resources_round_trips(tmp_path: Path) -> None:
    """Optional inputs stay optional: no rows in their sheets, no plans/ and no resources.yaml written;
    ones left in data/ from before are removed, as the workbook holds none."""
    assert not (MINIMAL / "plans").exists() and not (MINIMAL / "resources.yaml").exists()
    out = tmp_path / BOOK
    assert cli.main(["--data", str(MINIMAL), "xlsx", "export", "-o", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    for name in ("规划", "规划指标", "指标目标", "指标上报值", "社区社会组织", "志愿服务队", "慈善基金", "基金收支"):
        assert wb[name].max_row < FIRST_ROW, name
    data = _empty_data(tmp_path / "new", MINIMAL)
    assert cli.main(["--data", str(data), "xlsx", "import", str(out)]) == 0
    assert not (data / "plans").exists() and not (data / "resources.yaml").exists()
    assert _yaml_files(data).keys() == _yaml_files(MINIMAL).keys()
    stale = _empty_data(tmp_path / "stale", MINIMAL)
    shutil.copytree(DATA / "plans", stale / "plans")
    shutil.copy2(DATA / "resources.yaml", stale / "resources.yaml")
    assert cli.main(["--data", str(stale), "xlsx", "import", str(out)]) == 0
    assert list((stale / "plans").iterdir()) == [] and not (stale / "resources.yaml").exists()
    first, again = tmp_path / "site1", tmp_path / "site2"
    assert cli.build(MINIMAL, first, CONFIG) == 0 and cli.build(data, again, CONFIG) == 0
    assert _tree(first) == _tree(again)


def test_import_replaces_only_the_files_the_workbook_holds(book: Path, tmp_path: Path) -> None:
    data = _empty_data(tmp_path)
    (data / "stations").mkdir()
    (data / "stations" / "old.yaml").write_text("stations: []\n", encoding="utf-8")  # replaced by the workbook
    (data / "notes.txt").write_text("留给编辑的说明\n", encoding="utf-8")
    site = (data / "site.yaml").read_bytes()
    assert cli.main(["--data", str(data), "xlsx", "import", str(book)]) == 0
    assert not (data / "stations" / "old.yaml").exists()
    assert (data / "notes.txt").read_text(encoding="utf-8") == "留给编辑的说明\n"
    assert (data / "site.yaml").read_bytes() == site


def test_spreadsheet_dates_and_times_come_back_as_strings(book: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(book)
    stations, hours, reports = wb["站点"], wb["开放时间"], wb["报告"]
    stations[_cell(stations, "dongcheng", "成立日期")] = dt.datetime(2021, 6, 2)
    stations[_cell(stations, "dongcheng", "核实日期")] = 46000  # an Excel day number: 2025-12-09
    first_hours = next(r for r in range(FIRST_ROW, hours.max_row + 1) if hours.cell(r, 1).value == "dongcheng")
    heads = {c.value: c.column for c in hours[HEADER_ROW]}
    hours.cell(first_hours, heads["开门时间"]).value = dt.time(8, 45)
    hours.cell(first_hours, heads["关门时间"]).value = 0.5  # a time of day as a fraction: 12:00
    report_heads = {c.value: c.column for c in reports[HEADER_ROW]}
    monthly = next(r for r in range(FIRST_ROW, reports.max_row + 1)
                   if reports.cell(r, report_heads["报告类型"]).value == "monthly")
    period = reports.cell(monthly, report_heads["报告期"]).value
    project = reports.cell(monthly, 1).value
    index = [reports.cell(r, 1).value for r in range(FIRST_ROW, monthly)].count(project)
    reports.cell(monthly, report_heads["报告期"]).value = dt.datetime(int(period[:4]), int(period[5:7]), 1)
    edited = tmp_path / BOOK
    wb.save(edited)
    data = _empty_data(tmp_path / "out")
    assert cli.main(["--data", str(data), "xlsx", "import", str(edited)]) == 0
    station = next(s for s in yaml.safe_load((data / "stations" / "dongcheng.yaml").read_text(encoding="utf-8"))
                   ["stations"] if s["id"] == "dongcheng")
    assert station["established"] == "2021-06-02"
    assert station["verified"] == "2025-12-09"
    assert station["hours"][0]["open"] == "08:45" and station["hours"][0]["close"] == "12:00"
    report = yaml.safe_load((data / "projects" / f"{project}.yaml").read_text(encoding="utf-8"))["reports"][index]
    assert report["period"] == period and isinstance(period, str)


# --- errors at cells ---------------------------------------------------------------------------------

def test_errors_are_reported_at_their_cells(book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wb = openpyxl.load_workbook(book)
    stations, hours = wb["站点"], wb["开放时间"]
    phone = _cell(stations, "dongcheng", "投诉电话")
    date = _cell(stations, "dongcheng-qingshi", "成立日期")
    parent = _cell(stations, "dongcheng-qingshi", "上级站点")
    stations[phone] = "0830-31"
    stations[date] = "2021-02-30"
    stations[parent] = "dongchen"
    hours["A3"] = "dongchengg"
    edited = tmp_path / BOOK
    wb.save(edited)
    lines = _import_errors(edited, tmp_path / "data", capsys)
    assert any(line.startswith(f"台账.xlsx 站点!{phone} (投诉电话): “0830-31”格式不对") for line in lines), lines
    assert f"台账.xlsx 站点!{date} (成立日期): “2021-02-30”不是有效日期(应为 YYYY-MM-DD)" in lines
    assert f"台账.xlsx 站点!{parent} (上级站点): 找不到上级站点“dongchen”,是否应为“dongcheng”?" in lines
    assert "台账.xlsx 开放时间!A3 (站点编号): 找不到站点“dongchengg”,是否应为“dongcheng”?" in lines
    assert lines[-1] == "共 4 个错误,data/ 未改动。"
    shown = [line for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
             if line.startswith("台账.xlsx ")]
    assert len(shown) == 4 and all(line in lines for line in shown), "the README's example is what import says"


def _row_of(ws: openpyxl.worksheet.worksheet.Worksheet, *ids: str) -> int:
    """The row whose first columns hold `ids` (a child or grandchild row by its parents' ids)."""
    return next(r for r in range(FIRST_ROW, ws.max_row + 1)
                if tuple(ws.cell(r, i + 1).value for i in range(len(ids))) == ids)


def _at(ws: openpyxl.worksheet.worksheet.Worksheet, row: int, header: str) -> str:
    return next(f"{c.column_letter}{row}" for c in ws[HEADER_ROW] if c.value == header)


def test_errors_in_plan_sheets_are_reported_at_their_cells(
        book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wb = openpyxl.load_workbook(book)
    indicators, targets, actual = wb["规划指标"], wb["指标目标"], wb["指标上报值"]
    kind = _at(indicators, _row_of(indicators, "shi-talent-14th", "certified"), "指标属性")
    indicators[kind] = "bindng"
    year = _at(targets, _row_of(targets, "dongcheng-pilot", "village-coverage"), "目标年份")
    targets[year] = 20266
    wrong = _row_of(actual, "shi-talent-14th", "exam-passed")
    actual[f"B{wrong}"] = "exam-pased"
    edited = tmp_path / BOOK
    wb.save(edited)
    lines = _import_errors(edited, tmp_path / "data", capsys)
    assert f"台账.xlsx 规划指标!{kind} (指标属性): 取值“bindng”无效,可选值:binding、expected" in lines, lines
    assert f"台账.xlsx 指标目标!{year} (目标年份): 数值 20266 超出允许范围(≤ 2100)" in lines
    assert f"台账.xlsx 指标上报值!B{wrong} (指标编号): 找不到规划指标“exam-pased”,是否应为“exam-passed”?" in lines


def test_errors_in_the_fund_ledger_are_reported_at_their_cells(
        book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wb = openpyxl.load_workbook(book)
    ledger, funds = wb["基金收支"], wb["慈善基金"]
    row = _row_of(ledger, "hubin-fund")
    income, date = _at(ledger, row, "收入"), _at(ledger, row + 1, "公开日期")
    ledger[income] = -300
    ledger[date] = "2025-13-30"
    ledger[f"A{row + 2}"] = "hubin-fnd"
    station = _cell(funds, "qingshi-fund", "合作站点")
    funds[station] = "dongcheng-qingsh"
    edited = tmp_path / BOOK
    wb.save(edited)
    lines = _import_errors(edited, tmp_path / "data", capsys)
    assert lines == [
        f"台账.xlsx 慈善基金!{station} (合作站点): 找不到站点“dongcheng-qingsh”,是否应为“dongcheng-qingshi”?",
        f"台账.xlsx 基金收支!{income} (收入): 数值 -300 超出允许范围(≥ 0)",
        f"台账.xlsx 基金收支!{date} (公开日期): “2025-13-30”格式不对:日期,格式 YYYY-MM-DD,如 2025-06-30",
        f"台账.xlsx 基金收支!A{row + 2} (基金编号): 找不到慈善基金“hubin-fnd”,是否应为“hubin-fund”?",
        "共 4 个错误,data/ 未改动。"]


def test_a_phone_typed_as_a_number_is_reported_not_silently_changed(
        book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wb = openpyxl.load_workbook(book)
    agencies = wb["机构"]
    phone = _cell(agencies, "tongxin", "联系电话")
    agencies[phone] = 8303120001  # the leading 0 of 0830-… is gone: the cell was not text
    edited = tmp_path / BOOK
    wb.save(edited)
    lines = _import_errors(edited, tmp_path / "data", capsys)
    assert any(line.startswith(f"台账.xlsx 机构!{phone} (联系电话): “8303120001”格式不对") for line in lines), lines


def test_a_missing_sheet_is_reported(book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wb = openpyxl.load_workbook(book)
    del wb["支出"]
    edited = tmp_path / BOOK
    wb.save(edited)
    assert "台账.xlsx 支出: 工作簿中缺少工作表“支出”" in _import_errors(edited, tmp_path / "data", capsys)


# --- LibreOffice -------------------------------------------------------------------------------------

def test_libreoffice_opens_and_saves_the_workbook(book: Path, imported: Path, tmp_path: Path) -> None:
    """soffice (installed by `make test`) re-saves the workbook; the copy imports to the very same files."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice Calc is missing: `make office` installs libreoffice-calc-nogui"
    out = tmp_path / "lo"
    source = tmp_path / "export.xlsx"
    shutil.copy2(book, source)
    done = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--norestore",
         "--convert-to", "xlsx", "--outdir", str(out), str(source)],
        capture_output=True, text=True, timeout=180)
    saved = out / "export.xlsx"
    assert done.returncode == 0 and saved.is_file(), done.stdout + done.stderr
    assert saved.read_bytes() != source.read_bytes()  # really written by LibreOffice
    data = _empty_data(tmp_path / "again")
    assert cli.main(["--data", str(data), "xlsx", "import", str(saved)]) == 0
    assert _yaml_files(data) == _yaml_files(imported)
