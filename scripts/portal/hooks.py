"""The thin mkdocs layer: load in on_config, add pages in on_files, hand views to templates.

All real work lives in the importable `portal` package; this file only wires
it to mkdocs events (listed under `hooks:` in mkdocs.yml).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.structure.files import File, Files  # noqa: E402

from portal import exports, opendata, pages, pipeline  # noqa: E402
from portal.issues import errors, report  # noqa: E402
from portal.views import Views  # noqa: E402

_state: dict = {}


def data_dir(config) -> Path:
    return Path(os.environ.get("PORTAL_DATA") or Path(config.config_file_path).parent / "data")


def on_config(config):
    prepared = pipeline.take_or_prepare(data_dir(config))
    if not prepared.ok:
        raise PluginError("数据有错误,未生成网站:\n" + report(errors(prepared.issues)))
    portal = prepared.portal
    config.site_name = portal.site.name
    if portal.site.base_url:
        config.site_url = portal.site.base_url
    config.extra["portal"] = exports.site_context(portal)
    _state.update(portal=portal, views=Views(portal, prepared.issues), specs={},
                  overrides=Path(config.theme.custom_dir or "overrides"))
    return config


def on_files(files: Files, config) -> Files:
    portal = _state["portal"]
    for spec in pages.page_specs(portal):
        if files.get_file_from_path(spec.src_uri) is not None:
            continue  # a hand-written page in content/ wins
        template = pages.template_for(spec, _state["overrides"])
        files.append(File.generated(config, spec.src_uri, content=pages.stub(spec, template)))
        _state["specs"][spec.src_uri] = spec
    for uri, path in exports.attachments(data_dir(config)):
        files.append(File.generated(config, uri, abs_src_path=str(path)))
    for uri, content in opendata.files(portal):
        files.append(File.generated(config, uri, content=content))
    return files


def on_page_context(context, page, config, nav):
    spec = _state["specs"].get(page.file.src_uri)
    views: Views = _state["views"]
    if spec is not None:
        context["view"] = views.view(spec.kind, spec.key)
    elif page.meta.get("template") in ("home.html", "search.html"):
        context["view"] = views.home()
    context["template_name"] = page.meta.get("template", "main.html")
    return context
