"""YAML mistakes: reported in Chinese at the line of the mistake, never a traceback, never a hang.

Each case writes one file into tmp_path and asserts (code, file, line) from `load`, the way
`sgz-portal check` reads data. The examples in DATA-ERRORS.md (docs.EXAMPLES) are checked too.
"""
from __future__ import annotations

import resource
import shutil
import time
from pathlib import Path

import pytest

from sgz_portal import docs
from sgz_portal.data.load import read_document
from sgz_portal.pipeline import prepare

MINIMAL = Path(__file__).parent / "fixtures" / "minimal" / "data"


def read(tmp_path: Path, text: str | bytes) -> list[tuple[str, str, int]]:
    path = tmp_path / "x.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    doc, found = read_document(path, "data/x.yaml")
    assert (doc is None) == bool(found)
    return [(i.code, i.file, i.line) for i in found]


def only(tmp_path: Path, text: str | bytes) -> str:
    """The one message `text` gets, as printed."""
    path = tmp_path / "x.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    _, [found] = read_document(path, "data/x.yaml")
    return str(found)


LONG_TAIL = "".join(f"key{n}: value {n}\n" for n in range(2000))


@pytest.mark.parametrize("text, line", [
    ('name: 示例\npublisher: "示例市民政局\nregion: "990100"\n' + LONG_TAIL, 2),
    ("name: 示例\npublisher: '示例市民政局\n" + LONG_TAIL, 2),
    ("stations:\n  - id: a\n    address: \"小市街道\n    phone: [\"0830-1234567\"]\n", 3),
])
def test_unclosed_quote_is_reported_where_it_opens(tmp_path, text, line):
    assert read(tmp_path, text) == [("yaml_unclosed_quote", "data/x.yaml", line)]


def test_unclosed_quote_names_the_quote(tmp_path):
    assert only(tmp_path, "a: 1\nb: '示例\n" + LONG_TAIL) == (
        "data/x.yaml:2: 这一行的引号 ' 没有闭合(到文件末尾都没有找到配对的 '),请补上")


@pytest.mark.parametrize("text, line", [
    ("name: 示例\nphone: [\"0830-1234567\"\nhead: 王某某\n" + LONG_TAIL, 2),
    ("stations:\n  - id: a\n    hours:\n      - {days: [mon, tue], open: \"09:00\"\n    head: x\n", 4),
    ("a: 1\nb: [x, y\n", 2),
])
def test_unclosed_bracket_is_reported_where_it_opens(tmp_path, text, line):
    assert read(tmp_path, text) == [("yaml_unclosed_bracket", "data/x.yaml", line)]


@pytest.mark.parametrize("text, line", [
    ("contact:\n\tphone: \"0830-1234567\"\n", 2),
    ("stations:\n  - id: a\n\t  name: b\n", 3),
])
def test_tab_says_use_spaces(tmp_path, text, line):
    assert read(tmp_path, text) == [("yaml_tab", "data/x.yaml", line)]
    assert "请把 Tab 换成空格" in only(tmp_path, text)


@pytest.mark.parametrize("text, line, char, ascii_", [
    ("stations:\n  - id: a\n    name：某站\n    level: township\n", 3, "：", ":"),
    ("name: 示例\nregion：\"990100\"\n", 2, "：", ":"),
    ("name: 示例\nregion：\"990100\"\ncontact: {}\n", 2, "：", ":"),
    ("stations:\n  － id: a\n    name: b\n", 2, "－", "-"),
    ("buyers:\n  － 东区民政局\n  － 小市街道办事处\n", 2, "－", "-"),
    ("name: 示例\nbuyers: [东区民政局，小市街道办事处]\n", 2, "，", ","),
    ("facilities:\n  - name：接待区\n", 2, "：", ":"),
])
def test_full_width_punctuation_used_as_syntax(tmp_path, text, line, char, ascii_):
    assert read(tmp_path, text) == [("yaml_fullwidth", "data/x.yaml", line)]
    assert only(tmp_path, text) == (
        f"data/x.yaml:{line}: 这一行用了全角的“{char}”,YAML 的语法符号要用半角的“{ascii_}”")


@pytest.mark.parametrize("text", [
    "hours_note: QQ：123456,周一至周五。\n",  # a value's own punctuation is text
    "note: 更正开放时间：周六上午开放,其余不变。\n",
    "summary: 本月开展巡访，入户 30 次。\n",
    "expenditures:\n  - {category: labor, amount: 1000, note: 劳务费，含保险}\n",
    "description: |\n  name：这里是 Markdown 正文\n  － 列表也是正文\n",
])
def test_full_width_punctuation_in_text_is_fine(tmp_path, text):
    assert read(tmp_path, text) == []


def test_gbk_file_is_named_with_how_to_resave(tmp_path):
    text = "# 示例\nname: 示例市社会工作服务平台\n".encode("gb18030")
    assert read(tmp_path, text) == [("encoding_gbk", "data/x.yaml", 1)]
    message = only(tmp_path, text)
    for words in ("GBK/GB18030", "UTF-8", "记事本", "WPS", "VS Code"):
        assert words in message


def test_gbk_reported_at_the_first_line_that_is_not_utf8(tmp_path):
    text = b"name: sample\npublisher: x\n" + "address: 民政局\n".encode("gbk")
    assert read(tmp_path, text) == [("encoding_gbk", "data/x.yaml", 3)]


def test_binary_file_is_not_called_gbk(tmp_path):
    assert read(tmp_path, b"a: 1\n\xff\xfe\x00\x81\x30") == [("encoding", "data/x.yaml", 2)]


def test_bom_and_crlf_are_accepted(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_bytes("\ufeffname: 示例\r\nregion: \"990100\"\r\nphone: [a,\r\n  b]\r\n".encode("utf-8"))
    doc, found = read_document(path, "data/x.yaml")
    assert found == [] and doc is not None
    assert doc.data == {"name": "示例", "region": "990100", "phone": ["a", "b"]}
    assert doc.line(("region",)) == 2


def test_bom_and_crlf_in_real_data_keep_lines(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    path = data / "stations.yaml"
    text = path.read_text(encoding="utf-8").replace("    established: 2021-06-01", "    established: 2021-02-30")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert [(i.code, i.file, i.line) for i in prepare(data).issues] == [("bad_date", "data/stations.yaml", 43)]


def test_duplicate_key_is_kept(tmp_path):
    assert read(tmp_path, "name: 示例\nregion: \"1\"\nname: 示例二\n") == [("duplicate_key", "data/x.yaml", 3)]


def test_self_referencing_alias_is_refused(tmp_path):
    assert read(tmp_path, "name: 示例\na: &x [*x]\n") == [("yaml_alias_recursive", "data/x.yaml", 2)]
    assert read(tmp_path, "a: &x {b: [1, {c: *x}]}\n") == [("yaml_alias_recursive", "data/x.yaml", 1)]


def test_alias_bomb_is_refused_quickly_in_bounded_memory(tmp_path):
    """Ten lines, each list repeating the one before nine times: 9^10 values if expanded."""
    lines = ["a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    lines += [f"{n}: &{n} [{', '.join(['*' + p] * 9)}]" for p, n in zip("abcdefghi", "bcdefghij")]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    found = read(tmp_path, "\n".join(lines) + "\n")
    assert time.perf_counter() - started < 2
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100_000  # KiB
    assert found == [("yaml_alias_budget", "data/x.yaml", 5)]


def test_small_aliases_and_merge_keys_still_work(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("base: &hours {open: \"09:00\", close: \"17:00\"}\n"
                    "sat:\n  <<: *hours\n  close: \"12:00\"\ncopy: *hours\n", encoding="utf-8")
    doc, found = read_document(path, "data/x.yaml")
    assert found == [] and doc is not None
    assert doc.data["sat"] == {"open": "09:00", "close": "12:00"}
    assert doc.data["copy"] == {"open": "09:00", "close": "17:00"}


@pytest.mark.parametrize("depth", [70, 200_000])
def test_deep_nesting_is_refused_without_a_crash(tmp_path, depth):
    """200,000 nested brackets overflow libyaml's (recursive) composer: a segfault before."""
    assert read(tmp_path, "name: 示例\nx: " + "[" * depth + "]" * depth + "\n") == [
        ("yaml_too_deep", "data/x.yaml", 2)]
    assert read(tmp_path, "- " * 100 + "x\n") == [("yaml_too_deep", "data/x.yaml", 1)]


@pytest.mark.parametrize("text, words", [
    ("a: 1\n---\nb: 2\n", "一个文件只能有一份数据"),
    ("a: 1\nb: \x00\n", "控制字符"),
    ("? [a]\n: b\n", "键必须是简单的文字"),
    ("a: !!python/object:os.system x\n", "不支持的 YAML 标签"),
    ("a: b: c\n", "这里不能出现“键: 值”"),
])
def test_other_syntax_errors_in_chinese(tmp_path, text, words):
    [(code, _, _)] = read(tmp_path, text)
    assert code == "yaml_syntax"
    assert words in only(tmp_path, text)


@pytest.mark.parametrize("code", sorted(docs.EXAMPLES))
def test_every_documented_example_gets_its_code(tmp_path, code):
    assert [c for c, _, _ in read(tmp_path, docs.EXAMPLES[code])] == [code]


def test_a_quote_inside_a_text_block_is_not_blamed(tmp_path):
    text = "description: |\n  他说\"你好,\n  就走了。\nname: 示例\na: b: c\n"
    assert read(tmp_path, text) == [("yaml_syntax", "data/x.yaml", 5)]


def test_bracket_open_at_the_end_of_the_file(tmp_path):
    assert read(tmp_path, "name: 示例\ndomains: [\n") == [("yaml_unclosed_bracket", "data/x.yaml", 2)]
    assert read(tmp_path, "name: 示例\ndomains: [a, \"]\", {x: 1}\n# [\n") == [
        ("yaml_unclosed_bracket", "data/x.yaml", 2)]
