"""`sgz-portal xlsx export`: every record of data/ (all but site.yaml and rules.yaml) into one workbook.

Plans (plans/*.yaml) and resources (resources.yaml) are optional: without them their sheets are empty.

Text cells are written as text (number format "@", also for the empty cells below), so ids, region codes
and phone numbers keep their leading zeros and dates stay "2026-06-01". Each column carries a
data-validation input hint (the schema's description) and, for a closed vocabulary, a drop-down list.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from sgz_portal.data.issues import Issue, errors
from sgz_portal.data.load import RawData, items, load, plan_records, project_records, station_records
from sgz_portal.sheets.layout import (
    FILE_KEY,
    FIRST_ROW,
    HEADER_ROW,
    KEY_ROW,
    NO,
    PARENT_KEY,
    SEPARATOR,
    TOP_KEY,
    YES,
    Column,
    Sheet,
    sheets,
)

TEXT = "@"
DECIMAL = "0.0"
SPARE_ROWS = 1000  # drop-downs and hints reach this many rows below the records, for new ones
_HEAD_FONT = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")
_LONG = {"markdown", "text"}


def data_file(raw: RawData, file: str) -> str:
    """A document's path inside data/ ('stations/east.yaml'), from its path in the project."""
    prefix = raw.root.name + "/"
    return file[len(prefix):] if file.startswith(prefix) else file


def top_records(raw: RawData, sheet: Sheet) -> list[tuple[str, dict[str, Any]]]:
    """The records of a top-level sheet, each with the data file it is kept in."""
    if sheet.schema == "stations":
        return [(data_file(raw, doc.file), r) for doc, _, r in station_records(raw)]
    if sheet.schema == "project":
        return [(data_file(raw, doc.file), r) for doc, _, r in project_records(raw)]
    if sheet.schema == "plan":
        return [(data_file(raw, doc.file), r) for doc, _, r in plan_records(raw)]
    doc = getattr(raw, sheet.schema)
    return [(data_file(raw, d.file), r) for d, _, r in items(doc, sheet.list_key)]


def _get(record: dict[str, Any], key: tuple[str, ...]) -> Any:
    value: Any = record
    for part in key:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def cell_value(column: Column, value: Any) -> Any:
    """What the cell holds for a value of the data."""
    if value is None:
        return None
    if column.is_list and isinstance(value, list):
        return SEPARATOR.join(cell_text(v) for v in value)
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, (int, float)) and column.kind != "string":
        return value
    return cell_text(value)


def cell_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


Parents = list[tuple[tuple[str, ...], dict[str, Any]]]  # records, each with its ids from the top record down


def _id(record: dict[str, Any]) -> str:
    return cell_text(record.get("id", ""))


def _rows(raw: RawData, sheet: Sheet, parents: Parents) -> tuple[list[list[Any]], Parents]:
    """The sheet's rows, and its records with their ids (the parents of its child sheets)."""
    rows: list[list[Any]] = []
    records: Parents = []
    if not sheet.parent:
        for file, record in top_records(raw, sheet):
            rows.append([file if c.special == FILE_KEY else cell_value(c, _get(record, c.key))
                         for c in sheet.columns])
            records.append(((_id(record),), record))
        return rows, records
    for ids, record in parents:
        children = record.get(sheet.list_key)
        for child in children if isinstance(children, list) else []:
            if not isinstance(child, dict):
                continue
            named = {TOP_KEY: ids[0], PARENT_KEY: ids[-1]}
            rows.append([named[c.special] if c.special in named else cell_value(c, _get(child, c.key))
                         for c in sheet.columns])
            records.append(((*ids, _id(child)), child))
    return rows, records


def _validation(column: Column, letter: str, last_row: int) -> DataValidation:
    """The column's input hint, and its drop-down list if the vocabulary is closed."""
    if column.enum:
        dv = DataValidation(type="list", formula1='"' + ",".join(column.enum) + '"', allow_blank=True)
        # A list cell takes several values ("mon、tue"): the drop-down offers them, but does not refuse.
        dv.showErrorMessage = not column.is_list
        dv.errorTitle, dv.error = "取值无效", "请从下拉列表中选择:" + "、".join(column.enum)
    else:
        dv = DataValidation(allow_blank=True)
    dv.showInputMessage = True
    dv.promptTitle = column.header[:32]
    dv.prompt = column.hint[:255]
    dv.add(f"{letter}{FIRST_ROW}:{letter}{last_row}")
    return dv


def _write_sheet(ws: Worksheet, sheet: Sheet, rows: list[list[Any]]) -> None:
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        ws.cell(KEY_ROW, index, column.path)
        head = ws.cell(HEADER_ROW, index, column.header)
        head.font, head.fill = _HEAD_FONT, _HEAD_FILL
        long = column.fmt in _LONG
        ws.column_dimensions[letter].width = 40 if long else max(10, min(30, 2 * len(column.header) + 4))
        if column.kind == "string":
            ws.column_dimensions[letter].number_format = TEXT
        ws.add_data_validation(_validation(column, letter, FIRST_ROW + len(rows) + SPARE_ROWS))
        for offset, row in enumerate(rows):
            value = row[index - 1]
            if value is None:
                continue
            cell = ws.cell(FIRST_ROW + offset, index, value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, even if it starts with "="
                cell.number_format = TEXT
            elif isinstance(value, float) and value.is_integer():
                cell.number_format = DECIMAL  # 92.0 comes back as 92.0, not 92
            if long:
                cell.alignment = _WRAP
    ws.row_dimensions[KEY_ROW].hidden = True
    ws.freeze_panes = ws.cell(FIRST_ROW, 2)


def workbook(raw: RawData) -> Workbook:
    """The workbook of everything `raw` holds."""
    book = Workbook()
    book.remove(book.active)
    written: dict[str, Parents] = {}
    for sheet in sheets():
        rows, written[sheet.name] = _rows(raw, sheet, written.get(sheet.parent, []))
        _write_sheet(book.create_sheet(sheet.name), sheet, rows)
    return book


def export(data_dir: Path, out: Path) -> list[Issue]:
    """Write the workbook of `data_dir` to `out`; the YAML that could not be read comes back as errors."""
    raw, found = load(data_dir)
    unreadable = [i for i in errors(found) if i.code in ("yaml_syntax", "encoding", "duplicate_key",
                                                          "missing_data_dir")]
    if unreadable:
        return unreadable
    workbook(raw).save(out)
    return []
