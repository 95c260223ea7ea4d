"""The sample's files name their JSON Schema (yaml-language-server header) and validate with
check-jsonschema, as an editor's tools see them; the schemas are published under schema/; and
stations may sit in data/stations.yaml, in data/stations/*.yaml, or both, for the same site."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from sgz_portal import cli
from sgz_portal.data.schema import SCHEMA_DIR
from sgz_portal.editing.scaffold import schema_for
from sgz_portal.pipeline import prepare
from tests.sitetext import digest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "fixtures" / "sample" / "data"
CONFIG = ROOT / "mkdocs.yml"
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
HEADER = re.compile(r"# yaml-language-server: \$schema=(\S+)")


def data_files(data: Path) -> list[Path]:
    return [p for p in sorted(data.rglob("*.yaml")) if p.relative_to(data).parts[0] != "files"]


def named_schema(path: Path) -> Path | None:
    m = HEADER.fullmatch(path.read_text(encoding="utf-8").splitlines()[0])
    return (path.parent / m.group(1)).resolve() if m else None


def check_jsonschema(schema: Path, files: list[Path]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CHECK_JSONSCHEMA), "--schemafile", str(schema), *map(str, files)],
                          capture_output=True, text=True, timeout=120)


def test_every_sample_file_names_its_schema_on_line_one() -> None:
    files = data_files(SAMPLE)
    assert len(files) >= 9
    wrong = {f.relative_to(SAMPLE).as_posix(): named_schema(f) for f in files
             if named_schema(f) != SCHEMA_DIR / schema_for(f.relative_to(SAMPLE))}
    assert wrong == {}


def test_the_sample_validates_with_check_jsonschema() -> None:
    by_schema: dict[Path, list[Path]] = defaultdict(list)
    for f in data_files(SAMPLE):
        by_schema[SCHEMA_DIR / schema_for(f.relative_to(SAMPLE))].append(f)
    for schema, files in by_schema.items():
        done = check_jsonschema(schema, files)
        assert done.returncode == 0, done.stdout + done.stderr


def test_check_jsonschema_sees_a_mistake(tmp_path: Path) -> None:
    bad = tmp_path / "nanhu.yaml"
    bad.write_text((SAMPLE / "stations" / "nanhu.yaml").read_text(encoding="utf-8")
                   .replace('open: "09:00"', "open: 9:00", 1).replace("    address:", "    adress:", 1),
                   encoding="utf-8")
    done = check_jsonschema(SCHEMA_DIR / "stations.schema.json", [bad])
    assert done.returncode == 1 and "adress" in done.stdout


def test_schemas_are_published_with_the_site(site: Path) -> None:
    assert (site / "schema" / "stations.schema.json").read_bytes() == (SCHEMA_DIR / "stations.schema.json").read_bytes()
    assert sorted(p.name for p in (site / "schema").iterdir()) == sorted(p.name for p in SCHEMA_DIR.glob("*.schema.json"))


def move_to_stations_yaml(data: Path, names: tuple[str, ...]) -> None:
    """Put the stations of data/stations/<name>.yaml, in order, into one data/stations.yaml."""
    out = ["# yaml-language-server: $schema=../scripts/sgz_portal/data/schemas/stations.schema.json\n", "stations:\n"]
    for name in names:
        lines = (data / "stations" / f"{name}.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
        out += lines[lines.index("stations:\n") + 1:]
        (data / "stations" / f"{name}.yaml").unlink()
    (data / "stations.yaml").write_text("".join(out), encoding="utf-8")


def test_stations_yaml_beside_a_stations_folder_builds_the_same_site(site: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    move_to_stations_yaml(data, ("city", "dongcheng"))
    assert sorted(p.name for p in (data / "stations").iterdir()) == ["beiling.yaml", "nanhu.yaml", "xishan.yaml"]
    moved, original = prepare(data), prepare(SAMPLE)
    assert moved.ok and moved.portal is not None and original.portal is not None
    assert sorted(moved.portal.stations) == sorted(original.portal.stations)
    assert cli.build(data, tmp_path / "site", CONFIG) == 0
    assert digest(tmp_path / "site") == digest(site)
