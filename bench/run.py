"""Build-time benchmark: the project's build beside a bare mkdocs-material build of one trivial
page per station, and does the build stay linear in the number of stations?

    python bench/run.py province         # the whole province preset (`make bench`)
    python bench/run.py 2000 5000        # chosen sizes (`make bench SIZES="2000 5000"`)
    python bench/run.py --preset city --max-slope 1.2 --keep /tmp/bench 2000

For each size: generate a contract-valid data/ tree (bench/generate.py), then run
`python -m sgz_portal --data <tmp>/data build --site <tmp>/site` in a fresh process.
A shim (SHIM below) runs the sgz_portal module exactly as `-m` does and wraps
prepare / mkdocs / pagefind with timers, so one run gives the wall time, the
phases and the peak memory of that process and of pagefind. Exits 1 if the
log-log slope of wall time against size, from the smallest to the largest size,
exceeds --max-slope (the issue's bound: 1.1), so it can serve as a check.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.util
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import yaml  # noqa: E402
from generate import PRESETS, generate, stations_of  # noqa: E402
from search_weight import CHROMIUM, DEFAULT_QUERIES, FIRST_BUDGET, LATER_BUDGET  # noqa: E402

DEFAULT_SIZES = ("province",)

# Runs in the child: `python -c SHIM RESULT_FILE portal-args...`. Timers wrap module
# attributes that the CLI and the hooks look up at call time, so the build is unchanged.
SHIM = r"""
import contextlib, io, json, resource, runpy, sys, time
out, args = sys.argv[1], sys.argv[2:]
import mkdocs.commands.build as mb
from sgz_portal.data import model
from sgz_portal import pipeline
from sgz_portal.rules import judge as rules
from sgz_portal.site import search, shards
times, cpus, facts = {}, {}, {}
def cpu():
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime
def timed(owner, name, key):
    inner = getattr(owner, name)
    def wrapper(*a, **k):
        start, start_cpu = time.perf_counter(), cpu()
        try:
            return inner(*a, **k)
        finally:
            times[key] = times.get(key, 0.0) + time.perf_counter() - start
            cpus[key] = cpus.get(key, 0.0) + cpu() - start_cpu
    setattr(owner, name, wrapper)
for owner, name, key in ((pipeline, "load", "load"), (pipeline, "validate", "validate"),
                         (model, "build", "model"), (rules, "judge", "rules"),
                         (pipeline, "prepare", "prepare"), (mb, "build", "mkdocs"),
                         (shards, "index", "search"), (search, "canonicalize", "canonicalize")):
    timed(owner, name, key)
inner_prepare = pipeline.prepare
def prepare(*a, **k):
    prepared = inner_prepare(*a, **k)
    facts.update(ok=prepared.ok, issues=len(prepared.issues),
                 errors=sum(1 for i in prepared.issues if i.severity == "error"))
    return prepared
pipeline.prepare = prepare
sys.argv = ["sgz-portal", *args]
code = 0
printed = io.StringIO()
try:
    with contextlib.redirect_stdout(printed):
        runpy.run_module("sgz_portal", run_name="__main__", alter_sys=True)
except SystemExit as exit_:
    code = exit_.code if isinstance(exit_.code, int) else 1
finally:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"times": times, "cpus": cpus, "facts": facts, "code": code, "cpu": cpu,
                   "rss_kb": me.ru_maxrss, "child_rss_kb": kids.ru_maxrss,
                   "stdout": printed.getvalue()}, f)
sys.exit(code)
"""


@dataclass
class Bare:
    """`mkdocs build` of a minimal material site with one trivial page per station (no search plugin:
    the project's search, pagefind, is counted on its side)."""

    pages: int
    wall: float
    cpu: float
    rss_mb: float


@dataclass
class Result:
    size: int  # stations
    pages: int  # rendered HTML pages (redirect stubs not counted)
    wall: float
    cpu: float  # user + system seconds of the build and its children (pagefind is multi-threaded)
    generate: float
    rss_mb: float  # the build's Python process
    pagefind_rss_mb: float  # the largest process the build started (pagefind), from /proc
    index_mb: float
    site_mb: float
    times: dict[str, float]  # wall seconds per phase
    cpus: dict[str, float]  # CPU seconds per phase (children included)
    warnings: int
    load_avg: float  # 1-minute load average when the build ended: others' work inflates wall time
    bare: Bare | None = None  # the bare mkdocs-material build of as many trivial pages, same run
    together_mb: float = 0.0  # the most the build and the processes it started held at one time (sampled)
    # Incremental rebuilds after one edit each (edit -> (wall s, CPU s, pages reused, search reused)),
    # and whether the site after them is byte for byte a full build's (None: not compared).
    edits: dict[str, tuple[float, float, int, str]] | None = None
    identical: bool | None = None
    search_kb: list[tuple[str, float]] | None = None  # KB each query transfers, the first cold (None: not measured)

    @property
    def ms_per_page(self) -> float:
        return 1000 * self.wall / self.pages


def _redirect(path: Path) -> bool:
    """A redirect stub (site/redirect.py), not a rendered page."""
    return path.stat().st_size < 2000 and b'http-equiv="refresh"' in path.read_bytes()


def _tree_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _child_env(portal: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PORTAL_AS_OF", None)  # the generated site.yaml fixes the as-of date
    env["PYTHONPATH"] = str(portal / "scripts")  # only the checkout under test
    return env


@dataclass
class Run:
    code: int
    wall: float
    cpu: float  # user + system seconds of the process and the children it waited for
    rss_mb: float  # the process's own peak resident set
    stderr: str
    together_kb: int = 0  # the most memory the process and its descendants held at once (PSS)
    pagefind_kb: int = 0  # the largest peak resident set of a pagefind process


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run one process; its own rusage comes from wait4 (not mixed with earlier children's), its
    tree's memory from /proc, sampled from here: a thread inside the build would change it (a
    build forks only while it runs no other thread, data/forked.py)."""
    start = time.perf_counter()
    peaks = {"together_kb": 0, "pagefind_kb": 0}
    with tempfile.TemporaryFile() as err:
        child = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        stop = threading.Event()
        sampler = threading.Thread(target=_sample, args=(child.pid, peaks, stop), daemon=True)
        if os.path.isdir("/proc/self"):
            sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        stop.set()
        child.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    return Run(child.returncode, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text, **peaks)


def _proc(pid: int, name: str) -> str:
    with open(f"/proc/{pid}/{name}", encoding="utf-8", errors="replace") as f:
        return f.read()


def _kb(text: str, field: str) -> int:
    for line in text.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _sample(root: int, peaks: dict[str, int], stop: threading.Event) -> None:
    """Every 0.2 s: the proportional set size (PSS) of `root` and all its descendants added up
    (a fork shares its parent's pages: their resident sets would count them twice), and each
    pagefind process's peak resident set."""
    while not stop.is_set():
        parents = {}
        for name in os.listdir("/proc"):
            if name.isdigit():
                with contextlib.suppress(OSError, ValueError, IndexError):
                    parents[int(name)] = int(_proc(int(name), "stat").rsplit(")", 1)[1].split()[1])
        ours, grown = {root}, True
        while grown:
            grown = False
            for pid, parent in parents.items():
                if parent in ours and pid not in ours:
                    ours.add(pid)
                    grown = True
        total = 0
        for pid in ours:
            with contextlib.suppress(OSError, ValueError):
                total += _kb(_proc(pid, "smaps_rollup"), "Pss")
                if _proc(pid, "comm").startswith("pagefind"):
                    peaks["pagefind_kb"] = max(peaks["pagefind_kb"], _kb(_proc(pid, "status"), "VmHWM"))
        peaks["together_kb"] = max(peaks["together_kb"], total)
        stop.wait(0.2)


BARE_CONFIG = """site_name: bare
theme:
  name: material
  language: zh
  font: false
plugins: []
nav:
  - index.md
validation:
  nav:
    omitted_files: ignore
"""


def bare(size: int, work: Path) -> Bare:
    """A bare mkdocs-material build of `size` trivial pages (one per station) plus a home page."""
    docs = work / "bare" / "docs"
    (docs / "s").mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text("# 首页\n", encoding="utf-8")
    for i in range(size):
        (docs / "s" / f"{i:06d}.md").write_text(f"# 站点 {i}\n\n地址:示例路 {i} 号。\n", encoding="utf-8")
    (work / "bare" / "mkdocs.yml").write_text(BARE_CONFIG, encoding="utf-8")
    done = run([sys.executable, "-m", "mkdocs", "build", "-q"], work / "bare")
    if done.code != 0:
        raise RuntimeError(f"bare mkdocs-material build failed:\n{done.stderr[-4000:]}")
    pages = sum(1 for _ in (work / "bare" / "site").rglob("index.html"))
    return Bare(pages=pages, wall=done.wall, cpu=done.cpu, rss_mb=done.rss_mb)


def _build(portal: Path, data: Path, site: Path, report: Path, *options: str) -> tuple[Run, dict]:
    """One `sgz-portal build` in a fresh process through SHIM: the process's figures and SHIM's."""
    command = [sys.executable, "-c", SHIM, str(report), "--config", str(portal / "mkdocs.yml"),
               "--data", str(data), "build", "--site", str(site), *options]
    done = run(command, portal, _child_env(portal))
    if not report.is_file():
        raise RuntimeError(f"build of {data} crashed:\n{done.stderr[-4000:]}")
    got = json.loads(report.read_text(encoding="utf-8"))
    report.unlink()
    if got["facts"].get("ok") and (done.code != 0 or got["code"] != 0):
        raise RuntimeError(f"build of {data} failed ({done.code}):\n{done.stderr[-4000:]}")
    return done, got


def _withhold_brief(data: Path) -> tuple[Path, str]:
    """Take the last monthly brief out of the first project (the second edit puts it back):
    returns the file and its text with the brief."""
    path = sorted((data / "projects").glob("*.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    record = yaml.safe_load(text)
    last = max(i for i, r in enumerate(record["reports"]) if r["type"] == "monthly")
    del record["reports"][last]
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    path.write_text(header + yaml.dump(record, allow_unicode=True, sort_keys=False, width=200), encoding="utf-8")
    return path, text


def _change_phone(data: Path) -> None:
    """A new phone number for the first station of the first county file."""
    path = sorted(p for p in (data / "stations").glob("*.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    old = yaml.safe_load(text)["stations"][0]["phone"][0]
    new = old[:-1] + ("1" if old[-1] != "1" else "2")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _reused(stdout: str) -> tuple[int, str]:
    """Pages reused, and what of the search index: all of it, some shards, or none."""
    for line in stdout.splitlines():
        if line.startswith("增量构建:沿用上次生成的 "):
            pages = int(line.split("沿用上次生成的 ")[1].split(" ")[0])
            if "沿用搜索索引" in line:
                return pages, "yes"
            if "个搜索索引分片" in line:
                return pages, line.split(",沿用 ")[-1].split(" ")[0] + " shards"
            return pages, "no"
    return 0, "no"


def measure(size: int, work: Path, seed: int, portal: Path = ROOT, preset: str = "city",
            compare: bool = True, incremental: bool = True, verify: bool = True) -> Result:
    """Generate `size` stations under `work`, build them once in a fresh process, measure;
    then (compare) the bare mkdocs-material build of as many pages; then (incremental) one
    station's phone changed and one monthly brief added, each rebuilt incrementally, and
    (verify) a full build of the edited data compared with the incremental result."""
    data, site, report = work / "data", work / "site", work / "result.json"
    start = time.perf_counter()
    generate(size, data, seed, preset)
    generated = time.perf_counter() - start
    brief = _withhold_brief(data) if incremental else None
    # --full: the project's cache may hold an earlier run's memo of these very files (the same seed)
    done, got = _build(portal, data, site, report, "--full")
    wall = done.wall
    if not got["facts"].get("ok"):
        raise AssertionError(f"generated data for {size} stations is not contract-valid:\n{done.stderr[-4000:]}")
    pages = sum(1 for p in site.rglob("*.html") if not _redirect(p))
    load_avg = os.getloadavg()[0]
    result = Result(bare=bare(size, work) if compare else None, load_avg=load_avg,
                    size=size, pages=pages, wall=wall, cpu=got["cpu"], generate=generated,
                    rss_mb=got["rss_kb"] / 1024, pagefind_rss_mb=(done.pagefind_kb or got["child_rss_kb"]) / 1024,
                    together_mb=done.together_kb / 1024,
                    index_mb=_tree_size(site / "pagefind") / 2**20, site_mb=_tree_size(site) / 2**20,
                    times=got["times"], cpus=got["cpus"], warnings=got["facts"]["issues"])
    result.search_kb = search_weight(site)
    if brief is not None:
        result.edits = {}
        for name, change in (("one station's phone", lambda: _change_phone(data)),
                             ("one monthly brief added", lambda: brief[0].write_text(brief[1], encoding="utf-8"))):
            change()
            settle(site)
            done, got = _build(portal, data, site, report)
            result.edits[name] = (done.wall, got["cpu"], *_reused(got.get("stdout", "")))
        if verify:
            _build(portal, data, work / "full", report, "--full")
            result.identical = _digest(site) == _digest(work / "full")
    return result


AFTERWARDS = ("old", "spare")  # what a build leaves to processes of its own (publish.py, site/clone.py)


def settle(site: Path, limit: float = 300.0) -> float:
    """Wait until the processes the last build left behind are done: the deletion of a site it
    replaced (publish.remove_later, 12 s for a province) or the linking of a first build's spare
    (site/clone.py make_later, 8 s), and what the last build wrote is on disk (`sync`); return the
    seconds waited. An edit is timed on its own: started seconds after the last publish, it would
    share the machine with those and the kernel's writing out of 1.6 GB, the last build's costs
    (2 to 5 s more in stop 24's runs)."""
    start = time.perf_counter()
    prefixes = tuple(f".{site.name}-{kind}-" for kind in AFTERWARDS)
    while any(p.name.startswith(prefixes) for p in site.parent.iterdir()):
        if time.perf_counter() - start > limit:
            break
        time.sleep(0.2)
    os.sync()
    return time.perf_counter() - start


def search_weight(site: Path) -> list[tuple[str, float]] | None:
    """KB that search_weight.py's queries transfer on the built site, in Chromium (the first on a
    cold cache, wasm included), measured in a child process as the builds are (Playwright's sync
    API refuses to start inside a process that already runs it, such as a test session); None
    where Playwright or Chromium is missing (`make browser`)."""
    if importlib.util.find_spec("playwright") is None or not Path(CHROMIUM).exists():
        return None
    done = subprocess.run([sys.executable, str(Path(__file__).with_name("search_weight.py")), str(site),
                           *DEFAULT_QUERIES], capture_output=True, text=True)
    sizes = re.findall(r"query (\S+): ([0-9.]+) KB", done.stdout)
    if done.returncode != 0 or len(sizes) != len(DEFAULT_QUERIES):
        raise RuntimeError(f"search_weight.py failed:\n{done.stdout}{done.stderr[-4000:]}")
    return [(query, float(kb)) for query, kb in sizes]


def search_table(results: list[Result]) -> str:
    """Markdown: what each query transferred, against the budgets (first 500 KB, later 100 KB)."""
    measured = [r for r in results if r.search_kb]
    if not measured:
        return "search transfer sizes not measured (they need Playwright and Chromium: `make browser`)"
    queries = [q for q, _ in measured[0].search_kb]
    lines = ["| stations | " + " | ".join(f"{q} ({'first' if n == 0 else 'later'})" for n, q in enumerate(queries))
             + " | within budget |", "|---:" * (len(queries) + 1) + "|---|"]
    for r in measured:
        kb = [size for _, size in r.search_kb]
        ok = kb[0] * 1024 <= FIRST_BUDGET and all(size * 1024 <= LATER_BUDGET for size in kb[1:])
        lines.append(f"| {r.size} | " + " | ".join(f"{size:.1f} KB" for size in kb) + f" | {'yes' if ok else '**no**'} |")
    return "\n".join(lines)


def slopes(results: list[Result], what: str = "wall") -> tuple[float | None, float | None]:
    """(endpoint slope, least-squares slope) of log(wall or cpu) against log(size)."""
    if len(results) < 2:
        return None, None
    xs = [math.log(r.size) for r in results]
    ys = [math.log(getattr(r, what)) for r in results]
    first, last = min(range(len(xs)), key=xs.__getitem__), max(range(len(xs)), key=xs.__getitem__)
    endpoint = (ys[last] - ys[first]) / (xs[last] - xs[first])
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    least = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return endpoint, least


PHASES = ("load", "validate", "model", "rules", "prepare", "mkdocs", "pagefind", "canonicalize", "other")


def phases(r: Result, clock: str) -> dict[str, float]:
    """Seconds per phase on `clock` ('wall' or 'cpu'); pagefind = search.index - canonicalize,
    other = the rest of the run (interpreter start, config, publish)."""
    t = r.times if clock == "wall" else r.cpus
    out = {k: t.get(k, 0.0) for k in PHASES[:6]}
    out["pagefind"] = t.get("search", 0.0) - t.get("canonicalize", 0.0)
    out["canonicalize"] = t.get("canonicalize", 0.0)
    total = r.wall if clock == "wall" else r.cpu
    out["other"] = total - out["prepare"] - out["mkdocs"] - t.get("search", 0.0)
    return out


def side_by_side(results: list[Result]) -> str:
    """Markdown: the project's build and the bare mkdocs-material build of as many stations, and the ratio."""
    lines = ["| stations | build | pages | wall s | CPU s | ms/station (wall) | peak RSS MB per process | load avg |",
             "|---:|---|---:|---:|---:|---:|---|---:|"]
    for r in results:
        if r.bare is None:
            continue
        b = r.bare
        lines.append(f"| {r.size} | sgz-portal | {r.pages} | {r.wall:.1f} | {r.cpu:.1f} | {1000 * r.wall / r.size:.1f} "
                     f"| build {r.rss_mb:.0f}, pagefind {r.pagefind_rss_mb:.0f}, all at once {r.together_mb:.0f} "
                     f"| {r.load_avg:.1f} |")
        lines.append(f"| {r.size} | bare mkdocs-material | {b.pages} | {b.wall:.1f} | {b.cpu:.1f} "
                     f"| {1000 * b.wall / r.size:.1f} | mkdocs {b.rss_mb:.0f} | |")
        lines.append(f"| {r.size} | **ratio** | | **{r.wall / b.wall:.2f}×** | **{r.cpu / b.cpu:.2f}×** | | | |")
    return "\n".join(lines)


def table(results: list[Result]) -> str:
    """Markdown: totals, then phases as 'wall (CPU)' seconds, then each phase's CPU slope."""
    lines = ["| stations | pages | wall s | ms/page | CPU s | peak RSS MB (build) | peak RSS MB (pagefind) "
             "| pagefind index MB | site MB | load avg |", "|---:" * 10 + "|"]
    for r in results:
        lines.append(f"| {r.size} | {r.pages} | {r.wall:.1f} | {r.ms_per_page:.2f} | {r.cpu:.1f} "
                     f"| {r.rss_mb:.0f} | {r.pagefind_rss_mb:.0f} | {r.index_mb:.1f} | {r.site_mb:.0f} "
                     f"| {r.load_avg:.1f} |")
    lines += ["", "| stations | " + " | ".join(PHASES) + " | (generate) |", "|---:" * (len(PHASES) + 2) + "|"]
    for r in results:
        wall, cpu = phases(r, "wall"), phases(r, "cpu")
        cells = [f"{wall[k]:.1f} ({cpu[k]:.1f})" for k in PHASES] + [f"{r.generate:.1f}"]
        lines.append(f"| {r.size} | " + " | ".join(cells) + " |")
    if len(results) > 1:
        first, last = results[0], results[-1]
        span = math.log(last.size / first.size)
        a, b = phases(first, "cpu"), phases(last, "cpu")
        cells = [f"{math.log(b[k] / a[k]) / span:.2f}" if a[k] > 0.05 and b[k] > 0 else "–" for k in PHASES]
        lines.append("| CPU slope | " + " | ".join(cells) + " | |")
    return "\n".join(lines)


def incremental_table(results: list[Result]) -> str:
    """Markdown: each incremental rebuild, and whether its site equals a full build's."""
    lines = ["| stations | edit | wall s | CPU s | pages reused | search index reused | = full build |",
             "|---:|---|---:|---:|---:|---|---|"]
    for r in results:
        for name, (wall, cpu_s, reused, search) in (r.edits or {}).items():
            same = {None: "not compared", True: "byte-identical", False: "**DIFFERS**"}[r.identical]
            lines.append(f"| {r.size} | {name} | {wall:.1f} | {cpu_s:.1f} | {reused} | {search} "
                         f"| {same} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", default=list(DEFAULT_SIZES),
                        help='numbers of stations, or "province" (the whole province preset)')
    parser.add_argument("--preset", choices=PRESETS, default="province",
                        help="province: 21 cities of counties of ~17 townships of 10 villages, long texts "
                        "(cut off after N stations); city: the older one-city shape")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare mkdocs-material build")
    parser.add_argument("--max-slope", type=float, default=1.1, help="fail above this log-log slope")
    parser.add_argument("--gate", choices=("wall", "cpu"), default="wall",
                        help="which slope --max-slope judges (cpu: steadier on a shared machine)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="keep each size's data/ and site/ under this folder")
    parser.add_argument("--no-incremental", action="store_true",
                        help="skip the two incremental rebuilds (a phone changed, a monthly brief added)")
    parser.add_argument("--no-verify", action="store_true",
                        help="skip the full build that the incremental result is compared with, byte for byte")
    parser.add_argument("--portal", type=Path, default=ROOT,
                        help="project checkout to build with (default: this one), e.g. a `git archive` snapshot")
    args = parser.parse_args(argv)
    results = []
    for size in sorted({stations_of(x) for x in args.sizes}):
        work = (args.keep / str(size)) if args.keep else Path(tempfile.mkdtemp(prefix=f"portal-bench-{size}-"))
        work.mkdir(parents=True, exist_ok=True)
        try:
            results.append(measure(size, work, args.seed, args.portal.resolve(), args.preset, not args.no_bare,
                                   not args.no_incremental, not args.no_verify))
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
        r = results[-1]
        print(f"{size} stations: {r.pages} pages in {r.wall:.1f} s ({r.ms_per_page:.2f} ms/page, CPU "
              f"{r.cpu:.1f} s), peak RSS {r.rss_mb:.0f} MB, load average {r.load_avg:.1f}",
              file=sys.stderr, flush=True)
    print(side_by_side(results) + "\n", flush=True)
    print(table(results), flush=True)
    if any(r.edits for r in results):
        print("\n" + incremental_table(results), flush=True)
    print("\n" + search_table(results), flush=True)
    if any(r.identical is False for r in results):
        print("FAIL: an incremental build differs from the full build of the same data", file=sys.stderr)
        return 1
    endpoint, least = slopes(results)
    if endpoint is None:
        return 0
    cpu_endpoint, cpu_least = slopes(results, "cpu")
    print(f"\nlog-log slope of wall time vs stations: {endpoint:.3f} "
          f"({results[0].size} -> {results[-1].size}); least squares over {len(results)} sizes: {least:.3f}")
    print(f"log-log slope of CPU time (less sensitive to a busy machine): {cpu_endpoint:.3f}; "
          f"least squares: {cpu_least:.3f}", flush=True)
    judged = endpoint if args.gate == "wall" else cpu_endpoint
    if judged > args.max_slope:
        print(f"FAIL: {args.gate} slope {judged:.3f} exceeds {args.max_slope}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
