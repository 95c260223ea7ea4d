"""Problems in the data, as data.

Every problem the build can find is an `Issue` with a stable code. The Chinese
wording for each code lives in MESSAGES below and nowhere else, so editors get
the same sentence for the same mistake, and tests can assert codes.
"""
from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"

# code -> message template (Chinese, shown to editors). Keep them one sentence.
MESSAGES: dict[str, str] = {
    # reading
    "missing_data_dir": "找不到数据目录",
    "missing_file": "缺少必需的数据文件",
    "encoding": "文件不是 UTF-8 编码(从这一行起无法识别),请用 UTF-8 保存",
    "encoding_gbk": "文件看起来是 GBK/GB18030 编码(记事本、WPS 的“ANSI”),请另存为 UTF-8:记事本“另存为”→“编码”选 UTF-8;WPS“另存为”→“编码”选 UTF-8;VS Code 点右下角的“GB 18030”→“通过编码保存”→“UTF-8”",
    "yaml_syntax": "YAML 格式错误:{detail}",
    "yaml_unclosed_quote": "这一行的引号 {quote} 没有闭合(到文件末尾都没有找到配对的 {quote}),请补上",
    "yaml_unclosed_bracket": "这一行的 {bracket} 没有配对的 {closing},请补上(或检查其中的逗号和冒号)",
    "yaml_tab": "这一行用了制表符(Tab)缩进,YAML 只能用空格缩进,请把 Tab 换成空格",
    "yaml_fullwidth": "这一行用了全角的“{char}”,YAML 的语法符号要用半角的“{ascii}”",
    "yaml_too_deep": "嵌套超过 {limit} 层,请检查括号和缩进",
    "yaml_alias_recursive": "别名 *{name} 引用了包含它自己的内容,请直接写出内容",
    "yaml_alias_budget": "别名 *{name} 等展开后超过 {limit} 项,疑似“别名炸弹”,请直接写出内容,不要用 & 和 * 复制大段内容",
    "duplicate_key": "键“{key}”重复出现",
    "wrong_extension": "文件扩展名应为 .yaml,此文件不会被读取",
    # shape (JSON Schema)
    "schema_required": "缺少必填项“{key}”",
    "schema_unknown_key": "不认识的键“{key}”{hint}",
    "schema_type": "类型应为{expected},实际是{actual}",
    "schema_enum": "取值“{value}”无效,可选值:{allowed}",
    "schema_pattern": "“{value}”格式不对:{expected}",
    "schema_range": "数值 {value} 超出允许范围({bound})",
    "schema_min_items": "至少需要 {count} 项",
    "schema_other": "数据不符合格式要求:{detail}",
    # values
    "bad_date": "“{value}”不是有效日期(应为 YYYY-MM-DD)",
    "bad_period": "“{value}”不是有效期间(月报用 YYYY-MM,自评用 YYYY-H1/H2)",
    "bad_uscc": "统一社会信用代码“{value}”校验位不正确,应为“{expected}”",
    "duplicate_id": "编号“{value}”重复,已在 {other} 使用",
    "unknown_ref": "找不到{kind}“{value}”{hint}",
    "wrong_level": "{kind}“{value}”的层级是{actual},应为{expected}",
    "parent_required": "该层级必须填写上级(parent)",
    "site_region": "门户所属区划“{value}”在 regions.yaml 中不存在",
    "file_missing": "附件“{value}”不存在",
    "file_outside": "附件“{value}”必须位于 data/files 目录之内",
    "file_type": "附件“{value}”类型不支持(仅限 PDF、JPEG、PNG、WebP)",
    "file_content": "附件“{value}”的内容是{actual},不是扩展名所表示的{expected},不能发布"
                    "(仅限 PDF、JPEG、PNG、WebP;请导出或另存为正确的格式)",
    "file_too_large": "附件“{value}”大小为 {size},超过 {limit} MB 的上限,不能发布"
                      "(请压缩后再引用;上限可在 rules.yaml 的 attachments.max_mb 调整)",
    "file_broken": "附件“{value}”看起来是{expected},但无法读出图片(文件可能已损坏),请重新导出后再引用",
    "file_unreferenced": "此文件没有被任何数据引用,不会发布(仅提醒,不影响生成网站);需要公开就在数据中引用它,否则请删除",
    "rating_year_required": "填写了评估等级(rating)就必须填写评估年份(rating_year)",
    "hours_order": "关门时间 {close} 应晚于开门时间 {open}",
    "period_order": "结束日期 {end} 早于开始日期 {start}",
    "evaluation_only": "“{key}”只用于中期评估和结项评估",
    # workbooks (sgz-portal xlsx import)
    "sheet_missing": "工作簿中缺少工作表“{name}”",
    "sheet_columns": "找不到这些列:{columns}(隐藏的第 1 行是每列对应的键,请勿修改或删除)",
    "sheet_file": "数据文件“{value}”不对,应写成如“{expected}”的形式",
    "sheet_file_taken": "数据文件“{value}”已被前面的一个{kind}使用,每个{kind}一个文件",
    "plan_actual_required": "指标“{value}”没有计算方法(measure),必须填写上报值(actual)",
    "ledger_order": "公开日期 {value} 早于上一条的 {previous},收支公开应按日期从早到晚排列",
    "as_of_env": "环境变量 PORTAL_AS_OF 的值“{value}”不是有效日期(应为 YYYY-MM-DD)",
    # rules (judged findings)
    "R01_name_branding": "站点名称应以“{suffix}”结尾(标准标识:中国社会工作标识 + 全称)",
    "R02_township_staffing": "乡镇(街道)站持证专职社工 {count} 名,应至少 {minimum} 名,或配备兼职人员",
    "R03_station_contacts": "缺少对外公开的{missing}",
    "R04_outside_operator_rating": "外地运营机构“{agency}”评估等级为{rating},应为 {minimum} 及以上",
    "R05_project_agreement": "项目缺少{missing}",
    "R06_monthly_brief_missing": "{period} 月简报未发布(截止日 {due})",
    "R06_monthly_brief_late": "{period} 月简报于 {published} 发布,晚于截止日 {due}",
    "R07_self_assessment_missing": "{period} 自评报告未发布(截止日 {due})",
    "R07_self_assessment_late": "{period} 自评报告于 {published} 发布,晚于截止日 {due}",
    "R08_midterm_missing": "中期评估未发布(截止日 {due})",
    "R08_midterm_late": "中期评估于 {published} 发布,晚于截止日 {due}",
    "R08_final_missing": "结项评估未发布(截止日 {due})",
    "R08_final_late": "结项评估于 {published} 发布,晚于截止日 {due}",
    "R09_barred_category": "支出类别“{category}”({amount} 元)不属于允许使用的范围",
    "R09_over_amount": "支出合计 {total} 元,超过合同金额 {amount} 元",
    "R10_verification": "站点信息已 {days} 天未核实(上次核实 {verified}),应至少每 {maximum} 天核实一次",
    "R11_personal_info": "公开文字中含有{kind}“{masked}”,不得公开服务对象的个人信息",
    "R12_plan_target_missed": "约束性指标“{name}”{year} 年目标为{comparison} {target},实际为 {value}({source}),未达到目标",
    "R13_fund_quarter_missing": "{quarter}的收支未公开(应在 {due} 前公开)",
    "R13_fund_negative_balance": "{date} 公开后累计结余为 {balance} 元,结余不能为负数",
    "R14_planned_started": "服务期已于 {start} 开始,项目状态仍为“筹备中”(planned),请更新为 active",
    "R14_active_ended": "服务期已于 {end} 结束 {days} 天,项目状态仍为“实施中”(active),请更新为 completed 或 terminated",
}

KIND_WORDS = {
    "string": "文字", "integer": "整数", "number": "数字", "boolean": "是/否(true/false)",
    "array": "列表", "object": "键值对", "null": "空值",
}


@dataclass(frozen=True, order=True)
class Issue:
    """One problem in the data, located at `file:line` and a key path."""

    file: str
    line: int
    path: str
    code: str
    message: str
    severity: str = ERROR
    subject: str = ""  # station or project id the finding is about, if any

    def __str__(self) -> str:
        if not self.file:  # a problem of the environment (PORTAL_AS_OF), not of a data file
            return self.message
        where = f"{self.file}:{self.line}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


def format_path(path: Iterable[str | int]) -> str:
    """('stations', 2, 'phone', 0) -> 'stations[2].phone[0]'."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


MAX_VALUE = 60  # characters of a value from the data quoted in a message


def _printable(ch: str) -> bool:
    return ch.isprintable() or unicodedata.category(ch) == "Zs"  # full-width spaces stay


def one_line(text: str) -> str:
    """`text` with line breaks and other control characters escaped (`\\n`, `\\x85`), so that
    every issue stays on its own `FILE:LINE:` line, whatever the data holds."""
    if all(map(_printable, text)):
        return text
    return "".join(ch if _printable(ch) else ascii(ch)[1:-1] for ch in text)


def _shown(name: str, value: object) -> object:
    """A value as quoted in a message: on one line; data values cut short if long."""
    if not isinstance(value, str):
        return value
    value = one_line(value)
    if name in ("value", "key") and len(value) > MAX_VALUE:
        return value[:MAX_VALUE] + "…"
    return value


def issue(code: str, file: str, line: int, path: Iterable[str | int] | str, *,
          severity: str = ERROR, subject: str = "", **values: object) -> Issue:
    """Build an Issue from the message registry."""
    text = MESSAGES[code].format(**{k: _shown(k, v) for k, v in values.items()})
    where = path if isinstance(path, str) else format_path(path)
    return Issue(file, line, one_line(where), code, text, severity, subject)


def errors(found: Iterable[Issue]) -> list[Issue]:
    return [i for i in found if i.severity == ERROR]


def report(found: Iterable[Issue]) -> str:
    """Human report: one line per issue, sorted by file and line, then a count."""
    found = sorted(set(found))
    lines = [str(i) for i in found]
    lines.append(summary(found))
    return "\n".join(lines)


def summary(found: Iterable[Issue]) -> str:
    """The one count line `check` and `build` both print."""
    found = set(found)
    n_err = len(errors(found))
    return f"共 {n_err} 个错误,{len(found) - n_err} 个提醒。"


def suggest(value: str, candidates: Iterable[str]) -> str:
    """', 是否应为“x”?' for the closest candidate, or ''."""
    close = difflib.get_close_matches(str(value), [str(c) for c in candidates], n=1, cutoff=0.6)
    return f",是否应为“{close[0]}”?" if close else ""
