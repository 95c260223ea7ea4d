"""Live preview (`sgz-portal serve --watch`, run by `make serve`): a data edit reaches the open page by
itself; broken data shows the Chinese FILE:LINE errors instead of the stale page until it is fixed.

The preview runs on a temporary copy of the sample, so the edits touch nothing in the repository.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import _free_port, _stop, _wait_until_up

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "fixtures" / "sample" / "data"
CONFIG = ROOT / "mkdocs.yml"
PREFIX = "/sgz/"
STATION = "stations/dongcheng/"
WAIT_MS = 60_000  # a rebuild takes seconds; bounded so a broken preview fails instead of hanging


class Preview:
    def __init__(self, url: str, data: Path, site: Path, log: Path) -> None:
        self.url, self.data, self.site, self.log = url, data, site, log

    @property
    def stations_file(self) -> Path:
        return self.data / "stations" / "dongcheng.yaml"


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    """`python -m sgz_portal serve --watch` on a copy of the sample; stopped at teardown."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    site = tmp_path / "site"
    port = _free_port()
    paths = [str(ROOT / "scripts"), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "sgz_portal", "--config", str(CONFIG), "--data", str(data), "serve", "--watch",
             "--site", str(site), "--port", str(port), "--prefix", PREFIX],
            cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_until_up(f"http://127.0.0.1:{port}{PREFIX}", server, seconds=120)
        yield Preview(f"http://127.0.0.1:{port}{PREFIX}", data, site, log)
    finally:
        _stop(server, seconds=10)


def test_edit_reloads_the_page_and_errors_show_with_file_and_line(browser: Browser, preview: Preview) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    refused: list[str] = []  # the site's Content-Security-Policy must let the preview script and its polls through
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    try:
        page.goto(preview.url + STATION)
        body = page.locator("body")
        expect(body).to_contain_text("0830-3120001")
        original = preview.stations_file.read_text(encoding="utf-8")

        # 1. A one-line edit: the open page shows the new phone number without being reloaded by us.
        preview.stations_file.write_text(original.replace('"0830-3120001"', '"0830-3120009"', 1), encoding="utf-8")
        expect(body).to_contain_text("0830-3120009", timeout=WAIT_MS)
        expect(body).not_to_contain_text("0830-3120001")

        # 2. Broken YAML: the page is replaced by the errors, in Chinese, with file and line.
        broken = original.replace("    level: county\n", "    level: county\n   oops: [\n", 1)
        preview.stations_file.write_text(broken, encoding="utf-8")
        expect(page.locator("#preview-errors")).to_have_text("数据有错误,网站没有更新", timeout=WAIT_MS)
        expect(body).to_contain_text(re.compile(r"data/stations/dongcheng\.yaml:\d+: YAML 格式错误"))
        # another page of the site shows the errors too, not its stale copy
        page.goto(preview.url + "stations/")
        expect(page.locator("#preview-errors")).to_be_visible()
        page.goto(preview.url + STATION)
        expect(page.locator("#preview-errors")).to_be_visible()

        # 3. A data error (not a syntax error): reported with its line and key path.
        preview.stations_file.write_text(original.replace('"0830-3112345"', '"0830-31"', 1), encoding="utf-8")
        expect(body).to_contain_text(re.compile(r"data/stations/dongcheng\.yaml:\d+: stations\[0\]\.complaint_phone: "
                                                r"“0830-31”格式不对"), timeout=WAIT_MS)

        # 4. Fixed: the station page comes back by itself.
        preview.stations_file.write_text(original, encoding="utf-8")
        expect(body).to_contain_text("0830-3120001", timeout=WAIT_MS)
        expect(page.locator("#preview-errors")).to_have_count(0)
        assert page.url == preview.url + STATION
        assert refused == []
    finally:
        context.close()
    # The preview script is added to what the server sends, never written into site/.
    built = (preview.site / STATION / "index.html").read_text(encoding="utf-8")
    assert "__preview" not in built and "0830-3120001" in built
    assert re.search(r"预览:第 \d+ 次生成,用时 [0-9.]+ 秒", preview.log.read_text(encoding="utf-8"))
