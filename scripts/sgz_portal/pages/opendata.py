"""The page data/ (template overrides/opendata.html): every open data file, explained, with its size."""
from __future__ import annotations

from dataclasses import dataclass

from sgz_portal.data.model import Site
from sgz_portal.pages.context import Context


@dataclass(frozen=True)
class Download:
    name: str  # file name, e.g. stations.csv
    format: str  # CSV, JSON, Atom
    url: str  # site-root-relative, e.g. data/stations.csv
    size: str  # e.g. 12.3 KB, computed from the bytes this build publishes


@dataclass(frozen=True)
class DataSet:
    title: str
    description: str  # what it holds, in plain Chinese
    downloads: list[Download]


@dataclass(frozen=True)
class DataSection:
    title: str
    intro: str
    datasets: list[DataSet]


@dataclass
class OpenDataView:
    """Context `view` of opendata.html (data/): every open data file, explained, with its size."""

    title: str
    as_of: str
    publisher: str
    sections: list[DataSection]
    csv_tips: list[str]
    licence: str
    url_note: str  # said when site.yaml has no base_url (links in OCDS and the feed are relative)


FORMATS = {".csv": "CSV", ".json": "JSON", ".xml": "Atom"}

# (section title, intro, [(dataset title, what it holds, [files])]): every published file is
# explained here; tests/test_opendata.py fails if a file is missing from this list.
SECTIONS: list[tuple[str, str, list[tuple[str, str, list[str]]]]] = [
    ("表格数据", "每类数据都有 CSV(可用 Excel、WPS 打开)和 JSON(供程序读取)两种格式,内容相同。"
     "一格里有多个值时用英文分号“;”分隔;“url”一列是相对本站首页的网址。", [
        ("站点名录", "全部社会工作服务站(室):编号、名称、层级、上级站点、所在区划、地址、坐标(lat/lng,"
         "crs 列说明坐标系)、电话、投诉电话、开放时间、运营机构、服务、持证社工人数、志愿者人数、最近核实日期。",
         ["data/stations.csv", "data/stations.json"]),
        ("服务目录", "全部服务:编号、名称、服务领域、服务对象、简介、服务方式、服务条件、收费、政策依据、"
         "提供该服务的站点数。", ["data/services.csv", "data/services.json"]),
        ("服务项目", "政府购买社会工作服务项目:编号、名称、状态、服务站点、购买主体、承接机构、采购方式、"
         "签订日期、服务期、合同金额(元)、已公开的支出合计(元)、合同文本、报告数、开放合同编号(ocid)。",
         ["data/projects.csv", "data/projects.json"]),
        ("项目报告", "每份报告一行:编号、所属项目、报告类型(月简报、自评报告、中期评估、结项评估)、所属期间、"
         "发布日期、评估机构、得分、等级、个案数、小组数、活动数、服务人次、志愿服务时长、报告文件。",
         ["data/reports.csv", "data/reports.json"]),
        ("站点与服务对照", "每行一对:站点编号(station)和它提供的服务编号(service),"
         "可与站点名录、服务目录按编号关联。", ["data/station_services.csv", "data/station_services.json"]),
        ("项目与站点对照", "每行一对:项目编号(project)和它服务的站点编号(station)。",
         ["data/project_stations.csv", "data/project_stations.json"]),
        ("规划指标", "每项规划指标一行:编号(规划编号/指标编号)、规划名称、规划区划、规划期、指标名称、单位、"
         "属性(binding 约束性、expected 预期性)、计算方法(measure)、比较方式、基期年份和基期值、"
         "各年目标(targets,写作“年份:数值”,多个用分号分隔)、各年上报值(reported,同上)、"
         "按本平台数据在判定日计算的数值(computed)、判定所用的实际值及其年份、下一个目标、进展(status)。",
         ["data/plans.csv", "data/plans.json"]),
        ("社区社会组织", "五社联动资源中的社区社会组织:编号、名称、合作站点、类别(service 服务类、mutual_aid 互助类、"
         "culture 文体类、charity 公益慈善类、other 其他)、登记状态(registered 已登记、filed 已备案)、成员人数、成立日期。",
         ["data/community_orgs.csv", "data/community_orgs.json"]),
        ("志愿服务队", "依托站点的志愿服务队:编号、名称、合作站点、队员人数、上一年度服务时长(小时)。",
         ["data/volunteer_teams.csv", "data/volunteer_teams.json"]),
        ("社区慈善基金", "每个基金一行:编号、名称、合作站点、设立机构、设立日期、公开次数、累计收入、累计支出、"
         "累计结余(元),以及应公开而未公开的季度(missing_quarters,写作 2026-Q1)。",
         ["data/funds.csv", "data/funds.json"]),
        ("慈善基金收支明细", "每次收支公开一行:编号(基金编号/序号)、基金、公开日期、收入、支出、公开后的累计结余(元)、"
         "说明、公开文件。", ["data/fund_ledger.csv", "data/fund_ledger.json"]),
        ("站点坐标", "有坐标的站点的 WGS-84(GPS)坐标、地址和电话,供站点名录页的“离我最近的社工站”功能"
         "在手机上计算距离,您的位置不会上传。", ["data/stations.geo.json"]),
    ]),
    ("按国际标准发布的数据", "以下文件遵循公开的国际数据标准,可直接导入支持这些标准的软件。"
     "记录编号在每次更新时保持不变,可用来比对前后两版数据。", [
        ("社会服务资源(Open Referral HSDS 3.0)", "人类服务数据规范(HSDS)的 JSON 文件,每类记录一个文件:"
         "机构(本平台发布机构、各运营机构和社区社会组织)、机构代码(统一社会信用代码,编码体系 CN-USCC)、服务、"
         "站点位置(坐标已换算为 WGS-84,external_identifier 是站点编号)、地址、站点提供的服务、电话、"
         "每周开放时间(按 iCalendar 规则)、服务领域和服务对象分类。",
         [f"data/hsds/{name}.json" for name in (
             "organizations", "organization_identifiers", "services", "locations", "addresses",
             "service_at_locations", "phones", "schedules", "taxonomies", "taxonomy_terms", "attributes")]),
        ("政府购买服务合同(OCDS 1.1.5)", "开放合同数据标准(OCDS)的发布包,每个项目一条记录:购买主体、"
         "承接机构、采购方式、合同金额和服务期、合同文本、各期报告,以及按信息公开要求应发布报告的时间节点"
         "和是否按时发布。", ["data/ocds.json"]),
    ]),
    ("数据说明", "供数据平台和程序读取的说明文件。", [
        ("数据包说明(Frictionless Data Package)", "说明上面每个 CSV 和 JSON 文件:各列的名称、类型(文本、"
         "整数、数值、日期)、主键,以及站点、服务、项目和报告之间按编号的关联(外键);还有发布机构和使用条件。"
         "可用 frictionless 等工具据此检查数据。", ["data/datapackage.json"]),
    ]),
    ("订阅更新", "把下面的地址添加到 RSS 阅读器,有新报告发布时就能收到提醒。", [
        ("项目报告订阅", "最近发布的 50 份项目报告和评估,从新到旧排列。", ["data/feed.xml"]),
    ]),
]

CSV_TIPS = [
    "CSV 文件使用 UTF-8 编码(带 BOM),在 Excel 或 WPS 表格中双击即可正常显示中文。",
    "如果 Excel 中出现乱码:新建空白工作簿,选择“数据 → 从文本/CSV”,“文件原始格式”选“65001: Unicode (UTF-8)”,再点“加载”。",
    "编号、区划代码和电话请按文本处理:导入时把这些列设为“文本”,可避免开头的 0 被去掉。",
]


def size_text(n: int) -> str:
    if n < 1024:
        return f"{n} 字节"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def licence(publisher: str) -> str:
    return (f"本页数据由{publisher}依据政府信息公开的有关规定发布,可以免费下载、使用和转载,"
            f"使用时请注明来源“{publisher}”。具体授权条件以发布机构的说明为准。"
            "HSDS 和 OCDS 是公开的数据标准,分别由 Open Referral 和开放合同伙伴关系(Open Contracting Partnership)维护。")


def url_note(site: Site) -> str:
    if site.base_url:
        return ""
    return ("本站未在 site.yaml 中设置网址(base_url):订阅源中的链接是相对地址,"
            "开放合同数据(OCDS)中的文件不带下载网址。设置网址后即输出完整链接。")


def _download(path: str, size: int) -> Download:
    name = path.rsplit("/", 1)[-1]
    return Download(name, FORMATS[name[name.rindex("."):]], path, size_text(size))


def view(ctx: Context) -> OpenDataView:
    """The context of data/: sizes are those of the files this build publishes."""
    p = ctx.p
    sizes = dict(ctx.exports)
    sections = []
    for title, intro, entries in SECTIONS:
        datasets = [DataSet(name, text, [_download(path, sizes[path]) for path in paths if path in sizes])
                    for name, text, paths in entries]
        datasets = [d for d in datasets if d.downloads]
        if datasets:
            sections.append(DataSection(title, intro, datasets))
    return OpenDataView(title="开放数据", as_of=p.site.as_of.isoformat(), publisher=p.site.publisher,
                        sections=sections, csv_tips=CSV_TIPS, licence=licence(p.site.publisher),
                        url_note=url_note(p.site))
