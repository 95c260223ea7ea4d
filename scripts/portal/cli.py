"""Command line: `python -m portal check|build|serve` (what `make check/site/serve` run)."""
from __future__ import annotations

import argparse
import calendar
import datetime as dt
import functools
import gzip
import http.server
import io
import logging
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from . import publish, search
from .issues import ERROR, Issue, errors, report
from .pipeline import Prepared, hand_off, prepare

ROOT = Path(__file__).resolve().parents[2]


def _grouped(prepared: Prepared) -> str:
    """Data errors first, then rule findings grouped by the station or project they concern."""
    found = prepared.issues
    loose = [i for i in found if not i.subject]
    lines = [report(loose)] if loose else []
    subjects = sorted({i.subject for i in found if i.subject})
    names = _names(prepared)
    for subject in subjects:
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
def _build_env(data_dir: Path, as_of: dt.date) -> Iterator[None]:
    """Environment for one mkdocs run, restored afterwards (the hooks read PORTAL_DATA)."""
    saved = {k: os.environ.get(k) for k in ("PORTAL_DATA", "SOURCE_DATE_EPOCH")}
    os.environ["PORTAL_DATA"] = str(data_dir.resolve())
    # Same data and as-of date -> same bytes (mkdocs dates the sitemap from this).
    os.environ["SOURCE_DATE_EPOCH"] = str(calendar.timegm(as_of.timetuple()))
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _render(prepared: Prepared, data_dir: Path, out: Path, config_file: Path) -> None:
    """mkdocs into `out`, then the search index."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    with _build_env(data_dir, prepared.portal.site.as_of):
        config = load_config(str(config_file), site_dir=str(out))
        config.plugins.on_startup(command="build", dirty=False)
        hand_off(data_dir, prepared)
        mkdocs_build(config)
    search.index(out)


def build(data_dir: Path, site_dir: Path, config_file: Path) -> int:
    """Validate, render into a staging folder, index, then swap in; nothing is published on error."""
    from jinja2 import TemplateError, TemplateSyntaxError
    from mkdocs.exceptions import MkDocsException

    prepared = prepare(data_dir)
    if not prepared.ok:
        print("数据有错误,未生成网站,原有的 site/ 保持不变:", file=sys.stderr)
        print(report(errors(prepared.issues)), file=sys.stderr)
        return 1
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    try:
        with publish.staging(site_dir) as tmp:
            _render(prepared, data_dir, tmp, config_file)
    except (MkDocsException, TemplateError, search.SearchIndexError) as err:
        where = f"{err.filename}:{err.lineno}: " if isinstance(err, TemplateSyntaxError) else ""
        print(f"生成网站失败,原有的 site/ 保持不变:{where}{err}", file=sys.stderr)
        return 1
    publish.swap(tmp, site_dir)
    print(f"已生成 {site_dir}(判定日期 {prepared.portal.site.as_of},{len(prepared.issues)} 条信息公开提醒)。")
    return 0


# Text files are compressed when the browser accepts it, as any real web server
# is set up to do (nginx `gzip on`): Material's CSS alone is 135 KB raw, 22 KB gzipped.
_COMPRESSIBLE = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".csv", ".geojson", ".map"}


def accepts_gzip(header: str) -> bool:
    """True if an Accept-Encoding header allows gzip (and does not give it q=0)."""
    for part in header.split(","):
        name, _, params = part.partition(";")
        if name.strip().lower() in ("gzip", "*"):
            q = params.replace(" ", "").lower()
            try:
                return float(q[2:]) > 0 if q.startswith("q=") else True
            except ValueError:
                return True
    return False


class _Handler(http.server.SimpleHTTPRequestHandler):
    prefix = "/"

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_prefix__")
        return super().translate_path("/" + path[len(self.prefix):])

    def send_head(self):
        """gzip text files for clients that accept it; everything else as the stdlib does."""
        path = Path(self.translate_path(self.path))
        if self.path.split("?", 1)[0].split("#", 1)[0].endswith("/"):
            path = path / "index.html"  # a file with a slash after it stays a 404 (stdlib's rule)
        if (path.suffix not in _COMPRESSIBLE or not path.is_file()
                or not accepts_gzip(self.headers.get("Accept-Encoding", ""))):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), mtime=0)  # mtime=0: same file, same bytes
        self.send_response(200)
        self.send_header("Content-type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (stdlib name)
        if os.environ.get("PORTAL_SERVE_LOG"):
            super().log_message(format, *args)


def serve(site_dir: Path, port: int, prefix: str) -> int:
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    handler = type("Handler", (_Handler,), {"prefix": prefix})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port),
                                             functools.partial(handler, directory=str(site_dir)))
    print(f"网站已启动:http://127.0.0.1:{server.server_port}{prefix}  (按 Ctrl+C 停止)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="portal", description="社会工作服务站公示平台:检查数据、生成网站。")
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="数据目录(默认 data/)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="检查数据,列出全部错误和信息公开提醒;有错误时返回非零")
    b = sub.add_parser("build", help="生成网站到 site/(数据有错误时不发布)")
    b.add_argument("--site", type=Path, default=ROOT / "site")
    b.add_argument("--config", type=Path, default=ROOT / "mkdocs.yml")
    s = sub.add_parser("serve", help="在 127.0.0.1 上提供已生成的网站")
    s.add_argument("--site", type=Path, default=ROOT / "site")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--prefix", default="/", help="子目录,如 /sgz/")
    args = parser.parse_args(argv)
    if args.command == "check":
        return check(args.data)
    if args.command == "build":
        return build(args.data, args.site, args.config)
    return serve(args.site, args.port, args.prefix)


__all__ = ["main", "check", "build", "serve", "Issue", "dt"]
