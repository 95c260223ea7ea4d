"""What every page kind shares: the model, rule findings by subject, and links to records.

One `Context` is made per build. Cross-page lists (which stations sit under a
region) are computed once here, so no page walks all pages.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from sgz_portal import opendata
from sgz_portal.data import urls
from sgz_portal.data.issues import Issue
from sgz_portal.data.markup import plain
from sgz_portal.data.model import Portal
from sgz_portal.data.urls import Link


@dataclass
class ListView:
    """Context `view` of the simple list pages (projects/, agencies/, regions/)."""

    sections: list[tuple[str, list[Link]]]


def stations_under_regions(p: Portal) -> dict[str, list[str]]:
    """Each region code -> ids of stations serving it or any region below it."""
    out: dict[str, list[str]] = {}
    for station in p.stations.values():
        for region in p.region_path(station.region):
            out.setdefault(region.code, []).append(station.id)
    return out


def region_standins(p: Portal, subtree: dict[str, list[str]] | None = None) -> dict[str, str]:
    """Region code -> station id, for regions whose page would only repeat one station's page:
    no regions below it and exactly one station, located in it (a village and its 社会工作服务室).
    Such a region gets no page of its own; links go to the station, and its old URL redirects."""
    subtree = stations_under_regions(p) if subtree is None else subtree
    out = {}
    for code, ids in subtree.items():
        if len(ids) == 1 and not p.region_children.get(code) and p.stations[ids[0]].region == code:
            out[code] = ids[0]
    return out


class Context:
    """The model plus the lookups every page kind needs."""

    def __init__(self, portal: Portal, findings: list[Issue],
                 exports: list[tuple[str, int]] | Callable[[], list[tuple[str, int]]] | None = None) -> None:
        self.p = portal
        self.findings: dict[str, list[Issue]] = {}
        for f in findings:
            if f.subject:
                self.findings.setdefault(f.subject, []).append(f)
        self.subtree = self._stations_under_regions()
        self.standins = region_standins(portal, self.subtree)
        self._exports = exports
        self.once: dict[str, Any] = {}  # what more than one page reads, computed by the first (disclosure.schedule)
        # Draws a station page's QR code from its URL (qr.station_svg unless the build hands one over).
        self.draw_qr: Callable[[str], Markup] | None = None
        # Keeps a value derived from what one page reads between builds (pages/inputs.py Kept), if
        # the build hands one over: keep(name, kind, key, make).
        self.keep: Callable[[str, str, str, Callable[[], Any]], Any] | None = None

    @property
    def exports(self) -> list[tuple[str, int]]:
        """(site path, size) of the open data files this build publishes, made once (or handed
        over as a function that writes them and gives that, site/exports.py)."""
        if self._exports is None:
            self._exports = [(path, len(data)) for path, data in opendata.encoded(self.p)]
        elif callable(self._exports):
            self._exports = self._exports()
        return self._exports

    def remembered(self, name: str, kind: str, key: str, make: Callable[[], Any]) -> Any:
        """make(): a plain value (marshal's), called `name`, derived only from what page (kind, key)
        reads, which the build may have kept from an earlier one (`keep`)."""
        return make() if self.keep is None else self.keep(name, kind, key, make)

    @functools.cached_property
    def county_of_station(self) -> dict[str, str]:
        """Each station's county-level region (the site's region where it has none): a service's
        page and its inputs (pages/inputs.py) ask it for each station that offers the service,
        190,000 times for a province, a quarter of its pages' inputs keys when asked one by one."""
        p = self.p
        return {sid: p.county_of(st.region) or p.site.region for sid, st in p.stations.items()}

    def _stations_under_regions(self) -> dict[str, list[str]]:
        return stations_under_regions(self.p)

    def station_link(self, sid: str) -> Link:
        return Link(self.p.stations[sid].name, urls.station(sid))

    def region_link(self, code: str) -> Link:
        """The region's page, or the page of the one station that stands in for it (region_standins)."""
        standin = self.standins.get(code)
        return Link(self.p.regions[code].name, urls.station(standin) if standin else urls.region(code))

    def county_name(self, region_code: str) -> str:
        county = self.p.county_of(region_code)
        return self.p.regions[county].name if county else self.p.regions[self.p.site.region].name

    def breadcrumbs(self, region_code: str) -> list[Link]:
        return [self.region_link(r.code) for r in self.p.region_path(region_code)]

    def ordered(self, ids: Iterable[str]) -> list[Link]:
        """Links to stations, by region code then id."""
        return [self.station_link(s) for s in sorted(ids, key=lambda s: (self.p.stations[s].region, s))]


def describe(text: str | None, limit: int = 110) -> str:
    """A one-line page description for search engines and share cards."""
    flat = plain(text)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
