"""The `sgz-portal` command (also `python -m sgz_portal`): check, build and serve the project in the
current folder, as `mkdocs build` does. `make check/site/serve` run it."""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from sgz_portal.data.issues import errors, report
from sgz_portal.editing import scaffold
from sgz_portal.editing.check import check_files, render
from sgz_portal.pipeline import prepare
from sgz_portal.sheets.export import export
from sgz_portal.sheets.import_ import import_
from sgz_portal.site.build import ProjectError, build, check, data_dir_of
from sgz_portal.site.preview import Preview
from sgz_portal.site.serve import serve


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sgz-portal", description="社会工作服务站公示平台:检查数据、生成网站。")
    parser.add_argument("--config", type=Path, default=Path("mkdocs.yml"),
                        help="项目配置文件(默认当前文件夹的 mkdocs.yml)")
    parser.add_argument("--data", type=Path, default=None,
                        help="数据目录(默认 mkdocs.yml 中 sgz-portal 插件的 data,一般是 data/)")
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check", help="检查数据,列出全部错误和信息公开提醒;有错误时返回非零")
    c.add_argument("files", nargs="*", type=Path, metavar="FILE",
                   help="只列出这些文件中的问题(仍对照 data/ 中的其他文件核对引用)")
    _new_parser(sub)
    b = sub.add_parser("build", help="生成网站到 site/(数据有错误时不发布)")
    b.add_argument("--site", type=Path, default=Path("site"))
    b.add_argument("--full", action="store_true",
                   help="完整构建:不沿用上次生成的页面、搜索索引和数据检查结果(默认沿用未改动的部分,结果与完整构建相同)")
    s = sub.add_parser("serve", help="在 127.0.0.1 上提供已生成的网站")
    s.add_argument("--site", type=Path, default=Path("site"))
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--prefix", default="/", help="子目录,如 /sgz/")
    s.add_argument("--watch", action="store_true",
                   help="实时预览:先生成网站,data/、content/、overrides/ 有改动就重新生成并刷新打开的页面")
    x = sub.add_parser("xlsx", help="数据与 Excel 工作簿互转(台账)")
    xsub = x.add_subparsers(dest="xlsx_command", required=True)
    xe = xsub.add_parser("export", help="把 data/ 的全部记录写成一个工作簿")
    xe.add_argument("-o", "--output", type=Path, default=Path("台账.xlsx"), help="工作簿文件(默认 台账.xlsx)")
    xi = xsub.add_parser("import", help="把工作簿写回 data/ 的 YAML 文件(有错误时不改动 data/)")
    xi.add_argument("workbook", type=Path, help="工作簿文件,如 台账.xlsx")
    return parser


def _new_parser(sub: argparse._SubParsersAction) -> None:
    n = sub.add_parser("new", help="显示(或用 -o 写入)一段预填好的新记录:站点、项目或报告")
    kinds = n.add_subparsers(dest="kind", required=True)
    st = kinds.add_parser("station", help="新站点(比上级低一级)")
    st.add_argument("--parent", required=True, help="上级站点编号")
    pr = kinds.add_parser("project", help="新项目(一个项目一个文件)")
    pr.add_argument("--station", required=True, help="项目运营的站点编号")
    rp = kinds.add_parser("report", help="新报告(截止日按公开规则计算)")
    rp.add_argument("--project", required=True, help="项目编号")
    rp.add_argument("--type", required=True, choices=["monthly", "self_assessment", "midterm", "final"])
    rp.add_argument("--period", default=None, help="月简报 YYYY-MM,自评报告 YYYY-H1 或 YYYY-H2")
    for p in (st, pr, rp):
        p.add_argument("-o", "--output", type=Path, default=None,
                       help="写入这个文件(站点、报告追加到清单末尾;项目新建文件);不写则显示在屏幕上")


def new(data: Path, args: argparse.Namespace) -> int:
    """`sgz-portal new station|project|report`: print or write a scaffold."""
    prepared = prepare(data)
    if prepared.portal is None:
        print("数据有错误,先改正再新建记录:", file=sys.stderr)
        print(report(errors(prepared.issues)), file=sys.stderr)
        return 1
    today = dt.date.today()
    try:
        if args.kind == "station":
            block = scaffold.station(prepared.portal, args.parent, today)
        elif args.kind == "project":
            block = scaffold.project(prepared.portal, args.station, today)
        else:
            block = scaffold.report(prepared.portal, args.project, args.type, args.period, today)
        if args.output is None:
            print(block.text, end="")
        else:
            print(scaffold.write(block, args.output))
    except scaffold.ScaffoldError as err:
        print(err, file=sys.stderr)
        return 2
    return 0


def check_some(data: Path, files: list[Path]) -> int:
    """`sgz-portal check FILE…`: only the issues located in these files."""
    result = check_files(data, files)
    print(render(result))
    return 1 if result.failed else 0


def xlsx(command: str, data: Path, book: Path) -> int:
    """`sgz-portal xlsx export|import`."""
    if command == "export":
        unreadable = export(data, book)
        if unreadable:
            print("数据文件无法读取,未生成工作簿:\n" + report(unreadable))
            return 1
        print(f"已导出 {book}")
        return 0
    if not book.is_file():
        print(f"找不到工作簿 {book}")
        return 2
    problems = import_(book, data)
    for problem in problems:
        print(problem)
    if problems:
        print(f"共 {len(problems)} 个错误,data/ 未改动。")
        return 1
    print(f"已把 {book} 写入 {data}/")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve" and not args.watch:
        if not (args.site / "index.html").is_file():
            print(f"找不到 {args.site / 'index.html'}:请先运行 sgz-portal build", file=sys.stderr)
            return 2
        return serve(args.site, args.port, args.prefix)
    try:
        data = args.data or data_dir_of(args.config)
    except ProjectError as err:
        print(err, file=sys.stderr)
        return 2
    if args.command == "serve":
        return serve(args.site, args.port, args.prefix, Preview(data, args.site, args.config))
    if args.command == "check":
        return check_some(data, args.files) if args.files else check(data, args.config)
    if args.command == "new":
        return new(data, args)
    if args.command == "xlsx":
        return xlsx(args.xlsx_command, data, args.output if args.xlsx_command == "export" else args.workbook)
    return build(data, args.site, args.config, incremental=not args.full)
