"""Stages 5-7 for the command line: check the data, or render it with mkdocs into a staging
folder, index it with pagefind and swap it in. Nothing is published when anything fails."""
from __future__ import annotations

import calendar
import datetime as dt
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml
from jinja2 import TemplateError, TemplateSyntaxError
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from sgz_portal.data.issues import ERROR, errors, report
from sgz_portal.pipeline import Prepared, prepare
from sgz_portal.site import publish, search
from sgz_portal.site.plugin import PortalPlugin

PLUGIN = "sgz-portal"


class ProjectError(Exception):
    """The project folder has no usable mkdocs.yml."""


def data_dir_of(config_file: Path) -> Path:
    """The data folder named by the sgz-portal plugin in mkdocs.yml (default data/), made absolute."""
    if not config_file.is_file():
        raise ProjectError(f"找不到项目配置文件 {config_file}(请在项目文件夹中运行,或用 --config 指定)")
    try:
        text = yaml.load(config_file.read_text(encoding="utf-8"), Loader=yaml.BaseLoader) or {}
    except yaml.YAMLError as err:
        raise ProjectError(f"{config_file}: 无法读取:{err}") from err
    data = "data"
    for entry in text.get("plugins") or []:
        if isinstance(entry, dict) and PLUGIN in entry:
            data = (entry[PLUGIN] or {}).get("data", data)
    return (config_file.resolve().parent / data).resolve()


def _grouped(prepared: Prepared) -> str:
    """Data errors first, then rule findings grouped by the station or project they concern."""
    found = prepared.issues
    loose = [i for i in found if not i.subject]
    lines = [report(loose)] if loose else []
    names = _names(prepared)
    for subject in sorted({i.subject for i in found if i.subject}):
        lines.append(f"\n【{names.get(subject, subject)}】({subject})")
        lines.extend(f"  {'错误' if i.severity == ERROR else '提醒'} {i}" for i in found if i.subject == subject)
    n_err = len(errors(found))
    lines.append(f"\n合计:{n_err} 个错误,{len(found) - n_err} 个提醒。"
                 + ("数据有错误,不能发布。" if n_err else "可以发布。"))
    return "\n".join(lines)


def _names(prepared: Prepared) -> dict[str, str]:
    p = prepared.portal
    if p is None:
        return {}
    return {**{s.id: s.name for s in p.stations.values()}, **{x.id: x.title for x in p.projects.values()}}


def check(data_dir: Path) -> int:
    prepared = prepare(data_dir)
    if prepared.portal is not None:
        print(f"判定日期:{prepared.portal.site.as_of}")
    print(_grouped(prepared))
    return 1 if errors(prepared.issues) else 0


@contextmanager
def _source_date(as_of: dt.date) -> Iterator[None]:
    """Same data and as-of date -> same bytes: dates mkdocs writes come from SOURCE_DATE_EPOCH."""
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(calendar.timegm(as_of.timetuple()))
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


def _render(prepared: Prepared, data_dir: Path, out: Path, config_file: Path) -> None:
    """mkdocs into `out` (the plugin reuses `prepared`), then the search index."""
    assert prepared.portal is not None
    with _source_date(prepared.portal.site.as_of):
        config = load_config(str(config_file), site_dir=str(out))
        plugin = config.plugins.get(PLUGIN)
        if not isinstance(plugin, PortalPlugin):
            raise MkDocsException(f"{config_file} 没有启用 {PLUGIN} 插件")
        config.plugins.on_startup(command="build", dirty=False)
        plugin.hand_over(data_dir, prepared)
        mkdocs_build(config)
    search.index(out)


def build(data_dir: Path, site_dir: Path, config_file: Path) -> int:
    """Validate, render into a staging folder, index, then swap in; nothing is published on error."""
    prepared = prepare(data_dir)
    if not prepared.ok or prepared.portal is None:
        print("数据有错误,未生成网站,原有的 site/ 保持不变:", file=sys.stderr)
        print(report(errors(prepared.issues)), file=sys.stderr)
        return 1
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    try:
        with publish.staging(site_dir) as tmp:
            _render(prepared, Path(data_dir).resolve(), tmp, config_file)
    except (MkDocsException, TemplateError, search.SearchIndexError) as err:
        where = f"{err.filename}:{err.lineno}: " if isinstance(err, TemplateSyntaxError) else ""
        print(f"生成网站失败,原有的 site/ 保持不变:{where}{err}", file=sys.stderr)
        return 1
    publish.swap(tmp, site_dir)
    print(f"已生成 {site_dir}(判定日期 {prepared.portal.site.as_of},{len(prepared.issues)} 条信息公开提醒)。")
    return 0
