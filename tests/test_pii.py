"""Rule 11 (personal information), with test vectors made independently of rules/pii.py:
ID numbers completed and checked by python-stdnum (`stdnum.cn.ric`, whose region database
also confirms the place codes are real), published test card numbers (Visa, Mastercard and
UnionPay test numbers of the card networks' and payment processors' documentation) checked by
`stdnum.luhn`. Through the whole flow: rule 11 runs whatever other errors the data has.
"""
from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
from stdnum import luhn
from stdnum.cn import ric

from sgz_portal.pipeline import prepare
from sgz_portal.rules.judge import NOT_FREE_TEXT
from sgz_portal.rules.pii import find_personal_info
from tests.fixturedata import edit

AS_OF = dt.date(2025, 6, 30)
MINIMAL = Path(__file__).parent / "fixtures" / "minimal" / "data"
FULL = str.maketrans("0123456789X -", "０１２３４５６７８９Ｘ\u3000－")


def complete(first17: str) -> str:
    """An ID number with its check character, by stdnum (not by our module)."""
    number = first17 + ric.calc_check_digit(first17 + "0")
    assert ric.is_valid(number), number  # real county code, real birth date, right check
    return number


IDS = [complete("11010519491231002"), complete("51050419990101123"), complete("44030520011130456")]
WRONG_CHECK = [number[:17] + next(c for c in "0123456789X" if c != number[17]) for number in IDS]
CARDS = ["4111111111111111", "4012888888881881", "5555555555554444", "2223003122003222",
         "6200000000000005", "6205500000000000004"]


def kinds(text: str) -> list[tuple[str, str]]:
    return [(kind, masked) for _, kind, masked, _ in find_personal_info(text, AS_OF)]


@pytest.mark.parametrize("number", IDS + WRONG_CHECK)
@pytest.mark.parametrize("render", [
    lambda n: f"身份证号{n}。",
    lambda n: f"身份证 {n[:6]} {n[6:14]} {n[14:]} 已核实",
    lambda n: f"{n[:6]}-{n[6:14]}-{n[14:]}",
    lambda n: f"{n[:6]} {n[6:10]} {n[10:14]} {n[14:]}",
    lambda n: f"证件：{n.translate(FULL)}",
    lambda n: f"证件：{(n[:6] + ' ' + n[6:14] + '-' + n[14:]).translate(FULL)}",
    lambda n: n.lower(),
])
def test_ids_are_found_however_written_and_whatever_the_check_digit(number, render):
    assert kinds(render(number)) == [("身份证号", number[:6] + "********" + number[-4:].upper())]


def test_wrong_check_digits_really_are_wrong():
    assert not any(ric.is_valid(n) for n in WRONG_CHECK)


@pytest.mark.parametrize("text", [
    "13812345678", "手机１３８１２３４５６７８", "138 1234 5678", "138-1234-5678", "１３８－１２３４－５６７８",
    "+86 138 1234 5678", "+8613812345678", "0086 13812345678", "+86-138-1234-5678", "(+86) 138 1234 5678",
    "电话 0830-3123456 13812345678", "2025-06-30 13812345678 联系", "138\u30001234\u30005678",
])
def test_mobiles_with_or_without_country_code_and_spacing(text):
    assert kinds(text) == [("手机号", "138****5678")]


@pytest.mark.parametrize("number", CARDS)
@pytest.mark.parametrize("render", [
    lambda n: f"卡号{n}",
    lambda n: "卡号 " + " ".join(n[i:i + 4] for i in range(0, len(n), 4)),
    lambda n: "-".join(n[i:i + 4] for i in range(0, len(n), 4)),
    lambda n: "账户:" + " ".join(n[i:i + 4] for i in range(0, len(n), 4)).translate(FULL),
])
def test_published_test_card_numbers(number, render):
    assert luhn.is_valid(number)
    assert kinds(render(number)) == [("银行卡号", number[:4] + "*" * (len(number) - 8) + number[-4:])]


@pytest.mark.parametrize("number", CARDS)
def test_cards_failing_luhn_are_not_cards(number):
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert not luhn.is_valid(wrong)
    assert kinds(wrong) == []


@pytest.mark.parametrize("text", [
    "投诉电话 0830-12345", "12345", "服务热线 12345 转 2", "0830-3123456", "(0830)3123456", "028-85123456",
    "0830-3123456-8001", "0830 3123 456", "400-123-4567",  # landlines, service numbers, hotlines
    "2025-06-30", "2025年6月30日", "2025/06/30", "20250630", "2025-06-01—2025-06-30", "2025-06-01 至 2025-06-30",
    "09:00-17:30", "金额 300000 元", "300,000.00 元", "1,234,567.89", "12.5%",
    "990101", "990101001", "990101001001", "510504001001",  # region codes
    "52510500MJQ123456J", "91350100M000100Y43", "12510000450987654X", "125100004509876543",  # USCC
    "xs-2025", "lmt-xiaoshi", "files/xs/2025-05.pdf", "https://example.gov.cn/sgz/",
    "川公网安备51050402000123号", "蜀ICP备2025012345号-1",
    "2025063000012345",  # a reference number, no card prefix
    "6222 0202 0001 2349 1234",  # five 4-digit groups: 20 digits, no card
    "12345678901", "213812345678", "1381234567",
])
def test_known_false_positives_stay_accepted(text):
    assert kinds(text) == []


# -- through the whole flow --------------------------------------------------------------------





def found(data: Path) -> list[tuple[str, str, int, str]]:
    return [(i.code, i.file, i.line, i.path) for i in prepare(data, AS_OF).issues]


def test_personal_info_is_reported_with_every_other_error(data: Path, monkeypatch) -> None:
    """Every mistake at once: a schema error elsewhere does not hide a resident's ID."""
    monkeypatch.delenv("PORTAL_AS_OF", raising=False)
    edit(data, "stations.yaml", "    established: 2021-06-01", "    established: 2021-6-1")
    edit(data, "projects/xs-2025.yaml", "为小市街道老人提供巡访服务。", f"服务对象身份证 {IDS[0]}。")
    edit(data, "agencies.yaml", "52510500MJQ123456J", "52510500MJQ123456X")
    assert found(data) == [
        ("bad_uscc", "data/agencies.yaml", 4, "agencies[0].uscc"),
        ("R11_personal_info", "data/projects/xs-2025.yaml", 9, "task_book.overview"),
        ("schema_pattern", "data/stations.yaml", 43, "stations[2].established"),
    ]


def test_personal_info_in_an_unreadable_neighbour_still_found(data: Path, monkeypatch) -> None:
    monkeypatch.delenv("PORTAL_AS_OF", raising=False)
    (data / "services.yaml").write_text("domains: [\n", encoding="utf-8")
    edit(data, "stations.yaml", "    head: 王某某", "    head: 王某某(手机 13812345678)")
    codes = [(c, f) for c, f, _, _ in found(data)]
    assert ("R11_personal_info", "data/stations.yaml") in codes
    assert ("yaml_unclosed_bracket", "data/services.yaml") in codes


@pytest.mark.parametrize("old, new, path", [
    ("title: 小市街道社会工作服务站运营项目(2025年度)", "title: 项目(联系人 13812345678)", "title"),
    ("name: 巡访老人", "name: 巡访老人 138-1234-5678", "indicators[0].name"),
    ("summary: 五月巡访 50 人次。", "summary: 五月巡访，卡号 6200 0000 0000 0005。", "reports[0].summary"),
    ("buyers: [东区民政局, 小市街道办事处]", f"buyers: [东区民政局, 小市街道办事处 {IDS[1]}]", "buyers[1]"),
])
def test_titles_names_and_lists_of_projects_are_scanned(data: Path, old, new, path) -> None:
    edit(data, "projects/xs-2025.yaml", old, new)
    assert [(c, p) for c, _, _, p in found(data)] == [("R11_personal_info", path)]


def test_stories_titles_are_scanned(data: Path) -> None:
    path = data / "projects" / "xs-2025.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "stories:\n  - {title: 王某(１３８１２３４５６７８)的故事, "
                    "published: 2025-06-01, body: 已匿名。}\n", encoding="utf-8")
    assert found(data) == [("R11_personal_info", "data/projects/xs-2025.yaml", 17, "stories[0].title")]


def test_mobile_in_a_phone_field_is_allowed_but_not_in_text(data: Path) -> None:
    base = copy.copy(found(data))
    assert base == []
    edit(data, "stations.yaml", '    complaint_phone: "0830-12345"\n    hours:\n      - {days: [mon, tue, wed, thu, fri], '
         'open: "09:00", close: "17:30"}', '    complaint_phone: "13900001234"\n    hours:\n      - {days: [mon, tue, '
         'wed, thu, fri], open: "09:00", close: "17:30"}')
    assert found(data) == []
    edit(data, "stations.yaml", "    head: 王某某", "    head: 王某某 13900001234")
    assert [(c, p) for c, _, _, p in found(data)] == [("R11_personal_info", "stations[2].head")]


# -- which fields are scanned: derived from the schemas ----------------------------------------

SCHEMAS = Path(__file__).resolve().parents[1] / "scripts" / "sgz_portal" / "data" / "schemas"
FREE_TEXT_DEFS = {"#/$defs/line", "#/$defs/text", "#/$defs/markdown"}


def _free_text_keys() -> set[str]:
    """Every property the schemas type as free text (a line, a text or Markdown), lists of them too."""
    keys: set[str] = set()

    def walk(node, key=None):
        if isinstance(node, dict):
            items = node.get("items")
            ref = node.get("$ref") or (items.get("$ref") if isinstance(items, dict) else None)
            if key is not None and ref in FREE_TEXT_DEFS:
                keys.add(key)
            for name, value in node.get("properties", {}).items():
                walk(value, name)
            for name, value in node.items():
                if name != "properties":
                    walk(value, key if name in ("items", "oneOf", "anyOf", "allOf", "then", "else") else None)
        elif isinstance(node, list):
            for value in node:
                walk(value, key)
    for path in SCHEMAS.glob("*.schema.json"):
        walk(json.loads(path.read_text(encoding="utf-8")))
    return keys


def test_every_free_text_field_of_the_schemas_is_scanned():
    free = _free_text_keys()
    assert {"name", "title", "summary", "body", "note", "evaluator", "buyers", "address", "description"} <= free
    assert free & NOT_FREE_TEXT == set()
