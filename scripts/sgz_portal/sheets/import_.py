"""`sgz-portal xlsx import`: a workbook back into the YAML files of data/.

Which files: regions.yaml, services.yaml and agencies.yaml; each station goes to the file its 数据文件
column names (stations.yaml when empty, or stations/NAME.yaml, e.g. one file per county as the sample
does); each project to projects/ID.yaml (or the file its 数据文件 column names); each plan to
plans/ID.yaml (or the file its 数据文件 column names); the community organisations, volunteer teams and
charity funds to resources.yaml. These files are replaced; everything else in data/ (site.yaml, rules.yaml,
files/) is left alone. Plans and resources are optional inputs: with no rows in their sheets, no plan file
and no resources.yaml is written (any there before are removed, as the workbook holds none).

The new files are first written to a scratch copy of data/ and checked there with the normal
validation; each problem is reported at the cell it came from (`台账.xlsx 站点!F12 (联系电话): 说明`), and
data/ is only changed when there is none.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.worksheet import Worksheet

from sgz_portal.data.issues import MESSAGES, errors, format_path, suggest
from sgz_portal.data.load import load
from sgz_portal.data.schema import SCHEMA_DIR
from sgz_portal.data.validate import validate
from sgz_portal.sheets.layout import (
    DATE_DEFS,
    FILE_KEY,
    FIRST_ROW,
    HEADER_ROW,
    KEY_ROW,
    MONTH_DEFS,
    NO,
    OPTIONAL,
    SPLIT,
    TIME_DEFS,
    TOP_KEY,
    YES,
    Column,
    Sheet,
    sheets,
)
from sgz_portal.sheets.layout import sheet as sheet_named

MANAGED = ("regions.yaml", "services.yaml", "agencies.yaml", "stations.yaml", "resources.yaml")
FOLDERS = ("stations", "projects", "plans")  # their *.yaml files are managed too
_FILE = {"stations": re.compile(r"^stations(/[A-Za-z0-9_-]+)?\.yaml$"),
         "project": re.compile(r"^projects/[A-Za-z0-9_-]+\.yaml$"),
         "plan": re.compile(r"^plans/[A-Za-z0-9_-]+\.yaml$")}
_DEFAULT = {"project": "projects/{}.yaml", "plan": "plans/{}.yaml"}
_KIND = {"project": "项目", "plan": "规划"}
_LAST_STEP = re.compile(r"(\.?[^.\[\]]+|\[\d+\])$")
_SPLIT = re.compile("|".join(map(re.escape, SPLIT)))


@dataclass(frozen=True, order=True)
class CellIssue:
    """A problem found in the workbook, at a cell: `台账.xlsx 站点!F12 (联系电话): message`."""

    book: str
    sheet: str
    cell: str
    header: str
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.cell} ({self.header})" if self.cell else self.sheet
        return f"{self.book} {where}: {self.message}"


@dataclass(frozen=True)
class Place:
    sheet: str
    cell: str
    header: str


@dataclass
class Reading:
    """What was read from the workbook: the files to write, and where each value came from."""

    book: str
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # data file -> its content
    places: dict[tuple[str, str], Place] = field(default_factory=dict)  # (data file, key path) -> cell
    problems: list[CellIssue] = field(default_factory=list)

    def problem(self, place: Place, code: str, **values: Any) -> None:
        self.problems.append(CellIssue(self.book, place.sheet, place.cell, place.header,
                                       MESSAGES[code].format(**values)))


# --- cells to values ---------------------------------------------------------------------------------

def _number(value: Any, integer: bool = True) -> Any:
    """A number from a cell; 92.0 stays a float in a `number` column (a score), 4.0 is 4 in an `integer` one."""
    if isinstance(value, float) and value.is_integer() and integer:
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            try:
                return _number(float(text), integer)
            except ValueError:
                return value
    return value


def _text(column: Column, value: Any) -> Any:
    """A string column's value: dates and times a spreadsheet made of it become the contract's strings."""
    if isinstance(value, dt.datetime) and column.fmt in TIME_DEFS:
        return value.strftime("%H:%M")
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m" if column.fmt in MONTH_DEFS else "%Y-%m-%d")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        if column.fmt in TIME_DEFS and 0 <= value < 1:
            minutes = round(value * 24 * 60)
            return f"{minutes // 60:02d}:{minutes % 60:02d}"
        if column.fmt in DATE_DEFS | MONTH_DEFS and value > 59:  # an Excel day number
            return _text(column, from_excel(value))
        return str(_number(value))
    return value


def _scalar(column: Column, value: Any) -> Any:
    if column.kind == "string":
        return _text(column, value)
    if column.kind == "boolean":
        words = {YES: True, NO: False, "true": True, "false": False, "TRUE": True, "FALSE": False}
        return words.get(value.strip(), value) if isinstance(value, str) else value
    if isinstance(value, bool):
        return value
    return _number(value, column.kind == "integer")


def value_of(column: Column, value: Any) -> Any:
    """The data value of a cell; None for an empty cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if column.is_list:
        parts = _SPLIT.split(value) if isinstance(value, str) else [value]
        return [_scalar(column, p.strip() if isinstance(p, str) else p)
                for p in parts if not isinstance(p, str) or p.strip()]
    return _scalar(column, value)


# --- sheets to records -------------------------------------------------------------------------------

@dataclass
class Row:
    """One record read from one row, and the cell of each of its values (by key path in the record)."""

    record: dict[str, Any]
    places: dict[tuple[str | int, ...], Place]
    first: Place
    special: dict[str, tuple[str, Place]]


def _set(record: dict[str, Any], key: tuple[str, ...], value: Any) -> None:
    for part in key[:-1]:
        record = record.setdefault(part, {})
    record[key[-1]] = value


def _columns(ws: Worksheet, sheet: Sheet, reading: Reading) -> dict[int, Column]:
    """The sheet's columns by position, found by the key paths of the hidden row."""
    found: dict[int, Column] = {}
    for cell in ws[KEY_ROW]:
        column = sheet.column(str(cell.value or "").strip())
        if column is not None:
            found[cell.column] = column
    missing = [c.header for c in sheet.columns if c not in found.values()]
    if missing:
        reading.problem(Place(sheet.name, "", ""), "sheet_columns", columns="、".join(missing))
    return found


def _rows(ws: Worksheet, sheet: Sheet, reading: Reading) -> Iterator[Row]:
    columns = _columns(ws, sheet, reading)
    header = {i: str(ws.cell(HEADER_ROW, i).value or c.header) for i, c in columns.items()}
    for cells in ws.iter_rows(min_row=FIRST_ROW):
        row = Row({}, {}, Place(sheet.name, "", ""), {})
        for cell in cells:
            column = columns.get(cell.column) if isinstance(cell, Cell) else None
            if column is None:
                continue
            value = value_of(column, cell.value)
            if value is None:
                continue
            if column.kind == "number" and type(value) is int and "." in str(cell.number_format):
                value = float(value)  # written as 92.0 (number format 0.0): keep it a decimal
            place = Place(sheet.name, cell.coordinate, header[cell.column])
            if not row.first.cell:
                row.first = place
            if column.special:
                row.special[column.special] = (str(value), place)
            else:
                _set(row.record, column.key, value)
                row.places[column.key] = place
        if row.first.cell:
            for column in sheet.columns:  # a required list of values may be empty: `services: []`
                if column.is_list and len(column.key) == 1 and column.key[0] in sheet.required:
                    row.record.setdefault(column.key[0], [])
            first_cell = ws.cell(cells[0].row, 1)
            row.first = Place(sheet.name, first_cell.coordinate, header.get(1, row.first.header))
            yield row


def _ordered(record: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    return {k: record[k] for k in (*order, *record) if k in record}


@dataclass
class Parent:
    record: dict[str, Any]
    file: str
    path: tuple[str | int, ...]


def _place_all(reading: Reading, file: str, path: tuple[str | int, ...], row: Row) -> None:
    reading.places[(file, format_path(path))] = row.first
    for key, place in row.places.items():
        reading.places[(file, format_path(path + key))] = place


Ids = tuple[str, ...]  # a record's id, after the ids of the records above it: ('plan', 'indicator')


def _file(reading: Reading, sheet: Sheet, record: dict[str, Any], row: Row) -> str | None:
    """The data file a top-level record goes to, or None (and a problem) if its 数据文件 cell is wrong."""
    if sheet.schema not in _FILE:
        return f"{sheet.schema}.yaml"
    default = _DEFAULT.get(sheet.schema, "stations.yaml").format(record.get("id", ""))
    file, place = row.special.get(FILE_KEY, (default, row.first))
    if not _FILE[sheet.schema].match(file):
        reading.problem(place, "sheet_file", value=file, expected=default)
        return None
    return file


def _top(reading: Reading, ws: Worksheet, sheet: Sheet, ids: dict[Ids, Parent]) -> None:
    if sheet.schema not in _FILE and sheet.schema not in OPTIONAL:  # an empty sheet is an empty list
        reading.files.setdefault(f"{sheet.schema}.yaml", {}).setdefault(sheet.list_key, [])  # (`groups: []`)
    for row in _rows(ws, sheet, reading):
        record = _ordered(row.record, sheet.order)
        file = _file(reading, sheet, record, row)
        if file is None:
            continue
        if not sheet.list_key:  # one record per file
            if file in reading.files:
                reading.problem(row.first, "sheet_file_taken", value=file, kind=_KIND[sheet.schema])
                continue
            reading.files[file] = record
            path: tuple[str | int, ...] = ()
        else:
            records = reading.files.setdefault(file, {}).setdefault(sheet.list_key, [])
            path = (sheet.list_key, len(records))
            records.append(record)
        _place_all(reading, file, path, row)
        if isinstance(record.get("id"), str):
            ids.setdefault((record["id"],), Parent(record, file, path))


def _parent(reading: Reading, sheet: Sheet, row: Row, parents: dict[Ids, Parent]) -> tuple[Ids, Parent] | None:
    """The record a child row belongs to, found by the ids in its first columns (or a problem at the cell)."""
    ids: Ids = ()
    for key in sheet.parent_keys:
        value, place = row.special.get(key, ("", row.first))
        known = sorted({k[len(ids)] for k in parents if k[:len(ids)] == ids})
        if value not in known:
            kind = sheet_named(sheet.parent).parent if key == TOP_KEY else sheet.parent
            reading.problem(place, "unknown_ref", kind=kind, value=value, hint=suggest(value, known))
            return None
        ids = (*ids, value)
    return ids, parents[ids]


def _child(reading: Reading, ws: Worksheet, sheet: Sheet, parents: dict[Ids, Parent],
           records: dict[Ids, Parent]) -> None:
    for row in _rows(ws, sheet, reading):
        found = _parent(reading, sheet, row, parents)
        if found is None:
            continue
        ids, parent = found
        items = parent.record.setdefault(sheet.list_key, [])
        path = (*parent.path, sheet.list_key, len(items))
        record = _ordered(row.record, sheet.order)
        items.append(record)
        _place_all(reading, parent.file, path, row)
        if sheet.children and isinstance(record.get("id"), str):
            records.setdefault((*ids, record["id"]), Parent(record, parent.file, path))


def read(book_path: Path) -> Reading:
    """The data files the workbook holds, and where each value came from."""
    reading = Reading(book_path.name)
    book = load_workbook(book_path, data_only=True)
    parents: dict[str, dict[Ids, Parent]] = {}
    for sheet in sheets():
        if sheet.name not in book.sheetnames:
            reading.problem(Place(sheet.name, "", ""), "sheet_missing", name=sheet.name)
            continue
        ws = book[sheet.name]
        if sheet.parent:
            _child(reading, ws, sheet, parents.get(sheet.parent, {}), parents.setdefault(sheet.name, {}))
        else:
            _top(reading, ws, sheet, parents.setdefault(sheet.name, {}))
    by_name = {s.name: s for s in sheets()}
    for sheet in sheets():
        for parent in parents.get(sheet.name, {}).values():  # child lists back in the schema's key order
            for child in sheet.children:
                key = by_name[child].list_key
                if key in sheet.required:  # a required list may be empty: `reports: []`
                    parent.record.setdefault(key, [])
            reordered = _ordered(parent.record, sheet.order)
            parent.record.clear()
            parent.record.update(reordered)
    return reading


# --- records to YAML files ---------------------------------------------------------------------------

class _Dumper(yaml.SafeDumper):
    """Block style, keys in the given order, multi-line text as `|` blocks."""


_LITERAL = re.compile(r"^[0-9][0-9:. +-]*$")  # codes, phones, dates, times: quoted, as the contract asks


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else '"' if _LITERAL.match(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.SequenceNode:
    """A list of plain values on one line (`days: [mon, tue]`), a list of records one per item."""
    flat = all(not isinstance(v, (dict, list)) and not (isinstance(v, str) and "\n" in v) for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flat)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(list, _list)


def dump(content: dict[str, Any]) -> str:
    return yaml.dump(content, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000,
                     default_flow_style=False)


def schema_line(path: Path) -> str:
    """The first line naming the file's JSON Schema, for completion and checking in VS Code."""
    folders = {"projects": "project", "plans": "plan", "stations": "stations"}
    name = folders.get(path.parent.name, path.stem)
    target = os.path.relpath(SCHEMA_DIR / f"{name}.schema.json", path.parent.resolve())
    return f"# yaml-language-server: $schema={Path(target).as_posix()}\n"


def _write(files: dict[str, dict[str, Any]], data_dir: Path) -> None:
    for name, content in sorted(files.items()):
        path = data_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(schema_line(path) + dump(content), encoding="utf-8")


def _scratch(data_dir: Path, into: Path) -> Path:
    """A copy of data/ without the files the workbook holds (files/ linked, not copied)."""
    scratch = into / data_dir.name
    scratch.mkdir()
    for source in data_dir.iterdir() if data_dir.is_dir() else []:
        if source.name in (*MANAGED, *FOLDERS):
            continue
        if source.name == "files" and source.is_dir():
            (scratch / "files").symlink_to(source.resolve(), target_is_directory=True)
        elif source.is_dir():
            shutil.copytree(source, scratch / source.name)
        else:
            shutil.copy2(source, scratch / source.name)
    return scratch


def _locate(reading: Reading, found: Any, root: str) -> CellIssue:
    """A validation issue of the written YAML, at the cell its value came from."""
    file = found.file[len(root) + 1:] if found.file.startswith(root + "/") else found.file
    path = found.path
    while True:
        place = reading.places.get((file, path))
        if place is not None:
            return CellIssue(reading.book, place.sheet, place.cell, place.header, found.message)
        shorter = _LAST_STEP.sub("", path)
        if shorter == path:
            break
        path = shorter
    where = f"{file}:{found.line}" + (f" {found.path}" if found.path else "")
    return CellIssue(reading.book, where, "", "", found.message)


def _replace(data_dir: Path, files: dict[str, dict[str, Any]]) -> None:
    """Remove the YAML files of the kinds the workbook holds, then write the workbook's files.
    Any other file of data/ (site.yaml, rules.yaml, files/, kinds the workbook does not know) stays."""
    old = [*(data_dir / name for name in MANAGED), *(p for f in FOLDERS for p in data_dir.glob(f"{f}/*.yaml"))]
    for path in old:
        if path.is_file():
            path.unlink()
    _write(files, data_dir)


def _order(problem: CellIssue) -> tuple[int, int, int, str]:
    """Workbook order: sheet by sheet, row by row, column by column."""
    names = [s.name for s in sheets()]
    index = names.index(problem.sheet) if problem.sheet in names else len(names)
    if not problem.cell:
        return index, 0, 0, problem.message
    column, row = coordinate_from_string(problem.cell)
    return index, row, column_index_from_string(column), problem.message


def import_(book_path: Path, data_dir: Path) -> list[CellIssue]:
    """Write the workbook into `data_dir`, or, if it has problems, report them all and change nothing."""
    reading = read(book_path)
    with tempfile.TemporaryDirectory(prefix="sgz-xlsx-") as tmp:
        scratch = _scratch(data_dir, Path(tmp))
        _write(reading.files, scratch)
        raw, found = load(scratch)
        found += validate(raw)
        problems = reading.problems + [_locate(reading, i, scratch.name) for i in errors(found)]
    if problems:
        return sorted(set(problems), key=_order)
    _replace(data_dir, reading.files)
    return []
