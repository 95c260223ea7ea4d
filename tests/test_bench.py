"""The benchmark's province preset (issue 11 item 1): the exact shape at full size, one stations
file per county, contract-valid when cut to a slice, and `make bench`'s side-by-side table."""
from __future__ import annotations

import random
import re
import shutil
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

from sgz_portal import pipeline
from sgz_portal.pipeline import prepare
from sgz_portal.site import shards
from sgz_portal.site.search import BUNDLE
from tests.conftest import DATA

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import floor  # noqa: E402
import generate  # noqa: E402
import run  # noqa: E402
import search_phase  # noqa: E402
import search_weight  # noqa: E402


def test_province_preset_has_the_provinces_shape() -> None:
    tree = generate.province_layout(10**9, random.Random(1))
    stations = [s for group in tree.stations.values() for s in group]
    levels = Counter(s["level"] for s in stations)
    assert levels == {"city": 21, "county": 183, "township": 3100, "village": 31000}
    assert len(stations) == generate.PROVINCE_STATIONS == 34304
    assert len(tree.projects) == 3500
    reports = [r for p in tree.projects for r in p["reports"] if r["type"] == "monthly"]
    assert len(reports) > 3500 * 9  # a year of monthly briefs (to the as-of date) per project
    assert sum(len(r["summary"]) for r in reports) / len(reports) > 200  # briefs of realistic length
    counties = [stem for stem in tree.stations if not stem.startswith("city-")]
    assert len(counties) == 183  # one stations file per county (plus one per city centre)


def test_province_slice_is_contract_valid(tmp_path: Path) -> None:
    data = generate.generate(400, tmp_path / "data", preset="province")
    prepared = prepare(data)
    assert prepared.ok, prepared.issues
    assert len(prepared.portal.stations) == 400
    files = sorted(p.stem for p in (data / "stations").glob("*.yaml"))
    assert files[0] == "c001" and "city-01" in files
    for stem in files:  # every county file holds one county's stations only
        county = {s.id.split("-")[0] for s in prepared.portal.stations.values() if s.id.startswith(stem + "-")}
        assert county <= {stem}


def test_bench_prints_both_builds_side_by_side() -> None:
    result = run.Result(size=1000, pages=3100, wall=30.0, cpu=28.0, generate=1.0, rss_mb=100, pagefind_rss_mb=400,
                        index_mb=4, site_mb=60, times={}, cpus={}, warnings=0, load_avg=1.0,
                        bare=run.Bare(pages=1001, wall=3.0, cpu=2.8, rss_mb=50))
    text = run.side_by_side([result])
    assert "| 1000 | sgz-portal | 3100 | 30.0 | 28.0 |" in text
    assert "| 1000 | bare mkdocs-material | 1001 | 3.0 | 2.8 |" in text
    assert "**10.00×**" in text and "build 100, pagefind 400" in text and "mkdocs 50" in text


def test_bench_rebuilds_incrementally_and_compares_with_a_full_build(tmp_path: Path) -> None:
    """`make bench` changes one station's phone, then adds one monthly brief, rebuilding
    incrementally after each, and compares the result with a full build byte for byte."""
    result = run.measure(60, tmp_path, seed=1, preset="province", compare=False)
    assert result.identical is True
    assert set(result.edits) == {"one station's phone", "one monthly brief added"}
    for _wall, _cpu, reused, search in result.edits.values():
        assert reused > 100 and search == "no"  # both edits change HTML that pagefind reads (one shard at 60 stations)
    text = run.incremental_table([result])
    assert "| 60 | one station's phone |" in text and "byte-identical" in text
    # and what a search transfers on the full build, in Chromium (the test set has it)
    assert [q for q, _ in result.search_kb] == list(search_weight.DEFAULT_QUERIES)
    assert all(kb > 0 for _, kb in result.search_kb) and result.search_kb[0][1] > 50


def test_bench_prints_what_a_search_transfers_against_the_budgets() -> None:
    def result(kb: list[float]) -> run.Result:
        return run.Result(size=100, pages=300, wall=3.0, cpu=3.0, generate=1.0, rss_mb=1, pagefind_rss_mb=1,
                          index_mb=1, site_mb=1, times={}, cpus={}, warnings=0, load_avg=1.0,
                          search_kb=list(zip(("养老", "老人", "社区"), kb)))
    # the budgets are search_weight.py's, in bytes (100,000 = 97.66 KB of 1,024 bytes)
    text = run.search_table([result([404.0, 73.0, 97.6]), result([404.0, 73.0, 97.7])])
    assert "| 养老 (first) | 老人 (later) | 社区 (later) |" in text
    assert "| 100 | 404.0 KB | 73.0 KB | 97.6 KB | yes |" in text
    assert "| 100 | 404.0 KB | 73.0 KB | 97.7 KB | **no** |" in text
    assert "not measured" in run.search_table([result([])])


def test_search_phase_times_each_step_and_makes_the_same_index(demo_site: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(demo_site, site)
    before = (site / BUNDLE / "pagefind-entry.json").read_bytes()
    join = shards.join
    seconds = search_phase.measure(site)
    assert set(seconds) == {name for name, _ in search_phase.STEPS} | {"total"}
    assert all(value > 0 for value in seconds.values()) and seconds["total"] >= seconds["join"]
    assert (site / BUNDLE / "pagefind-entry.json").read_bytes() == before
    assert shards.join is join  # the timed steps are put back


def test_the_first_build_is_a_full_one_whatever_the_cache_holds(tmp_path: Path, monkeypatch) -> None:
    """A second `make bench` in one checkout finds the first one's memo of the same files (the
    same seed): its first build is asked to be a full one, or it would time the memo."""
    calls: list[tuple[str, ...]] = []
    real = run._build
    monkeypatch.setattr(run, "_build", lambda *args: calls.append(args[4:]) or real(*args))
    monkeypatch.setattr(run, "search_weight", lambda site: None)
    run.measure(20, tmp_path, seed=1, preset="province", compare=False, incremental=False)
    assert calls == [("--full",)]


def test_an_edit_is_timed_once_the_replaced_site_is_deleted(tmp_path: Path, monkeypatch) -> None:
    """The last build deletes the site it replaced in a process of its own (publish.remove_later);
    the bench times each edit once that is done, not while the two share the machine."""
    site = tmp_path / "site"
    site.mkdir()
    trash = tmp_path / f".site-old-{12345}-abcd"
    trash.mkdir()
    threading.Timer(0.6, trash.rmdir).start()
    synced: list[bool] = []
    monkeypatch.setattr(run.os, "sync", lambda: synced.append(not trash.exists()))  # what was written, on disk
    assert 0.5 < run.settle(site) < 5 and not trash.exists()
    assert run.settle(site) < 0.1  # nothing to wait for
    spare = tmp_path / f".site-spare-{12345}-abcd"  # a first build's spare, still being linked
    spare.mkdir()
    threading.Timer(0.6, spare.rmdir).start()
    assert 0.5 < run.settle(site) < 5
    assert synced == [True, True, True]

    seen: list[bool] = []
    real = run._build

    def build(portal, data, site, report, *options):  # type: ignore[no-untyped-def]
        if not options:  # an edit's build: the one before has left its trash behind
            seen.append(any(p.name.startswith(".site-old-") for p in site.parent.iterdir()))
        done = real(portal, data, site, report, *options)
        gone = tmp_path / "work" / f".site-old-{len(seen)}-beef"
        gone.mkdir()
        threading.Timer(0.3, gone.rmdir).start()  # what remove_later leaves for a while
        return done
    monkeypatch.setattr(run, "_build", build)
    monkeypatch.setattr(run, "search_weight", lambda site: None)
    run.measure(20, tmp_path / "work", seed=1, preset="province", compare=False, verify=False)
    assert seen == [False, False] and len(synced) == 5


def test_the_floor_adds_what_no_build_can_skip(demo_site: Path, tmp_path: Path) -> None:
    """bench/floor.py: reading the data, rendering the site's pages at a bare build's cost and
    indexing them in the build's shards, spread over the cores; each measured in its own process."""
    f = floor.measure(DATA, demo_site, tmp_path, cores=2)
    html = [p for p in demo_site.rglob("*.html") if p.relative_to(demo_site).parts[0] != BUNDLE]
    stubs = [p for p in html if run._redirect(p)]
    assert stubs and f.pages == len(html) - len(stubs) == f.trivial.pages - 1  # the bare build adds a home page
    assert f.indexed == len(shards.html_files(demo_site)) < f.pages  # only the marked pages
    assert f.shards == len(shards.shard_groups([rel for rel, _ in shards.html_files(demo_site)]))
    assert min(f.reading.cpu, f.whole.cpu, f.sharded.cpu, f.trivial.cpu) > 0 and f.whole.rss_mb > 0
    assert f.seconds == f.reading.wall + (f.trivial.cpu / f.trivial.pages * f.pages + f.sharded.cpu) / 2
    stations = {p.parent.name for p in demo_site.glob("stations/*/index.html") if not run._redirect(p)}
    assert f.stations == len(stations) == len(pipeline.prepare(DATA).portal.stations)
    assert f.empty.pages == 1 and 0 < f.empty.wall < f.bare_build < f.trivial.wall  # fewer stations than pages
    per_page = (f.trivial.wall - f.empty.wall) / (f.trivial.pages - 1)
    assert abs(f.bare_build - (f.empty.wall + per_page * f.stations)) < 1e-9 and f.ratio == f.seconds / f.bare_build
    text = floor.table(f)
    assert f"| pagefind, {f.indexed} pages in one run |" in text and f"**{f.seconds:.1f} s**" in text
    assert f"**{f.ratio:.2f}×**" in text


def test_the_readmes_bench_commands_name_options_their_tools_have() -> None:
    """Every `--option` the READMEs show for a bench/ tool is one its --help lists (bench/README.md
    once showed floor.py's `--bare-stations`, which it never had)."""
    option = re.compile(r"--[a-z][a-z-]*")
    shown: dict[str, set[str]] = {}
    for readme in (ROOT / "README.md", ROOT / "bench" / "README.md"):
        for tool, args in re.findall(r"bench/(\w+)\.py([^`#\n]*)", readme.read_text(encoding="utf-8")):
            shown.setdefault(tool, set()).update(option.findall(args))
    assert {"floor", "run", "generate"} <= shown.keys()
    # only the tools shown with options: search_weight.py takes `--help` for a site and opens Chromium
    for tool, options in ((tool, options) for tool, options in shown.items() if options):
        # argparse's help, or a hand-made usage line (generate.py's, on stderr)
        done = subprocess.run([sys.executable, str(ROOT / "bench" / f"{tool}.py"), "--help"],
                              capture_output=True, text=True, timeout=60)
        assert options <= set(option.findall(done.stdout + done.stderr)), tool
