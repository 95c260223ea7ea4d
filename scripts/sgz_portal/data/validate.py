"""Shape (JSON Schema) first, then cross-references on sound records.

Like frictionless: a record whose structure is broken is reported once for
its structure and left out of the cross checks, so one typo does not cascade
into a page of follow-on errors.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sgz_portal.data import files
from sgz_portal.data.issues import WARNING, Issue, format_path, issue, suggest
from sgz_portal.data.load import (
    Document,
    Located,
    RawData,
    items,
    plan_records,
    project_records,
    station_records,
    strings_in,
)
from sgz_portal.data.memo import Memo, issues_in, issues_out
from sgz_portal.data.schema import check_shape

LEVELS = ["province", "city", "county", "township", "village"]
LEVEL_WORDS = {"province": "省级", "city": "市级", "county": "县级", "township": "乡镇级",
               "village": "村级"}


def _level_word(level: Any) -> str:
    """The level of a (possibly broken) record, in words."""
    return LEVEL_WORDS.get(level, str(level)) if isinstance(level, str) else "未知层级"


DATE_KEYS = {"as_of", "established", "verified", "signed", "start", "end", "published", "date", "since"}
ATTACHMENT_TYPES = set(files.KINDS)
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
HALF = re.compile(r"^\d{4}-H[12]$")


def uscc_check_char(code: str) -> str:
    """GB 32100-2015 check character for the first 17 characters."""
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(code[:17], USCC_WEIGHTS))
    return USCC_CHARS[(31 - total % 31) % 31]


def parse_date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


class _Checker:
    """Collects issues; one instance per validation run."""

    def __init__(self, raw: RawData, memo: Memo | None = None) -> None:
        self.raw = raw
        self.memo = memo
        self.found: list[Issue] = []
        self.broken: set[tuple[str, tuple]] = set()  # (file, record path) with shape errors
        self.referenced: set[str] = set()  # attachments the data references (resolved paths)
        self.max_bytes = _max_mb(raw) * 1024 * 1024
        self.shaped: set[tuple[str, str]] = set()  # (file, key path) the schema already complained about
        self.strings: set[str] = set()  # every 'files/...' string of the data (unreferenced)
        # attachment path -> (stamp, size limit, problem or None) when vetted, this run and the last
        self.vetted: dict[str, tuple[str, float, tuple[str, dict[str, str]] | None]] = {}
        self._vetted_key = memo.key("vetted", str(raw.root)) if memo is not None else ""
        self.vetted_before = (memo.get(self._vetted_key) if memo is not None else None) or {}

    def add(self, code: str, doc: Document, path: tuple, **values: Any) -> None:
        """Report a problem, unless the schema already reported this very value (one message per mistake)."""
        if (doc.file, format_path(path)) in self.shaped:
            return
        self.found.append(issue(code, doc.file, doc.line(path), path, **values))

    def sound(self, located: Iterable[Located]) -> list[Located]:
        return [(d, p, r) for d, p, r in located if (d.file, p) not in self.broken
                and (d.file, ()) not in self.broken]

    # -- shape -------------------------------------------------------------
    def shapes(self) -> None:
        """Each file's shape against its schema, its dates, and the attachments it names."""
        raw = self.raw
        singles = [(raw.site, "site"), (raw.regions, "regions"), (raw.services, "services"),
                   (raw.agencies, "agencies"), (raw.rules, "rules"), (raw.resources, "resources")]
        docs = [(d, s) for d, s in singles if d is not None]
        docs += [(d, "stations") for d in raw.stations] + [(d, "project") for d in raw.projects]
        docs += [(d, "plan") for d in raw.plans]
        for doc, schema in docs:
            shape, dated, strings = self._checked(doc, schema)
            for found in shape:
                self.found.append(found)
                self.shaped.add((doc.file, found.path))
                self.broken.add((doc.file, self._record_of(doc, found.path)))
            if schema != "rules":
                self.found += dated
            if schema not in ("rules", "resources", "plan"):
                self.strings.update(strings)

    def _checked(self, doc: Document, schema: str) -> tuple[list[Issue], list[Issue], list[str]]:
        """What only this file decides: check_shape, the dates the schema cannot check, and its
        'files/...' strings; or what they gave for these very bytes last time (data/memo.py)."""
        key = self.memo.key("file", schema, doc.file, doc.digest) if self.memo is not None and doc.digest else ""
        kept = self.memo.get(key) if self.memo is not None and key else None
        if kept is not None:
            return issues_in(kept[0]), issues_in(kept[1]), kept[2]
        shape = check_shape(doc, schema)
        shaped = {found.path for found in shape}
        dated = [issue("bad_date", doc.file, doc.line(path), path, value=value)
                 for path, value in _bad_dates(doc.data) if format_path(path) not in shaped]
        strings = sorted(s for s in strings_in(doc.data) if s.startswith("files/"))
        if self.memo is not None and key:
            self.memo.put(key, (issues_out(shape), issues_out(dated), strings))
        return shape, dated, strings

    @staticmethod
    def _record_of(doc: Document, path: str) -> tuple:
        """'stations[3].phone[0]' -> ('stations', 3); a top-level problem -> ()."""
        match = re.match(r"^([a-z_]+)\[(\d+)\]", path)
        if match and isinstance(doc.data, dict) and isinstance(doc.data.get(match[1]), list):
            return (match[1], int(match[2]))
        return ()

    # -- attachments ----------------------------------------------------------
    def attachment(self, doc: Document, path: tuple, value: Any) -> None:
        # Paths as strings (os.path.realpath is what Path.resolve does): a province's 3,700
        # attachments, each resolved as Paths three times, took 0.9 profiled s of every build.
        if not isinstance(value, str):
            return
        files = os.path.realpath(os.path.join(self.raw.root, "files"))
        target = os.path.realpath(os.path.join(self.raw.root, value))
        if not target.startswith(files + os.sep):
            self.add("file_outside", doc, path, value=value)
        elif os.path.splitext(target)[1].lower() not in ATTACHMENT_TYPES:
            self.add("file_type", doc, path, value=value)
        elif not os.path.isfile(target):
            self.add("file_missing", doc, path, value=value)
        elif target not in self.referenced:  # vet each file once, at its first reference
            self.referenced.add(target)
            self.vet(doc, path, value, Path(target))

    def vet(self, doc: Document, path: tuple, value: str, target: Path) -> None:
        """Size, then content: the first bytes must show the type the extension promises. A file
        whose size, modification time and inode are those vetted last time (data/memo.py) is not
        read again: a province's 3,700 attachments took 2 s to sniff."""
        st = target.stat()
        stamp = f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"
        before = self.vetted_before.get(str(target))
        if before is not None and before[0] == stamp and before[1] == self.max_bytes:
            problem = before[2]
        else:
            problem = self._problem(target, st.st_size)
        self.vetted[str(target)] = (stamp, self.max_bytes, problem)
        if problem is not None:
            self.add(problem[0], doc, path, value=value, **problem[1])

    def _problem(self, target: Path, size: int) -> tuple[str, dict[str, str]] | None:
        if size > self.max_bytes:
            return "file_too_large", {"size": _size_words(size), "limit": _mb(self.max_bytes)}
        expected = files.KINDS[target.suffix.lower()]
        actual = files.sniff(target)
        if actual != expected:
            return "file_content", {"actual": files.describe(actual), "expected": files.describe(expected)}
        if expected in files.PHOTOS and not _photo_ok(target):
            return "file_broken", {"expected": files.describe(expected)}
        return None

    def remember_vetted(self) -> None:
        if self.memo is not None and self.vetted != self.vetted_before:
            self.memo.put(self._vetted_key, self.vetted)

    def unreferenced(self) -> None:
        """Files under data/files that nothing references: not published, and said so."""
        root = (self.raw.root / "files")
        if not root.is_dir():
            return
        base = self.raw.root.parent
        # records with errors included (not vetted, but referenced: their file is not reported as
        # unreferenced on top of the record's error)
        named = self.referenced | {os.path.realpath(os.path.join(self.raw.root, ref)) for ref in self.strings}
        for path in sorted(root.rglob("*")):
            if path.is_file() and os.path.realpath(path) not in named:
                self.found.append(issue("file_unreferenced", path.relative_to(base).as_posix(), 1, "",
                                        severity=WARNING))

    def unique(self, located: list[Located], key: str = "id") -> dict[str, Located]:
        seen: dict[str, Located] = {}
        for doc, path, record in located:
            value: Any = record.get(key)
            if isinstance(value, (list, dict)):
                continue  # a list or mapping where an id belongs: the schema reports it
            if value in seen:
                other = seen[value]
                where = f"{other[0].file}:{other[0].line(other[1] + (key,))}"
                self.add("duplicate_id", doc, path + (key,), value=value, other=where)
            elif value is not None:
                seen[value] = (doc, path, record)
        return seen

    def ref(self, doc: Document, path: tuple, value: Any, known: dict, kind: str, source: str) -> bool:
        if isinstance(value, (list, dict)):
            return False  # not an id at all: the schema reports it
        if value in known:
            return True
        if source in self.raw.unreadable:
            return False  # that file could not be read; its parse error is already reported
        self.add("unknown_ref", doc, path, kind=kind, value=value, hint=suggest(str(value), known))
        return False


def _check_regions(c: _Checker) -> dict[str, Located]:
    regions = c.unique(items(c.raw.regions, "regions"), "code")
    for doc, path, region in c.sound(regions.values()):
        level, parent = region.get("level"), region.get("parent")
        if parent is None:
            if level in ("county", "township", "village"):
                c.add("parent_required", doc, path + ("parent",))
            continue
        if c.ref(doc, path + ("parent",), parent, regions, "上级区划", "regions"):
            actual: Any = regions[parent][2].get("level")
            if level in LEVELS and LEVELS.index(level) > 0 and actual != LEVELS[LEVELS.index(level) - 1]:
                c.add("wrong_level", doc, path + ("parent",), kind="上级区划", value=parent,
                      actual=_level_word(actual),
                      expected=LEVEL_WORDS[LEVELS[LEVELS.index(level) - 1]])
    return regions


def _check_services(c: _Checker) -> dict[str, Located]:
    doc = c.raw.services
    domains = c.unique(items(doc, "domains"))
    groups = c.unique(items(doc, "groups"))
    services = c.unique(items(doc, "services"))
    for d, path, service in c.sound(services.values()):
        c.ref(d, path + ("domain",), service.get("domain"), domains, "服务领域", "services")
        for i, group in enumerate(service.get("groups", [])):
            c.ref(d, path + ("groups", i), group, groups, "服务对象", "services")
    return services


def _check_agencies(c: _Checker) -> dict[str, Located]:
    agencies = c.unique(items(c.raw.agencies, "agencies"))
    for doc, path, agency in c.sound(agencies.values()):
        code = agency.get("uscc", "")
        if len(code) == 18 and all(ch in USCC_CHARS for ch in code):
            expected = uscc_check_char(code)
            if code[17] != expected:
                c.add("bad_uscc", doc, path + ("uscc",), value=code, expected=expected)
        if "rating" in agency and "rating_year" not in agency:
            c.add("rating_year_required", doc, path + ("rating",))
    return agencies


def _check_stations(c: _Checker, regions: dict, services: dict, agencies: dict) -> dict[str, Located]:
    stations = c.unique(station_records(c.raw))
    for doc, path, st in c.sound(stations.values()):
        level: Any = st.get("level")
        if level != "city" and "parent" not in st:
            c.add("parent_required", doc, path + ("parent",))
        if "parent" in st and c.ref(doc, path + ("parent",), st["parent"], stations, "上级站点", "stations"):
            actual: Any = stations[st["parent"]][2].get("level")
            want = LEVELS[LEVELS.index(level) - 1]
            if actual != want:
                c.add("wrong_level", doc, path + ("parent",), kind="上级站点", value=st["parent"],
                      actual=_level_word(actual), expected=LEVEL_WORDS[want])
        if c.ref(doc, path + ("region",), st.get("region"), regions, "区划", "regions"):
            actual = regions[st["region"]][2].get("level")
            if actual != level:
                c.add("wrong_level", doc, path + ("region",), kind="区划", value=st["region"],
                      actual=_level_word(actual), expected=LEVEL_WORDS[level])
        if "operator" in st:  # required below city level by the schema
            c.ref(doc, path + ("operator",), st["operator"], agencies, "运营机构", "agencies")
        for i, service in enumerate(st.get("services", [])):
            c.ref(doc, path + ("services", i), service, services, "服务项目", "services")
        for i, slot in enumerate(st.get("hours", [])):
            if slot.get("close", "") <= slot.get("open", ""):
                c.add("hours_order", doc, path + ("hours", i, "close"), **slot)
        if "photo" in st.get("signage", {}):
            c.attachment(doc, path + ("signage", "photo"), st["signage"]["photo"])
        for i, photo in enumerate(st.get("photos", [])):
            c.attachment(doc, path + ("photos", i), photo)
    return stations


def _check_projects(c: _Checker, stations: dict, agencies: dict) -> None:
    projects = c.unique(project_records(c.raw))
    for doc, _path, project in c.sound(projects.values()):
        for i, station in enumerate(project.get("stations", [])):
            c.ref(doc, ("stations", i), station, stations, "站点", "stations")
        c.ref(doc, ("supplier",), project.get("supplier"), agencies, "承接机构", "agencies")
        agreement = project.get("agreement", {})
        start, end = parse_date(agreement.get("start")), parse_date(agreement.get("end"))
        if start and end and end < start:
            c.add("period_order", doc, ("agreement", "end"), start=start, end=end)
        if "document" in agreement:
            c.attachment(doc, ("agreement", "document"), agreement["document"])
        c.unique([(doc, ("indicators", i), r) for i, r in enumerate(project.get("indicators", []))
                  if isinstance(r, dict)])
        for i, report in enumerate(project.get("reports", [])):
            if isinstance(report, dict):
                _check_report(c, doc, ("reports", i), report)


def _check_report(c: _Checker, doc: Document, path: tuple, report: dict) -> None:
    kind: Any = report.get("type")
    period = report.get("period")
    pattern = {"monthly": MONTH, "self_assessment": HALF}.get(kind)
    if pattern and (not isinstance(period, str) or not pattern.match(period)):
        c.add("bad_period", doc, path + ("period",), value=period if period else "")
    if kind in ("monthly", "self_assessment"):
        for key in ("score", "grade", "evaluator"):
            if key in report:
                c.add("evaluation_only", doc, path + (key,), key=key)
    if "document" in report:
        c.attachment(doc, path + ("document",), report["document"])


def _check_plans(c: _Checker, regions: dict) -> None:
    """Plans: the region exists, the period runs forward, indicator ids are unique, and an
    indicator that is not computed (`measure`) has reported values."""
    plans = c.unique(plan_records(c.raw))
    for doc, _path, plan in c.sound(plans.values()):
        c.ref(doc, ("region",), plan.get("region"), regions, "区划", "regions")
        period = plan.get("period", {})
        if period.get("end", 0) < period.get("start", 0):
            c.add("period_order", doc, ("period", "end"), start=period["start"], end=period["end"])
        if "document" in plan:
            c.attachment(doc, ("document",), plan["document"])
        indicators: list[Located] = [(doc, ("indicators", i), r) for i, r in enumerate(plan.get("indicators", []))]
        c.unique(indicators)
        for _, path, indicator in indicators:
            if "measure" not in indicator and not indicator.get("actual"):
                c.add("plan_actual_required", doc, path + ("id",), value=indicator.get("id", ""))


def _check_resources(c: _Checker, stations: dict) -> None:
    """Community organisations, volunteer teams and charity funds: unique ids, known stations,
    ledgers oldest first."""
    doc = c.raw.resources
    for key in ("community_orgs", "volunteer_teams", "charity_funds"):
        for d, path, record in c.sound(c.unique(items(doc, key)).values()):
            c.ref(d, path + ("station",), record.get("station"), stations, "站点", "stations")
    for d, path, fund in c.sound(items(doc, "charity_funds")):
        previous = ""
        for i, entry in enumerate(fund.get("ledger", [])):
            date = entry.get("date", "")
            if parse_date(date) and previous and date < previous:
                c.add("ledger_order", d, path + ("ledger", i, "date"), value=date, previous=previous)
            previous = date if parse_date(date) else previous
            if "document" in entry:
                c.attachment(d, path + ("ledger", i, "document"), entry["document"])


def validate(raw: RawData, memo: Memo | None = None) -> list[Issue]:
    """Every shape and cross-reference problem of the data, all at once (with `memo`, the shape
    of an unchanged file is not checked again)."""
    c = _Checker(raw, memo)
    c.shapes()
    regions = _check_regions(c)
    site = raw.site.data if raw.site and isinstance(raw.site.data, dict) else {}
    if (raw.site and isinstance(site.get("region"), str) and site["region"] not in regions
            and (raw.site.file, ()) not in c.broken):
        c.add("site_region", raw.site, ("region",), value=site["region"])
    if raw.site and "logo" in site:
        c.attachment(raw.site, ("logo",), site["logo"])
    services = _check_services(c)
    agencies = _check_agencies(c)
    stations = _check_stations(c, regions, services, agencies)
    _check_projects(c, stations, agencies)
    c.unreferenced()
    _check_plans(c, regions)
    _check_resources(c, stations)
    c.remember_vetted()
    return c.found


def _bad_dates(node: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """(path, value) of each date the data gives in a form the schema cannot check."""
    if isinstance(node, dict):
        for key, value in node.items():
            sub = path + (key,)
            if key in DATE_KEYS and isinstance(value, str) and parse_date(value) is None:
                yield sub, value
            elif key == "closed_on" and isinstance(value, list):
                for i, day in enumerate(value):
                    if isinstance(day, str) and parse_date(day) is None:
                        yield sub + (i,), day
            else:
                yield from _bad_dates(value, sub)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _bad_dates(value, path + (i,))


def _photo_ok(path: Path) -> bool:
    """Pillow reads its size, and its metadata can be cut out (what publishing will do)."""
    if files.dimensions(path) is None:
        return False
    try:
        files.strip_metadata(path.read_bytes())
    except files.Unstrippable:
        return False
    return True


def _max_mb(raw: RawData) -> float:
    """The attachment size limit in MB: rules.yaml `attachments.max_mb`, or 20."""
    data = raw.rules.data if raw.rules is not None and isinstance(raw.rules.data, dict) else {}
    given = (data.get("attachments") or {}).get("max_mb") if isinstance(data.get("attachments"), dict) else None
    if isinstance(given, (int, float)) and not isinstance(given, bool) and given > 0:
        return float(given)
    return float(files.DEFAULT_MAX_MB)  # absent, or wrong (the schema check reports it)


def _size_words(n_bytes: int) -> str:
    """'25.3 MB', or '3.0 KB' below a tenth of a MB."""
    mb = n_bytes / 1024 / 1024
    return f"{mb:.1f} MB" if mb >= 0.1 else f"{n_bytes / 1024:.1f} KB"


def _mb(n_bytes: float) -> str:
    """20971520 -> '20', 524288 -> '0.5'."""
    return f"{n_bytes / 1024 / 1024:g}"

