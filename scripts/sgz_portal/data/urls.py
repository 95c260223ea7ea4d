"""The published URLs of the contract, in one place.

Paths are relative to the site root and end with '/', so a page works from
any sub-folder: templates prefix them with mkdocs' relative `base_url`.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    title: str
    url: str  # relative to the site root
    note: str = ""

PAGE_SOURCES = {
    "station": "stations/{}/index.md",
    "service": "services/{}/index.md",
    "project": "projects/{}/index.md",
    "region": "regions/{}/index.md",
    "agency": "agencies/{}/index.md",
    "plan": "plans/{}/index.md",
    "fund": "funds/{}/index.md",
    "disclosure_county": "disclosure/{}/index.md",
}
RESOURCES = "resources/"


def station(station_id: str) -> str:
    return f"stations/{station_id}/"


def service(service_id: str) -> str:
    return f"services/{service_id}/"


def project(project_id: str) -> str:
    return f"projects/{project_id}/"


def region(code: str) -> str:
    return f"regions/{code}/"


def agency(agency_id: str) -> str:
    return f"agencies/{agency_id}/"


def plan(plan_id: str) -> str:
    return f"plans/{plan_id}/"


def fund(fund_id: str) -> str:
    return f"funds/{fund_id}/"


def disclosure_county(code: str) -> str:
    """A county's disclosure page: its stations' checklists (the portal's page lists the counties)."""
    return f"disclosure/{code}/"


def source_of(kind: str, key: str) -> str:
    """The generated Markdown file behind a page, e.g. stations/x/index.md."""
    return PAGE_SOURCES[kind].format(key)


def attachment(path: str) -> str:
    """`files/a/b.pdf` in data -> `files/a/b.pdf` in the site (same relative path)."""
    return path
