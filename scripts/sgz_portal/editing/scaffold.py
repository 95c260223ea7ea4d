"""Scaffolds: a pre-filled, commented YAML block for a new station, project or report.

The block follows the data contract's key order. What can be inferred from the data is filled in
(level one below the parent's, the parent's operator and hours, the only uncovered region, a
report's due date from rules/schedule.py); what cannot is marked `待填` (a value that fails
validation until the editor replaces it). Dates are written as quoted strings.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from sgz_portal.data.model import Portal, Project, Station
from sgz_portal.data.schema import SCHEMA_DIR
from sgz_portal.data.words import REPORT_WORDS
from sgz_portal.rules.judge import settings
from sgz_portal.rules.schedule import due_reports

BLANK = "待填"
LEVEL_BELOW = {"city": "county", "county": "township", "township": "village"}
SUFFIX = {"county": "社会工作服务总站", "township": "社会工作服务站", "village": "社会工作服务室"}
LEVEL_WORDS = {"county": "县(区)", "township": "乡镇(街道)", "village": "村(社区)"}
CODE_DIGITS = {"county": 6, "township": 9, "village": 12}
EVALUATIONS = ("midterm", "final")
DAY_WORDS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ScaffoldError(Exception):
    """The scaffold cannot be made: unknown id, no level below, wrong period (message in Chinese)."""


@dataclass(frozen=True)
class Block:
    """A scaffold: its YAML text and the top-level list it belongs to (None: a whole file)."""

    text: str
    list_key: str | None
    schema: str  # the schema file name, for the header of a new file


def _q(value: str) -> str:
    return f'"{value}"'


def schema_for(rel: Path) -> str:
    """The schema file name for a data file, by its path relative to data/."""
    if len(rel.parts) > 1:
        return {"stations": "stations", "projects": "project", "plans": "plan"}.get(rel.parts[0], rel.parts[0]) \
            + ".schema.json"
    return f"{rel.stem}.schema.json"


def header(path: Path, schema: str) -> str:
    """The `yaml-language-server` line for a new file at `path` (relative path to the package's schema)."""
    rel = os.path.relpath(SCHEMA_DIR / schema, Path(path).resolve().parent)
    return f"# yaml-language-server: $schema={Path(rel).as_posix()}\n"


def _hours(station: Station) -> list[str]:
    if not station.hours:
        return ['      - {days: [mon, tue, wed, thu, fri], open: "09:00", close: "17:30"}']
    return [f"      - {{days: [{', '.join(h.days)}], open: {_q(h.open)}, close: {_q(h.close)}}}"
            for h in station.hours]


def _uncovered(portal: Portal, parent: Station, level: str) -> list[str]:
    """Region codes one level below the parent's region that no station serves yet."""
    taken = {s.region for s in portal.stations.values()}
    return sorted(r.code for r in portal.regions.values()
                  if r.parent == parent.region and r.level == level and r.code not in taken)


def station(portal: Portal, parent_id: str, today: dt.date) -> Block:
    """A station one level below `parent_id`, in the `stations:` list."""
    parent = portal.stations.get(parent_id)
    if parent is None:
        raise ScaffoldError(f"找不到上级站点“{parent_id}”(站点编号见 data/stations.yaml)")
    level = LEVEL_BELOW.get(parent.level)
    if level is None:
        raise ScaffoldError(f"“{parent.name}”是村(社区)室,下面不能再设站点")
    free = _uncovered(portal, parent, level)
    region = free[0] if len(free) == 1 else None
    parent_area = portal.regions[parent.region].name if parent.region in portal.regions else ""
    name = f"{parent_area}{portal.regions[region].name}{SUFFIX[level]}" if region else f"{BLANK}{SUFFIX[level]}"
    candidates = ("尚未建站的有 " + "、".join(f"{c} {portal.regions[c].name}" for c in free)) if free \
        else "上级区划下都已建站,先在 regions.yaml 中添加"
    operator = parent.operator or BLANK
    lines = [
        f"  # 新{LEVEL_WORDS[level]}站点,上级:{parent.name}({parent.id})。",
        f"  # 把每个“{BLANK}”换成实际内容,然后运行:sgz-portal check 本文件。各键的写法见 guide/stations.md。",
        f"  - id: {BLANK}                        # 站点编号:小写字母、数字、连字符,如 {parent.id}-xxx;建好后不要改",
        f"    name: {name}" + ("" if region else f"   # 标准名称,以“{SUFFIX[level]}”结尾"),
        f"    level: {level}",
        f"    parent: {parent.id}",
        f"    region: {_q(region or BLANK)}" + ("" if region else
                                               f"   # {CODE_DIGITS[level]} 位区划代码;{candidates}"),
        f"    address: {BLANK}",
        "    # location: {lat: 0.0, lng: 0.0, crs: gcj02}   # 可选:坐标;crs: wgs84 GPS | gcj02 高德/腾讯 | bd09 百度",
        f"    phone: [{_q(BLANK)}]                  # 联系电话,加引号,如 \"0830-3123456\"",
        f"    complaint_phone: {_q(BLANK)}          # 投诉电话,加引号",
        "    hours:                              # 开放时间(先照抄上级站点,按实际修改)",
        *_hours(parent),
        "    # closed_on: [\"2026-10-01\"]          # 可选:不开放的日期",
        "    # hours_note: 法定节假日休息          # 可选",
        f"    established: {_q(BLANK)}              # 成立日期 YYYY-MM-DD",
        f"    operator: {operator}" + ("" if parent.operator else "   # 运营机构编号,见 agencies.yaml"),
        "    # head: 某某某                        # 可选:站长",
        "    staff:",
        f"      full_time: {BLANK}                 # 专职社工人数",
        "      certified: {assistant: 0, intermediate: 0, senior: 0}   # 持证人数:助理社会工作师、社会工作师、高级",
        "      part_time: 0",
        "      volunteers: 0",
        "      volunteer_teams: 0",
        "    services: []                        # 提供的服务编号,见 services.yaml,如 [elderly-visit]",
        "    # facilities: [接待区, 个案室]        # 可选",
        "    # demonstration: {level: county, year: 2026}   # 可选:示范点",
        "    # signage: {installed: true, photo: files/<站点编号>/sign.jpg}   # 可选:站牌",
        "    # description: |                    # 可选:站点介绍(Markdown)",
        "    # commitments: 首问负责,一次告知,限时办结。   # 可选",
        "    # photos: [files/<站点编号>/hall.jpg]   # 可选",
        f"    verified: {_q(today.isoformat())}         # 核实日期:信息核实属实的日期",
        "    # corrections: [{date: \"YYYY-MM-DD\", note: 更正了什么}]   # 可选:公开更正说明",
    ]
    return Block("\n".join(lines) + "\n", "stations", "stations.schema.json")


def project(portal: Portal, station_id: str, today: dt.date) -> Block:
    """A new project file for `station_id`, run by its operator."""
    st = portal.stations.get(station_id)
    if st is None:
        raise ScaffoldError(f"找不到站点“{station_id}”(站点编号见 data/stations.yaml)")
    year = today.year
    while f"{st.id}-{year}" in portal.projects:  # the first year this station has no project for
        year += 1
    pid = f"{st.id}-{year}"
    lines = [
        f"# 新项目:{st.name}({st.id})。把每个“{BLANK}”换成实际内容,然后运行:sgz-portal check 本文件。",
        "# 各键的写法见 guide/projects.md。",
        f"id: {pid}                         # 项目编号,建好后不要改",
        f"title: {st.name}运营项目({year}年度)",
        f"stations: [{st.id}]",
        f"buyers: [{BLANK}]                        # 购买主体,如 [东城区民政局, 青石街道办事处]",
        f"supplier: {st.operator or BLANK}" + ("" if st.operator else "   # 承接机构编号,见 agencies.yaml"),
        "# procurement_method: 竞争性磋商          # 可选",
        "status: planned                          # planned 计划中 | active 实施中 | completed 已结项 | terminated 已终止",
        "agreement:",
        f"  signed: {_q(BLANK)}                      # 签订日期 YYYY-MM-DD",
        f"  start: {_q(BLANK)}                       # 服务期开始 YYYY-MM-DD",
        f"  end: {_q(BLANK)}                         # 服务期结束 YYYY-MM-DD",
        f"  amount: {BLANK}                          # 合同金额(元)",
        f"  # document: files/{st.id}/{year}-agreement.pdf   # 可选:协议 PDF",
        "# funding:                               # 可选:资金来源,合计等于合同金额",
        "#   - {source: 区级财政资金, amount: 0}",
        "task_book:",
        f"  overview: {BLANK}                        # 项目概述(Markdown)",
        "  # needs_analysis: |                    # 可选",
        "  # service_plan: |                      # 可选",
        "  # staffing: |                          # 可选",
        "indicators: []                           # 绩效指标;实施前至少写一项,如:",
        "#   - {id: volunteers, name: 培养社区志愿者, unit: 名, target: 30}",
        "reports: []                              # 报告:sgz-portal new report --project 本项目编号 ...",
        "expenditures: []                         # 资金使用,如 - {category: labor, amount: 0, note: 劳务费}",
        "# stories: []                            # 可选:服务故事(必须匿名)",
        "# corrections: []                        # 可选:公开更正说明",
    ]
    return Block("\n".join(lines) + "\n", None, "project.schema.json")


def _period_ok(kind: str, period: str | None) -> bool:
    if kind == "monthly":
        try:
            dt.date.fromisoformat(f"{period}-01")
        except (TypeError, ValueError):
            return False
        return len(period or "") == 7
    if kind == "self_assessment":
        return bool(period) and len(period or "") == 7 and str(period)[:4].isdigit() and str(period)[4:] in ("-H1", "-H2")
    return True


def _due(portal: Portal, pr: Project, kind: str, period: str | None) -> dt.date | None:
    for slot in due_reports(pr, portal.site.as_of, settings(portal)):
        if slot.kind == kind and (kind in EVALUATIONS or slot.period == period):
            return slot.due
    return None


def report(portal: Portal, project_id: str, kind: str, period: str | None, today: dt.date) -> Block:
    """A report for the `reports:` list of `project_id`, with its due date computed by the schedule."""
    pr = portal.projects.get(project_id)
    if pr is None:
        raise ScaffoldError(f"找不到项目“{project_id}”(项目编号是 data/projects/ 中各文件的 id)")
    if kind not in REPORT_WORDS:
        raise ScaffoldError(f"报告类型“{kind}”无效,可选:{', '.join(REPORT_WORDS)}")
    if kind in ("monthly", "self_assessment") and not _period_ok(kind, period):
        raise ScaffoldError("月简报要写 --period YYYY-MM,自评报告要写 --period YYYY-H1 或 YYYY-H2")
    due = _due(portal, pr, kind, period)
    when = f"截止日 {due.isoformat()}" if due else "按项目状态和服务期,这份报告不在应发布的清单中,请核对"
    folder = pr.stations[0] if pr.stations else pr.id
    stem = period or kind
    lines = [
        f"  # {REPORT_WORDS[kind]}{' ' + period if period else ''}:{pr.title}({when})。",
        f"  # 把每个“{BLANK}”换成实际内容,然后运行:sgz-portal check 本文件。写法见 guide/howto-monthly-brief.md。",
        f"  - type: {kind}",
    ]
    if period and kind in ("monthly", "self_assessment"):
        lines.append(f"    period: {_q(period)}")
    lines.append(f"    published: {_q(today.isoformat())}         # 发布日期({when})")
    if kind in EVALUATIONS:
        lines += [f"    evaluator: {BLANK}                   # 评估机构",
                  f"    score: {BLANK}                       # 0 至 100 分",
                  f"    grade: {BLANK}                       # 优秀 | 良好 | 合格 | 不合格"]
    lines += [
        "    summary: |                          # 报告摘要(Markdown);不得含服务对象的个人信息",
        f"      {BLANK}",
    ]
    if kind == "monthly":
        lines.append("    # stats: {cases: 0, groups: 0, activities: 0, beneficiaries: 0, volunteer_hours: 0}   # 可选:本期服务数据")
    lines.append(f"    # document: files/{folder}/{stem}.pdf   # 可选:PDF 放在 data/files/{folder}/ 下")
    return Block("\n".join(lines) + "\n", "reports", "project.schema.json")


def write(block: Block, path: Path) -> str:
    """Write `block` to `path`: a new file gets the schema header; an existing file gets the block at the end
    of its top-level `list_key:` list. Returns a short Chinese note of what was done."""
    path = Path(path)
    if not path.exists():
        if block.list_key == "reports":
            raise ScaffoldError(f"{path} 不存在:报告要写进已有的项目文件")
        body = f"{block.list_key}:\n{block.text}" if block.list_key else block.text
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(header(path, block.schema) + body, encoding="utf-8")
        return f"已新建 {path}"
    if block.list_key is None:
        raise ScaffoldError(f"{path} 已存在:一个项目一个文件,请换一个文件名")
    text = path.read_text(encoding="utf-8")
    path.write_text(insert_into_list(text, block.list_key, block.text), encoding="utf-8")
    return f"已写入 {path} 的 {block.list_key} 清单末尾"


def insert_into_list(text: str, key: str, block: str) -> str:
    """`text` with `block` added at the end of its top-level `key:` list (`key: []` becomes a list)."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.split("#")[0].rstrip() in (f"{key}:", f"{key}: []")), None)
    if start is None:
        if any(line[:1].isalpha() for line in lines):
            raise ScaffoldError(f"文件中没有顶层的 {key}: 清单")
        return text + ("" if text.endswith("\n") or not text else "\n") + f"{key}:\n{block}"
    lines[start] = f"{key}:\n"
    end = next((i for i in range(start + 1, len(lines)) if lines[i][:1].isalpha()), len(lines))
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1  # keep the blank lines that separate the list from the next key
    if end and not lines[end - 1].endswith("\n"):
        lines[end - 1] += "\n"
    return "".join(lines[:end]) + block + "".join(lines[end:])
