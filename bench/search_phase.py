"""Where a build's search phase spends its time: the site's index made again from its HTML, in
shards and joined as a build makes it (scripts/sgz_portal/site/shards.py), with each step timed.

    python bench/search_phase.py SITE_DIR     # a built site; its pagefind/ is replaced

Steps: finding the HTML pagefind indexes (every file is read: a build knows most hashes already),
indexing the shards (linking their pages, running pagefind two at a time), joining them (the word
ranges in child processes, then the light words copied), the filters, and finishing. Work on a
copy (`cp -al site copy`): the site's own index is rewritten.
"""
from __future__ import annotations

import functools
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from sgz_portal.site import chunks, search, shards  # noqa: E402

STEPS = (("html_files", shards), ("_index_shards", shards), ("_run_ranges", shards),
         ("copies_from", chunks), ("with_copies", chunks), ("_join_filters", shards), ("join", shards), ("finish", search))


def _timed(name: str, function: Callable[..., Any], seconds: dict[str, float]) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - start
    return wrapper


def measure(site: Path) -> dict[str, float]:
    """Seconds per step, and in all, of indexing `site` again without a shard store."""
    seconds: dict[str, float] = {}
    saved = [(module, name, getattr(module, name)) for name, module in STEPS]
    for module, name, function in saved:
        setattr(module, name, _timed(name, function, seconds))
    try:
        start = time.perf_counter()
        shutil.rmtree(site / search.BUNDLE, ignore_errors=True)
        shards.index(site, None, reuse=False)
        seconds["total"] = time.perf_counter() - start
    finally:
        for module, name, function in saved:
            setattr(module, name, function)
    return seconds


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    for name, value in measure(Path(argv[0])).items():
        print(f"{name}: {value:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
