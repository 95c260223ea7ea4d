"""A folded page's old URL (printed on paper as a QR code) still leads to its content in a browser."""
from __future__ import annotations

from sgz_portal import pipeline
from sgz_portal.pages.context import region_standins
from tests.browser.conftest import DATA


def test_old_village_region_url_opens_the_station(page, site_url) -> None:
    prepared = pipeline.prepare(DATA)
    code, sid = sorted(region_standins(prepared.portal).items())[0]
    page.goto(f"{site_url}regions/{code}/")
    page.wait_for_url(f"{site_url}stations/{sid}/")
    assert page.locator("h1").first.inner_text() == prepared.portal.stations[sid].name
