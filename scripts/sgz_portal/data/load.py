"""Read the YAML files of `data/` into plain records plus a line map.

Dates and times stay strings (YAML's timestamp and base-60 integer rules are
switched off), so that JSON Schema judges them and `9:00` is not silently 540.
Every value's line is remembered so that later stages can say `FILE:LINE`.
"""
from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sgz_portal.data import forked
from sgz_portal.data.issues import Issue, issue
from sgz_portal.data.memo import Memo, issues_in, issues_out
from sgz_portal.data.memo import digest as memo_digest

Path_ = tuple[str | int, ...]


# libyaml's parser when PyYAML was built with it (several times faster on large data);
# the resolver and constructors stay Python, so the rule changes below apply to both.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """SafeLoader without timestamps and sexagesimal integers."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_INT = re.compile(
    r"""^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$""", re.X
)
for _first, _resolvers in _Loader.yaml_implicit_resolvers.items():
    _Loader.yaml_implicit_resolvers[_first] = [
        (tag, _INT if tag == "tag:yaml.org,2002:int" else rx) for tag, rx in _resolvers
    ]


def _no_duplicate_keys(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue  # `<<: *defaults` may be overridden by the keys written next to it
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(None, None, "found unhashable key", key_node.start_mark) from None
        if key in seen:
            raise _DuplicateKey(str(key), key_node.start_mark.line + 1)
        seen[key] = key_node.start_mark.line + 1
    loader.flatten_mapping(node)
    return loader.construct_mapping(node, deep=deep)


class _DuplicateKey(Exception):
    def __init__(self, key: str, line: int) -> None:
        super().__init__(key)
        self.key, self.line = key, line


_Loader.add_constructor("tag:yaml.org,2002:map", _no_duplicate_keys)


@dataclass
class Document:
    """One parsed YAML file: its records and where each value stood."""

    file: str  # path relative to the project, e.g. data/stations/east.yaml
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    digest: str = ""  # SHA-256 of the file's bytes, when read with a memo (data/memo.py)
    # with the digest: one per record of a `stations:` list, in order (record_digests)
    records: list[str] = field(default_factory=list)

    def line(self, path: Path_) -> int:
        """The line of `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


@dataclass
class RawData:
    """Everything read from `data/`, keyed by kind of file."""

    root: Path
    site: Document | None = None
    regions: Document | None = None
    services: Document | None = None
    agencies: Document | None = None
    stations: list[Document] = field(default_factory=list)
    projects: list[Document] = field(default_factory=list)
    plans: list[Document] = field(default_factory=list)  # optional: data/plans/*.yaml
    resources: Document | None = None  # optional: data/resources.yaml
    rules: Document | None = None
    unreadable: set[str] = field(default_factory=set)  # kinds with a file that failed to parse
    memo: Memo | None = None  # per-file results kept for the next build (data/memo.py), if any


def _line_map(node: yaml.Node, path: Path_, out: dict[Path_, int], wrong: list[tuple[int, str]],
              role: str = "root") -> None:
    """Record the line of every value; collect in `wrong` plain scalars where full-width
    punctuation stands for YAML syntax (see _fullwidth_char)."""
    out[path] = node.start_mark.line + 1
    cls = type(node)
    if cls is yaml.MappingNode:
        for key_node, value_node in node.value:
            key = key_node.value
            out[path + (key,)] = key_node.start_mark.line + 1
            if type(key_node) is yaml.ScalarNode and (char := _fullwidth_char(key_node, "key")):
                wrong.append((key_node.start_mark.line + 1, char))
            _line_map(value_node, path + (key,), out, wrong, "value")
            out[path + (key,)] = key_node.start_mark.line + 1
    elif cls is yaml.SequenceNode:
        role = "flow item" if getattr(node, "flow_style", False) else "item"
        for index, item in enumerate(node.value):
            _line_map(item, path + (index,), out, wrong, role)
    elif cls is yaml.ScalarNode and (char := _fullwidth_char(node, role)):
        wrong.append((node.start_mark.line + 1, char))


def _fullwidth_char(node: yaml.Node, role: str) -> str | None:
    """Full-width punctuation the parser took for text although it was meant as syntax:
    `[a，b]` (one item), `－ a` (no list), `- name：x` (an item, no key). The text of values
    is free (`hours_note: QQ：123` is fine) and is not judged."""
    value = node.value
    if getattr(node, "style", None) or not isinstance(value, str):  # quoted: text on purpose
        return None
    if value.startswith("－"):
        return "－"
    if role == "flow item" and "，" in value:
        return "，"
    if role != "value" and "：" in value and re.match(r"^[a-z_][a-z0-9_]*\s*：", value):
        return "："
    return None


# Limits that no file of the contract comes near; beyond them a file is refused before it is
# built in memory: a "billion laughs" of nested aliases, or brackets nested deep enough to
# exhaust the parser's stack.
MAX_DEPTH = 64
ALIAS_BUDGET = 10_000  # values that aliases may add to a file, in total

_FULLWIDTH = {"：": ":", "，": ",", "－": "-"}
# Full-width punctuation where YAML expects its syntax: after an (ASCII) key, as a list dash,
# or between the items of a [..] / {..} list.
_FULLWIDTH_SYNTAX = (
    ("：", re.compile(r"^\s*(?:-\s+)?[A-Za-z_][A-Za-z0-9_-]*\s*：")),
    ("－", re.compile(r"^\s*－\s")),
    ("，", re.compile(r"^[^#'\"]*[\[{][^\]}'\"]*，")),
)
# libyaml's problems, in the words an editor understands.
_PROBLEM_WORDS = (
    ("mapping values are not allowed", "这里不能出现“键: 值”,请检查上一行的缩进,或给含有冒号的文字加引号"),
    ("could not find expected ':'", "缺少冒号“:”(键和值之间要用半角冒号加一个空格)"),
    ("did not find expected key", "缩进没有对齐,同一层的键要对齐"),
    ("did not find expected '-' indicator", "列表的缩进没有对齐,同一列表的“- ”要对齐"),
    ("expected <block end>", "缩进没有对齐,同一层的键要对齐"),
    ("cannot start any token", "这个字符不能作为值的开头,请给这个值加引号"),
    ("found undefined alias", "使用了未定义的别名(*)"),
    ("found unhashable key", "键必须是简单的文字"),
    ("could not determine a constructor", "不支持的 YAML 标签(!...),请去掉"),
    ("control characters are not allowed", "文件中有不可见的控制字符,请删除"),
    ("found duplicate anchor", "锚点(&)名称重复"),
    ("another document", "一个文件只能有一份数据,请去掉多余的“---”"),
)


class _Refused(Exception):
    """A file refused before it is built: too deep, or aliases that expand too far."""

    def __init__(self, code: str, line: int, **values: Any) -> None:
        super().__init__(code)
        self.code, self.line, self.values = code, line, values


_STARTS = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_ENDS = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


def _guard(text: str) -> None:
    """One pass over the parser's events (iterative, so it cannot overflow the stack) before
    the document is composed: refuse deep nesting, aliases that refer to themselves, and
    aliases whose expansion exceeds ALIAS_BUDGET values."""
    loader = _Loader(text)
    try:
        if "*" in text:
            _guard_aliases(loader)
        else:  # no alias can be written without `*`: only the depth matters
            depth = 0
            event = loader.get_event()
            while event is not None and type(event) is not yaml.StreamEndEvent:
                cls = type(event)
                if cls in _STARTS:
                    depth += 1
                    if depth > MAX_DEPTH:
                        raise _Refused("yaml_too_deep", event.start_mark.line + 1, limit=MAX_DEPTH)
                elif cls in _ENDS:
                    depth -= 1
                event = loader.get_event()
    finally:
        loader.dispose()


def _guard_aliases(loader: _Loader) -> None:
    sizes: dict[str, int] = {}
    stack: list[list[Any]] = [[None, 0]]  # [anchor, expanded size]
    added = 0
    event = loader.get_event()
    while event is not None and type(event) is not yaml.StreamEndEvent:
        cls = type(event)
        if cls is yaml.ScalarEvent:
            if event.anchor is not None:
                sizes[event.anchor] = 1
            stack[-1][1] += 1
        elif cls in _STARTS:
            stack.append([event.anchor, 0])
            if len(stack) > MAX_DEPTH + 1:
                raise _Refused("yaml_too_deep", event.start_mark.line + 1, limit=MAX_DEPTH)
        elif cls in _ENDS:
            anchor, size = stack.pop()
            if anchor is not None:
                sizes[anchor] = size + 1
            stack[-1][1] += size + 1
        elif cls is yaml.AliasEvent:
            line = event.start_mark.line + 1
            if any(frame[0] == event.anchor for frame in stack):
                raise _Refused("yaml_alias_recursive", line, name=event.anchor)
            size = sizes.get(event.anchor or "", 1)
            added += size
            if added > ALIAS_BUDGET:
                raise _Refused("yaml_alias_budget", line, name=event.anchor, limit=ALIAS_BUDGET)
            stack[-1][1] += size
        event = loader.get_event()


def _read_text(path: Path, rel: str) -> tuple[str | None, list[Issue]]:
    """The file as text: UTF-8, with or without a BOM, any line ends. A GBK/GB18030 file (what
    Notepad and WPS save as "ANSI" on Chinese Windows) is named as such."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None, [issue("encoding", rel, line, "")]
    if re.search(r"[\u4e00-\u9fff]", text):
        return None, [issue("encoding_gbk", rel, line, "")]
    return None, [issue("encoding", rel, line, "")]


def _fullwidth(lines: list[str], first: int, last: int) -> tuple[int, str] | None:
    """The line (1-based, searched from `last` back to `first`) where full-width punctuation
    stands for YAML syntax, and the character."""
    for n in range(min(last, len(lines)), max(first, 1) - 1, -1):
        for char, rx in _FULLWIDTH_SYNTAX:
            if rx.search(lines[n - 1]):
                return n, char
    return None


_OPENING_QUOTE = re.compile(r"""^\s*(?:-\s+)*(?:[^\s#'"\[{][^#]*?:\s+)?(["'])(.*)$""")
_BLOCK_SCALAR = re.compile(r":\s*[|>][-+0-9]*\s*(?:#.*)?$")


def _unclosed_quote(lines: list[str], last: int) -> tuple[int, str] | None:
    """The last line up to `last` whose value opens a quote it does not close (the parser then
    reads on to the next quote, lines later, and trips over what follows)."""
    found = None
    block: int | None = None  # indentation of the key of a `|` / `>` block being skipped
    for n, line in enumerate(lines[:last], start=1):
        indent = len(line) - len(line.lstrip())
        if block is not None and (not line.strip() or indent > block):
            continue
        block = indent if _BLOCK_SCALAR.search(line) else None
        match = _OPENING_QUOTE.match(line)
        if match:
            quote, rest = match[1], match[2]
            closed = ("'" in rest.replace("''", "")) if quote == "'" else re.search(r'(?<!\\)"', rest)
            if not closed:
                found = (n, quote)
    return found


def _open_bracket(text: str) -> tuple[int, str] | None:
    """The line and character of the first `[` or `{` never closed (quotes and comments skipped)."""
    stack: list[tuple[int, str]] = []
    line, quote, comment = 1, "", False
    for i, ch in enumerate(text):
        if ch == "\n":
            line, comment = line + 1, False
        elif comment:
            continue
        elif quote:
            if ch == quote and (quote == "'" or text[i - 1] != "\\"):
                quote = ""
        elif ch in "\"'" and (i == 0 or text[i - 1] in " \t[{,:-\n"):
            quote = ch
        elif ch == "#" and (i == 0 or text[i - 1] in " \t\n"):
            comment = True
        elif ch in "[{":
            stack.append((line, ch))
        elif ch in "]}" and stack:
            stack.pop()
    return stack[0] if stack else None


def _syntax_issue(rel: str, text: str, err: yaml.YAMLError) -> Issue:
    """A parser error as an Issue at the line of the mistake, in Chinese where we can."""
    context = getattr(err, "context", None) or ""
    problem = getattr(err, "problem", None) or str(err)
    start = getattr(err, "context_mark", None)
    mark = getattr(err, "problem_mark", None) or start
    line = mark.line + 1 if mark else 1
    if isinstance(err, yaml.reader.ReaderError):
        line = text.count("\n", 0, err.position) + 1
        return issue("yaml_syntax", rel, line, "", detail="文件中有不可见的控制字符,请删除")
    lines = text.splitlines()
    if start is not None and "quoted scalar" in context:
        quote = text[start.index] if start.index < len(text) else '"'
        return issue("yaml_unclosed_quote", rel, start.line + 1, "", quote=quote)
    if start is not None and ("flow sequence" in context or "flow mapping" in context):
        bracket = "[" if "sequence" in context else "{"
        found = _fullwidth(lines, start.line + 1, line)
        if found and found[1] == "，":
            return issue("yaml_fullwidth", rel, found[0], "", char="，", ascii=",")
        return issue("yaml_unclosed_bracket", rel, start.line + 1, "", bracket=bracket,
                     closing="]" if bracket == "[" else "}")
    if "flow node" in context or "expected node content" in problem:
        opened = _open_bracket(text)
        if opened:
            return issue("yaml_unclosed_bracket", rel, opened[0], "", bracket=opened[1],
                         closing="]" if opened[1] == "[" else "}")
    tab_line = next((n for n in (line, (start.line + 1) if start else line)
                     if 0 < n <= len(lines) and "\t" in lines[n - 1][:len(lines[n - 1]) - len(lines[n - 1].lstrip())]),
                    None)
    if tab_line is not None or "tab character" in problem or "'\\t'" in problem:
        return issue("yaml_tab", rel, tab_line or line, "")
    found = _fullwidth(lines, min(line, (start.line + 1) if start else line) - 2, line)
    if found:
        return issue("yaml_fullwidth", rel, found[0], "", char=found[1], ascii=_FULLWIDTH[found[1]])
    quoted = _unclosed_quote(lines, line)
    if quoted:
        return issue("yaml_unclosed_quote", rel, quoted[0], "", quote=quoted[1])
    words = next((w for english, w in _PROBLEM_WORDS if english in problem), problem)
    return issue("yaml_syntax", rel, line, "", detail=words)


def read_document(path: Path, rel: str) -> tuple[Document | None, list[Issue]]:
    """Parse one YAML file; any mistake becomes an Issue at its line, never a traceback."""
    text, problems = _read_text(path, rel)
    if text is None:
        return None, problems
    try:
        _guard(text)
    except _Refused as refused:
        return None, [issue(refused.code, rel, refused.line, "", **refused.values)]
    except yaml.YAMLError as err:
        return None, [_syntax_issue(rel, text, err)]
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except _DuplicateKey as dup:
        return None, [issue("duplicate_key", rel, dup.line, dup.key, key=dup.key)]
    except yaml.YAMLError as err:
        return None, [_syntax_issue(rel, text, err)]
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {}
    if node is not None:
        wrong: list[tuple[int, str]] = []
        _line_map(node, (), lines, wrong)
        if wrong:
            line, char = min(wrong)
            return None, [issue("yaml_fullwidth", rel, line, "", char=char, ascii=_FULLWIDTH[char])]
    return Document(rel, data, lines), []


def record_digests(data: Any) -> list[str]:
    """A digest of each record of a file's `stations:` list, in order: a province keeps a county's
    200 stations in one file, and an incremental build tells by these which of them changed
    (pages/inputs.py). The record as parsed, so neither a comment nor another record counts."""
    records = data.get("stations") if isinstance(data, dict) else None
    if not isinstance(records, list):
        return []
    return [memo_digest(repr(record).encode()) for record in records]


def _remembered(path: Path, rel: str, memo: Memo) -> tuple[Document | None, list[Issue]] | None:
    """What read_document gave for these very bytes last time, if the memo has it."""
    try:
        digest = memo_digest(path.read_bytes())
    except OSError:
        return None
    return _from_memo(memo.get(memo.key("read", rel, digest)), rel, digest)


def _from_memo(kept: Any, rel: str, digest: str) -> tuple[Document | None, list[Issue]] | None:
    if kept is None:
        return None
    present, data, lines, found, records = kept
    return (Document(rel, data, lines, digest, records) if present else None), issues_in(found)


def read_memoized(path: Path, rel: str, memo: Memo) -> tuple[Document | None, list[Issue]]:
    """read_document, or what it gave for these very bytes last time."""
    try:
        digest = memo_digest(path.read_bytes())
    except OSError:
        return read_document(path, rel)
    key = memo.key("read", rel, digest)
    known = _from_memo(memo.get(key), rel, digest)
    if known is not None:
        return known
    doc, problems = read_document(path, rel)
    if doc is not None:
        doc.digest, doc.records = digest, record_digests(doc.data)
    memo.put(key, (doc is not None, doc.data if doc else None, doc.lines if doc else {}, issues_out(problems),
                   doc.records if doc else []))
    return doc, problems


def load(data_dir: Path, memo: Memo | None = None) -> tuple[RawData, list[Issue]]:
    """Read every file of the data contract found under `data_dir` (with `memo`: unchanged files
    are not parsed again)."""
    data_dir = Path(data_dir)
    raw = RawData(root=data_dir, memo=memo)
    problems: list[Issue] = []
    if not data_dir.is_dir():
        return raw, [issue("missing_data_dir", str(data_dir), 1, "")]
    singles = {name: data_dir / f"{name}.yaml" for name in ("site", "regions", "services", "agencies", "resources", "rules")}
    station_files = sorted((data_dir / "stations").glob("*.yaml")) if (data_dir / "stations").is_dir() else []
    if (data_dir / "stations.yaml").is_file():
        station_files.insert(0, data_dir / "stations.yaml")
    project_dir, plan_dir = data_dir / "projects", data_dir / "plans"
    project_files = sorted(project_dir.glob("*.yaml")) if project_dir.is_dir() else []
    plan_files = sorted(plan_dir.glob("*.yaml")) if plan_dir.is_dir() else []
    files = [path for path in singles.values() if path.is_file()] + station_files + project_files + plan_files
    read_all = dict(zip(files, _read_files([(path, path.relative_to(data_dir.parent).as_posix()) for path in files],
                                           memo)))

    def read(path: Path) -> Document | None:
        doc, found = read_all[path]
        problems.extend(found)
        if doc is None:
            kind = path.parent.name if path.parent != data_dir else path.stem
            raw.unreadable.add(kind)
        return doc

    for name in ("site", "regions", "services", "agencies"):
        if singles[name].is_file():
            setattr(raw, name, read(singles[name]))
        else:
            problems.append(issue("missing_file", f"{data_dir.name}/{name}.yaml", 1, ""))
    if not station_files:
        problems.append(issue("missing_file", f"{data_dir.name}/stations.yaml", 1, ""))
    raw.stations = [d for d in map(read, station_files) if d is not None]
    raw.projects = [d for d in map(read, project_files) if d is not None]
    raw.plans = [d for d in map(read, plan_files) if d is not None]
    for name in ("resources", "rules"):
        if singles[name] in read_all:
            setattr(raw, name, read(singles[name]))
    strays = [*data_dir.glob("*.yml"), *(f for sub in ("stations", "projects", "plans")
                                         for f in data_dir.glob(f"{sub}/*.yml"))]
    for stray in sorted(strays):
        problems.append(issue("wrong_extension", stray.relative_to(data_dir.parent).as_posix(), 1, ""))
    return raw, problems


# From this many files, a fork of this process reads the second half of them meanwhile: a
# province's 7,400 files took 46 s to parse and check on one core, with the second one idle.
PARALLEL_FILES = 200

_Read = tuple[Document | None, list[Issue]]


def _read_files(files: list[tuple[Path, str]], memo: Memo | None) -> list[_Read]:
    """read_document (or read_memoized) of each file, in order. What the memo has is taken from it
    here: a fork would only hand it back through a pipe, which cost a province's incremental build
    1.3 s of waiting for its half. Of the other files, the later half by a fork (_parse_files)."""
    if memo is None or not memo.read:  # nothing to take from it (a full build)
        return _parse_files(files, memo)
    known = {n: hit for n, (path, rel) in enumerate(files) if (hit := _remembered(path, rel, memo)) is not None}
    parsed = iter(_parse_files([f for n, f in enumerate(files) if n not in known], memo))
    return [known[n] if n in known else next(parsed) for n in range(len(files))]


def _parse_files(files: list[tuple[Path, str]], memo: Memo | None) -> list[_Read]:
    """_read_one of each file, in order; from PARALLEL_FILES files on, the later half (by size) by a fork."""
    if len(files) < PARALLEL_FILES or not forked.available():
        return [_read_one(path, rel, memo) for path, rel in files]
    running = list(itertools.accumulate(path.stat().st_size for path, _ in files))
    half = bisect.bisect_left(running, running[-1] / 2) + 1  # the first half holds half the bytes
    ahead = forked.Forked(lambda: _read_plain(files[half:], memo))
    first = [_read_one(path, rel, memo) for path, rel in files[:half]]
    plain, used, hits = ahead.result()
    if memo is not None:  # the keys the fork read or wrote are this build's too (Memo.prune)
        memo.used.update(used)
        memo.hits += hits
    return first + [_from_plain(rel, value) for (_, rel), value in zip(files[half:], plain)]


def _read_one(path: Path, rel: str, memo: Memo | None) -> _Read:
    return read_document(path, rel) if memo is None else read_memoized(path, rel, memo)


def _read_plain(files: list[tuple[Path, str]], memo: Memo | None) -> tuple[list[tuple], list[str], int]:
    """_read_one of each file as plain values (marshal), with the memo keys used and the hits
    (this memo's own counts are left as they were: the caller adds them, once, wherever this ran)."""
    used, hits = (set(memo.used), memo.hits) if memo is not None else (set(), 0)
    values = []
    for path, rel in files:
        doc, found = _read_one(path, rel, memo)
        values.append((doc is not None, doc.data if doc else None, doc.lines if doc else {}, issues_out(found),
                       doc.digest if doc else "", doc.records if doc else []))
    if memo is None:
        return values, [], 0
    new_used, new_hits = sorted(memo.used - used), memo.hits - hits
    memo.used, memo.hits = used, hits
    return values, new_used, new_hits


def _from_plain(rel: str, value: tuple) -> _Read:
    present, data, lines, found, digest, records = value
    return (Document(rel, data, lines, digest, records) if present else None), issues_in(found)


Located = tuple[Document, Path_, dict]


def strings_in(node: Any) -> Iterator[str]:
    """Every string in parsed YAML (or any nest of dicts and lists), depth first."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings_in(value)


def items(doc: Document | None, key: str) -> list[Located]:
    """The records of list `key` in `doc`, each with its path."""
    if doc is None or not isinstance(doc.data, dict) or not isinstance(doc.data.get(key), list):
        return []
    return [(doc, (key, i), r) for i, r in enumerate(doc.data[key]) if isinstance(r, dict)]


def station_records(raw: RawData) -> list[Located]:
    """Stations from every station file; a file holds a `stations:` list or one station."""
    out: list[Located] = []
    for doc in raw.stations:
        if isinstance(doc.data, dict) and "stations" in doc.data:
            out.extend(items(doc, "stations"))
        elif isinstance(doc.data, dict):
            out.append((doc, (), doc.data))
    return out


def project_records(raw: RawData) -> list[Located]:
    return [(doc, (), doc.data) for doc in raw.projects if isinstance(doc.data, dict)]


def plan_records(raw: RawData) -> list[Located]:
    return [(doc, (), doc.data) for doc in raw.plans if isinstance(doc.data, dict)]
