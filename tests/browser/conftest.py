"""Browser test fixtures: the demo site built once, served from a sub-folder, and headless Chromium.

Every browser test runs against http://127.0.0.1:PORT/sgz/, so anything that
only works at the site root fails here. Playwright cannot download its own
browser in this environment; it drives Debian's /usr/bin/chromium
(`make browser` installs it). Without it the browser tests are skipped.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sgz_portal import cli

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "fixtures" / "sample" / "data"  # a copy of the sample: tests never read data/
CONFIG = ROOT / "mkdocs.yml"
CHROMIUM = Path("/usr/bin/chromium")
PREFIX = "/sgz/"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo site, built once per test session."""
    site = tmp_path_factory.mktemp("browser") / "site"
    assert cli.build(DATA, site, CONFIG) == 0, "demo site did not build"
    return site


def _stop(server: subprocess.Popen, seconds: float) -> None:
    """Ask the server to stop; kill it if it has not stopped after `seconds`."""
    server.terminate()
    try:
        server.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"portal serve exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise RuntimeError(f"portal serve did not answer at {url}")


@pytest.fixture(scope="session")
def server_port(built_site: Path) -> Iterator[int]:
    """`python -m sgz_portal serve` on a free port with the /sgz/ prefix; stopped at teardown.
    Its stderr goes to serve.log next to the site (a pipe nobody reads could fill and block it)."""
    port = _free_port()
    paths = [str(ROOT / "scripts"), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    with open(built_site.parent / "serve.log", "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "sgz_portal", "serve", "--site", str(built_site), "--port", str(port),
             "--prefix", PREFIX], env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        _wait_until_up(f"http://127.0.0.1:{port}{PREFIX}", server)
        yield port
    finally:
        _stop(server, seconds=5)


@pytest.fixture(scope="session")
def site_url(server_port: int) -> str:
    """Base URL of the served site, ending in a slash: http://127.0.0.1:PORT/sgz/."""
    return f"http://127.0.0.1:{server_port}{PREFIX}"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium (Debian's), shared by the session."""
    if not CHROMIUM.exists():
        pytest.skip(f"浏览器测试需要 {CHROMIUM}(运行 make browser 安装 Debian 的 chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page in its own context (no cookies or storage shared between tests), zh-CN."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(scope="session")
def sample_pages(built_site: Path) -> dict[str, str]:
    """One URL (relative to site_url) per page type; records are the largest of their kind (worst case)."""
    def largest(folder: str) -> str:
        files = sorted((built_site / folder).glob("*/index.html"), key=lambda p: (-p.stat().st_size, str(p)))
        return files[0].parent.relative_to(built_site).as_posix() + "/"
    return {"home": "", "directory": "stations/", "station": largest("stations"),
            "service": largest("services"), "project": largest("projects"),
            "search": "search/?q=%E8%80%81%E4%BA%BA", "disclosure": "disclosure/",
            "plan": "plans/shi-talent-14th/", "fund": "funds/hubin-fund/", "resources": "resources/",
            "statistics": "statistics/", "late": "disclosure/late/"}
