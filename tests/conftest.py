"""Shared fixtures: the demo site is built once per test session and read by many tests."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from sgz_portal import cli, pipeline
from sgz_portal.data import forked
from sgz_portal.pages.views import Views
from tests.fixturedata import MINIMAL

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "fixtures" / "sample" / "data"  # a copy of the sample: tests never read data/
CONFIG = ROOT / "mkdocs.yml"


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample data built into a fresh folder (as_of 2026-10-31)."""
    out = tmp_path_factory.mktemp("demo") / "site"
    assert cli.build(DATA, out, CONFIG) == 0
    return out


@pytest.fixture(scope="session")
def demo_views() -> Views:
    """The sample data's page views, judged at its fixed as-of date."""
    prepared = pipeline.prepare(DATA)
    assert prepared.ok and prepared.portal.site.as_of.isoformat() == "2026-10-31"
    return Views(prepared.portal, prepared.issues)


@pytest.fixture(scope="session")
def site(demo_site: Path) -> Path:
    return demo_site


@pytest.fixture(scope="session")
def views(demo_views: Views) -> Views:
    return demo_views


HOSTED_BASE = "https://www.example.gov.cn/sgz/"


@pytest.fixture(scope="session")
def hosted_demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample as a bureau publishes it: site.yaml gives base_url (a sub-folder of its host)."""
    data = tmp_path_factory.mktemp("hosted-demo") / "data"
    shutil.copytree(DATA, data)
    with open(data / "site.yaml", "a", encoding="utf-8") as f:
        f.write(f"base_url: {HOSTED_BASE}\n")
    out = data.parent / "site"
    assert cli.build(data, out, CONFIG) == 0
    return out


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A fresh copy of the minimal fixture data (tests/fixtures/minimal), for a test to edit."""
    target = tmp_path / "data"
    shutil.copytree(MINIMAL, target)
    return target


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """data/forked.py forks only while no other thread runs; a test session runs some (the demo
    site's server), which no forked work here touches: tests of the forked path fork regardless.
    test_forked.py checks the rule itself."""
    monkeypatch.setattr(forked, "available", lambda: hasattr(os, "fork"))
