"""Escaping by construction, tried as an attacker would: every plain-text field of every kind of
record carries `<>"'&`, a script tag and an image with an onerror handler, and no script runs.

The field list comes from the JSON Schemas (scripts/sgz_portal/data/schemas/), so a field added to
a schema is covered without touching this test. A string field is attacked when the schema lets the
payload in: plain text (no pattern, or only the "not empty"/"one line" patterns), and patterned
fields whose pattern still matches with the payload added (e-mail, web addresses). Fields whose
pattern forbids it (ids, dates, times, phone numbers, region codes, USCC, file paths, periods) and
enums are skipped: `Poisoned.skipped` lists them (printed by the first test). Optional fields the sample leaves out are added,
unless a data rule refuses them where they would go (e.g. `evaluator` on a monthly brief).

The copy of the sample with the payloads is built, served from /sgz/ and every page is opened in
Chromium with the Content-Security-Policy bypassed (so the test sees the escaping, not the CSP):
`window.__xss` must stay undefined, and each payload that reaches a page must read back literally
(text, title or attribute value). Search results and the nearest-station list, drawn by
JavaScript from the search index and stations.geo.json, are opened too.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jsonschema
import pytest
import yaml
from playwright.sync_api import Browser

from sgz_portal import cli
from sgz_portal.data.issues import errors
from sgz_portal.pipeline import prepare
from tests.browser.conftest import CONFIG, DATA, PREFIX, ROOT, _free_port, _wait_until_up

SCHEMAS = ROOT / "scripts" / "sgz_portal" / "data" / "schemas"
# Patterns that only say "not empty" / "one line": the field is plain text.
PLAIN_PATTERNS = {r"\S", r"^(?!.*[\r\n]).*\S"}
ATTACK = "<>\"'&<script>window.__xss=1</script><img src=x onerror=\"window.__xss=1\">"
ATTACK_NO_SPACE = "<>\"'&<script>window.__xss=1</script><img/src=x/onerror=window.__xss=1>"
# Values an added optional field starts from: nothing, or a web address (the payload is appended).
SEEDS = ("", "https://www.example.gov.cn/sgz/")
# data file (relative to data/) -> schema name, as data/validate.py pairs them
SCHEMA_OF = {"site.yaml": "site", "regions.yaml": "regions", "services.yaml": "services",
             "agencies.yaml": "agencies", "stations.yaml": "stations", "stations": "stations",
             "projects": "project", "plans": "plan", "resources.yaml": "resources"}


def _schema_name(rel: Path) -> str:
    return SCHEMA_OF.get(rel.parts[0]) or SCHEMA_OF[rel.name]


def _plain_date(node: Any) -> Any:
    """YAML dates back to the strings the project's loader keeps."""
    if isinstance(node, dict):
        return {k: _plain_date(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain_date(v) for v in node]
    return node.isoformat() if isinstance(node, dt.date) else node


@dataclass
class Injector:
    """Walks YAML documents with their schema, putting a numbered payload in every attackable field.

    One injector per schema; the same field in several files (stations/*.yaml) keeps its number."""

    root: dict
    schema_name: str
    registry: dict[str, int]  # "schema:field" -> marker number, shared by all injectors
    signatures: dict[int, str]  # marker -> the payload text that must read back literally
    markdown: set[int]  # markers of Markdown fields (rendered, so only the escaping is compared)
    skipped: set[str] = field(default_factory=set)
    added: list[tuple[str, list, str]] = field(default_factory=list)  # (field, container path, key)

    def resolve(self, node: dict) -> tuple[dict, bool]:
        """The node with $ref followed; True if it is the Markdown definition."""
        is_markdown = False
        while "$ref" in node:
            ref = node["$ref"]
            is_markdown |= ref.endswith("/markdown")
            target = self.root
            for part in ref.removeprefix("#/").split("/"):
                target = target[part]
            node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return node, is_markdown

    def branches(self, node: dict, data: Any) -> tuple[list[dict], bool]:
        """The node plus the subschemas that apply to `data` (allOf, if/then/else)."""
        node, is_markdown = self.resolve(node)
        out = [node]
        subs = list(node.get("allOf", []))
        if "if" in node:
            validator = jsonschema.Draft202012Validator(self.root)
            chosen = node.get("then" if validator.evolve(schema=node["if"]).is_valid(data) else "else")
            subs += [chosen] if chosen is not None else []
        for sub in subs:
            more, md = self.branches(sub, data)
            out += more
            is_markdown |= md
        return out, is_markdown

    def attack(self, name: str, nodes: list[dict], is_markdown: bool, value: str) -> str | None:
        """`value` with the payload in it, if the schema allows; None (and skipped) if not."""
        merged: dict = {}
        for n in nodes:
            merged.update(n)
        key = f"{self.schema_name}:{name}"
        if "enum" in merged or "const" in merged:
            self.skipped.add(key)
            return None
        pattern = merged.get("pattern")
        for attack, where in ((ATTACK, "before"), (ATTACK_NO_SPACE, "before"), (ATTACK_NO_SPACE, "after")):
            trial = "Ⓧ0Ⓨ" + attack
            candidate = trial + value if where == "before" else value + trial
            if pattern is None or re.search(pattern, candidate):
                n = self.registry.setdefault(key, len(self.registry) + 1)
                signature = f"Ⓧ{n}Ⓨ" + attack
                self.signatures[n] = signature
                if is_markdown:
                    self.markdown.add(n)
                return signature + value if where == "before" else value + signature
        self.skipped.add(key)
        return None

    def walk(self, schema: dict, data: Any, name: str, path: list) -> Any:
        nodes, is_markdown = self.branches(schema, data)
        kinds = {t for n in nodes for t in ([n["type"]] if isinstance(n.get("type"), str) else n.get("type", []))}
        if isinstance(data, str) and "string" in kinds:
            result = self.attack(name, nodes, is_markdown, data)
            return data if result is None else result
        if isinstance(data, list):
            items = next((n["items"] for n in nodes if "items" in n), None)
            return [self.walk(items, v, f"{name}[]", path + [i]) if items else v for i, v in enumerate(data)]
        if not isinstance(data, dict):
            return data
        props: dict[str, dict] = {}
        for n in nodes:
            props.update(n.get("properties", {}))
        out = {}
        for key, value in data.items():
            sub = f"{name}.{key}" if name else key
            out[key] = self.walk(props[key], value, sub, path + [key]) if key in props else value
        for key, sub_schema in props.items():  # optional text fields the sample leaves out
            sub = f"{name}.{key}" if name else key
            sub_nodes, md = self.branches(sub_schema, "")
            if key not in out and any(n.get("type") == "string" for n in sub_nodes):
                value = None
                for seed in SEEDS:  # a value the payload can be added to, as the pattern allows
                    value = self.attack(sub, sub_nodes, md, seed)
                    if value is not None:
                        self.skipped.discard(f"{self.schema_name}:{sub}")
                        break
                if value is not None:
                    out[key] = value
                    self.added.append((f"{self.schema_name}:{sub}", path, key))
        return out


@dataclass
class Poisoned:
    data: Path
    fields: dict[str, int]  # "stations:stations[].address" -> marker number
    signatures: dict[int, str]
    markdown: set[int]
    skipped: set[str]  # fields whose pattern (or enum) keeps the payload out
    refused: dict[str, str]  # optional fields a data rule refuses where they were added -> why


def _get(node: Any, path: list) -> Any:
    for part in path:
        node = node[part]
    return node


def _dotted(path: list) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def poison(target: Path) -> Poisoned:
    """A copy of the sample data with a payload in every attackable field."""
    shutil.copytree(DATA, target)
    registry: dict[str, int] = {}
    signatures: dict[int, str] = {}
    markdown: set[int] = set()
    injectors: dict[str, Injector] = {}
    docs: dict[Path, Any] = {}
    added: dict[Path, list[tuple[str, list, str]]] = {}
    for path in sorted(target.rglob("*.yaml")):
        rel = path.relative_to(target)
        if rel.name == "rules.yaml":
            continue
        name = _schema_name(rel)
        if name not in injectors:
            schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text("utf-8"))
            injectors[name] = Injector(schema, name, registry, signatures, markdown)
        inj = injectors[name]
        before = len(inj.added)
        docs[path] = inj.walk(inj.root, _plain_date(yaml.safe_load(path.read_text("utf-8"))), "", [])
        added[path] = inj.added[before:]
    refused: dict[str, str] = {}
    for _ in range(10):  # take out added optional fields that a data rule refuses where they went
        for path, doc in docs.items():
            path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
        problems = errors(prepare(target).issues)
        if not problems:
            break
        changed = False
        for path, adds in added.items():
            rel = path.relative_to(target.parent).as_posix()
            keep = []
            for fname, where, key in adds:
                mine = [p for p in problems if p.file == rel and p.path == _dotted([*where, key])]
                if mine:
                    _get(docs[path], where).pop(key)
                    refused[fname] = mine[0].message
                    changed = True
                else:
                    keep.append((fname, where, key))
            added[path] = keep
        assert changed, "the payloads broke the data: " + "; ".join(map(str, problems[:5]))
    text = json.dumps(list(docs.values()), ensure_ascii=False)
    fields = {f: n for f, n in registry.items() if f"Ⓧ{n}Ⓨ" in text}
    refused = {f: why for f, why in refused.items() if f not in fields}
    skipped = set().union(*(i.skipped for i in injectors.values())) - set(fields)
    return Poisoned(target, fields, signatures, markdown, skipped, refused)


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory: pytest.TempPathFactory) -> Poisoned:
    return poison(tmp_path_factory.mktemp("xss") / "data")


@pytest.fixture(scope="module")
def poisoned_site(poisoned: Poisoned) -> Path:
    site = poisoned.data.parent / "site"
    assert cli.build(poisoned.data, site, CONFIG) == 0
    return site


@pytest.fixture(scope="module")
def poisoned_url(poisoned_site: Path) -> Iterator[str]:
    port = _free_port()
    env = {"PYTHONPATH": str(ROOT / "scripts"), "PATH": "/usr/bin:/bin"}
    with open(poisoned_site.parent / "serve.log", "wb") as log:
        server = subprocess.Popen([sys.executable, "-m", "sgz_portal", "serve", "--site", str(poisoned_site),
                                   "--port", str(port), "--prefix", PREFIX],
                                  env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        _wait_until_up(f"http://127.0.0.1:{port}{PREFIX}", server)
        yield f"http://127.0.0.1:{port}{PREFIX}"
    finally:
        server.terminate()
        server.wait(timeout=5)


# Everything the page holds as text (hidden parts too), its title and attribute values (decoded).
READ_BACK = """() => { const out = [document.title, document.body.textContent];
  for (const el of document.querySelectorAll("*")) for (const a of el.attributes) out.push(a.value);
  return out.join("\\n"); }"""


def test_every_plain_text_field_is_attacked(poisoned: Poisoned) -> None:
    """The schemas give the list; the big record kinds are all there."""
    fields = set(poisoned.fields)
    for expected in ["site:name", "site:publisher", "site:contact.address", "site:contact.email", "site:feedback_url",
                     "stations:stations[].name", "stations:stations[].address", "stations:stations[].head",
                     "stations:stations[].commitments", "stations:stations[].facilities[]",
                     "stations:stations[].description", "services:services[].name",
                     "services:services[].summary", "agencies:agencies[].name", "regions:regions[].name",
                     "project:title", "project:buyers[]", "project:reports[].summary",
                     "project:stories[].title", "project:indicators[].name"]:
        assert expected in fields, expected
    assert not fields & poisoned.skipped
    for skipped in ["stations:stations[].id", "stations:stations[].phone[]", "stations:stations[].verified",
                    "stations:stations[].region", "stations:stations[].level", "agencies:agencies[].uscc"]:
        assert skipped in poisoned.skipped or skipped not in fields, skipped
    print(f"\nXSS: {len(fields)} plain-text fields attacked; skipped (pattern or enum): "
          f"{sorted(poisoned.skipped)}; refused where added: {sorted(poisoned.refused)}")


def test_no_payload_runs_and_every_one_reads_back_literally(browser: Browser, poisoned: Poisoned,
                                                            poisoned_site: Path, poisoned_url: str) -> None:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", bypass_csp=True)
    pages = sorted(p.relative_to(poisoned_site).as_posix() for p in poisoned_site.rglob("*.html"))
    seen: set[int] = set()
    try:
        tab = context.new_page()
        for rel in pages:
            html = (poisoned_site / rel).read_text(encoding="utf-8")
            markers = {int(n) for n in re.findall(r"Ⓧ(\d+)Ⓨ", html)}
            if not markers:
                continue
            if 'http-equiv="refresh"' in html:  # a redirect stub leaves at once: read its escaped text
                assert "<script>" not in html and "<img" not in html, f"a payload is raw HTML on {rel}"
                seen |= markers
                continue
            url = poisoned_url + (rel.removesuffix("index.html") if rel != "404.html" else rel)
            tab.goto(url, wait_until="load")
            assert tab.evaluate("window.__xss") is None, f"a payload ran on {rel}"
            text = tab.evaluate(READ_BACK)
            for n in markers:
                # Markdown is rendered (`__x__` is bold): there the escaped `<>"'&<script>` must read back.
                wanted = poisoned.signatures[n]
                wanted = wanted[:wanted.index("window")] if n in poisoned.markdown else wanted
                assert wanted in text, f"{rel}: field {_name(poisoned, n)} does not read back literally"
            seen |= markers
    finally:
        context.close()
    shown = {f for f, n in poisoned.fields.items() if n in seen}
    print(f"\nXSS: {len(shown)} of {len(poisoned.fields)} attacked fields appear on pages, "
          f"none ran; not on any page: {sorted(set(poisoned.fields) - shown)}")
    # Every attacked field is shown somewhere today; a field meant to stay off the pages must be named here.
    assert shown == set(poisoned.fields)


def _name(p: Poisoned, n: int) -> str:
    return next(f for f, m in p.fields.items() if m == n)


def test_search_results_and_nearest_list_do_not_run_payloads(browser: Browser, poisoned: Poisoned,
                                                             poisoned_url: str) -> None:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", bypass_csp=True,
                                  geolocation={"latitude": 29.3420, "longitude": 105.6215},
                                  permissions=["geolocation"])
    try:
        tab = context.new_page()
        tab.goto(f"{poisoned_url}search/?q={quote('社会工作服务站')}")
        tab.wait_for_selector('#sgz-results[aria-busy="false"]', state="attached")
        assert tab.locator("#sgz-results > li").count() > 0
        tab.wait_for_load_state("load")
        assert tab.evaluate("window.__xss") is None
        assert ATTACK in tab.evaluate(READ_BACK)  # station names in the result cards, as text
        tab.goto(poisoned_url + "stations/#nearest", wait_until="load")
        tab.get_by_role("button", name="查找离我最近的社工站").click()
        tab.wait_for_selector("[data-nearest-list] li")
        assert tab.evaluate("window.__xss") is None
        assert ATTACK in tab.locator("[data-nearest-list]").inner_text()
    finally:
        context.close()

