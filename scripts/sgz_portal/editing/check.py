"""`sgz-portal check FILE…`: check a few data files against the rest of data/, for a pre-commit hook.

The whole of data/ is read (the files refer to each other), but only the issues located in the
given files are printed, so an editor sees what their change broke and nothing else.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sgz_portal.data.issues import Issue, errors, report
from sgz_portal.pipeline import prepare


@dataclass(frozen=True)
class FileCheck:
    """The issues of the given files, the files outside data/, and how many errors lie elsewhere."""

    issues: list[Issue]
    outside: list[str]
    errors_elsewhere: int
    judged: bool  # False when errors elsewhere stopped the disclosure rules from running

    @property
    def failed(self) -> bool:
        return bool(errors(self.issues) or self.outside)


def _rel(path: Path, base: Path) -> str | None:
    try:
        return path.resolve().relative_to(base).as_posix()
    except ValueError:
        return None


def check_files(data_dir: Path, files: Iterable[Path]) -> FileCheck:
    """Prepare data/ once and keep the issues whose file is one of `files`."""
    data_dir = Path(data_dir).resolve()
    wanted: set[str] = set()
    outside: list[str] = []
    for f in files:
        rel = _rel(Path(f), data_dir)
        if rel is None:
            outside.append(str(f))
        else:
            wanted.add(f"{data_dir.name}/{rel}")
    prepared = prepare(data_dir)
    mine = [i for i in prepared.issues if i.file in wanted]
    elsewhere = [i for i in errors(prepared.issues) if i.file not in wanted]
    return FileCheck(mine, outside, len(elsewhere), prepared.portal is not None)


def render(result: FileCheck) -> str:
    """The report printed by the command, in Chinese."""
    lines = [f"{f}: 不在数据目录中,未检查" for f in result.outside]
    if result.issues:
        lines.append(report(result.issues))
    else:
        lines.append("这些文件没有发现问题。")
    if result.errors_elsewhere:
        lines.append(f"(其他文件还有 {result.errors_elsewhere} 个错误,运行 sgz-portal check 查看全部"
                     + (";因此未做信息公开规则检查)" if not result.judged else ")"))
    return "\n".join(lines)
