"""Helpers every open-data format shares: stable ids, dates, absolute URLs, plain text, JSON and CSV.

CSV is UTF-8 with a BOM and CRLF line ends so that Excel on a bureau's desktop
opens it in Chinese without a garbled first column. Everything is dated only by
data dates and the as-of date: same data, same bytes.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import uuid
from functools import cache, lru_cache
from json.encoder import encode_basestring
from urllib.parse import urlsplit

from sgz_portal.data.markup import plain
from sgz_portal.data.model import Project, Report, Site

# Every derived UUID (HSDS ids, the feed id) comes from this namespace. Never change it:
# consumers use the ids to recognise the same station or service in the next build.
NAMESPACE = uuid.UUID("9c6ca62d-3b4e-4a1b-a906-5928d0921d63")
_PREFIX = NAMESPACE.bytes
TZ = "+08:00"  # every date in the data is a date in China Standard Time


@cache
def uid(kind: str, key: str) -> str:
    """A UUID that stays the same for the same record in every build (kept per process: the
    HSDS tables ask for a station's about thirty times): uuid.uuid5(NAMESPACE, "kind:key"), made
    without a UUID object (a province's 418,000 ids took 2 profiled s that way)."""
    digest = bytearray(hashlib.sha1(_PREFIX + f"{kind}:{key}".encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # the RFC 4122 variant
    x = digest.hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


def rfc3339(day: dt.date, end_of_day: bool = False) -> str:
    """A data date as an RFC 3339 date-time: 00:00:00, or 23:59:59 for ends of periods."""
    return f"{day.isoformat()}T{'23:59:59' if end_of_day else '00:00:00'}{TZ}"


def absolute(site: Site, path: str) -> str | None:
    """`path` (site-root-relative) as an absolute URL, if site.yaml gives base_url."""
    if not site.base_url:
        return None
    return site.base_url.rstrip("/") + "/" + path


def authority(site: Site) -> str:
    """The domain that mints tag: URIs: the publisher's e-mail domain, else the site's host."""
    if "@" in site.email:
        return site.email.rsplit("@", 1)[1].lower()
    if site.base_url:
        return urlsplit(site.base_url).hostname or "sgz-portal.invalid"
    return "sgz-portal.invalid"


def report_keys(project: Project) -> dict[int, str]:
    """Report index -> a key stable across edits: type plus period (or date), e.g. monthly-2026-01.

    The list position is not used, so inserting a report does not renumber the others.
    A second report for the same key (a resubmission) gets -2, -3 in publication order.
    """
    keys: dict[int, str] = {}
    seen: dict[str, int] = {}
    for rep in sorted(project.reports, key=lambda r: (r.published, r.index)):
        base = f"{rep.type}-{rep.period or rep.published.isoformat()}"
        seen[base] = seen.get(base, 0) + 1
        keys[rep.index] = base if seen[base] == 1 else f"{base}-{seen[base]}"
    return keys


@lru_cache(maxsize=4096)
def plain_text(markdown: str | None) -> str:
    """markup.plain, remembered: the same summaries go into OCDS, the feed and HSDS."""
    return plain(markdown)


def report_text(r: Report) -> str:
    """A report as one line of plain text: the evaluation's verdict first, then its summary."""
    verdict = "".join((f"评估机构:{r.evaluator};" if r.evaluator else "",
                       f"得分:{r.score:g};" if r.score is not None else "",
                       f"等级:{r.grade};" if r.grade else ""))
    return verdict + plain_text(r.summary)


def to_json(data: object) -> str:
    """JSON with one record per line: the outer object's members and the items of a list among
    them (a table's rows, a package's releases) each on a line, each written compactly. Readable
    in a text editor, and written by json's C encoder (`indent` makes json fall back to its
    Python encoder, which took half of an incremental build's open-data time)."""
    return _lines(data, 0) + "\n"


def _lines(value: object, depth: int) -> str:
    pad = " " * (depth + 1)
    if depth < 2 and isinstance(value, dict) and value:
        body = ",\n".join(f"{pad}{compact(k)}: {_lines(v, depth + 1)}" for k, v in value.items())
        return "{\n" + body + "\n" + " " * depth + "}"
    if depth < 2 and isinstance(value, list) and value:
        return "[\n" + ",\n".join(pad + compact(v) for v in value) + "\n" + " " * depth + "]"
    return compact(value)


def _unencodable(value: object) -> object:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# json.dumps(ensure_ascii=False, separators=(",", ":")) builds an encoder on every call, which was
# most of the cost of a province's 690,000 rows: json's own C encoder, made once, writes the same
# text (tests/test_opendata.py compares the two). Without json's C speedups, json.dumps it is.
_MAKE_ENCODER = getattr(json.encoder, "c_make_encoder", None)  # not in typeshed; None without the C module
_ENCODE = (_MAKE_ENCODER(None, _unencodable, encode_basestring, None, ":", ",", False, False, True)
           if _MAKE_ENCODER is not None else None)


def compact(value: object) -> str:
    """`value` as JSON on one line, as to_json writes each record (opendata/stationpart.py too)."""
    if _ENCODE is None:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return "".join(_ENCODE(value, 0))


def to_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    return "\ufeff" + buffer.getvalue()
