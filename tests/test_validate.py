"""Every kind of data error: reported at the right FILE:LINE with a Chinese message.

Each test copies the small valid fixture, breaks one thing, and asserts the
exact (code, file, line) triples plus the wording an editor will read.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from stdnum.cn import uscc

from sgz_portal.data.issues import MESSAGES
from sgz_portal.data.load import load
from sgz_portal.data.validate import uscc_check_char, validate
from tests.fixturedata import edit

FIXTURE = Path(__file__).parent / "fixtures" / "minimal" / "data"






def problems(data: Path) -> list:
    raw, found = load(data)
    return found + validate(raw)


def triples(data: Path) -> list[tuple[str, str, int]]:
    return sorted((i.code, i.file, i.line) for i in problems(data))


def test_fixture_is_valid(data: Path) -> None:
    assert problems(data) == []


# -- reading -------------------------------------------------------------------

def test_yaml_syntax_error_has_line(data: Path) -> None:
    edit(data, "agencies.yaml", "    local: true", "    local: [true")
    [found] = problems(data)
    assert (found.code, found.file, found.line) == ("yaml_unclosed_bracket", "data/agencies.yaml", 7)
    assert str(found) == "data/agencies.yaml:7: 这一行的 [ 没有配对的 ],请补上(或检查其中的逗号和冒号)"


def test_duplicate_key(data: Path) -> None:
    edit(data, "agencies.yaml", "    local: true", "    local: true\n    local: false")
    assert triples(data) == [("duplicate_key", "data/agencies.yaml", 8)]


def test_not_utf8(data: Path) -> None:
    (data / "agencies.yaml").write_bytes("agencies: []\n# 机构".encode("gb18030"))
    assert triples(data) == [("encoding_gbk", "data/agencies.yaml", 2)]


def test_missing_file(data: Path) -> None:
    (data / "services.yaml").unlink()
    assert ("missing_file", "data/services.yaml", 1) in triples(data)


def test_yml_extension_is_not_silently_ignored(data: Path) -> None:
    shutil.move(data / "projects" / "xs-2025.yaml", data / "projects" / "xs-2025.yml")
    assert triples(data) == [("wrong_extension", "data/projects/xs-2025.yml", 1)]


# -- shape -----------------------------------------------------------------------

def test_required_key(data: Path) -> None:
    edit(data, "stations.yaml", "    address: 小市街道便民服务中心二楼\n", "")
    [found] = problems(data)
    assert (found.code, found.file, found.line) == ("schema_required", "data/stations.yaml", 30)
    assert found.path == "stations[2].address"
    assert found.message == "缺少必填项“address”"


def test_unknown_key_suggests_the_right_one(data: Path) -> None:
    edit(data, "stations.yaml", '    phone: ["0830-3123456"]', '    phones: ["0830-3123456"]')
    found = problems(data)
    codes = sorted((i.code, i.line) for i in found)
    assert ("schema_unknown_key", 37) in codes
    unknown = next(i for i in found if i.code == "schema_unknown_key")
    assert "是否应为“phone”" in unknown.message


def test_region_code_must_be_quoted(data: Path) -> None:
    edit(data, "regions.yaml", 'code: "990101", name: 东区', "code: 990101, name: 东区")
    found = [i for i in problems(data) if i.code == "schema_type"]
    assert [(i.file, i.line, i.path) for i in found] == [("data/regions.yaml", 3, "regions[1].code")]
    assert found[0].message == "类型应为文字,实际是整数"


def test_unknown_enum_value(data: Path) -> None:
    edit(data, "stations.yaml", "    level: township", "    level: town")
    found = [i for i in problems(data) if i.code == "schema_enum"]
    assert [(i.line, i.path) for i in found] == [(32, "stations[2].level")]
    assert "city、county、township、village" in found[0].message


def test_unquoted_time_is_not_silently_a_number(data: Path) -> None:
    edit(data, "stations.yaml", 'open: "09:00", close: "12:00"', 'open: 9:00, close: "12:00"')
    found = problems(data)
    assert [(i.code, i.line) for i in found] == [("schema_pattern", 41)]
    assert "“9:00”格式不对" in found[0].message


def test_number_out_of_range(data: Path) -> None:
    edit(data, "stations.yaml", "lat: 28.9063", "lat: 128.9063")
    assert [(i.code, i.line) for i in problems(data)] == [("schema_range", 36)]


def test_empty_phone_list(data: Path) -> None:
    edit(data, "stations.yaml", '    phone: ["0830-3123456"]', "    phone: []")
    found = problems(data)
    assert [(i.code, i.line, i.message) for i in found] == [("schema_min_items", 37, "至少需要 1 项")]


def test_attachment_path_leaving_data_files_is_refused(data: Path) -> None:
    edit(data, "stations.yaml", "photo: files/xs/sign.png", "photo: files/../../secret.png")
    found = problems(data)
    # sign.png, referenced no more, is named too: it will not be published
    assert [(i.file, i.code, i.line) for i in found] == [("data/stations.yaml", "schema_pattern", 48),
                                                         ("data/files/xs/sign.png", "file_unreferenced", 1)]
    assert "不得含 .." in found[0].message


# -- values and cross references -------------------------------------------------

def test_impossible_date(data: Path) -> None:
    edit(data, "stations.yaml", "    established: 2021-06-01", "    established: 2021-02-30")
    found = problems(data)
    assert [(i.code, i.line, i.message) for i in found] == [
        ("bad_date", 43, "“2021-02-30”不是有效日期(应为 YYYY-MM-DD)")]


def test_uscc_check_character(data: Path) -> None:
    edit(data, "agencies.yaml", "52510500MJQ123456J", "52510500MJQ123456X")
    found = problems(data)
    assert [(i.code, i.file, i.line) for i in found] == [("bad_uscc", "data/agencies.yaml", 4)]
    assert "应为“J”" in found[0].message
    assert uscc_check_char("91350100M000100Y4") == "3"  # a published real-world example


# Codes from the fixtures and a published one, each with its last character replaced.
USCC_BODIES = ["52510500MJQ123456", "52990100MJY20731X", "52990103MJR086148", "91350100M000100Y4",
               "12100000400000624", "91110000802100433"]


@pytest.mark.parametrize("body", USCC_BODIES)
def test_uscc_check_character_agrees_with_stdnum(body: str) -> None:
    assert uscc_check_char(body) == uscc.calc_check_digit(body)
    assert uscc.is_valid(body + uscc_check_char(body))


def test_uscc_check_is_judged_for_the_fixture_codes(data: Path) -> None:
    """The minimal fixture's code is valid by stdnum and passes; stdnum's wrong ones are reported."""
    good = "52510500MJQ123456J"
    assert uscc.is_valid(good) and problems(data) == []
    wrong = next(good[:17] + c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY" if not uscc.is_valid(good[:17] + c))
    edit(data, "agencies.yaml", good, wrong)
    assert [i.code for i in problems(data)] == ["bad_uscc"]


def test_duplicate_station_id(data: Path) -> None:
    edit(data, "stations.yaml", "  - id: gyl", "  - id: xs")
    found = [i for i in problems(data) if i.code == "duplicate_id"]
    assert [(i.line, i.path) for i in found] == [(52, "stations[3].id")]
    assert "data/stations.yaml:30" in found[0].message


def test_unknown_service_with_suggestion(data: Path) -> None:
    edit(data, "stations.yaml", "    services: [elderly-visit]\n    signage", "    services: [elderly-visits]\n    signage")
    found = problems(data)
    assert [(i.code, i.line, i.path) for i in found] == [("unknown_ref", 47, "stations[2].services[0]")]
    assert found[0].message == "找不到服务项目“elderly-visits”,是否应为“elderly-visit”?"


def test_parent_must_be_one_level_up(data: Path) -> None:
    edit(data, "stations.yaml", "    parent: xs", "    parent: dq")
    found = problems(data)
    assert [(i.code, i.line) for i in found] == [("wrong_level", 55)]
    assert found[0].message == "上级站点“dq”的层级是县级,应为乡镇级"


def test_station_region_at_same_level(data: Path) -> None:
    edit(data, "stations.yaml", '    region: "990101001001"', '    region: "990101001"')
    assert [(i.code, i.line) for i in problems(data)] == [("wrong_level", 56)]


def test_region_parent_required_below_city(data: Path) -> None:
    edit(data, "regions.yaml", ', parent: "990100"}', "}")
    assert triples(data) == [("parent_required", "data/regions.yaml", 3)]


def test_site_region_must_exist(data: Path) -> None:
    edit(data, "site.yaml", 'region: "990100"', 'region: "990199"')
    assert triples(data) == [("site_region", "data/site.yaml", 3)]


def test_missing_attachment(data: Path) -> None:
    (data / "files" / "xs" / "sign.png").unlink()
    found = problems(data)
    assert [(i.code, i.line, i.message) for i in found] == [
        ("file_missing", 48, "附件“files/xs/sign.png”不存在")]


def test_symlink_out_of_data_files_is_refused(data: Path, tmp_path: Path) -> None:
    (tmp_path / "private.png").write_bytes(b"x")
    os.symlink(tmp_path / "private.png", data / "files" / "xs" / "link.png")
    edit(data, "stations.yaml", "photo: files/xs/sign.png", "photo: files/xs/link.png")
    assert [(i.code, i.line) for i in problems(data)] == [("file_outside", 48), ("file_unreferenced", 1)]


def test_hours_close_before_open(data: Path) -> None:
    edit(data, "stations.yaml", 'open: "09:00", close: "12:00"', 'open: "12:00", close: "09:00"')
    found = problems(data)
    assert [(i.code, i.line) for i in found] == [("hours_order", 41)]
    assert found[0].message == "关门时间 09:00 应晚于开门时间 12:00"


def test_operator_required_below_city(data: Path) -> None:
    edit(data, "stations.yaml", "    operator: xinyuan\n    head", "    head")
    found = problems(data)
    assert [(i.code, i.line, i.path) for i in found] == [("schema_required", 30, "stations[2].operator")]


def test_agreement_end_before_start(data: Path) -> None:
    edit(data, "projects/xs-2025.yaml", "end: 2026-04-30", "end: 2025-04-30")
    assert triples(data) == [("period_order", "data/projects/xs-2025.yaml", 7)]


def test_project_unknown_supplier(data: Path) -> None:
    edit(data, "projects/xs-2025.yaml", "supplier: xinyuan", "supplier: xinyuna")
    found = problems(data)
    assert [(i.code, i.line) for i in found] == [("unknown_ref", 5)]
    assert found[0].message == "找不到承接机构“xinyuna”,是否应为“xinyuan”?"


def test_all_problems_at_once(data: Path) -> None:
    """Three unrelated mistakes in three files: all three reported in one run."""
    edit(data, "agencies.yaml", "52510500MJQ123456J", "52510500MJQ123456X")
    edit(data, "site.yaml", 'region: "990100"', 'region: "990199"')
    edit(data, "projects/xs-2025.yaml", "supplier: xinyuan", "supplier: nobody")
    assert [c for c, _, _ in triples(data)] == ["bad_uscc", "site_region", "unknown_ref"]


def test_every_message_code_is_used_somewhere() -> None:
    """No dead wording in the registry: each code is raised by some module."""
    sources = "".join(p.read_text(encoding="utf-8")
                      for p in (Path(__file__).parents[1] / "scripts" / "sgz_portal").rglob("*.py")
                      if p.name != "issues.py")
    unused = [code for code in MESSAGES if f'"{code}"' not in sources and not code.startswith("schema_")]
    assert unused == []
