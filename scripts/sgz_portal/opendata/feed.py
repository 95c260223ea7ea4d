"""Atom feed (RFC 4287) of project reports and evaluations: data/feed.xml.

Newest first, at most LIMIT entries, only reports published by the as-of date.
Ids never change: an entry is tag:<authority>,<published date>:sgz/projects/<id>/reports/<key>
(the report key does not depend on list order, see opendata.report_keys); the feed
id is a name-based UUID of the authority. `updated` is a data date, never the clock.

Links: with site.yaml base_url they are absolute; without it they are relative to
the feed itself (../projects/<id>/), which every reader resolves against the feed's
own address, so the feed works from any sub-folder. We write no xml:base: a
relative xml:base is resolved the same way, and some readers ignore it.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from sgz_portal.data import urls
from sgz_portal.data.model import Portal, Project, Report
from sgz_portal.data.words import REPORT_WORDS
from sgz_portal.opendata.common import absolute, authority, report_keys, report_text, rfc3339, uid
from sgz_portal.opendata.ocds import MEDIA

ATOM = "http://www.w3.org/2005/Atom"
LIMIT = 50
SUMMARY_CHARS = 300


def _href(p: Portal, path: str) -> str:
    """A site-root-relative path as seen from data/feed.xml."""
    return absolute(p.site, path) or "../" + path


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def latest(p: Portal, limit: int = LIMIT) -> list[tuple[Project, Report, str]]:
    """(project, report, key) of the newest reports published by the as-of date."""
    found = []
    for x in p.projects.values():
        keys = report_keys(x)
        found += [(x, r, keys[r.index]) for r in x.reports if r.published <= p.site.as_of]
    found.sort(key=lambda t: (-t[1].published.toordinal(), t[0].id, t[2]))
    return found[:limit]


def entry_id(p: Portal, x: Project, r: Report, key: str) -> str:
    return f"tag:{authority(p.site)},{r.published.isoformat()}:sgz/projects/{x.id}/reports/{key}"


def _summary(r: Report) -> str:
    text = report_text(r)
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"


def _entry(feed: ET.Element, p: Portal, x: Project, r: Report, key: str) -> None:
    entry = _sub(feed, "entry")
    label = REPORT_WORDS[r.type]
    _sub(entry, "id", entry_id(p, x, r, key))
    _sub(entry, "title", f"{x.title} · {label} {r.period or ''}".strip())
    _sub(entry, "updated", rfc3339(r.published))
    _sub(entry, "published", rfc3339(r.published))
    author = _sub(entry, "author")
    _sub(author, "name", r.evaluator or p.agencies[x.supplier].name)
    _sub(entry, "category", term=r.type, label=label)
    _sub(entry, "link", rel="alternate", type="text/html", href=_href(p, urls.project(x.id)))
    if r.document:
        media = MEDIA.get("." + r.document.rsplit(".", 1)[-1].lower(), "application/octet-stream")
        _sub(entry, "link", rel="enclosure", type=media, href=_href(p, urls.attachment(r.document)))
    _sub(entry, "summary", _summary(r))


def atom(p: Portal) -> str:
    """The feed document, UTF-8 text with an XML declaration."""
    site = p.site
    entries = latest(p)
    # Names are written unqualified under a default xmlns (ElementTree would invent ns0: prefixes).
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": "zh-CN"})
    _sub(feed, "id", "urn:uuid:" + uid("feed", authority(site)))
    _sub(feed, "title", f"{site.name}:项目报告")
    _sub(feed, "subtitle", "政府购买社会工作服务项目新发布的月简报、自评报告和评估报告")
    _sub(feed, "updated", rfc3339(entries[0][1].published if entries else site.as_of))
    _sub(feed, "link", rel="self", type="application/atom+xml", href=absolute(site, "data/feed.xml") or "feed.xml")
    _sub(feed, "link", rel="alternate", type="text/html", href=_href(p, ""))
    author = _sub(feed, "author")
    _sub(author, "name", site.publisher)
    for x, r, key in entries:
        _entry(feed, p, x, r, key)
    ET.indent(feed, space=" ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
