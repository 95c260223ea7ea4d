"""The distribution as pip installs it: a wheel built offline from the repository's sources declares the
runtime set (and the test tools only under the `test` extra), carries the JSON Schemas and every module,
and declares the `sgz-portal` command and the `sgz-portal` mkdocs plugin."""
from __future__ import annotations

import configparser
import email.parser
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "scripts" / "sgz_portal"
RUNTIME = {"mkdocs", "mkdocs-material", "jinja2", "markupsafe", "markdown", "pyyaml", "jsonschema", "nh3",
           "segno", "cbor2", "pagefind", "pagefind-bin-extended"}
TEST_ONLY = {"pytest", "playwright", "axe-playwright-python", "ruff", "mypy", "python-stdnum"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """Built from a copy of the sources, so the repository gets no build/ or egg-info folder."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(PACKAGE, src / "scripts" / "sgz_portal",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--disable-pip-version-check", "-w", str(out), str(src)], check=True)
    [built] = out.glob("sgz_portal-*.whl")
    return zipfile.ZipFile(built)


def dist_info(wheel: zipfile.ZipFile, name: str) -> str:
    [path] = [n for n in wheel.namelist() if re.fullmatch(rf"sgz_portal-[^/]+\.dist-info/{name}", n)]
    return wheel.read(path).decode("utf-8")


def requirements(wheel: zipfile.ZipFile) -> dict[str, str]:
    """Normalised distribution name -> its environment marker ('' when always required)."""
    metadata = email.parser.Parser().parsestr(dist_info(wheel, "METADATA"))
    found = {}
    for line in metadata.get_all("Requires-Dist") or []:
        spec, _, marker = line.partition(";")
        name = re.match(r"[A-Za-z0-9._-]+", spec.strip()).group(0)
        found[re.sub(r"[-_.]+", "-", name).lower()] = marker.strip()
    return found


def test_the_distribution_is_named_sgz_portal(wheel: zipfile.ZipFile) -> None:
    metadata = email.parser.Parser().parsestr(dist_info(wheel, "METADATA"))
    assert metadata["Name"] == "sgz-portal"
    assert "test" in (metadata.get_all("Provides-Extra") or [])


def test_runtime_dependencies_are_unconditional(wheel: zipfile.ZipFile) -> None:
    found = requirements(wheel)
    assert {name: found.get(name) for name in RUNTIME} == dict.fromkeys(RUNTIME, "")


def test_test_tools_come_only_with_the_test_extra(wheel: zipfile.ZipFile) -> None:
    found = requirements(wheel)
    assert {name: found.get(name) for name in TEST_ONLY} == dict.fromkeys(TEST_ONLY, 'extra == "test"')
    assert [name for name, marker in found.items() if marker and name in RUNTIME] == []


def test_every_module_and_schema_is_in_the_wheel(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    sources = {p.relative_to(PACKAGE.parent).as_posix() for p in PACKAGE.rglob("*")
               if p.suffix in (".py", ".json") and "__pycache__" not in p.parts}
    assert {s for s in sources if s.endswith(".json")} >= {
        f"sgz_portal/data/schemas/{n}.schema.json" for n in ("site", "regions", "services", "agencies",
                                                             "stations", "project", "rules")}
    assert sorted(sources - names) == []
    assert "sgz_portal/py.typed" in names


def test_the_command_and_the_mkdocs_plugin_are_declared(wheel: zipfile.ZipFile) -> None:
    entry_points = configparser.ConfigParser()
    entry_points.read_string(dist_info(wheel, "entry_points.txt"))
    assert dict(entry_points["console_scripts"]) == {"sgz-portal": "sgz_portal.cli:main"}
    assert dict(entry_points["mkdocs.plugins"]) == {"sgz-portal": "sgz_portal.site.plugin:PortalPlugin"}


# --- what make installs ------------------------------------------------------------------------------

def make_plan(target: str) -> str:
    """The commands `make` would run for `target` from scratch (-B: as if nothing were set up; -n: run none)."""
    done = subprocess.run(["make", "-n", "-B", "-C", str(ROOT), target], capture_output=True, text=True, check=True)
    return done.stdout


@pytest.mark.parametrize("target", ["check", "site", "serve"])
def test_building_installs_only_the_runtime_set(target: str) -> None:
    plan = make_plan(target)
    installs = [line for line in plan.splitlines() if "pip install" in line]
    assert installs and all("-c constraints.txt" in line for line in installs)
    assert all(line.rstrip().endswith("-e .") for line in installs), installs
    assert "sgz-portal" in plan and "[test]" not in plan and "pytest" not in plan


def test_make_test_adds_the_test_extra() -> None:
    plan = make_plan("test")
    assert "-c constraints.txt -e '.[test]'" in plan
    assert "ruff check" in plan and "mypy" in plan and "pytest" in plan
