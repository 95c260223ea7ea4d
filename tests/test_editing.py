"""Editors' tools: scaffolds (`sgz-portal new ...`) validate once their blanks are filled, and
`sgz-portal check FILE…` reports exactly the issues of the given files."""
from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from sgz_portal import cli
from sgz_portal.data.issues import errors, report
from sgz_portal.data.schema import SCHEMA_DIR
from sgz_portal.editing import scaffold
from sgz_portal.pipeline import prepare

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "fixtures" / "sample" / "data"
TODAY = dt.date(2026, 11, 20)
KEY = re.compile(r"^\s*(?:- )?([a-z_]+):")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    shutil.copytree(SAMPLE, tmp_path / "data")
    return tmp_path / "data"


def fill(text: str, values: dict[str, str]) -> str:
    """What an editor does: replace each 待填 by a value chosen by the key on its line."""
    out, last = [], ""
    for line in text.splitlines(keepends=True):
        m = KEY.match(line)
        if m and not line.lstrip().startswith("#"):
            last = m.group(1)
        if scaffold.BLANK in line.split("#")[0]:
            line = line.replace(scaffold.BLANK, values[last], 1)
        out.append(line)
    return "".join(out)


def keys_in_order(text: str, indent: int = 4) -> list[str]:
    """Keys of the block's records at their first level, commented-out optional keys included."""
    found = []
    for line in text.splitlines():
        m = re.match(r"^(\s*)(?:#\s?)?(?:- )?([a-z_]+):", line)
        if m and len(m.group(1)) <= indent and m.group(2) not in found:
            found.append(m.group(2))
    return found


def header_target(path: Path) -> Path:
    """The schema file named by the first line of a YAML file, resolved from the file's folder."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    m = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert m, first
    return (path.parent / m.group(1)).resolve()


def schema_order(name: str, *path: str) -> list[str]:
    node = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    for step in path:
        node = node[step]
    return list(node["properties"])


def test_station_scaffold_infers_and_validates_once_filled(data: Path) -> None:
    portal = prepare(data).portal
    assert portal is not None
    block = scaffold.station(portal, "beiling", TODAY)
    assert "level: township" in block.text and "parent: beiling" in block.text
    assert 'region: "990104004"' in block.text  # the only township of 北岭县 with no station yet
    assert "operator: xinyuan" in block.text  # the parent's operator
    assert 'verified: "2026-11-20"' in block.text  # dates as quoted strings
    assert 'open: "08:30", close: "12:00"' in block.text  # the parent's hours, to adjust
    assert keys_in_order(block.text)[1:] == [k for k in schema_order("stations.schema.json", "$defs", "station")
                                             if k in keys_in_order(block.text)][1:]
    scaffold.write(block, data / "stations.yaml")  # a new data/stations.yaml beside data/stations/
    unfilled = prepare(data)
    assert {i.file for i in errors(unfilled.issues)} == {"data/stations.yaml"}
    filled = fill(block.text, {"id": "beiling-hexi", "address": "河西镇政府一楼", "phone": "0830-5730001",
                               "complaint_phone": "0830-5712345", "established": "2026-11-01", "full_time": "2"})
    (data / "stations.yaml").unlink()
    scaffold.write(scaffold.Block(filled, "stations", block.schema), data / "stations.yaml")
    prepared = prepare(data)
    assert errors(prepared.issues) == [], report(prepared.issues)
    assert prepared.portal is not None and prepared.portal.stations["beiling-hexi"].region == "990104004"
    assert header_target(data / "stations.yaml") == SCHEMA_DIR / "stations.schema.json"


def test_station_scaffold_appends_to_an_existing_station_list(data: Path) -> None:
    portal = prepare(data).portal
    assert portal is not None
    block = scaffold.station(portal, "dongcheng-wenmiao", TODAY)
    assert "level: village" in block.text and 'region: "990101002003"' in block.text
    filled = fill(block.text, {"id": "dongcheng-wenmiao-new", "address": "文庙街道新社区居委会", "phone": "0830-3120009",
                               "complaint_phone": "0830-3112345", "established": "2026-10-01", "full_time": "1"})
    target = data / "stations" / "dongcheng.yaml"
    before = target.read_text(encoding="utf-8")
    assert scaffold.write(scaffold.Block(filled, "stations", block.schema), target).startswith("已写入")
    assert target.read_text(encoding="utf-8") == before + filled
    prepared = prepare(data)
    assert errors(prepared.issues) == [], report(prepared.issues)
    assert prepared.portal is not None and prepared.portal.stations["dongcheng-wenmiao-new"].level == "village"


def test_project_scaffold_validates_once_filled(data: Path) -> None:
    portal = prepare(data).portal
    assert portal is not None
    block = scaffold.project(portal, "dongcheng-qingshi", TODAY)
    assert "id: dongcheng-qingshi-2026 " in block.text and "supplier: tongxin" in block.text
    assert "id: nanhu-hubin-2027 " in scaffold.project(portal, "nanhu-hubin", TODAY).text  # 2026 is taken
    keys = keys_in_order(block.text, indent=0)
    assert keys == [k for k in schema_order("project.schema.json") if k in keys] and len(keys) == 15
    filled = fill(block.text, {"buyers": "东城区民政局", "signed": "2026-12-20", "start": "2027-01-01",
                               "end": "2027-12-31", "amount": "300000", "overview": "依托青石街道社工站开展服务。"})
    target = data / "projects" / "dongcheng-qingshi-2027.yaml"
    scaffold.write(scaffold.Block(filled, None, block.schema), target)
    assert header_target(target) == SCHEMA_DIR / "project.schema.json"
    prepared = prepare(data)
    assert errors(prepared.issues) == [], report(prepared.issues)
    assert prepared.portal is not None and prepared.portal.projects["dongcheng-qingshi-2026"].supplier == "tongxin"
    with pytest.raises(scaffold.ScaffoldError):
        scaffold.write(block, target)  # one project per file: never appended


def test_report_scaffold_computes_the_due_date_and_cures_the_missing_brief(data: Path) -> None:
    portal = prepare(data).portal
    assert portal is not None
    block = scaffold.report(portal, "nanhu-hubin-2026", "monthly", "2026-05", TODAY)
    assert "截止日 2026-06-15" in block.text  # rules/schedule.py: 15 days after the month's end
    assert 'period: "2026-05"' in block.text and 'published: "2026-11-20"' in block.text
    assert "files/nanhu-hubin/2026-05.pdf" in block.text
    target = data / "projects" / "nanhu-hubin-2026.yaml"
    filled = fill(block.text, {"summary": "本月开展独居老人巡访。"})
    scaffold.write(scaffold.Block(filled, "reports", block.schema), target)
    prepared = prepare(data)
    assert errors(prepared.issues) == [], report(prepared.issues)
    codes = {(i.code, i.subject) for i in prepared.issues}
    assert ("R06_monthly_brief_missing", "nanhu-hubin-2026") not in codes
    assert ("R06_monthly_brief_late", "nanhu-hubin-2026") in codes  # published 2026-11-20, due 2026-06-15
    assert prepared.portal is not None
    assert [r.period for r in prepared.portal.projects["nanhu-hubin-2026"].reports].count("2026-05") == 1


def test_evaluation_scaffold_marks_the_evaluation_keys(data: Path) -> None:
    portal = prepare(data).portal
    assert portal is not None
    block = scaffold.report(portal, "nanhu-hubin-2026", "final", None, TODAY)
    assert "evaluator: 待填" in block.text and "grade: 待填" in block.text and "period" not in block.text
    with pytest.raises(scaffold.ScaffoldError):
        scaffold.report(portal, "nanhu-hubin-2026", "monthly", "2026-6", TODAY)
    with pytest.raises(scaffold.ScaffoldError):
        scaffold.station(portal, "dongcheng-qingshi-baita", TODAY)  # nothing below a village


def test_insert_into_an_empty_list() -> None:
    text = "id: x\nreports: []\nexpenditures: []\n"
    assert scaffold.insert_into_list(text, "reports", "  - type: final\n") == \
        "id: x\nreports:\n  - type: final\nexpenditures: []\n"


def test_new_command_prints_or_writes(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--data", str(data), "new", "report", "--project", "nanhu-hubin-2026", "--type", "monthly",
                     "--period", "2026-06"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("  # 月简报 2026-06") and "截止日 2026-07-15" in out
    yaml.safe_load("reports:\n" + out)  # the printed block is YAML that pastes under reports:
    assert cli.main(["--data", str(data), "new", "station", "--parent", "nowhere"]) == 2
    assert "找不到上级站点“nowhere”" in capsys.readouterr().err
    target = data / "stations" / "nanhu.yaml"
    assert cli.main(["--data", str(data), "new", "station", "--parent", "nanhu", "-o", str(target)]) == 0
    assert "parent: nanhu" in target.read_text(encoding="utf-8")
    assert cli.main(["--data", str(data), "new", "project", "--station", "nanhu"]) == 1  # blanks are errors
    assert "nanhu.yaml:" in capsys.readouterr().err


def test_check_files_reports_only_their_issues(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--data", str(data), "check", str(data / "stations" / "beiling.yaml")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "data/stations/beiling.yaml:129: stations[4].operator: 外地运营机构“滨江市启航社会工作服务中心”评估等级为2A,"
        "应为 3A 及以上",
        "data/stations/beiling.yaml:200: stations[7].name: 站点名称应以“社会工作服务站”结尾(标准标识:中国社会工作标识 + 全称)",
        "共 0 个错误,2 个提醒。",
    ]
    nanhu, xishan = data / "stations" / "nanhu.yaml", data / "stations" / "xishan.yaml"
    nanhu.write_text(nanhu.read_text(encoding="utf-8").replace('open: "09:00"', 'open: "9:00"', 1), encoding="utf-8")
    xishan.write_text(xishan.read_text(encoding="utf-8").replace("operator: ", "operator: nobody-", 1),
                      encoding="utf-8")
    assert cli.main(["--data", str(data), "check", str(nanhu)]) == 1
    out = capsys.readouterr().out
    assert "data/stations/nanhu.yaml:" in out and "“9:00”格式不对" in out
    assert "xishan" not in out.split("(")[0] and "其他文件还有 1 个错误" in out
    assert cli.main(["--data", str(data), "check", str(data / "services.yaml")]) == 0
    assert "这些文件没有发现问题" in capsys.readouterr().out


def test_readme_shows_a_working_pre_commit_hook() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if "repo: local" in b)
    hook = yaml.safe_load(block)["repos"][0]["hooks"][0]
    assert hook["entry"].endswith("sgz-portal check") and hook["language"] == "system"
    files = re.compile(hook["files"])
    assert files.search("data/stations.yaml") and files.search("data/projects/dongcheng-hub-2026.yaml")
    assert not files.search("mkdocs.yml") and not files.search("data/files/x/a.pdf")


def test_publish_a_monthly_brief_with_a_pdf_as_the_guide_says(data: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """guide/howto-monthly-brief.md, step by step, with the command line only."""
    pdf = data / "files" / "nanhu-hubin" / "2026-05.pdf"
    shutil.copy(data / "files" / "dongcheng-qingshi" / "2025-01.pdf", pdf)  # 1. the PDF under data/files/
    project = data / "projects" / "nanhu-hubin-2026.yaml"
    assert cli.main(["--data", str(data), "new", "report", "--project", "nanhu-hubin-2026", "--type", "monthly",
                     "--period", "2026-05", "-o", str(project)]) == 0  # 2-3. the scaffold, into reports:
    text = project.read_text(encoding="utf-8")
    text = text.replace(f"      {scaffold.BLANK}\n", "      **本月重点**:端午节包粽子活动。\n")  # 4. fill in
    text = text.replace("    # stats:", "    stats:").replace("    # document:", "    document:")
    project.write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["--data", str(data), "check", str(project)]) == 0  # 5. check the file
    prepared = prepare(data)
    assert prepared.portal is not None
    [brief] = [r for r in prepared.portal.projects["nanhu-hubin-2026"].reports if r.period == "2026-05"]
    assert brief.document == "files/nanhu-hubin/2026-05.pdf" and brief.stats["cases"] == 0
    site = tmp_path / "site"
    assert cli.build(data, site, ROOT / "mkdocs.yml") == 0  # 6. build
    assert (site / "files" / "nanhu-hubin" / "2026-05.pdf").read_bytes() == pdf.read_bytes()
    assert "files/nanhu-hubin/2026-05.pdf" in (site / "projects" / "nanhu-hubin-2026" / "index.html").read_text(
        encoding="utf-8")
