"""The `sgz-portal` command (also `python -m sgz_portal`): check, build and serve the project in the
current folder, as `mkdocs build` does. `make check/site/serve` run it."""
from __future__ import annotations

import argparse
from pathlib import Path

from sgz_portal.site.build import ProjectError, build, check, data_dir_of
from sgz_portal.site.serve import accepts_gzip, serve

__all__ = ["accepts_gzip", "build", "check", "main", "serve"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sgz-portal", description="社会工作服务站公示平台:检查数据、生成网站。")
    parser.add_argument("--config", type=Path, default=Path("mkdocs.yml"),
                        help="项目配置文件(默认当前文件夹的 mkdocs.yml)")
    parser.add_argument("--data", type=Path, default=None,
                        help="数据目录(默认 mkdocs.yml 中 sgz-portal 插件的 data,一般是 data/)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="检查数据,列出全部错误和信息公开提醒;有错误时返回非零")
    b = sub.add_parser("build", help="生成网站到 site/(数据有错误时不发布)")
    b.add_argument("--site", type=Path, default=Path("site"))
    s = sub.add_parser("serve", help="在 127.0.0.1 上提供已生成的网站")
    s.add_argument("--site", type=Path, default=Path("site"))
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--prefix", default="/", help="子目录,如 /sgz/")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        return serve(args.site, args.port, args.prefix)
    try:
        data = args.data or data_dir_of(args.config)
    except ProjectError as err:
        print(err)
        return 2
    if args.command == "check":
        return check(data)
    return build(data, args.site, args.config)
