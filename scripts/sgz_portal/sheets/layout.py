"""The workbook's layout, read off the JSON Schemas: which sheets, which columns, what each column holds.

One sheet per record kind (站点, 服务, 机构, 项目, 区划, 服务领域, 服务对象, 规划, 社区社会组织, 志愿服务队,
慈善基金) and one child sheet per nested list of records (开放时间, 站点更正, 资金来源, 指标, 报告, 支出,
服务故事, 项目更正, 规划指标, 基金收支); a child row names its parent record by id in its first column and
keeps its place in the list by its place in the sheet.
A list nested two deep (a plan's indicators each with `targets` and `actual`) gets a grandchild sheet
(指标目标, 指标上报值): its rows name the top record and the parent record by id in the first two columns
(规划编号, 指标编号; an indicator id is unique only inside its plan). One row per target keeps every value
in a cell of its own, so an error is reported at that cell and a source text may hold any character;
a single “2025:100、2026:100” cell would read shorter but locate errors only to the whole list.
Nested objects (staff.certified.assistant) are flattened into columns; a list of plain values (phone,
services, days) is one cell with the values separated by “、”.

Row 1 of every sheet is hidden and holds each column's key path (`staff.certified.assistant`, `phone[]`,
`@file` for the file a record is kept in, `@parent` for the parent record's id, `@top` for the top
record's id in a grandchild sheet); row 2 holds the Chinese headers (the schema titles); records start on
row 3. Plans (data/plans/*.yaml) and resources (data/resources.yaml) are optional inputs: with no rows in
their sheets, no such file is written.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sgz_portal.data.schema import SCHEMA_DIR

KEY_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
SEPARATOR = "、"
SPLIT = ("、", ";", ";", "\n")  # accepted between the values of a list cell
FILE_KEY, PARENT_KEY, TOP_KEY = "@file", "@parent", "@top"
YES, NO = "是", "否"
# Schema $defs whose strings a spreadsheet turns into dates or times when typed in a general cell.
DATE_DEFS = {"date"}
MONTH_DEFS = {"month", "period"}
TIME_DEFS = {"time"}


@dataclass(frozen=True)
class Column:
    """One column: where its value lives in a record, and what the schema says about it."""

    key: tuple[str, ...]  # ('staff', 'certified', 'assistant'); () for the special columns
    header: str
    hint: str = ""
    kind: str = "string"  # string | integer | number | boolean
    enum: tuple[str, ...] = ()
    is_list: bool = False  # a list of plain values, one cell
    fmt: str = ""  # the schema $def it uses: date, time, month, period, phone, id ...
    special: str = ""  # FILE_KEY, PARENT_KEY or TOP_KEY

    @property
    def path(self) -> str:
        """The key path written in the hidden row."""
        if self.special:
            return self.special
        return ".".join(self.key) + ("[]" if self.is_list else "")


@dataclass(frozen=True)
class Sheet:
    """One sheet: a list of records in one kind of file, or a list nested in the records of `parent`."""

    name: str
    schema: str  # regions | services | agencies | stations | project | plan | resources
    list_key: str  # the key of the list in the file ('' for one record per file), or in the parent record
    columns: tuple[Column, ...]
    parent: str = ""  # the parent sheet's name, for child sheets
    children: tuple[str, ...] = field(default=())
    order: tuple[str, ...] = ()  # the record's keys in the schema's order (the YAML is written in it)
    required: tuple[str, ...] = ()

    def column(self, path: str) -> Column | None:
        return next((c for c in self.columns if c.path == path), None)

    @property
    def parent_keys(self) -> tuple[str, ...]:
        """The special columns naming the parent record: (PARENT_KEY,), or (TOP_KEY, PARENT_KEY) two deep."""
        return tuple(k for k in (TOP_KEY, PARENT_KEY) if self.column(k) is not None)


@cache
def _schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    return data


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The node with its $ref merged in (the node's own title/description win), and the $def's name."""
    ref = node.get("$ref", "")
    if not ref:
        return node, ""
    name = ref.rsplit("/", 1)[-1]
    target, _ = _resolve(defs[name], defs)
    return {**target, **{k: v for k, v in node.items() if k != "$ref"}}, name


def _columns(node: dict[str, Any], defs: dict[str, Any], prefix: tuple[str, ...] = (),
             title: str = "") -> tuple[list[Column], list[tuple[str, dict[str, Any]]]]:
    """The flat columns of an object schema, and its lists of records (key, item schema)."""
    columns: list[Column] = []
    nested: list[tuple[str, dict[str, Any]]] = []
    for key, raw in node.get("properties", {}).items():
        prop, fmt = _resolve(raw, defs)
        header = f"{title}·{prop.get('title', key)}" if title else prop.get("title", key)
        kind = prop.get("type", "string")
        if kind == "object":
            sub, deeper = _columns(prop, defs, prefix + (key,), header)
            columns += sub
            nested += deeper
        elif kind == "array":
            item, item_fmt = _resolve(prop.get("items", {}), defs)
            if item.get("type") == "object":
                nested.append((key, item))
                continue
            hint = prop.get("description", "") + f"(多个值用“{SEPARATOR}”隔开)"
            columns.append(Column(prefix + (key,), header, hint, item.get("type", "string"),
                                  tuple(item.get("enum", ())), True, item_fmt))
        else:
            enum = tuple(prop.get("enum", ()))
            hint = prop.get("description", "")
            if kind == "boolean":
                enum = (YES, NO)
            columns.append(Column(prefix + (key,), header, hint, kind, enum, False, fmt))
    return columns, nested


# The id column of a child sheet, by the parent sheet's name.
PARENTS = {"站点": "站点编号", "项目": "项目编号", "规划": "规划编号", "规划指标": "指标编号", "慈善基金": "基金编号"}
FILE_HINTS = {
    "stations": "这个站点保存在哪个文件:stations.yaml 或 stations/文件名.yaml(如按区县分文件);新增站点可留空",
    "project": "这个项目保存在哪个文件:projects/项目编号.yaml;新增项目可留空",
    "plan": "这个规划保存在哪个文件:plans/文件名.yaml;新增规划可留空(写入 plans/规划编号.yaml)",
}
OPTIONAL = {"plan", "resources"}  # optional inputs: no rows, no file
# Top-level sheets: (name, schema, list key in the file) and the names of their child sheets by list key.
TOP = (
    ("区划", "regions", "regions"),
    ("服务领域", "services", "domains"),
    ("服务对象", "services", "groups"),
    ("服务", "services", "services"),
    ("机构", "agencies", "agencies"),
    ("站点", "stations", "stations"),
    ("项目", "project", ""),
    ("规划", "plan", ""),
    ("社区社会组织", "resources", "community_orgs"),
    ("志愿服务队", "resources", "volunteer_teams"),
    ("慈善基金", "resources", "charity_funds"),
)
CHILD_NAMES = {
    ("stations", "hours"): "开放时间",
    ("stations", "corrections"): "站点更正",
    ("project", "funding"): "资金来源",
    ("project", "indicators"): "指标",
    ("project", "reports"): "报告",
    ("project", "expenditures"): "支出",
    ("project", "stories"): "服务故事",
    ("project", "corrections"): "项目更正",
    ("plan", "indicators"): "规划指标",
    ("plan", "targets"): "指标目标",
    ("plan", "actual"): "指标上报值",
    ("resources", "ledger"): "基金收支",
}


def _record_schema(schema: str, list_key: str) -> tuple[dict[str, Any], dict[str, Any]]:
    root = _schema(schema)
    defs = root.get("$defs", {})
    if schema == "stations":
        return defs["station"], defs
    if not list_key:
        return root, defs
    item, _ = _resolve(root["properties"][list_key]["items"], defs)
    return item, defs


def _parent_column(parent: str, special: str) -> Column:
    hint = f"这一行属于哪个{parent}:填{PARENTS[parent]}"
    return Column((), PARENTS[parent], hint, fmt="id", special=special)


def _children(schema: str, parents: tuple[str, ...], nested: list[tuple[str, dict[str, Any]]],
              defs: dict[str, Any]) -> list[Sheet]:
    """The child sheets of the lists `nested` in the records of sheet parents[-1], each followed by its own."""
    out: list[Sheet] = []
    for key, item in nested:
        child_columns, deeper = _columns(item, defs)
        if deeper and len(parents) > 1:
            raise ValueError(f"{schema}.{key}: lists nested three deep do not fit the workbook")
        ids = [_parent_column(parents[0], TOP_KEY)] if len(parents) > 1 else []
        ids.append(_parent_column(parents[-1], PARENT_KEY))
        name = CHILD_NAMES[(schema, key)]
        below = _children(schema, (*parents, name), deeper, defs)
        out.append(Sheet(name, schema, key, (*ids, *child_columns), parents[-1],
                         children=tuple(s.name for s in below if s.parent == name),
                         order=tuple(item.get("properties", {})), required=tuple(item.get("required", ()))))
        out += below
    return out


@cache
def sheets() -> tuple[Sheet, ...]:
    """Every sheet of the workbook, top-level sheets first, each followed by its children (and theirs)."""
    out: list[Sheet] = []
    for name, schema, list_key in TOP:
        node, defs = _record_schema(schema, list_key)
        columns, nested = _columns(node, defs)
        if schema in FILE_HINTS:
            columns.append(Column((), "数据文件", FILE_HINTS[schema], special=FILE_KEY))
        children = _children(schema, (name,), nested, defs)
        out.append(Sheet(name, schema, list_key, tuple(columns),
                         children=tuple(c.name for c in children if c.parent == name),
                         order=tuple(node.get("properties", {})), required=tuple(node.get("required", ()))))
        out += children
    return tuple(out)


def sheet(name: str) -> Sheet:
    return next(s for s in sheets() if s.name == name)
