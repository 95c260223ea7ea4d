"""The list of generated pages, and the Markdown stub behind each.

A generated page is a front-matter-only Markdown file made in memory: the
template named there displays the view that `Views` builds for it. A bureau
can override one page by adding `overrides/<kind>-<key>.html`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sgz_portal.data import urls
from sgz_portal.data.model import Portal
from sgz_portal.pages.context import describe, region_standins
from sgz_portal.pages.disclosure import county_codes
from sgz_portal.pages.qr import poster_source


@dataclass(frozen=True)
class PageSpec:
    src_uri: str  # e.g. stations/x/index.md
    kind: str  # station, service, project, region, agency, directory, catalogue, ...
    key: str  # the record's id or code ('' for list pages)
    title: str
    description: str


LIST_PAGES = [
    ("stations/index.md", "directory", "站点名录", "按区县和层级浏览全部社会工作服务站(室)"),
    ("services/index.md", "catalogue", "服务目录", "社会工作服务站提供的服务项目,按服务领域分类"),
    ("projects/index.md", "projects", "服务项目", "政府购买社会工作服务项目及其报告"),
    ("agencies/index.md", "agencies", "运营机构", "承接社会工作服务站运营的社会工作服务机构"),
    ("regions/index.md", "regions", "行政区划", "按行政区划浏览社会工作服务站点"),
    ("data/index.md", "opendata", "开放数据", "下载社会工作服务站、服务和项目的开放数据"),
    ("disclosure/index.md", "disclosure", "信息公开", "各区县社会工作服务站信息公开完成情况"),
    ("disclosure/late/index.md", "late_reports", "逾期和缺失的报告", "未按时发布的月简报、自评报告和评估报告"),
    ("statistics/index.md", "statistics", "统计数据", "社会工作服务站覆盖率、人员、服务量和资金统计"),
    ("resources/index.md", "resources", "五社联动资源", "各站点联系的社区社会组织、志愿服务队和社区慈善基金"),
]


def page_specs(p: Portal, standins: dict[str, str] | None = None) -> list[PageSpec]:
    """Every generated page, in a stable order (`standins`: context.region_standins, if known)."""
    specs = [PageSpec(src, kind, "", title, desc) for src, kind, title, desc in LIST_PAGES]
    for s in p.stations.values():  # each poster right after its station: they share one QR code (qr.py)
        specs += [PageSpec(urls.source_of("station", s.id), "station", s.id, s.name,
                           f"{s.name}:地址 {s.address},电话 {'、'.join(s.phones)}"),
                  PageSpec(poster_source(s.id), "poster", s.id, f"{s.name}(公示海报)",
                           f"{s.name}公示海报:A4 打印,张贴在站点公示栏")]
    specs += [PageSpec(urls.source_of("service", s.id), "service", s.id, s.name, s.summary)
              for s in p.services.values()]
    specs += [PageSpec(urls.source_of("project", x.id), "project", x.id, x.title,
                       describe(x.task_book.get("overview")))
              for x in p.projects.values()]
    standins = region_standins(p) if standins is None else standins
    specs += [PageSpec(urls.source_of("region", r.code), "region", r.code, r.name,
                       f"{r.name}的社会工作服务站点")
              for r in p.regions.values() if r.code not in standins]
    specs += [PageSpec(urls.source_of("agency", a.id), "agency", a.id, a.name,
                       f"{a.name}运营的社会工作服务站和项目")
              for a in p.agencies.values()]
    specs += [PageSpec(urls.source_of("disclosure_county", code), "disclosure_county", code,
                       f"{p.regions[code].name}信息公开", f"{p.regions[code].name}各社会工作服务站(室)信息公开完成情况")
              for code in county_codes(p)]
    specs += [PageSpec(urls.source_of("plan", x.id), "plan", x.id, x.title,
                       f"{x.title}:{len(x.indicators)} 项指标的目标值和实际进展")
              for x in p.plans.values()]
    specs += [PageSpec(urls.source_of("fund", f.id), "fund", f.id, f.name,
                       f"{f.name}的收支公开、累计结余和季度合计")
              for f in p.funds.values()]
    return specs


@dataclass(frozen=True)
class Redirect:
    """A URL that has no page of its own any more but must keep answering (printed QR codes, links)."""

    path: str  # e.g. regions/990101001201/ (relative to the site root)
    target: str  # e.g. stations/c001-t01-v01/
    title: str


def redirects(p: Portal, standins: dict[str, str] | None = None) -> list[Redirect]:
    """Village regions served by their one station: regions/<code>/ leads to stations/<id>/."""
    standins = region_standins(p) if standins is None else standins
    return [Redirect(urls.region(code), urls.station(sid), p.regions[code].name)
            for code, sid in sorted(standins.items())]


def template_for(spec: PageSpec, overrides: Path | set[str]) -> str:
    """`station-<id>.html` if the bureau made one, else `station.html`. `overrides`: the folder,
    or the names of the templates in it (specific_templates)."""
    specific = f"{spec.kind}-{spec.key}.html"
    made = specific in overrides if isinstance(overrides, set) else (overrides / specific).is_file()
    return specific if spec.key and made else f"{spec.kind}.html"


def specific_templates(overrides: Path) -> set[str]:
    """The names of the templates in `overrides`, listed once rather than looked up per page."""
    return {path.name for path in overrides.glob("*.html") if path.is_file()} if overrides.is_dir() else set()


def stub(spec: PageSpec, template: str) -> str:
    """The in-memory Markdown file: front matter only (JSON strings are valid YAML)."""
    meta = {"template": template, "title": spec.title, "description": spec.description}
    return "---\n" + "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in meta.items()) + "---\n"
