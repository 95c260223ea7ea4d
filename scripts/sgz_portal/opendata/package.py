"""data/datapackage.json: a Frictionless Data Package (v1) describing every CSV and JSON export:
each table's fields and their types, primary keys, the foreign keys between stations, services,
projects and reports (and between the HSDS tables), the licence and the publisher (site.yaml).

`frictionless validate data/datapackage.json` checks every file against it (tests/test_datapackage.py).
The four plain tables are published twice (CSV and JSON, same rows): resource `stations` is the
CSV, `stations-json` the JSON, and each family's foreign keys point inside the same family.
"""
from __future__ import annotations

from sgz_portal.data.model import Site
from sgz_portal.opendata.common import absolute

# Plain tables: name -> (title, [(field, type, title)], primary key, [(field, resource, field)]).
# The field lists are the row keys of opendata/tables.py, in order (the validation checks the headers).
ST, NUM, INT, DATE = "string", "number", "integer", "date"
TABLES: dict[str, tuple[str, list[tuple[str, str, str]], str, list[tuple[str, str, str]]]] = {
    "stations": ("站点名录", [
        ("id", ST, "站点编号"), ("name", ST, "名称"), ("level", ST, "层级"), ("parent", ST, "上级站点编号"),
        ("region", ST, "区划代码"), ("region_name", ST, "区划名称"), ("address", ST, "地址"),
        ("lat", NUM, "纬度"), ("lng", NUM, "经度"), ("crs", ST, "坐标系"), ("phone", ST, "电话(分号分隔)"),
        ("complaint_phone", ST, "投诉电话"), ("hours", ST, "开放时间(分号分隔)"), ("operator", ST, "运营机构编号"),
        ("operator_name", ST, "运营机构"), ("services", ST, "服务编号(分号分隔)"),
        ("certified_social_workers", INT, "持证社工人数"), ("volunteers", INT, "志愿者人数"),
        ("verified", DATE, "最近核实日期"), ("url", ST, "页面(相对本站首页)")],
        "id", [("parent", "stations", "id")]),
    "services": ("服务目录", [
        ("id", ST, "服务编号"), ("name", ST, "名称"), ("domain", ST, "服务领域编号"), ("domain_name", ST, "服务领域"),
        ("groups", ST, "服务对象编号(分号分隔)"), ("summary", ST, "简介"), ("access", ST, "服务方式(分号分隔)"),
        ("eligibility", ST, "服务条件"), ("fee", ST, "收费"), ("basis", ST, "政策依据"),
        ("stations", INT, "提供该服务的站点数"), ("url", ST, "页面(相对本站首页)")],
        "id", []),
    "projects": ("服务项目", [
        ("id", ST, "项目编号"), ("title", ST, "名称"), ("status", ST, "状态"), ("stations", ST, "站点编号(分号分隔)"),
        ("buyers", ST, "购买主体(分号分隔)"), ("supplier", ST, "承接机构编号"), ("supplier_name", ST, "承接机构"),
        ("procurement_method", ST, "采购方式"), ("signed", DATE, "签订日期"), ("start", DATE, "服务期开始"),
        ("end", DATE, "服务期结束"), ("amount", NUM, "合同金额(元)"), ("spent", NUM, "已公开的支出合计(元)"),
        ("agreement_document", ST, "合同文本"), ("reports", INT, "报告数"), ("ocid", ST, "开放合同编号"),
        ("url", ST, "页面(相对本站首页)")],
        "id", []),
    "reports": ("项目报告", [
        ("id", ST, "报告编号(项目编号/报告键)"), ("project", ST, "项目编号"), ("type", ST, "报告类型"),
        ("type_name", ST, "报告类型名称"), ("period", ST, "所属期间"), ("published", DATE, "发布日期"),
        ("evaluator", ST, "评估机构"), ("score", NUM, "得分"), ("grade", ST, "等级"), ("cases", INT, "个案数"),
        ("groups", INT, "小组数"), ("activities", INT, "活动数"), ("beneficiaries", INT, "服务人次"),
        ("volunteer_hours", NUM, "志愿服务时长"), ("document", ST, "报告文件"), ("url", ST, "页面(相对本站首页)")],
        "id", [("project", "projects", "id")]),
    "station_services": ("站点提供的服务", [("station", ST, "站点编号"), ("service", ST, "服务编号")],
                         "", [("station", "stations", "id"), ("service", "services", "id")]),
    "project_stations": ("项目服务的站点", [("project", ST, "项目编号"), ("station", ST, "站点编号")],
                         "", [("project", "projects", "id"), ("station", "stations", "id")]),
    # The optional plans and 五社联动 resources (opendata/resources.py): described when published.
    "plans": ("规划指标", [
        ("id", ST, "编号(规划编号/指标编号)"), ("plan", ST, "规划编号"), ("plan_title", ST, "规划名称"),
        ("plan_region", ST, "规划区划代码"), ("period_start", INT, "规划期开始年份"), ("period_end", INT, "规划期结束年份"),
        ("indicator", ST, "指标编号"), ("name", ST, "指标名称"), ("unit", ST, "单位"), ("kind", ST, "属性"),
        ("kind_name", ST, "属性名称"), ("measure", ST, "计算方法"), ("comparison", ST, "比较方式"),
        ("baseline_year", INT, "基期年份"), ("baseline", NUM, "基期值"), ("targets", ST, "各年目标(年份:数值;分号分隔)"),
        ("reported", ST, "各年上报值(年份:数值;分号分隔)"), ("computed", NUM, "按平台数据计算的数值"),
        ("current_year", INT, "实际值年份"), ("current", NUM, "实际值"), ("next_target_year", INT, "下一个目标年份"),
        ("next_target", NUM, "下一个目标"), ("status", ST, "进展"), ("status_name", ST, "进展名称"),
        ("url", ST, "页面(相对本站首页)")],
        "id", []),
    "community_orgs": ("社区社会组织", [
        ("id", ST, "编号"), ("name", ST, "名称"), ("station", ST, "合作站点编号"), ("station_name", ST, "合作站点"),
        ("kind", ST, "类别"), ("status", ST, "登记状态"), ("members", INT, "成员人数"), ("since", DATE, "成立日期"),
        ("url", ST, "页面(相对本站首页)")],
        "id", [("station", "stations", "id")]),
    "volunteer_teams": ("志愿服务队", [
        ("id", ST, "编号"), ("name", ST, "名称"), ("station", ST, "依托站点编号"), ("station_name", ST, "依托站点"),
        ("members", INT, "队员人数"), ("hours_last_year", NUM, "上一年度服务时长(小时)"),
        ("url", ST, "页面(相对本站首页)")],
        "id", [("station", "stations", "id")]),
    "funds": ("社区慈善基金", [
        ("id", ST, "编号"), ("name", ST, "名称"), ("station", ST, "合作站点编号"), ("station_name", ST, "合作站点"),
        ("host", ST, "设立机构"), ("established", DATE, "设立日期"), ("disclosures", INT, "公开次数"),
        ("income", NUM, "累计收入(元)"), ("expense", NUM, "累计支出(元)"), ("balance", NUM, "累计结余(元)"),
        ("missing_quarters", ST, "未公开的季度(分号分隔)"), ("url", ST, "页面(相对本站首页)")],
        "id", [("station", "stations", "id")]),
    "fund_ledger": ("慈善基金收支明细", [
        ("id", ST, "编号(基金编号/序号)"), ("fund", ST, "基金编号"), ("date", DATE, "公开日期"),
        ("income", NUM, "收入(元)"), ("expense", NUM, "支出(元)"), ("balance", NUM, "公开后的累计结余(元)"),
        ("note", ST, "说明"), ("document", ST, "公开文件"), ("url", ST, "页面(相对本站首页)")],
        "id", [("fund", "funds", "id")]),
}
LINK_KEYS = {"station_services": ["station", "service"], "project_stations": ["project", "station"]}

GEO_FIELDS = [("id", ST, "站点编号"), ("name", ST, "名称"), ("level", ST, "层级"), ("url", ST, "页面"),
              ("lat", NUM, "纬度(WGS-84)"), ("lng", NUM, "经度(WGS-84)"), ("address", ST, "地址"),
              ("phones", "array", "电话")]

# HSDS: a field named <x>_id refers to the table holding <x> records (attributes.link_id is polymorphic).
HSDS_REFERENCES = {"organization_id": "organizations", "location_id": "locations", "service_id": "services",
                   "taxonomy_id": "taxonomies", "taxonomy_term_id": "taxonomy_terms"}
JSON_TYPES = {str: ST, int: INT, float: NUM, bool: "boolean", list: "array", dict: "object"}

LICENCE = "注明来源“{publisher}”后可免费下载、使用和转载;具体授权条件以发布机构的说明为准"


def _schema(fields: list[tuple[str, str, str]], key: str | list[str],
            refs: list[tuple[str, str, str]], suffix: str) -> dict:
    schema: dict = {"fields": [{"name": n, "type": t, "title": title} for n, t, title in fields],
                    "missingValues": [""]}
    if key:
        schema["primaryKey"] = key if isinstance(key, list) else [key]
    if refs:
        schema["foreignKeys"] = [{"fields": [f], "reference": {"resource": res + suffix, "fields": [rf]}}
                                 for f, res, rf in refs]
    return schema


def _tables(rows: set[str]) -> list[dict]:
    """The plain tables that have rows (an empty CSV has not even a header to check)."""
    out = []
    for suffix, fmt, media in (("", "csv", "text/csv"), ("-json", "json", "application/json")):
        for name, (title, fields, key, refs) in TABLES.items():
            path = f"{name}.{fmt}"
            if name not in rows:
                continue
            resource = {"name": name + suffix, "title": title, "path": path, "format": fmt, "mediatype": media,
                        "encoding": "utf-8-sig" if fmt == "csv" else "utf-8", "profile": "tabular-data-resource",
                        "schema": _schema(fields, key or LINK_KEYS[name], refs, suffix)}
            out.append(resource)
    return out


def field_types(rows: list[dict], types: dict[str, str] | None = None) -> dict[str, str]:
    """Each field's type as its first value has it, in the order the fields first appear (added
    to `types`, the fields of rows before these)."""
    types = {} if types is None else types
    for row in rows:
        if row.keys() <= types.keys():
            continue  # nothing new (a province's 690,000 rows, each field looked at, took 1 s)
        for field, value in row.items():
            types.setdefault(field, JSON_TYPES.get(type(value), ST))
    return types


def hsds_resources(records: dict[str, list[dict]]) -> list[dict]:
    """One tabular resource per HSDS table: field types from the values, ids as keys."""
    return hsds_resources_of({name: field_types(rows) for name, rows in records.items()})


def hsds_resources_of(fields: dict[str, dict[str, str]]) -> list[dict]:
    """One tabular resource per HSDS table, given each table's field types (field_types)."""
    out = []
    for name, types in fields.items():
        refs = [(f, _hsds_name(HSDS_REFERENCES[f]), "id") for f in types if f in HSDS_REFERENCES]
        out.append({"name": _hsds_name(name), "title": f"HSDS 3.0 {name}", "path": f"hsds/{name}.json",
                    "format": "json", "mediatype": "application/json", "encoding": "utf-8",
                    "profile": "tabular-data-resource",
                    "schema": _schema([(f, t, f) for f, t in types.items()], "id" if "id" in types else "", refs, "")})
    return out


def _hsds_name(table: str) -> str:
    return "hsds-" + table.replace("_", "-")


def _other(published: set[str]) -> list[dict]:
    out = []
    if "data/stations.geo.json" in published:
        out.append({"name": "stations-geo", "title": "站点坐标(WGS-84)", "path": "stations.geo.json",
                    "format": "json", "mediatype": "application/json", "encoding": "utf-8",
                    "profile": "tabular-data-resource",
                    "schema": _schema(GEO_FIELDS, "id", [("id", "stations-json", "id")], "")})
    if "data/ocds.json" in published:
        out.append({"name": "ocds", "title": "政府购买服务合同(OCDS 1.1.5 发布包)", "path": "ocds.json",
                    "format": "json", "mediatype": "application/json", "encoding": "utf-8",
                    "profile": "data-resource",
                    "sources": [{"title": "Open Contracting Data Standard 1.1.5",
                                 "path": "https://standard.open-contracting.org/1.1/"}]})
    if "data/feed.xml" in published:
        out.append({"name": "feed", "title": "项目报告订阅(Atom)", "path": "feed.xml", "format": "xml",
                    "mediatype": "application/atom+xml", "encoding": "utf-8", "profile": "data-resource"})
    return out


def _keyed(resource: dict) -> dict:
    """A JSON table is a list of objects, and an object leaves out a field it has no value for:
    name the keys to read, or a reader takes the first object's keys as the header."""
    if resource["format"] == "json" and resource["profile"] == "tabular-data-resource":
        keys = [f["name"] for f in resource["schema"]["fields"]]
        return {**resource, "dialect": {"json": {"keyed": True, "keys": keys}}}
    return resource


def datapackage(site: Site, rows: set[str], published: set[str], hsds: list[dict]) -> dict:
    """The descriptor of data/datapackage.json: the plain tables in `rows` (those with rows), the
    HSDS resources `hsds` (hsds_resources) and the other files in `published` (site paths)."""
    home = absolute(site, "data/")
    package: dict = {
        "profile": "data-package",
        "name": "sgz-portal-open-data",
        "title": f"{site.name} 开放数据",
        "description": f"{site.publisher}发布的社会工作服务站、服务、项目和报告数据,数据截至 {site.as_of.isoformat()}。",
        "version": site.as_of.isoformat(),
        "created": f"{site.as_of.isoformat()}T00:00:00+08:00",
        "licenses": [{"name": "other-at", "title": LICENCE.format(publisher=site.publisher),
                      "path": home or "index.html"}],
        "contributors": [{"title": site.publisher, "role": "publisher", "email": site.email}],
        "resources": [_keyed(r) for r in _tables(rows) + hsds + _other(published)],
    }
    if home:
        package["homepage"] = home
    return package
