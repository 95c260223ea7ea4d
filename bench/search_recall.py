"""Search recall on a generated site of any size (issue 11 item 4), through the real search page
in Chromium: do residents' queries still find their page when thousands of stations share the words?

    python bench/search_recall.py DATA_DIR SITE_DIR [--stations 40]

Queries are made from the data the site was built from (bench/generate.py's trees):
- every service's full name: the service's own page must be among the first 5 results, although
  hundreds of stations offer the service and list its name (the generated summaries are one
  template, "面向辖区居民开展<domain>领域的<kind>服务", so they add no query of their own);
- every group's name: some service for that group among the first 5;
- the full names of `--stations` stations and the names of `--counties` counties, picked evenly
  through the data: that station's page (for a county, its county station) among the first 10.
Prints one line per kind (found / asked) and every miss; exits 1 if anything was missed.
tests/browser/test_search_recall.py holds the hand-written suite for the sample.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

import yaml
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from search_weight import chromium, served

SERVICE_TOP, STATION_TOP = 5, 10


def queries(data: Path, stations: int, counties: int) -> list[tuple[str, str, tuple[str, ...], int]]:
    """(kind, query, pages any of which will do, how many first results count)."""
    catalogue = yaml.safe_load((data / "services.yaml").read_text(encoding="utf-8"))
    out = []
    for s in catalogue["services"]:
        page = (f"services/{s['id']}/",)
        out.append(("service name", s["name"], page, SERVICE_TOP))
    for g in catalogue.get("groups", []):
        pages = tuple(f"services/{s['id']}/" for s in catalogue["services"] if g["id"] in s.get("groups", []))
        if pages:
            out.append(("group", g["name"], pages, SERVICE_TOP))
    everything = [s for path in sorted((data / "stations").glob("*.yaml"))
                  for s in yaml.safe_load(path.read_text(encoding="utf-8"))["stations"]]
    regions = {r["code"]: r for r in yaml.safe_load((data / "regions.yaml").read_text(encoding="utf-8"))["regions"]}
    step = max(1, len(everything) // max(1, stations))
    for s in everything[::step][:stations]:
        out.append(("station name", s["name"], (f"stations/{s['id']}/",), STATION_TOP))
    county_stations = [s for s in everything if s["level"] == "county" and s["region"] in regions]
    for s in county_stations[::max(1, len(county_stations) // max(1, counties))][:counties]:
        out.append(("county name", regions[s["region"]]["name"], (f"stations/{s['id']}/",), STATION_TOP))
    return out


def shown(page) -> list[str]:
    hrefs = page.eval_on_selector_all("#sgz-results .sgz-card__title", "links => links.map(a => a.href)")
    return [urlsplit(h).path.removeprefix("/sgz/") for h in hrefs]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("site", type=Path)
    parser.add_argument("--stations", type=int, default=40, help="how many station names to ask for")
    parser.add_argument("--counties", type=int, default=20, help="how many county names to ask for")
    args = parser.parse_args(argv)
    asked = queries(args.data, args.stations, args.counties)
    found: dict[str, list[int]] = {}
    misses: list[str] = []
    seconds: list[float] = []
    with served(args.site) as url, chromium() as browser:
        context = browser.new_context(locale="zh-CN")
        context.set_default_timeout(60_000)
        page = context.new_page()
        for kind, query, pages, top in asked:
            start = time.perf_counter()
            try:
                page.goto(f"{url}search/?q={quote(query)}")
                page.wait_for_selector('#sgz-results[aria-busy="false"]', state="attached")
                first = shown(page)[:top]
            except PlaywrightTimeout:
                first = ["(no answer within 60 s)"]
                page = context.new_page()
            seconds.append(time.perf_counter() - start)
            hit = bool(set(pages) & set(first))
            found.setdefault(kind, [0, 0])
            found[kind][0] += hit
            found[kind][1] += 1
            print(f"{kind} {query}: {'found' if hit else 'missed'} ({seconds[-1]:.1f} s)", file=sys.stderr, flush=True)
            if not hit:
                misses.append(f"  {kind} {query!r}: wanted {pages[0]}{' (or another)' if len(pages) > 1 else ''}, "
                              f"first {top}: {first}")
        context.close()
    for kind, (hits, total) in found.items():
        print(f"{kind}: {hits}/{total} in the first {SERVICE_TOP if kind.startswith(('service', 'group')) else STATION_TOP}")
    seconds.sort()
    print(f"seconds per query (page load and search): median {seconds[len(seconds) // 2]:.1f}, "
          f"slowest {seconds[-1]:.1f}")
    print("\n".join(misses) if misses else "every query found its page")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
