"""Live preview without a browser: rebuild on change, keep the last good site on errors, report the time.
(tests/browser/test_preview.py drives the same through Chromium.)"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sgz_portal.site.preview import Preview

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "fixtures" / "sample" / "data"
CONFIG = ROOT / "mkdocs.yml"
PAGE = Path("stations") / "dongcheng" / "index.html"


@pytest.fixture
def preview(tmp_path: Path):
    shutil.copytree(DATA, tmp_path / "data")
    running = Preview(tmp_path / "data", tmp_path / "site", CONFIG)
    running.start()
    yield running
    running.stop()


def test_rebuilds_on_change_and_keeps_the_last_good_site(preview: Preview) -> None:
    assert preview.outcome.ok and preview.outcome.version == 1
    assert preview.data_dir in preview.watched and (CONFIG.parent / "overrides") in preview.watched
    stations = preview.data_dir / "stations" / "dongcheng.yaml"
    original = stations.read_text(encoding="utf-8")
    page = preview.site_dir / PAGE

    stations.write_text(original.replace('"0830-3120001"', '"0830-3120009"', 1), encoding="utf-8")
    outcome = preview.wait(1, 120)
    assert outcome.ok and outcome.version == 2 and outcome.seconds > 0
    assert "0830-3120009" in page.read_text(encoding="utf-8")
    good = page.read_bytes()

    stations.write_text(original.replace('"0830-3112345"', '"0830-31"', 1), encoding="utf-8")
    outcome = preview.wait(2, 120)
    assert not outcome.ok
    assert any(re.match(r"data/stations/dongcheng\.yaml:\d+: stations\[0\]\.complaint_phone: “0830-31”格式不对", line)
               for line in outcome.messages), outcome.messages
    assert page.read_bytes() == good, "a failed build keeps the last good site"

    stations.write_text(original, encoding="utf-8")
    outcome = preview.wait(3, 120)
    assert outcome.ok and "0830-3120001" in page.read_text(encoding="utf-8")


def test_preview_builds_the_same_site_as_make_site(preview: Preview, demo_site: Path) -> None:
    """The reload script is only added by the server: site/ is what `sgz-portal build` writes."""
    built = {p.relative_to(preview.site_dir): p.read_bytes() for p in preview.site_dir.rglob("*") if p.is_file()}
    normal = {p.relative_to(demo_site): p.read_bytes() for p in demo_site.rglob("*") if p.is_file()}
    assert built == normal


def test_the_rebuild_benchmark_runs() -> None:
    """bench/preview.py, the command behind the README's rebuild time, measures a one-line edit."""
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "preview.py"), "--edits", "1"],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert re.search(r"one-line edit -> published, 1 edits: median [0-9.]+ s .*CPU time per edit: median [0-9.]+ s",
                     done.stdout), done.stdout


def test_make_serve_is_the_live_preview() -> None:
    dry = subprocess.run(["make", "-n", "serve"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert re.search(r"sgz-portal +serve --watch", dry.stdout), dry.stdout
