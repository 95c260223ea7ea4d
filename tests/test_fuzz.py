"""Fuzzed: mutated contract data never gives a traceback, every line `sgz-portal check` prints
is `FILE:LINE: …` (or one of the known heading and count lines), and nothing is published
when the data has an error.

Hypothesis mutates the minimal fixture: a value replaced by a wrong type, a huge or empty
value, odd Unicode or a deep nest; a key dropped or added; a record repeated; stray
characters typed into the YAML text; a file replaced by random bytes. Derandomised (the
same examples on every run, so CI is reproducible) and kept small so the suite stays fast.
"""
from __future__ import annotations

import contextlib
import copy
import io
import re
import shutil
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sgz_portal import cli
from sgz_portal.site import build as build_module

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "tests" / "fixtures" / "minimal" / "data"
CONFIG = ROOT / "mkdocs.yml"
FILES = sorted(p.relative_to(MINIMAL).as_posix() for p in MINIMAL.rglob("*.yaml"))

FUZZ = settings(max_examples=50, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

# What `check` may print besides FILE:LINE lines: the as-of date, group headings of the
# findings per station or project, blank lines, an environment problem, and the one count.
LINE = re.compile(r"^(?:  (?:错误|提醒) )?data/[^:\n]+:\d+: ")
KNOWN = re.compile(r"^(?:判定日期:\d{4}-\d{2}-\d{2}|(?:未填写)?网站地址 base_url.*|\n?【.*】\(.*\)|共 \d+ 个错误,\d+ 个提醒。(?:数据有错误,不能发布。|可以发布。)?"
                   r"|数据有错误,未生成网站,原有的 site/ 保持不变:|已生成 .*|)$")

odd_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True), odd_text,
    st.sampled_from(["", " ", "\t", "\u200b", "\ufeff", "𠀀𪚥", "‮evil", "1e309", "0x1F", "null", "~", "-", "?",
                     "2025-02-30", "9:00", "24:00", "990101001001", "<script>alert(1)</script>",
                     "files/../../etc/passwd", "a" * 100_000]),
)


def deep(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


values = st.one_of(
    scalars,
    st.lists(scalars, max_size=4),
    st.dictionaries(odd_text, scalars, max_size=3),
    st.integers(min_value=1, max_value=120).map(deep),
    st.just([]), st.just({}),
)


def paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += paths(value, prefix + (i,))
    return out


def originals() -> dict[str, Any]:
    return {name: yaml.safe_load((MINIMAL / name).read_text(encoding="utf-8")) for name in FILES}


@st.composite
def mutated(draw) -> dict[str, str | bytes]:
    """Every file of the fixture as text (or bytes), one or two of them mutated."""
    docs = originals()
    out: dict[str, str | bytes] = {}
    for _ in range(draw(st.integers(min_value=1, max_value=2))):
        name = draw(st.sampled_from(FILES))
        doc = docs[name]
        path = draw(st.sampled_from(paths(doc)))
        kind = draw(st.sampled_from(["replace", "replace", "drop", "add", "repeat", "bytes", "typo"]))
        parent = doc
        for part in path[:-1]:
            parent = parent[part]
        if kind == "replace" and path:
            parent[path[-1]] = copy.deepcopy(draw(values))
        elif kind == "replace":
            docs[name] = copy.deepcopy(draw(values))
        elif kind == "drop" and path:
            del parent[path[-1]]
        elif kind == "add":
            target = parent[path[-1]] if path else doc
            if isinstance(target, dict):
                target[draw(odd_text)] = copy.deepcopy(draw(values))
            elif isinstance(target, list):
                target.append(copy.deepcopy(draw(values)))
        elif kind == "repeat" and path and isinstance(parent, list):
            parent.append(parent[path[-1]])
        elif kind == "bytes":
            out[name] = draw(st.binary(max_size=200))
        elif kind == "typo":
            text = yaml.safe_dump(docs[name], allow_unicode=True, sort_keys=False)
            at = draw(st.integers(min_value=0, max_value=len(text)))
            stray = draw(st.sampled_from(["\t", '"', "'", "[", "{", "：", "，", "－", "&a ", "*a", "\r\n", "\ufeff",
                                          "\x00", ": ", "- ", "#", "!!binary ", "&x [*x]", "---\n"]))
            out[name] = text[:at] + stray + text[at:]
    for name, doc in docs.items():
        if name not in out:
            try:
                out[name] = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
            except (yaml.YAMLError, RecursionError):
                out[name] = "{}\n"
    return out


def write(tmp: Path, files: dict[str, str | bytes]) -> Path:
    data = tmp / "data"
    if data.exists():
        shutil.rmtree(data)
    shutil.copytree(MINIMAL, data)
    for name, content in files.items():
        (data / name).write_bytes(content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content)
    return data


def run(*args: str) -> tuple[int, list[str]]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["--config", str(CONFIG), *args])
    return code, (out.getvalue() + err.getvalue()).splitlines()


def assert_all_located(lines: list[str]) -> None:
    strays = [line for line in lines if not LINE.match(line) and not KNOWN.match(line)]
    assert strays == [], strays


@FUZZ
@given(files=mutated())
def test_check_never_crashes_and_always_points_at_a_line(tmp_path_factory, files):
    data = write(tmp_path_factory.mktemp("fuzz"), files)
    code, lines = run("--data", str(data), "check")
    assert code in (0, 1)
    assert_all_located(lines)
    assert (code == 1) == any("错误" in line and not line.startswith("共 0 个错误") for line in lines)


@FUZZ
@given(files=mutated())
def test_build_publishes_nothing_on_error(tmp_path_factory, monkeypatch, files):
    """The render step is replaced by a stub (mkdocs per example would take minutes); what is
    fuzzed is everything before it, and the promise that errors publish nothing."""
    def render(prepared, data_dir, out, config_file, *_):
        (out / "index.html").write_text(prepared.portal.site.name, encoding="utf-8")
    monkeypatch.setattr(build_module, "_render", render)
    tmp = tmp_path_factory.mktemp("fuzz")
    data = write(tmp, files)
    site = tmp / "site"
    site.mkdir()
    (site / "index.html").write_text("old", encoding="utf-8")
    code, lines = run("--data", str(data), "build", "--site", str(site))
    assert_all_located(lines)
    if code != 0:
        assert (site / "index.html").read_text(encoding="utf-8") == "old"
    assert not [p for p in tmp.iterdir() if p.name.startswith(".site-")]


@FUZZ
@given(blob=st.binary(min_size=0, max_size=4000), name=st.sampled_from(FILES))
def test_random_bytes_as_a_file(tmp_path_factory, blob, name):
    data = write(tmp_path_factory.mktemp("fuzz"), {name: blob})
    code, lines = run("--data", str(data), "check")
    assert_all_located(lines)
