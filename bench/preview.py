"""Live-preview latency: how long after a one-line data edit the rebuilt site is published.

    python bench/preview.py                  # the sample (tests/fixtures/sample/data), 5 edits
    python bench/preview.py --edits 10 --data path/to/data

Copies the data to a temporary folder, starts the preview as `sgz-portal serve --watch` does
(first build, watchdog observer, builder thread; no HTTP server), then edits one line of a station
file (its phone number) again and again. For each edit it prints the time from saving the file to
the new build being published (what an open page waits for before it reloads: change detection,
the settle time preview.QUIET, the full build), the build's own time, and the CPU time spent (this
process and pagefind): on a busy machine the wall times grow, the CPU time does not.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from sgz_portal.site.preview import Preview

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "fixtures" / "sample" / "data"
PHONE = '"0830-3120001"'


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (pagefind): the build's cost whatever the load."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SAMPLE)
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sgz-preview-") as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(args.data, data)
        target = next(p for p in sorted(data.rglob("*.yaml")) if PHONE in p.read_text(encoding="utf-8"))
        preview = Preview(data, Path(tmp) / "site", ROOT / "mkdocs.yml")
        start = time.perf_counter()
        preview.start()
        print(f"first build: {time.perf_counter() - start:.2f} s")
        text = target.read_text(encoding="utf-8")
        waits, builds, cpus = [], [], []
        for n in range(args.edits):
            version = preview.outcome.version
            edited = text.replace(PHONE, f'"0830-3129{n:03d}"', 1)
            saved, cpu = time.perf_counter(), cpu_seconds()
            target.write_text(edited, encoding="utf-8")
            outcome = preview.wait(version, 120)
            waits.append(time.perf_counter() - saved)
            cpus.append(cpu_seconds() - cpu)
            builds.append(outcome.seconds)
            assert outcome.ok, outcome.messages
            time.sleep(0.5)
        preview.stop()
    print(f"one-line edit -> published, {args.edits} edits: median {statistics.median(waits):.2f} s "
          f"(min {min(waits):.2f}, max {max(waits):.2f}); the build itself: median {statistics.median(builds):.2f} s; "
          f"CPU time per edit: median {statistics.median(cpus):.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
