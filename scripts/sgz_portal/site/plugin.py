"""The mkdocs plugin `sgz-portal`: the thin layer between mkdocs and the pipeline.

`plugins: - sgz-portal: {data: data}` in mkdocs.yml turns it on. One build's
state (model, views, generated pages) lives in one `BuildState` held by the
plugin instance: nothing is kept at module level and nothing is read from
environment variables, except the documented `PORTAL_AS_OF` override.
"""
from __future__ import annotations

import contextlib
import functools
import os
import posixpath
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemBytecodeCache
from jinja2.bccache import Bucket
from markupsafe import Markup, escape
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, get_toc

from sgz_portal.data.forked import Forked
from sgz_portal.data.issues import errors, report
from sgz_portal.data.load import strings_in
from sgz_portal.data.memo import Memo
from sgz_portal.data.model import Portal
from sgz_portal.data.schema import SCHEMA_DIR
from sgz_portal.pages import qr, specs
from sgz_portal.pages.inputs import Inputs, Kept
from sgz_portal.pages.views import Views
from sgz_portal.pipeline import Prepared, prepare
from sgz_portal.site import cache, exports, qrcodes, redirect, sitemap
from sgz_portal.site.ahead import Ahead, marked_templates
from sgz_portal.site.attachments import attachments
from sgz_portal.site.clone import Clone


def site_context(p: Portal) -> dict[str, Any]:
    """What every page's header and footer show (config.extra.portal)."""
    s = p.site
    return {
        "name": s.name, "publisher": s.publisher, "phone": s.phone, "email": s.email,
        "address": s.address, "feedback_url": s.feedback_url, "icp": s.icp,
        "police_filing": s.police_filing, "as_of": s.as_of.isoformat(), "demo": s.demo,
        "logo": s.logo,
    }


# Material's two hidden toggles carry autocomplete="off", which HTML allows on text-like inputs only
# (the Nu Html Checker reports it on every page). portal.js unchecks the drawer on pageshow instead.
MATERIAL_TOGGLES = (
    ('<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer" autocomplete="off">',
     '<input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer">'),
    ('<input class="md-toggle" data-md-toggle="search" type="checkbox" id="__search" autocomplete="off">',
     '<input class="md-toggle" data-md-toggle="search" type="checkbox" id="__search">'),
)

# What only works when data/site.yaml gives the site's full address (base_url); `check` says so.
NEEDS_BASE_URL = ("404 页面", "站点地图", "海报二维码的完整地址", "订阅源中的链接")


def _render_empty(page: Page) -> None:
    """What Page.render leaves for Markdown without text: no HTML, an empty table of contents."""
    page.content = ""
    page.toc = get_toc([])


def nav_paths(nav: Any) -> Iterator[str]:
    """The files mkdocs.yml's `nav` names: they must stay pages, or the navigation loses them."""
    return strings_in(nav)


# A Markdown link's target that names a Markdown file: mkdocs turns it into the page's URL.
MD_LINK = re.compile(r"""[(<\s"'=]([^()<>\s"'#?]+\.md)[)#?>\s"']""")


def linked_pages(files: Files) -> set[str]:
    """The Markdown files that hand-written pages link to, as src_uris: mkdocs rewrites such a
    link only if its target is a page, so a generated page linked to must stay one."""
    linked: set[str] = set()
    for file in files.documentation_pages():
        folder = posixpath.dirname(file.src_uri)
        for target in MD_LINK.findall(file.content_string):
            if "://" in target:
                continue
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            linked.add(posixpath.normpath(path))
    return linked


def page_url(file: File) -> str:
    """The URL mkdocs gives the page of a Markdown file (Page.url), site-relative."""
    return "" if file.url in (".", "./") else file.url


def page_address(config: MkDocsConfig, src_uri: str) -> tuple[str, str]:
    """(dest_uri, page_url) mkdocs gives the Markdown file `src_uri`, without making a File for a
    page that is reused (75,000 of them for a province) where it is plain: an index.md."""
    if src_uri == "index.md" or src_uri.endswith("/index.md"):
        dest = src_uri[: -len(".md")] + ".html"
        return dest, quote(src_uri[: -len("index.md")] if config.use_directory_urls else dest)
    file = File(src_uri, src_dir=None, dest_dir=config.site_dir, use_directory_urls=config.use_directory_urls)
    return file.dest_uri, page_url(file)


def valid_toggles(html: str) -> str:
    """The page with Material's toggles made valid HTML."""
    for theirs, ours in MATERIAL_TOGGLES:
        html = html.replace(theirs, ours)
    return html


# The plugin's options. Declared as a scheme, not as a `base.Config` class, because mkdocs's
# config is a UserDict whose own `.data` attribute would shadow an option named `data`.
CONFIG_SCHEME = (
    ("data", c.Type(str, default="data")),  # the data folder, relative to mkdocs.yml
    ("sitemap_max_urls", c.Type(int, default=sitemap.MAX_URLS)),  # URLs per sitemap file (tests: small)
    ("share_templates", c.Type(bool, default=True)),  # False: render every page's sidebars (tests compare)
)
# Pages a crawler need not fetch: a poster prints what its station's page says.
NOT_IN_SITEMAP = frozenset({"poster"})
WRITE_AHEAD = 5_000  # reused pages and redirect stubs from which a fork writes them (_write_ahead)
EXPORTS_AHEAD = 200  # stations from which the open data is made by a fork (Forked); a small site's takes ms
COPY_AHEAD = 200  # attachments and schema files from which a fork copies them (_copy_ahead)
TEMPLATES_CACHE = "templates"  # compiled templates (Jinja's bytecode), in the build cache folder


class KeptPage(File):
    """A page reused from the previous build, handed to mkdocs as a static file. It is linked, not
    copied: the previous site is deleted once this one is published, and until then both folders
    name the same unchanged bytes (nothing writes into a published page after it is written)."""

    linked_ahead = False  # linked by a fork of the build meanwhile (PortalPlugin._write_ahead)

    def copy_file(self, dirty: bool = False) -> None:
        assert self.abs_src_path is not None
        if not self.linked_ahead:
            link_or_copy(self.abs_src_path, self.abs_dest_path)


class CompiledTemplates(FileSystemBytecodeCache):
    """Jinja's bytecode cache, where a bytecode that cannot be written only costs the next build
    its compiling. What it holds runs as the templates' code: the cache folder is trusted as the
    project's own files are (Python's __pycache__ holds compiled modules the same way)."""

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


class CopiedAhead(File):
    """An attachment or schema file, which a fork may copy while mkdocs renders
    (PortalPlugin._copy_ahead), not mkdocs before the first page: a province's 3,700 attachments
    took 0.8 s of every edit there."""

    copied_ahead = False

    @classmethod
    def made(cls, config: MkDocsConfig, uri: str, **source: Any) -> CopiedAhead:
        """File.generated, typed: `abs_src_path` or `content`."""
        file = cls.generated(config, uri, **source)
        assert isinstance(file, cls)
        return file

    def copy_file(self, dirty: bool = False) -> None:
        if not self.copied_ahead:
            super().copy_file(dirty)


def link_or_copy(source: str, dest: str) -> None:
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    try:
        os.link(source, dest)
    except FileExistsError:
        pass  # linked already, by a fork that did not finish its work (data/forked.py)
    except OSError:  # another file system, or links not allowed: copied after all
        shutil.copyfile(source, dest)


def _link_all(pairs: list[tuple[str, str]]) -> int:
    for source, dest in pairs:
        link_or_copy(source, dest)
    return len(pairs)


def _copy_all(files: list[File]) -> int:
    for file in files:
        File.copy_file(file)
    return len(files)


@dataclass
class BuildState:
    """Everything one build knows, made in on_config and read by the later events."""

    data_dir: Path
    portal: Portal
    views: Views
    overrides: Path
    pages: dict[str, specs.PageSpec] = field(default_factory=dict)
    urls: list[str] = field(default_factory=list)  # rendered pages' site-relative URLs (sitemap)
    # Template output that is the same on every generated page at one depth (main.html's sidebars),
    # keyed by block and base_url: rendered once, not once per page.
    shared: dict[str, str] = field(default_factory=dict)
    # Incremental builds (site/cache.py): each rendered generated page's key, to record it.
    cache: cache.Cache | None = None
    keys: dict[str, str] = field(default_factory=dict)
    inputs: Inputs | None = None  # what each page's view is made from (pages/inputs.py)
    inputs_of: dict[str, str | None] = field(default_factory=dict)  # rendered page -> its inputs key
    list_views: dict[str, Any] = field(default_factory=dict)  # a list page's view, made to decide its reuse
    qr_ahead: qrcodes.DrawnAhead | None = None  # station QR codes drawn by a child process
    exports_ahead: Forked | None = None  # the open data files, made by a fork meanwhile
    exports_scratch: Path | None = None  # where they are written (site/exports.py), beside the site
    stubs: dict[str, str] = field(default_factory=dict)  # redirect stubs (site/redirect.py) by path
    clone: Clone | None = None  # the previous site's pages, linked by a fork meanwhile (site/clone.py)
    placed: set[str] = field(default_factory=set)  # reused pages and stubs in place from the clone
    files: Files | None = None  # what mkdocs writes (on_files)
    written_ahead: Forked | None = None  # reused pages linked and stubs written by a fork meanwhile
    marked: set[str] = field(default_factory=set)  # the templates of pages that are indexed
    ahead: Ahead | None = None  # the search index's shards, made as mkdocs renders (site/ahead.py)
    memo: Memo | None = None  # the project's memo, where views keep what they derive (pages/inputs.py Kept)
    copied_ahead: Forked | None = None  # the attachments, copied by a fork meanwhile


def _mark_toc(items: Any) -> None:
    """A toc item's title is HTML made by Python-Markdown's toc extension (AnchorLink.title)."""
    for item in items:
        if isinstance(item, AnchorLink):
            item.title = Markup(item.title)
        _mark_toc(item.children)


class PortalPlugin(BasePlugin):
    """Adds the generated pages, attachments and open data files, and hands each page its view."""

    config_scheme = CONFIG_SCHEME

    def __init__(self) -> None:
        self.state: BuildState | None = None
        self._handed: tuple[Path, Prepared] | None = None
        self._previous: Path | None = None
        self._reuse = True
        self._clone: Clone | None = None
        self.cache: cache.Cache | None = None  # what the build reused; read by site/build.py
        self.html: list[str] | None = None  # every HTML file the build wrote, if known; read by site/build.py
        self.placed: set[str] = set()  # reused files linked from the clone; read by site/build.py
        self.ahead: Ahead | None = None  # the index shards made as mkdocs rendered; read by site/build.py

    def hand_over(self, data_dir: Path, prepared: Prepared, previous: Path | None = None,
                  reuse: bool = True, clone: Clone | None = None) -> None:
        """Use this data folder and what the CLI already prepared from it (no second load). With
        `previous` (the site folder this build replaces), record what is written for the next
        build and (`reuse`) reuse its unchanged pages (site/cache.py), taking them from `clone`
        where it has them (site/clone.py)."""
        self._handed = (data_dir, prepared)
        self._previous = previous
        self._reuse = reuse
        self._clone = clone

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
        elif "404.html" in config.theme.static_templates:
            # A server shows 404.html at any depth, so its links must be absolute: without the
            # site's address they would be root-based (wrong in a sub-folder) or "//" (another host).
            config.theme.static_templates.remove("404.html")
        config.extra["portal"] = site_context(portal)
        overrides = Path(config.theme.custom_dir or "overrides")
        folder = Path(config.config_file_path).parent / cache.FOLDER
        # A province's open data took 13 s: a fork writes it (site/exports.py: the parts whose
        # records are unchanged are linked from the cache) into a folder beside the site (mkdocs
        # empties the site's own after this event), while this process decides which pages to reuse
        # and renders the others; the open data page, which shows the files' sizes, is rendered
        # last, and on_post_build moves the files into the site. It starts first: the build waits
        # for it when a station changed (the station part, 5 s alone, beside the build on 2 cores).
        site_dir = Path(config.site_dir)
        # Named after the site folder (a staging folder, .site-new-<pid>-…, in sgz-portal build), so
        # that one left by a killed build is removed by the next (publish.clean_stale).
        hidden = "" if site_dir.name.startswith(".") else "."
        scratch = Path(tempfile.mkdtemp(prefix=f"{hidden}{site_dir.name}-data-", dir=site_dir.parent))
        store = cache.exports_store(folder, self._previous) if self._previous is not None else None
        memo = cache.memo(Path(config.config_file_path).parent, reuse=self._reuse) if store is not None else None
        work = functools.partial(exports.write, portal, scratch, store, cache.code_key() if store else "", self._reuse, memo)
        ahead = Forked(work) if len(portal.stations) >= EXPORTS_AHEAD else None
        self.cache = None
        if self._previous is not None:
            options = (sorted(self.config.items()), config.site_url, sorted(config.extra["portal"].items()),
                       config.theme.static_templates)
            environment = cache.environment_key(Path(config.config_file_path), [overrides], options)
            self.cache = cache.Cache(folder, self._previous, environment, self._reuse)
        self.state = BuildState(data_dir=data_dir, portal=portal,
                                views=Views(portal, prepared.issues, ahead.result if ahead else work),
                                overrides=overrides, exports_ahead=ahead, exports_scratch=scratch,
                                marked=marked_templates(overrides))
        if self.cache is not None:
            self.state.cache = self.cache
            self.state.inputs = Inputs(self.state.views)
            self.state.memo = memo
            self.state.clone = self._clone
            self._previous = None
        self._clone = None
        self.placed = set()
        self.html = None
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        state = self._require()
        rendered = set(nav_paths(config.nav)) | linked_pages(files)
        written = files.src_uris
        made = [spec for spec in specs.page_specs(state.portal, state.views.standins)
                if spec.src_uri not in written]  # a hand-written page in content/ wins
        addresses = {spec.src_uri: page_address(config, spec.src_uri) for spec in made}
        if state.inputs is not None and state.memo is not None:
            state.views.keep = Kept(state.inputs, state.memo, made)
        # The open data page's view (its files' sizes) waits for the open data: it is always
        # rendered, and last (mkdocs renders pages in the order of `files`).
        candidates = [spec for spec in made if spec.src_uri not in rendered and spec.kind != "opendata"]
        inputs = {spec.src_uri: self._inputs(spec) for spec in candidates}  # while the clone's fork works
        # and the views of the pages without inputs (lists, one slow to make: 0.5 s of an edit)
        keyed = {spec.src_uri: self._keyed(spec) for spec in candidates if inputs[spec.src_uri] is None}
        intact = state.clone.intact() if state.clone is not None and inputs else {}
        keeps: dict[str, str | None] = dict.fromkeys((spec.src_uri for spec in made), None)
        for spec in candidates:
            dest = addresses[spec.src_uri][0]
            keeps[spec.src_uri] = self._kept(spec, dest, inputs[spec.src_uri], intact.get(dest), keyed.get(spec.src_uri))
        templates = specs.specific_templates(state.overrides)
        reused: dict[str, str] = {}
        to_render: dict[str, str] = {}  # src_uri -> template
        for spec in made:
            kept = keeps[spec.src_uri]
            if kept is None:  # rendered (its key, if _kept computed it, is recorded once written)
                to_render[spec.src_uri] = specs.template_for(spec, templates)
                continue
            dest, url = addresses[spec.src_uri]
            reused[dest] = kept
            if spec.kind not in NOT_IN_SITEMAP:
                state.urls.append(url)
        state.stubs = redirect.stubs(specs.redirects(state.portal, state.views.standins))
        self._place(state, Path(config.site_dir), set(reused))
        state.ahead = self._index_ahead(state, Path(config.site_dir), set(reused),
                                        [addresses[uri][0] for uri, template in to_render.items()
                                         if template in state.marked], len(to_render))
        by_uri = {spec.src_uri: spec for spec in made}
        for uri in self._render_order(state, to_render, by_uri, addresses):
            files.append(File.generated(config, uri, content=specs.stub(by_uri[uri], to_render[uri])))
            state.pages[uri] = by_uri[uri]
        # Unchanged since the previous build and not in place from the clone: its file is copied
        # as it is, never seen by mkdocs as a page (no Markdown, context, template or plugin
        # events: most of an incremental build's time went there).
        for dest, kept in reused.items():
            if dest not in state.placed:
                files.append(KeptPage.generated(config, dest, abs_src_path=kept))
        self._write_ahead(state, files, Path(config.site_dir))
        self._draw_ahead(state)
        copied: list[CopiedAhead] = []
        for uri, source, photo in attachments(state.data_dir, state.portal):
            if photo is None:
                copied.append(CopiedAhead.made(config, uri, abs_src_path=str(source)))
            else:
                copied.append(CopiedAhead.made(config, uri, content=photo))
        for path in sorted(SCHEMA_DIR.glob("*.schema.json")):  # the data format, for editors' tools
            copied.append(CopiedAhead.made(config, f"schema/{path.name}", abs_src_path=str(path)))
        for file in copied:
            files.append(file)
        self._copy_ahead(state, copied)
        state.files = files
        return files

    def _place(self, state: BuildState, site_dir: Path, reused: set[str]) -> None:
        """Move the clone of the previous site into the (still empty) new one, keeping of its links
        the reused pages and the stubs whose text is unchanged (site/clone.py)."""
        if state.clone is None or state.cache is None or state.cache.old is None:
            return
        recorded = state.cache.old.stubs
        same = {rel for rel, text in state.stubs.items() if recorded.get(rel) == cache.sha256(text.encode())}
        state.placed = self.placed = state.clone.place(site_dir, reused | same)

    @staticmethod
    def _render_order(state: BuildState, uris: Iterable[str], specs_of: dict[str, specs.PageSpec],
                      addresses: dict[str, tuple[str, str]]) -> list[str]:
        """mkdocs renders pages in the order of `files`: the indexed ones shard by shard (site/ahead.py),
        each poster right after its station still (they share one QR code, drawn once: site/qrcodes.py),
        then the rest; the open data page's view (its files' sizes) waits for the open data: it is last."""
        if state.ahead is None:
            return sorted(uris, key=lambda uri: specs_of[uri].kind == "opendata")
        order = state.ahead.order
        stations: dict[str, int] = {}
        keys: dict[str, int] = {}
        for uri in uris:  # in the order of the specs: a poster comes after its station
            spec = specs_of[uri]
            if spec.kind == "poster" and spec.key in stations:
                keys[uri] = stations[spec.key]
                continue
            keys[uri] = order(addresses[uri][0])
            if spec.kind == "station":
                stations[spec.key] = keys[uri]
        return sorted(uris, key=lambda uri: (specs_of[uri].kind == "opendata", keys[uri]))

    @staticmethod
    def _index_ahead(state: BuildState, site_dir: Path, reused: set[str], rendered: list[str],
                     rendering: int) -> Ahead | None:
        """The search index's shards made while mkdocs renders (site/ahead.py), for a build that
        records what it writes and has its reused pages in place (not written meanwhile);
        `rendering`: the generated pages mkdocs renders."""
        if state.cache is None or not rendered or reused - state.placed:
            return None
        pages = state.cache.new.pages
        indexed = {dest: pages[dest][1] for dest in reused if pages[dest][3]}
        return Ahead(site_dir, state.cache.search_store, state.cache.warm, rendered, indexed, rendering)

    @staticmethod
    def _write_ahead(state: BuildState, files: Files, site_dir: Path) -> None:
        """Many reused pages and redirect stubs not in place from a clone (a full build's 31,000
        stubs, 6 s for a province): a fork links and writes them while mkdocs renders;
        on_post_build waits for it."""
        kept = [f for f in files if isinstance(f, KeptPage)]
        stubs = {rel: text for rel, text in state.stubs.items() if rel not in state.placed}
        if len(kept) + len(stubs) < WRITE_AHEAD:
            return
        pairs = [(str(f.abs_src_path), f.abs_dest_path) for f in kept]
        for f in kept:
            f.linked_ahead = True
        state.written_ahead = Forked(lambda: _link_all(pairs) + redirect.write(site_dir, stubs))

    @staticmethod
    def _copy_ahead(state: BuildState, copied: list[CopiedAhead]) -> None:
        """Many attachments (a province's 3,700: 0.8 s before mkdocs's first page): a fork copies
        them while mkdocs renders; on_post_build waits for it (and copies them itself if it failed:
        a full disk is then said in Chinese, as any)."""
        if len(copied) < COPY_AHEAD:
            return
        for file in copied:
            file.copied_ahead = True
        state.copied_ahead = Forked(lambda: _copy_all(list(copied)))

    @staticmethod
    def _draw_ahead(state: BuildState) -> None:
        """Many station pages to render: their QR codes are drawn by a child process meanwhile
        (site/qrcodes.py), in the order of the pages."""
        base_url = state.portal.site.base_url
        targets = [qr.station_target(spec.key, base_url) for spec in state.pages.values() if spec.kind == "station"]
        if len(targets) >= qrcodes.AHEAD_MIN:
            state.qr_ahead = qrcodes.DrawnAhead(targets)
            state.views.draw_qr = state.qr_ahead.svg

    def on_build_error(self, *, error: Exception) -> None:
        if self.state is not None and self.state.qr_ahead is not None:
            self.state.qr_ahead.close()
        if self.state is not None and self.state.ahead is not None:
            self.state.ahead.close()
        for ahead in ((self.state.exports_ahead, self.state.written_ahead, self.state.copied_ahead)
                      if self.state is not None else ()):
            if ahead is not None:
                ahead.close()
        if self.state is not None and self.state.exports_scratch is not None:
            shutil.rmtree(self.state.exports_scratch, ignore_errors=True)

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        """Escaping by construction: every template, Material's and ours, autoescapes. What is
        already HTML is marked so where it is made (markup.render, charts, qr, on_page_content).
        Templates are compiled once, not on every build (0.3 s of an edit): Jinja keeps each one's
        bytecode under its name, with its source's checksum and Python's version, in the cache."""
        env.autoescape = True
        folder = Path(config.config_file_path).parent / cache.FOLDER / TEMPLATES_CACHE
        with contextlib.suppress(OSError):  # a folder that cannot be written: compiled every time
            folder.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = CompiledTemplates(str(folder))
        return env

    def _inputs(self, spec: specs.PageSpec) -> str | None:
        """In an incremental build, the page's inputs key (pages/inputs.py), if it has one."""
        state = self._require()
        if state.cache is None or state.inputs is None or not state.cache.warm:
            return None
        return state.inputs.key(spec)

    def _keyed(self, spec: specs.PageSpec) -> tuple[Any, str] | None:
        """In an incremental build, the page's view and its key (spec and view)."""
        state = self._require()
        if state.cache is None or state.inputs is None or not state.cache.warm:
            return None
        view = state.views.view(spec.kind, spec.key)
        return view, cache.page_key(state.cache.new.environment, spec, view)

    def _kept(self, spec: specs.PageSpec, dest: str, inputs: str | None, intact: str | None,
              keyed: tuple[Any, str] | None = None) -> str | None:
        """In an incremental build, the previous build's file of this page if its `inputs` or else
        its key (spec and view; `keyed`, if made already) are the recorded ones and the file is
        intact (site/cache.py; `intact`: a copy the clone found as written). The key is kept for
        on_page_context otherwise, so that a page rendered after all is not hashed twice."""
        state = self._require()
        if state.cache is None or state.inputs is None or not state.cache.warm:
            return None
        kept = state.cache.keep(dest, inputs=inputs, intact=intact) if inputs else None
        if kept is not None:
            return kept  # its view is not even computed
        made = keyed or self._keyed(spec)
        assert made is not None  # warm, as checked above
        view, key = made
        kept = state.cache.keep(dest, key, inputs, intact)
        if kept is None:
            state.keys[spec.src_uri] = key
            state.inputs_of[spec.src_uri] = inputs
            if not spec.key:  # a list page (one of a kind, some slow to make): kept for rendering
                state.list_views[spec.src_uri] = view
        return kept

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        state = self._require()
        if page.file.src_uri in state.pages and not markdown.strip():
            # A generated page is front matter only (specs.stub): its Markdown is empty, and
            # mkdocs would set up a Markdown converter just to say so (0.75 ms a page, a minute for
            # a province's 75,000 pages). Its template shows the view, not page.content.
            page.render = lambda config, files: _render_empty(page)  # type: ignore[method-assign]
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> Markup:
        """mkdocs rendered the page's Markdown (ours: a stub; content/*.md: the project's own
        pages) and its table of contents as HTML: mark both as such for the autoescaping templates."""
        _mark_toc(page.toc)
        return Markup(html)

    def on_page_context(self, context: Any, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        state = self._require()
        if state.ahead is not None:
            state.ahead.poll()  # before the page's view: the shards' join may start (site/ahead.py)
        spec = state.pages.get(page.file.src_uri)
        # Generated pages are outside the navigation and have no Markdown headings, so Material's
        # sidebars depend only on where the page is: its depth (base_url) and its first folder (a nav
        # link into the page's own folder is written shorter, "../" rather than "../../regions/").
        # main.html renders them once per such place, not once per page.
        context["sgz_cache"] = state.shared
        shared = spec is not None and self.config["share_templates"]
        context["sgz_cache_key"] = f"{context.get('base_url', '')} {page.url.split('/')[0]}" if shared else ""
        if spec is not None:
            made = state.list_views.pop(page.file.src_uri, None)
            context["view"] = state.views.view(spec.kind, spec.key) if made is None else made
            if state.cache is not None and state.inputs is not None and page.file.src_uri not in state.keys:
                state.keys[page.file.src_uri] = cache.page_key(state.cache.new.environment, spec, context["view"])
                state.inputs_of[page.file.src_uri] = state.inputs.key(spec)
        elif page.meta.get("template") in ("home.html", "search.html"):
            context["view"] = state.views.home()
        context["template_name"] = page.meta.get("template", "main.html")
        for key in ("title", "description"):  # shown in attributes: a summary may quote "五社联动"
            if isinstance(page.meta.get(key), str):
                page.meta[key] = escape(page.meta[key])  # Markup: escaped once, with or without autoescape
        return context

    @event_priority(-100)  # last: it records the hash of what is written (site/cache.py)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        state = self._require()
        spec = state.pages.get(page.file.src_uri)
        if spec is None or spec.kind not in NOT_IN_SITEMAP:
            state.urls.append(page.url)
        output = valid_toggles(output)
        if state.cache is not None and page.file.src_uri in state.keys:
            digest, marked = state.cache.wrote(page.file.dest_uri, state.keys[page.file.src_uri], output,
                                               state.inputs_of.get(page.file.src_uri))
            if state.ahead is not None:
                state.ahead.wrote(page.file.dest_uri, digest, marked)
        return output

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        return valid_toggles(output_content)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        state = self._require()
        if state.copied_ahead is not None:
            state.copied_ahead.result()
        if state.qr_ahead is not None:
            state.qr_ahead.close()
        site_dir = Path(config.site_dir)
        if state.written_ahead is not None:
            state.written_ahead.result()
        else:
            redirect.write(site_dir, {rel: text for rel, text in state.stubs.items() if rel not in state.placed})
        if state.cache is not None:
            for rel, text in state.stubs.items():
                state.cache.wrote_stub(rel, text)
        if state.exports_scratch is not None:  # not mkdocs files: written meanwhile (on_config)
            exports.move(state.exports_scratch, site_dir, state.views.exports)
        site = state.portal.site
        for name, text in sitemap.sitemaps(state.urls, site.base_url, site.as_of,
                                           self.config["sitemap_max_urls"]).items():
            (Path(config.site_dir) / name).write_text(text, encoding="utf-8")
        self.html = self._html(state, config)
        self.ahead = state.ahead
        self.state = None  # the next build (mkdocs serve) starts afresh

    @staticmethod
    def _html(state: BuildState, config: MkDocsConfig) -> list[str] | None:
        """The site paths of every HTML file the build wrote: mkdocs's files (pages, reused pages,
        static files; not those `exclude_docs` or `draft_docs` leave out), its theme's static
        templates, the redirect stubs and what the clone put in place. The search index is made from them without walking the site's 110,000 folders (1.2 s
        of a province's incremental build). None where another plugin may have written more."""
        if state.files is None or set(config.plugins) != {"sgz-portal"}:
            return None
        return sorted({f.dest_uri for f in state.files if f.dest_uri.endswith(".html") and f.inclusion.is_included()}
                      | {t for t in config.theme.static_templates if t.endswith(".html")}
                      | {rel for rel in (*state.stubs, *state.placed) if rel.endswith(".html")})

    def _require(self) -> BuildState:
        if self.state is None:
            raise PluginError("sgz-portal: on_config did not run")
        return self.state
