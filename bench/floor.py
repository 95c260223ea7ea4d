"""How fast could a build of this data be on this machine? A floor from what cannot be skipped.

    python bench/floor.py DATA SITE      # DATA: a data/ tree; SITE: the site sgz-portal built from it

Issue 11 asks for a full build within 3× a bare mkdocs-material build of one trivial page per
station. This measures, each in a process of its own and nothing else of the build around it:

- reading and checking the data (as the build does, without its memo): every page needs it first;
- pagefind over the pages SITE has marked for the index, in one run (its peak memory alone is the
  reason the build indexes in shards), and in the build's shards one after another;
- the bare mkdocs-material build of as many trivial pages as SITE's rendered pages (bench/run.py's),
  as the cost of rendering a page if ours cost no more than a trivial one; at its cost per page,
  the issue's bare build (one trivial page per station) is what the floor is compared with.

The floor adds them as if nothing else had to be done (no open data, no join of the shards, no
attachments, no cache) and the machine's cores were all busy from the first second after reading
to the last: reading + (rendering + indexing in shards) / cores. A build cannot be faster; if the
floor is more than 3× the bare build, issue 11's ratio is out of reach on this machine whatever the
build does.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "scripts"))

from run import Bare, _redirect, bare  # noqa: E402

from sgz_portal.site import search, shards  # noqa: E402

# As the build reads and checks (site/build.py prepared_frozen): the cycle collector off, no memo.
PREPARE = ("import sys; from pathlib import Path; from sgz_portal.site.build import prepared_frozen\n"
           "with prepared_frozen(Path(sys.argv[1]), None): pass")


@dataclass
class Cost:
    wall: float
    cpu: float  # user + system seconds, the children it waited for included (pagefind's binary)
    rss_mb: float  # the largest peak resident set of the process or one it waited for


def timed(command: list[str]) -> Cost:
    """One process: wall time, and CPU and peak memory from wait4 (its own children included)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts")}
    os.sync()  # what the last step wrote is on disk, not written back while this one runs
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{command[:4]} failed:\n{child.stderr.read().decode()[-2000:] if child.stderr else ''}")
    return Cost(time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def linked(site: Path, rels: list[str], folder: Path) -> Path:
    """A folder of hard links to `rels` of `site`, as the build gives pagefind a shard."""
    for rel in rels:
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        os.link(site / rel, folder / rel)
    return folder


def pagefind(folder: Path, out: Path) -> Cost:
    return timed([sys.executable, "-m", "pagefind", "--site", str(folder), "--output-path", str(out), "--silent"])


def indexing(site: Path, work: Path) -> tuple[Cost, Cost, int, int]:
    """pagefind over the marked pages in one run, and in the build's shards one at a time (summed,
    the largest peak); the number of pages and of shards."""
    rels = [rel for rel, _ in shards.html_files(site)]
    whole = pagefind(linked(site, rels, work / "whole"), work / "whole-index")
    parts = [pagefind(linked(site, group, work / f"shard-{n}"), work / f"shard-{n}-index")
             for n, group in enumerate(shards.shard_groups(rels))]
    summed = Cost(sum(p.wall for p in parts), sum(p.cpu for p in parts), max(p.rss_mb for p in parts))
    return whole, summed, len(rels), len(parts)


def rendered_pages(site: Path) -> int:
    """HTML pages of SITE that mkdocs rendered: not the search bundle, not redirect stubs."""
    return sum(1 for p in site.rglob("*.html") if search.BUNDLE not in p.relative_to(site).parts[:1]
               and not _redirect(p))


@dataclass
class Floor:
    """What was measured, and the floor it gives on `cores` cores."""

    cores: int
    reading: Cost
    stations: int  # the site's station pages
    pages: int  # the site's rendered pages
    trivial: Bare  # a bare build of as many trivial pages
    empty: Bare  # a bare build of its home page only: what a build costs whatever its size
    indexed: int  # pages pagefind indexes
    whole: Cost  # pagefind over them in one run
    shards: int
    sharded: Cost  # pagefind over them in the build's shards, one after another (summed; largest peak)

    @property
    def render(self) -> float:
        """CPU seconds to render the site's pages at the bare build's cost per page."""
        return self.trivial.cpu / self.trivial.pages * self.pages

    @property
    def seconds(self) -> float:
        return self.reading.wall + (self.render + self.sharded.cpu) / self.cores

    @property
    def unsharded(self) -> float:
        return self.reading.wall + (self.render + self.whole.cpu) / self.cores

    @property
    def bare_build(self) -> float:
        """Wall seconds of the issue's bare build (a trivial page per station and a home page), from
        the bare builds measured here: a fixed cost and one per page (bare builds are linear in
        their pages), not thrown off by the machine's pace changing between two separate runs."""
        per_page = (self.trivial.wall - self.empty.wall) / (self.trivial.pages - self.empty.pages)
        return self.empty.wall + per_page * self.stations

    @property
    def ratio(self) -> float:
        return self.seconds / self.bare_build


def measure(data: Path, site: Path, work: Path, cores: int) -> Floor:
    reading = timed([sys.executable, "-c", PREPARE, str(data)])
    stations = sum(1 for p in site.glob("stations/*/index.html") if not _redirect(p))
    pages = rendered_pages(site)
    os.sync()
    trivial = bare(pages, work)
    empty = bare(0, work / "empty")
    whole, sharded, indexed, count = indexing(site, work)
    return Floor(cores, reading, stations, pages, trivial, empty, indexed, whole, count, sharded)


def table(f: Floor) -> str:
    row = "| {} | {:.1f} | {:.1f} | {} |".format
    return "\n".join([
        "| what | wall s | CPU s | peak RSS MB |",
        "|---|---:|---:|---:|",
        row("reading and checking the data (as a full build does)", f.reading.wall, f.reading.cpu, f"{f.reading.rss_mb:.0f}"),
        row(f"bare mkdocs-material, {f.trivial.pages} trivial pages ({f.pages} rendered in the site)",
            f.trivial.wall, f.trivial.cpu, f"{f.trivial.rss_mb:.0f}"),
        row("bare mkdocs-material, its home page only", f.empty.wall, f.empty.cpu, f"{f.empty.rss_mb:.0f}"),
        row(f"pagefind, {f.indexed} pages in one run", f.whole.wall, f.whole.cpu, f"{f.whole.rss_mb:.0f}"),
        row(f"pagefind, the same pages in {f.shards} shards, one after another", f.sharded.wall, f.sharded.cpu,
            f"{f.sharded.rss_mb:.0f} (largest)"),
        "",
        f"Floor on {f.cores} cores: {f.reading.wall:.1f} + ({f.render:.1f} + {f.sharded.cpu:.1f}) / {f.cores} = "
        f"**{f.seconds:.1f} s** (indexed in one run, beyond a shard's memory: {f.unsharded:.1f} s); "
        f"a bare build of a trivial page per station ({f.stations}), from the two bare builds above: "
        f"{f.bare_build:.1f} s; the floor is **{f.ratio:.2f}×** that.",
    ])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("site", type=Path)
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="floor-"))
    try:
        print(table(measure(args.data, args.site, work, args.cores)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
