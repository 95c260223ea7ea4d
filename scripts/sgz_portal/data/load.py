"""Read the YAML files of `data/` into plain records plus a line map.

Dates and times stay strings (YAML's timestamp and base-60 integer rules are
switched off), so that JSON Schema judges them and `9:00` is not silently 540.
Every value's line is remembered so that later stages can say `FILE:LINE`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sgz_portal.data.issues import Issue, issue

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
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise _DuplicateKey(str(key), key_node.start_mark.line + 1)
        seen[key] = key_node.start_mark.line + 1
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


def _line_map(node: yaml.Node, path: Path_, out: dict[Path_, int]) -> None:
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            out[path + (key,)] = key_node.start_mark.line + 1
            _line_map(value_node, path + (key,), out)
            out[path + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(item, path + (index,), out)


def read_document(path: Path, rel: str) -> tuple[Document | None, list[Issue]]:
    """Parse one YAML file; a syntax error becomes an Issue, never a traceback."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [issue("encoding", rel, 1, "")]
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except _DuplicateKey as dup:
        return None, [issue("duplicate_key", rel, dup.line, dup.key, key=dup.key)]
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 1
        return None, [issue("yaml_syntax", rel, line, "", detail=err.problem or str(err))]
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {}
    if node is not None:
        _line_map(node, (), lines)
    return Document(rel, data, lines), []


def load(data_dir: Path) -> tuple[RawData, list[Issue]]:
    """Read every file of the data contract found under `data_dir`."""
    data_dir = Path(data_dir)
    raw = RawData(root=data_dir)
    problems: list[Issue] = []
    base = data_dir.parent

    def read(path: Path) -> Document | None:
        doc, found = read_document(path, path.relative_to(base).as_posix())
        problems.extend(found)
        if doc is None:
            kind = path.parent.name if path.parent != data_dir else path.stem
            raw.unreadable.add(kind)
        return doc

    if not data_dir.is_dir():
        return raw, [issue("missing_data_dir", str(data_dir), 1, "")]
    for name in ("site", "regions", "services", "agencies"):
        path = data_dir / f"{name}.yaml"
        if path.is_file():
            setattr(raw, name, read(path))
        else:
            problems.append(issue("missing_file", f"{data_dir.name}/{name}.yaml", 1, ""))
    station_files = sorted((data_dir / "stations").glob("*.yaml")) if (data_dir / "stations").is_dir() else []
    if (data_dir / "stations.yaml").is_file():
        station_files.insert(0, data_dir / "stations.yaml")
    if not station_files:
        problems.append(issue("missing_file", f"{data_dir.name}/stations.yaml", 1, ""))
    raw.stations = [d for d in map(read, station_files) if d is not None]
    project_dir = data_dir / "projects"
    project_files = sorted(project_dir.glob("*.yaml")) if project_dir.is_dir() else []
    raw.projects = [d for d in map(read, project_files) if d is not None]
    plan_dir = data_dir / "plans"
    plan_files = sorted(plan_dir.glob("*.yaml")) if plan_dir.is_dir() else []
    raw.plans = [d for d in map(read, plan_files) if d is not None]
    for name in ("resources", "rules"):
        if (data_dir / f"{name}.yaml").is_file():
            setattr(raw, name, read(data_dir / f"{name}.yaml"))
    strays = [*data_dir.glob("*.yml"), *(f for sub in ("stations", "projects", "plans")
                                         for f in data_dir.glob(f"{sub}/*.yml"))]
    for stray in sorted(strays):
        problems.append(issue("wrong_extension", stray.relative_to(base).as_posix(), 1, ""))
    return raw, problems


Located = tuple[Document, Path_, dict]


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
