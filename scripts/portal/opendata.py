"""Stage 5: open data files under /data/, and the page that explains them.

Plain tables (JSON and CSV) for stations, services, projects and reports, plus
three standard formats built in their own modules: HSDS 3.0 (hsds.py), OCDS
1.1.5 (ocds.py) and an Atom feed (feed.py). The helpers they share live here.

CSV is UTF-8 with a BOM and CRLF line ends so that Excel on a bureau's desktop
opens it in Chinese without a garbled first column. Everything is sorted by id
and dated only by data dates and the as-of date: same data, same bytes.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Iterator
from urllib.parse import urlsplit

from . import urls
from .markup import plain
from .model import Portal, Project, Report, Site
from .words import REPORT_WORDS, day_ranges

if TYPE_CHECKING:
    from .views import Views

# Every derived UUID (HSDS ids, the feed id) comes from this namespace. Never change it:
# consumers use the ids to recognise the same station or service in the next build.
NAMESPACE = uuid.UUID("9c6ca62d-3b4e-4a1b-a906-5928d0921d63")
TZ = "+08:00"  # every date in the data is a date in China Standard Time
STATS = ("cases", "groups", "activities", "beneficiaries", "volunteer_hours")


# -- helpers shared with hsds.py, ocds.py and feed.py ------------------------------

def uid(kind: str, key: str) -> str:
    """A UUID that stays the same for the same record in every build."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


def rfc3339(day: dt.date, end_of_day: bool = False) -> str:
    """A data date as an RFC 3339 date-time: 00:00:00, or 23:59:59 for ends of periods."""
    return f"{day.isoformat()}T{'23:59:59' if end_of_day else '00:00:00'}{TZ}"


def absolute(site: Site, path: str) -> str | None:
    """`path` (site-root-relative) as an absolute URL, if site.yaml gives base_url."""
    if not site.base_url:
        return None
    return site.base_url.rstrip("/") + "/" + path


def authority(site: Site) -> str:
    """The domain that mints tag: URIs: the publisher's e-mail domain, else the site's host."""
    if "@" in site.email:
        return site.email.rsplit("@", 1)[1].lower()
    if site.base_url:
        return urlsplit(site.base_url).hostname or "sgz-portal.invalid"
    return "sgz-portal.invalid"


def report_keys(project: Project) -> dict[int, str]:
    """Report index -> a key stable across edits: type plus period (or date), e.g. monthly-2026-01.

    The list position is not used, so inserting a report does not renumber the others.
    A second report for the same key (a resubmission) gets -2, -3 in publication order.
    """
    keys: dict[int, str] = {}
    seen: dict[str, int] = {}
    for rep in sorted(project.reports, key=lambda r: (r.published, r.index)):
        base = f"{rep.type}-{rep.period or rep.published.isoformat()}"
        seen[base] = seen.get(base, 0) + 1
        keys[rep.index] = base if seen[base] == 1 else f"{base}-{seen[base]}"
    return keys


@lru_cache(maxsize=4096)
def plain_text(markdown: str | None) -> str:
    """markup.plain, remembered: the same summaries go into OCDS, the feed and HSDS."""
    return plain(markdown)


def report_text(r: Report) -> str:
    """A report as one line of plain text: the evaluation's verdict first, then its summary."""
    verdict = "".join((f"评估机构:{r.evaluator};" if r.evaluator else "",
                       f"得分:{r.score:g};" if r.score is not None else "",
                       f"等级:{r.grade};" if r.grade else ""))
    return verdict + plain_text(r.summary)


def to_json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def to_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    return "\ufeff" + buffer.getvalue()


def _blank(value: object) -> object:
    return "" if value is None else value


# -- the plain tables ----------------------------------------------------------------

def station_rows(p: Portal) -> list[dict]:
    rows = []
    for s in sorted(p.stations.values(), key=lambda s: s.id):
        rows.append({
            "id": s.id, "name": s.name, "level": s.level, "parent": s.parent or "",
            "region": s.region, "region_name": p.regions[s.region].name, "address": s.address,
            "lat": _blank(s.lat), "lng": _blank(s.lng),
            "crs": s.crs or "", "phone": ";".join(s.phones), "complaint_phone": s.complaint_phone or "",
            "hours": ";".join(f"{day_ranges(h.days)} {h.open}-{h.close}" for h in s.hours),
            "operator": s.operator or "", "operator_name": p.agencies[s.operator].name if s.operator else "",
            "services": ";".join(s.services), "certified_social_workers": s.staff.certified,
            "volunteers": s.staff.volunteers, "verified": s.verified.isoformat(),
            "url": urls.station(s.id),
        })
    return rows


def service_rows(p: Portal) -> list[dict]:
    return [{"id": s.id, "name": s.name, "domain": s.domain, "domain_name": p.domains[s.domain].name,
             "groups": ";".join(s.groups), "summary": s.summary, "access": ";".join(s.access),
             "eligibility": s.eligibility or "", "fee": s.fee, "basis": s.basis or "",
             "stations": len(p.stations_by_service.get(s.id, [])), "url": urls.service(s.id)}
            for s in sorted(p.services.values(), key=lambda s: s.id)]


def project_rows(p: Portal) -> list[dict]:
    from .ocds import ocid
    return [{"id": x.id, "title": x.title, "status": x.status, "stations": ";".join(x.stations),
             "buyers": ";".join(x.buyers), "supplier": x.supplier,
             "supplier_name": p.agencies[x.supplier].name,
             "procurement_method": x.procurement_method or "",
             "signed": x.signed.isoformat() if x.signed else "",
             "start": x.start.isoformat() if x.start else "", "end": x.end.isoformat() if x.end else "",
             "amount": _blank(x.amount), "spent": sum(e.amount for e in x.expenditures),
             "agreement_document": x.document or "", "reports": len(x.reports),
             "ocid": ocid(x.id), "url": urls.project(x.id)}
            for x in sorted(p.projects.values(), key=lambda x: x.id)]


def report_rows(p: Portal) -> list[dict]:
    """One row per report, by project and publication date; `id` is <project>/<key>."""
    rows = []
    for x in sorted(p.projects.values(), key=lambda x: x.id):
        keys = report_keys(x)
        for r in sorted(x.reports, key=lambda r: (r.published, keys[r.index])):
            rows.append({
                "id": f"{x.id}/{keys[r.index]}", "project": x.id, "type": r.type,
                "type_name": REPORT_WORDS[r.type], "period": r.period or "",
                "published": r.published.isoformat(), "evaluator": r.evaluator or "",
                "score": _blank(r.score), "grade": r.grade or "",
                **{name: _blank(r.stats.get(name)) for name in STATS},
                "document": urls.attachment(r.document) if r.document else "",
                "url": urls.project(x.id),
            })
    return rows


def nearest_json(p: Portal) -> str:
    """Compact WGS-84 points of located stations for the 'nearest station' button (nearest.js)."""
    from .geo import convert
    rows = []
    for s in sorted(p.stations.values(), key=lambda s: s.id):
        if s.lat is None or s.lng is None:
            continue
        lat, lng = convert(s.lat, s.lng, s.crs or "gcj02", "wgs84")
        rows.append({"id": s.id, "name": s.name, "level": s.level, "url": urls.station(s.id),
                     "lat": round(lat, 5), "lng": round(lng, 5), "address": s.address,
                     "phones": list(s.phones)})
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":")) + "\n"


_last: list[tuple[Portal, list[tuple[str, str]]]] = []  # the build's portal and its files


def files(p: Portal) -> list[tuple[str, str]]:
    """(site path, text) of every open data file, in a stable order; made once per portal
    (hooks.py publishes them, the page data/ shows their sizes)."""
    if not (_last and _last[0][0] is p):
        _last[:] = [(p, list(_make(p)))]
    return _last[0][1]


def _make(p: Portal) -> Iterator[tuple[str, str]]:
    from . import feed, hsds, ocds  # they import the helpers above
    for name, rows in (("stations", station_rows(p)), ("services", service_rows(p)),
                       ("projects", project_rows(p)), ("reports", report_rows(p))):
        yield f"data/{name}.json", to_json(rows)
        yield f"data/{name}.csv", to_csv(rows)
    for name, records in hsds.tables(p).items():
        yield f"data/hsds/{name}.json", to_json(records)
    if p.projects:  # an OCDS package needs at least one release
        yield "data/ocds.json", to_json(ocds.package(p))
    yield "data/feed.xml", feed.atom(p)
    yield "data/stations.geo.json", nearest_json(p)


# -- the page data/ (template overrides/opendata.html) ----------------------------------

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
        ("站点坐标", "有坐标的站点的 WGS-84(GPS)坐标、地址和电话,供站点名录页的“离我最近的社工站”功能"
         "在手机上计算距离,您的位置不会上传。", ["data/stations.geo.json"]),
    ]),
    ("按国际标准发布的数据", "以下文件遵循公开的国际数据标准,可直接导入支持这些标准的软件。"
     "记录编号在每次更新时保持不变,可用来比对前后两版数据。", [
        ("社会服务资源(Open Referral HSDS 3.0)", "人类服务数据规范(HSDS)的 JSON 文件,每类记录一个文件:"
         "机构(本平台发布机构和各运营机构)、机构代码(统一社会信用代码,编码体系 CN-USCC)、服务、"
         "站点位置(坐标已换算为 WGS-84,external_identifier 是站点编号)、地址、站点提供的服务、电话、"
         "每周开放时间(按 iCalendar 规则)、服务领域和服务对象分类。",
         [f"data/hsds/{name}.json" for name in (
             "organizations", "organization_identifiers", "services", "locations", "addresses",
             "service_at_locations", "phones", "schedules", "taxonomies", "taxonomy_terms", "attributes")]),
        ("政府购买服务合同(OCDS 1.1.5)", "开放合同数据标准(OCDS)的发布包,每个项目一条记录:购买主体、"
         "承接机构、采购方式、合同金额和服务期、合同文本、各期报告,以及按信息公开要求应发布报告的时间节点"
         "和是否按时发布。", ["data/ocds.json"]),
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


def page_view(views: "Views") -> OpenDataView:
    """The context of data/: sizes are those of the files this build publishes."""
    p = views.p
    sizes = {path: len(text.encode("utf-8")) for path, text in files(p)}
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
