"""Page contexts. `Views` hands each generated page the dataclass its template displays.

Everything a template shows is computed in the page modules beside this one
(labels, links, groupings, sorted lists), so templates only display. The
dataclasses are the contract for templates in overrides/.
"""
from __future__ import annotations

from typing import Any

from sgz_portal.pages import agency as agency_page
from sgz_portal.pages import disclosure as disclosure_page
from sgz_portal.pages import home as home_page
from sgz_portal.pages import opendata as opendata_page
from sgz_portal.pages import plans as plans_page
from sgz_portal.pages import project as project_page
from sgz_portal.pages import region as region_page
from sgz_portal.pages import resources as resources_page
from sgz_portal.pages import service as service_page
from sgz_portal.pages import station as station_page
from sgz_portal.pages import statistics as statistics_page
from sgz_portal.pages.context import Context, ListView
from sgz_portal.pages.station import StationView


class Views(Context):
    """Builds every page context from the model; shared lists are computed once (see Context)."""

    _last_station: StationView | None = None

    def station(self, sid: str) -> StationView:
        # The poster page follows its station page; keep just that one view (memory stays flat).
        if self._last_station is None or self._last_station.station.id != sid:
            self._last_station = station_page.view(self, sid)
        return self._last_station

    def poster(self, sid: str) -> station_page.PosterView:
        return station_page.poster(self, self.station(sid))

    def directory(self) -> station_page.DirectoryView:
        return station_page.directory(self)

    def service(self, sid: str) -> service_page.ServiceView:
        return service_page.view(self, sid)

    def catalogue(self) -> service_page.CatalogueView:
        return service_page.catalogue(self)

    def region(self, code: str) -> region_page.RegionView:
        return region_page.view(self, code)

    def regions(self) -> ListView:
        return region_page.listing(self)

    def agency(self, aid: str) -> agency_page.AgencyView:
        return agency_page.view(self, aid)

    def agencies(self) -> ListView:
        return agency_page.listing(self)

    def project(self, pid: str) -> project_page.ProjectView:
        return project_page.view(self, pid)

    def projects(self) -> ListView:
        return project_page.listing(self)

    def home(self) -> home_page.HomeView:
        if "home" not in self.once:  # the home page and the search page show it
            self.once["home"] = home_page.view(self)
        view: home_page.HomeView = self.once["home"]
        return view

    def disclosure(self) -> disclosure_page.DisclosureView:
        return disclosure_page.portal_view(self)

    def disclosure_county(self, code: str) -> disclosure_page.CountyView:
        return disclosure_page.county_view(self, code)

    def late_reports(self) -> disclosure_page.LateView:
        return disclosure_page.late_view(self)

    def statistics(self) -> statistics_page.StatisticsView:
        return statistics_page.view(self)

    def opendata(self) -> opendata_page.OpenDataView:
        return opendata_page.view(self)

    def plan(self, plan_id: str) -> plans_page.PlanView:
        return plans_page.view(self, plan_id)

    def fund(self, fund_id: str) -> resources_page.FundView:
        return resources_page.fund_view(self, fund_id)

    def resources(self) -> resources_page.ResourcesView:
        return resources_page.view(self)

    def view(self, kind: str, key: str = "") -> Any:
        """The context for one generated page; computed when mkdocs renders it."""
        return getattr(self, kind)(key) if key else getattr(self, kind)()
