"""One build, start to end. Check the data, render with mkdocs into a staging folder,
index it for search, then publish it in place of the old site/."""
from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import gc
import logging
import os
import shutil
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jinja2 import TemplateError, TemplateSyntaxError
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException

from sgz_portal.data import markup
from sgz_portal.data.issues import ERROR, errors, summary
from sgz_portal.data.memo import Memo
from sgz_portal.pipeline import Prepared, prepare
from sgz_portal.site import cache, clone, publish, search, shards
from sgz_portal.site.cache import Cache
from sgz_portal.site.clone import Clone
from sgz_portal.site.plugin import NEEDS_BASE_URL, PortalPlugin

PLUGIN = "sgz-portal"


class ProjectError(RuntimeError):
    """mkdocs.yml is missing, or does not turn the sgz-portal plugin on."""


def load_project(config_file: Path, **overrides: str) -> tuple[MkDocsConfig, PortalPlugin]:
    """The project's mkdocs configuration and its sgz-portal plugin instance."""
    if not config_file.is_file():
        raise ProjectError(f"找不到 {config_file}:请在项目文件夹(有 mkdocs.yml 的文件夹)中运行")
    try:
        config = load_config(str(config_file), **overrides)
    except MkDocsException as err:  # YAML or option errors (mkdocs has logged the details above)
        raise ProjectError(f"{config_file} 有错误,无法读取:{err}") from err
    plugin = config.plugins.get(PLUGIN)
    if not isinstance(plugin, PortalPlugin):
        raise ProjectError(f"{config_file} 没有启用 {PLUGIN} 插件(plugins: - {PLUGIN})")
    return config, plugin


def data_dir_of(config_file: Path) -> Path:
    """The data folder mkdocs.yml names (plugins: - sgz-portal: {data: ...})."""
    config, plugin = load_project(config_file)
    return plugin.data_dir(config)


def grouped(prepared: Prepared) -> str:
    """Data errors first, then rule findings grouped by the station or project they concern,
    then one count line (the same `build` prints)."""
    found = sorted(set(prepared.issues))
    lines = [str(i) for i in found if not i.subject]
    names = _names(prepared)
    for subject in sorted({i.subject for i in found if i.subject}):
        lines.append(f"\n【{names.get(subject, subject)}】({subject})")
        lines.extend(f"  {'错误' if i.severity == ERROR else '提醒'} {i}" for i in found if i.subject == subject)
    lines.append(("\n" if len(lines) else "") + summary(found)
                 + ("数据有错误,不能发布。" if errors(found) else "可以发布。"))
    return "\n".join(lines)


def _names(prepared: Prepared) -> dict[str, str]:
    p = prepared.portal
    if p is None:
        return {}
    return {**{s.id: s.name for s in p.stations.values()}, **{x.id: x.title for x in p.projects.values()},
            **{f"plan:{x.id}": x.title for x in p.plans.values()}, **{f"fund:{f.id}": f.name for f in p.funds.values()}}


def base_url_line(base_url: str | None) -> str:
    """One line: which features need site.yaml's base_url, and whether it is given."""
    features = "、".join(NEEDS_BASE_URL)
    if base_url:
        return f"网站地址 base_url:{base_url}({features}都用这个地址)"
    return f"未填写网站地址 base_url(data/site.yaml):{features}都需要它,填写前不能使用。"


@contextmanager
def collector_off() -> Iterator[None]:
    """Python's cycle collector off within the block, for work that makes millions of objects and
    no reference cycles: each collection would scan them all again, and find nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def prepared_frozen(data_dir: Path, memo: Memo | None) -> Iterator[Prepared]:
    """prepare() with the cycle collector off; what it made stays frozen out of later collections
    (gc.freeze) until the block ends (gc.unfreeze, for a process that builds again). Reading and
    checking a province makes millions of objects and next to no garbage, and every collection
    scanned them all again: 5 s of a 34 s incremental build (issue 11). Frozen, they are also left
    untouched by the collections of the forks that share them (fewer pages copied)."""
    try:
        with collector_off():
            prepared = prepare(data_dir, memo=memo)
            gc.freeze()
        yield prepared
    finally:
        gc.unfreeze()


def check(data_dir: Path, config_file: Path | None = None) -> int:
    """With the project's mkdocs.yml, files unchanged since the last build or check are not
    parsed again (the build cache's memo)."""
    with interruptible():
        memo = cache.memo(config_file.parent) if config_file is not None and config_file.is_file() else None
        with prepared_frozen(data_dir, memo) as prepared:
            if prepared.portal is not None:
                print(f"判定日期:{prepared.portal.site.as_of}")
                print(base_url_line(prepared.portal.site.base_url))
            print(grouped(prepared))
            return 1 if errors(prepared.issues) else 0
    print(INTERRUPTED_CHECK, file=sys.stderr)
    return INTERRUPTED_EXIT


class Interrupted(KeyboardInterrupt):
    """SIGTERM, turned into the same exception as Ctrl-C so both unwind the same way."""


INTERRUPTED_EXIT = 130
INTERRUPTED_CHECK = "检查已中断。"
INTERRUPTED_BUILD = "已中断:未发布,原有的 site/ 保持不变。"
INTERRUPTED_AFTER = "已中断:新网站已发布。"


def _raise_interrupted(signum: int, frame: object) -> None:
    raise Interrupted


@contextmanager
def interruptible() -> Iterator[None]:
    """Within the block, SIGTERM raises like Ctrl-C; either ends the block quietly (no
    traceback): the code after the `with` runs only when it was interrupted."""
    main = threading.current_thread() is threading.main_thread()
    saved = signal.signal(signal.SIGTERM, _raise_interrupted) if main else None
    try:
        yield
    except KeyboardInterrupt:
        return
    finally:
        if main:
            signal.signal(signal.SIGTERM, saved)


@contextmanager
def _closing(cloned: Clone | None) -> Iterator[None]:
    """The clone's fork stops and its folder goes when the build ends, however it ends."""
    try:
        yield
    finally:
        if cloned is not None:
            cloned.close()


@contextmanager
def _build_date(as_of: dt.date) -> Iterator[None]:
    """Same data and as-of date -> same bytes: mkdocs dates the sitemap from SOURCE_DATE_EPOCH."""
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(calendar.timegm(as_of.timetuple()))
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


def _render(prepared: Prepared, data_dir: Path, out: Path, config_file: Path,
            previous: Path | None, reuse: bool = True, cloned: Clone | None = None) -> Cache | None:
    """mkdocs into `out`, then the search index. With `previous` (the site this build replaces),
    what is unchanged since the build that published it is reused unless `reuse` is False, and
    what this build wrote is recorded (site/cache.py); the cache comes back to be saved."""
    assert prepared.portal is not None
    with _build_date(prepared.portal.site.as_of):
        config, plugin = load_project(config_file, site_dir=str(out))
        plugin.hand_over(data_dir, prepared, previous, reuse, cloned)
        config.plugins.on_startup(command="build", dirty=False)
        mkdocs_build(config)
    reused = plugin.cache
    try:
        if reused is not None:
            reused.stamp_pages(out, plugin.placed)
        if reused is None or not reused.reuse_search(out, plugin.html):
            store = reused.search_store if reused is not None else None
            made = plugin.ahead.finish() if plugin.ahead is not None else set()  # shards made as it rendered
            joined = plugin.ahead.joined if plugin.ahead is not None else None  # and their join, if made
            with collector_off():  # the index chunks decoded are lists of numbers (3 s of a province's edit)
                taken = shards.index(out, store, reuse=reused is not None and reused.warm,
                                     files=reused.html if reused is not None else None, made=made, joined=joined)
            if reused is not None:
                reused.indexed(out, taken)
    finally:
        if plugin.ahead is not None:
            plugin.ahead.close()
    return reused


def _save(reused: Cache) -> None:
    """The manifest for the next build; a cache that cannot be written only costs that build time."""
    try:
        reused.save()
    except OSError as err:
        print(f"提醒:无法写入构建缓存({err}),下次将完整构建。", file=sys.stderr)
    if reused.warm:
        print(f"增量构建:沿用上次生成的 {reused.reused} 个页面"
              f"{',沿用搜索索引' if reused.search_reused else ''}"
              f"{f',沿用 {reused.shards_reused} 个搜索索引分片' if reused.shards_reused else ''}。")


# Pages from which the replaced site is kept as the next build's spare (site/clone.py), or else
# deleted in the background (publish.remove_later): a small one takes milliseconds to clone and to
# delete, and its build then leaves nothing behind when it returns.
BACKGROUND_PAGES = 5_000


def _large(reused: Cache | None) -> bool:
    return reused is not None and len(reused.new.pages) >= BACKGROUND_PAGES


def _afresh(reused: Cache) -> bool:
    """Most pages written anew (a full build): the site replaced shares few files with this one."""
    return reused.reused * 2 < len(reused.new.pages)


def build(data_dir: Path, site_dir: Path, config_file: Path, incremental: bool = True) -> int:
    """Validate, render into a staging folder, index, then swap in; nothing is published on error
    or when interrupted (Ctrl-C, SIGTERM): the old site stays as it was. `incremental`: reuse the
    pages and search index of the site this build replaces where their inputs are unchanged
    (site/cache.py); the result is byte for byte that of a full build. Either way, what this build
    wrote is recorded for the next one."""
    published = False
    memo = cache.memo(config_file.parent, reuse=incremental)
    manifest = cache.manifest_path(config_file.parent / cache.FOLDER, site_dir)
    spare = cache.spare_store(config_file.parent / cache.FOLDER, site_dir)
    # The previous site's pages are linked by a fork while the data is read and checked.
    cloned = (Clone(site_dir, manifest, spare) if incremental and manifest.is_file() and site_dir.is_dir()
              else None)
    with (interruptible(), markup.remembered(memo) as texts, _closing(cloned),
          prepared_frozen(data_dir, memo) as prepared):
        if not prepared.ok or prepared.portal is None:
            print("数据有错误,未生成网站,原有的 site/ 保持不变:", file=sys.stderr)
            print("\n".join(str(i) for i in errors(prepared.issues)), file=sys.stderr)
            print(summary(prepared.issues), file=sys.stderr)
            return 1
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
        try:
            with publish.staging(site_dir) as tmp:
                reused = _render(prepared, data_dir, tmp, config_file, site_dir, incremental, cloned)
                texts.partial = reused is None or reused.reused > 0  # else every page was rendered
        except (MkDocsException, TemplateError, search.SearchIndexError, ProjectError, OSError) as err:
            where = f"{err.filename}:{err.lineno}: " if isinstance(err, TemplateSyntaxError) else ""
            print(f"生成网站失败,原有的 site/ 保持不变:{where}{err}", file=sys.stderr)
            return 1
        with publish.signals_held():  # an interrupt during the swap is told apart from one before it
            large = _large(reused)
            # The replaced site is the next build's spare (site/clone.py) if it shares most files
            # with this one; else the spare is linked from this one once the build has returned.
            kept = large and site_dir.exists() and reused is not None and not _afresh(reused)
            try:
                publish.swap(tmp, site_dir, background=large, spare=spare if kept else None)
            except OSError as err:
                shutil.rmtree(tmp, ignore_errors=True)
                print(f"发布失败,原有的 site/ 保持不变:{err}", file=sys.stderr)
                return 1
            published = True
        if reused is not None:
            _save(reused)
            if large and not kept:
                clone.make_later(site_dir, manifest, spare)
        if memo is not None:
            with contextlib.suppress(OSError):  # an entry left over costs only disk
                memo.prune()
        print(f"已生成 {site_dir}(判定日期 {prepared.portal.site.as_of})。{summary(prepared.issues)}")
        return 0
    print(INTERRUPTED_AFTER if published else INTERRUPTED_BUILD, file=sys.stderr)
    return INTERRUPTED_EXIT
