"""The shape of the package, read from its source with `ast` (nothing is imported):

- the imports between sgz_portal modules form no cycle;
- every import sits at module level (none in a function, class, `if TYPE_CHECKING:` or `try:`);
- stages only import downward: data < rules < pipeline < editing/sheets < opendata < pages < site < cli/docs/__main__
  (a module may import modules of its own stage);
- every module opens with a docstring.

The same checks also run on a small package made to break each rule, so that they are known to fail.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "scripts" / "sgz_portal"

# Stage of each top-level part of the package; a module may import only from its own stage or below.
LAYERS = {"data": 0, "rules": 1, "pipeline": 2, "editing": 3, "sheets": 3, "opendata": 4, "pages": 5, "site": 6,
          "cli": 7, "docs": 7, "__main__": 7}


def modules(root: Path) -> dict[str, ast.Module]:
    """Dotted name -> parsed source, for every .py file of the package at `root`."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = [root.name, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return found


def _package_of(name: str, tree: ast.Module, root: Path) -> str:
    """The package a module's relative imports start from."""
    is_init = (root.parent / Path(*name.split("."), "__init__.py")).is_file()
    return name if is_init else name.rpartition(".")[0]


def imports(name: str, tree: ast.Module, known: set[str], root: Path) -> set[str]:
    """The package's own modules that module `name` imports (`from a import b` counts as a.b if b is a module)."""
    top = root.name
    targets: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = _package_of(name, tree, root).split(".")
                package = package[: len(package) - (node.level - 1)]
                base = ".".join([*package, base] if base else package)
            for alias in node.names:
                targets.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    own = set()
    for target in targets:
        while target and target not in known and target.startswith(top + "."):
            target = target.rpartition(".")[0]  # sgz_portal.data.model.Portal -> sgz_portal.data.model
        if target in known and target != name:
            own.add(target)
    return own


def graph(root: Path) -> dict[str, set[str]]:
    trees = modules(root)
    return {name: imports(name, tree, set(trees), root) for name, tree in trees.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected group of modules (Tarjan), or []."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1 or v in edges.get(v, ()):
                found.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def hidden_imports(root: Path) -> list[str]:
    """Imports that are not statements of the module body itself (in a def, class, if, try, with ...)."""
    bad = []
    for name, tree in modules(root).items():
        top_level = {id(node) for node in tree.body}
        bad += [f"{name}:{node.lineno}" for node in ast.walk(tree)
                if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in top_level]
    return bad


def layer(name: str) -> int:
    parts = name.split(".")
    return 0 if len(parts) == 1 else LAYERS[parts[1]]  # the package's own __init__ sits at the bottom


def upward_imports(root: Path) -> list[str]:
    return [f"{name} -> {target}" for name, targets in graph(root).items() for target in sorted(targets)
            if layer(target) > layer(name)]


def missing_docstrings(root: Path) -> list[str]:
    return [name for name, tree in modules(root).items() if not (ast.get_docstring(tree) or "").strip()]


# --- the package itself -------------------------------------------------------------------------

def test_every_part_of_the_package_has_a_stage():
    tops = {name.split(".")[1] for name in modules(PACKAGE) if "." in name}
    assert tops <= set(LAYERS), f"put these in LAYERS (and in the README's module map): {tops - set(LAYERS)}"


def test_no_import_cycle():
    assert cycles(graph(PACKAGE)) == []


def test_imports_only_at_module_level():
    assert hidden_imports(PACKAGE) == []


def test_stages_only_import_downward():
    assert upward_imports(PACKAGE) == []


def test_every_module_opens_with_a_docstring():
    assert missing_docstrings(PACKAGE) == []


def test_the_graph_sees_the_real_imports():
    edges = graph(PACKAGE)
    assert "sgz_portal.pipeline" in edges["sgz_portal.site.build"]
    assert "sgz_portal.opendata.feed" in edges["sgz_portal.opendata"]       # from sgz_portal.opendata import feed
    assert "sgz_portal.data.model" in edges["sgz_portal.opendata"]          # from ... import Portal (a name)
    assert "sgz_portal.pages.station" in edges["sgz_portal.pages.views"]


# --- the checks themselves, on a package built to break each rule ----------------------------------

@pytest.fixture
def bad_package(tmp_path: Path) -> Path:
    root = tmp_path / "sgz_portal"
    files = {
        "__init__.py": '"""Root."""\n',
        "data/__init__.py": '"""Data."""\n',
        "data/a.py": '"""A."""\nfrom sgz_portal.data import b\n',
        "data/b.py": '"""B."""\nfrom . import a\n',  # a <-> b
        "rules/judge.py": '"""Judge."""\nfrom sgz_portal.pages.views import Views\n',  # upward
        "pages/views.py": '"""Views."""\nfrom typing import TYPE_CHECKING\n'
                          'if TYPE_CHECKING:\n    from sgz_portal.site import plugin\n'
                          'def f():\n    import json\n    return json\n',
        "site/plugin.py": 'import os\n',  # no docstring
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def test_the_checks_catch_a_bad_package(bad_package: Path):
    assert cycles(graph(bad_package)) == [["sgz_portal.data.a", "sgz_portal.data.b"]]
    assert hidden_imports(bad_package) == ["sgz_portal.pages.views:4", "sgz_portal.pages.views:6"]
    assert upward_imports(bad_package) == ["sgz_portal.pages.views -> sgz_portal.site.plugin",
                                           "sgz_portal.rules.judge -> sgz_portal.pages.views"]
    assert missing_docstrings(bad_package) == ["sgz_portal.site.plugin"]


# --- the README's module map ----------------------------------------------------------------------

def readme_map() -> str:
    text = (PACKAGE.parent.parent / "README.md").read_text(encoding="utf-8")
    section = text.split("## 代码结构", 1)[1]
    return section.split("```", 2)[1]


def test_the_readme_module_map_matches_the_folders():
    block = readme_map()
    entries = {line.split()[0] for line in block.splitlines()[1:] if line.strip() and not line[0].isspace()}
    tops = {p.name + "/" for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    tops |= {p.name for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__", "docs")}
    assert entries == tops
    words = set(re.findall(r"[\w]+", block))
    stems = {p.stem for p in PACKAGE.rglob("*.py") if p.stem not in ("__init__", "__main__")}
    assert sorted(stems - words) == [], "every module is named in the README's map"
    named = set(re.findall(r"(\w+)\.py", block))
    assert sorted(named - stems) == [], "every module the README names exists"
