"""The mkdocs plugin `sgz-portal`: the thin layer between mkdocs and the pipeline.

`plugins: - sgz-portal: {data: data}` in mkdocs.yml turns it on. One build's
state (model, views, generated pages) lives in one `BuildState` held by the
plugin instance: nothing is kept at module level and nothing is read from
environment variables, except the documented `PORTAL_AS_OF` override.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from sgz_portal import opendata
from sgz_portal.data.issues import errors, report
from sgz_portal.data.model import Portal
from sgz_portal.pages import specs
from sgz_portal.pages.views import Views
from sgz_portal.pipeline import Prepared, prepare
from sgz_portal.site import redirect, sitemap
from sgz_portal.site.attachments import attachments


def site_context(p: Portal) -> dict[str, Any]:
    """What every page's header and footer show (config.extra.portal)."""
    s = p.site
    return {
        "name": s.name, "publisher": s.publisher, "phone": s.phone, "email": s.email,
        "address": s.address, "feedback_url": s.feedback_url, "icp": s.icp,
        "police_filing": s.police_filing, "as_of": s.as_of.isoformat(), "demo": s.demo,
        "logo": s.logo,
    }


# The plugin's options. Declared as a scheme, not as a `base.Config` class, because mkdocs's
# config is a UserDict whose own `.data` attribute would shadow an option named `data`.
CONFIG_SCHEME = (
    ("data", c.Type(str, default="data")),  # the data folder, relative to mkdocs.yml
    ("sitemap_max_urls", c.Type(int, default=sitemap.MAX_URLS)),  # URLs per sitemap file (tests: small)
    ("share_templates", c.Type(bool, default=True)),  # False: render every page's sidebars (tests compare)
)
# Pages a crawler need not fetch: a poster prints what its station's page says.
NOT_IN_SITEMAP = frozenset({"poster"})


@dataclass
class BuildState:
    """Everything one build knows, made in on_config and read by the later events."""

    data_dir: Path
    portal: Portal
    views: Views
    exports: list[tuple[str, str]]
    overrides: Path
    pages: dict[str, specs.PageSpec] = field(default_factory=dict)
    urls: list[str] = field(default_factory=list)  # rendered pages' site-relative URLs (sitemap)
    # Template output that is the same on every generated page at one depth (main.html's sidebars),
    # keyed by block and base_url: rendered once, not once per page.
    shared: dict[str, str] = field(default_factory=dict)


class PortalPlugin(BasePlugin):
    """Adds the generated pages, attachments and open data files, and hands each page its view."""

    config_scheme = CONFIG_SCHEME

    def __init__(self) -> None:
        self.state: BuildState | None = None
        self._handed: tuple[Path, Prepared] | None = None

    def hand_over(self, data_dir: Path, prepared: Prepared) -> None:
        """Use this data folder and what the CLI already prepared from it (no second load)."""
        self._handed = (data_dir, prepared)

    def data_dir(self, config: MkDocsConfig) -> Path:
        if self._handed is not None:
            return self._handed[0]
        return (Path(config.config_file_path).parent / self.config["data"]).resolve()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        data_dir = self.data_dir(config)
        prepared = self._handed[1] if self._handed is not None else prepare(data_dir)
        self._handed = None
        if not prepared.ok or prepared.portal is None:
            raise PluginError("数据有错误,未生成网站:\n" + report(errors(prepared.issues)))
        portal = prepared.portal
        config.site_name = portal.site.name
        if portal.site.base_url:
            config.site_url = portal.site.base_url
        config.extra["portal"] = site_context(portal)
        exports = opendata.files(portal)
        self.state = BuildState(data_dir=data_dir, portal=portal,
                                views=Views(portal, prepared.issues, exports), exports=exports,
                                overrides=Path(config.theme.custom_dir or "overrides"))
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        state = self._require()
        for spec in specs.page_specs(state.portal):
            if files.get_file_from_path(spec.src_uri) is not None:
                continue  # a hand-written page in content/ wins
            template = specs.template_for(spec, state.overrides)
            files.append(File.generated(config, spec.src_uri, content=specs.stub(spec, template)))
            state.pages[spec.src_uri] = spec
        for uri, path in attachments(state.data_dir):
            files.append(File.generated(config, uri, abs_src_path=str(path)))
        for uri, content in state.exports:
            files.append(File.generated(config, uri, content=content))
        return files

    def on_page_context(self, context: Any, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        state = self._require()
        spec = state.pages.get(page.file.src_uri)
        # Generated pages are outside the navigation and have no Markdown headings, so Material's
        # sidebars depend only on where the page is: its depth (base_url) and its first folder (a nav
        # link into the page's own folder is written shorter, "../" rather than "../../regions/").
        # main.html renders them once per such place, not once per page.
        context["sgz_cache"] = state.shared
        shared = spec is not None and self.config["share_templates"]
        context["sgz_cache_key"] = f"{context.get('base_url', '')} {page.url.split('/')[0]}" if shared else ""
        if spec is not None:
            context["view"] = state.views.view(spec.kind, spec.key)
        elif page.meta.get("template") in ("home.html", "search.html"):
            context["view"] = state.views.home()
        context["template_name"] = page.meta.get("template", "main.html")
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        state = self._require()
        spec = state.pages.get(page.file.src_uri)
        if spec is None or spec.kind not in NOT_IN_SITEMAP:
            state.urls.append(page.url)
        return output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        state = self._require()
        redirect.write(Path(config.site_dir), specs.redirects(state.portal))
        site = state.portal.site
        for name, text in sitemap.sitemaps(state.urls, site.base_url, site.as_of,
                                           self.config["sitemap_max_urls"]).items():
            (Path(config.site_dir) / name).write_text(text, encoding="utf-8")
        self.state = None  # the next build (mkdocs serve) starts afresh

    def _require(self) -> BuildState:
        if self.state is None:
            raise PluginError("sgz-portal: on_config did not run")
        return self.state
