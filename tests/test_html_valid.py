"""Every page of the built sample is valid HTML for the Nu Html Checker (vnu-jar, the W3C's
checker), the theme's markup included: no error and no warning, with and without base_url.
`make checkers` installs Java and the pinned vnu-jar into .tools/; one JVM run checks all pages.

Warnings kept on purpose (KEPT_WARNINGS), each with its reason. Add one only with its reason.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

from tests.conftest import ROOT

VNU = ROOT / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
KEPT_WARNINGS: dict[str, str] = {  # message start -> why we keep it
    "Resource violates Content Security Policy (meta tag)":
        "the checker reads the pages as file: URLs, whose origin is opaque, so 'self' matches nothing; "
        "served over HTTP no page reports a violation (tests/browser/test_csp.py)",
}


def vnu(*folders: Path) -> list[dict]:
    """The checker's messages (errors, warnings and info) for every HTML file under `folders`."""
    java = shutil.which("java")
    assert java and VNU.is_file(), "the Nu Html Checker is missing: run `make checkers`"
    done = subprocess.run([java, "-jar", str(VNU), "--skip-non-html", "--format", "json", *map(str, folders)],
                          capture_output=True, text=True, timeout=600, check=False)
    return json.loads(done.stderr)["messages"]


def problems(messages: list[dict]) -> list[str]:
    kept = [m for m in messages if m["type"] == "info" and m.get("subType") == "warning"
            and any(m["message"].startswith(k) for k in KEPT_WARNINGS)]
    return [f"{m.get('url', '')}:{m.get('lastLine', '')}: {m['type']}: {m['message']}"
            for m in messages if m not in kept and not (m["type"] == "info" and "subType" not in m)]


def test_every_page_is_valid_html(site: Path, hosted_demo_site: Path) -> None:
    messages = vnu(site, hosted_demo_site)
    assert problems(messages) == []
    assert (hosted_demo_site / "404.html").is_file()  # checked too: it exists with base_url


def test_the_checker_reports_what_we_fixed(tmp_path: Path) -> None:
    """The checker runs for real: each mistake this test suite guards against is reported."""
    page = ('<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>t</title>'
            '<meta name="description" content="参与"五社联动"。"></head><body>'
            '<input type="checkbox" id="x" autocomplete="off"><form action=""></form>'
            '<a href="//">首页</a><section><p>无标题</p></section></body></html>')
    (tmp_path / "bad.html").write_text(page, encoding="utf-8")
    found = "\n".join(problems(vnu(tmp_path)))
    for expected in ("autocomplete", "action", "“//”", "Section lacks heading", "五社联动"):
        assert expected in found, expected


def test_share_descriptions_keep_quoted_words(site: Path) -> None:
    """A summary quoting "五社联动" reaches the description and og:description whole, escaped."""
    class Metas(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.content: dict[str, str] = {}

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = dict(attrs)
            if tag == "meta" and (a.get("name") or a.get("property")):
                self.content[a.get("name") or a.get("property") or ""] = a.get("content") or ""

    metas = Metas()
    metas.feed((site / "services" / "org-incubation" / "index.html").read_text(encoding="utf-8"))
    summary = "为居民自发组织提供场地、培训和登记备案指导,培育社区社会组织参与\"五社联动\"。"
    assert metas.content["description"] == summary
    assert metas.content["og:description"] == summary
