"""Open Referral HSDS 3.0 export: one JSON file per HSDS table under data/hsds/.

Records are flat (the shape of the HSDS tabular package, written as JSON
arrays): each carries the ids of the records it belongs to, and each validates
against the official schema of its object (tests/test_opendata.py).

Mapping decisions:
- organizations: the publisher (site.yaml `publisher`, the bureau), every agency, and every
  community organisation of resources.yaml (社区社会组织 are organisations in HSDS's sense:
  legal_status says 登记 or 备案, year_incorporated is the year of `since`; the station they
  work with is named in the description, as HSDS links locations to one organisation only,
  the agency running it). Volunteer teams and charity funds are not mapped: a team is part
  of its station, not a body of its own, and a named fund is money held by a charity, which
  HSDS models as `funding`, a table of services and organisations, not as an organisation.
  The bureau publishes the service catalogue, so every service's organization_id is
  the bureau's; the agency that runs a station is the station location's organization_id.
- organization_identifiers: each agency's 统一社会信用代码 under scheme CN-USCC (org-id.guide
  has no code we could confirm offline for it; change USCC_SCHEME when one is registered).
- locations: one per station (physical), coordinates converted to WGS-84 as HSDS requires;
  external_identifier is our station id, the join key with data/stations.json.
- service_at_locations: one per (station, service). phones, schedules: of locations and
  organizations. Schedules are weekly RRULE-like rows with times carrying +08:00.
- taxonomies: the catalogue's domains and target groups; attributes link services to them.
Ids are UUID v5 of "<kind>:<our id>", so they survive rebuilds and reordering.
"""
from __future__ import annotations

import re

from sgz_portal.data import urls
from sgz_portal.data.geo import convert
from sgz_portal.data.model import ACCESS_WORDS, Portal, Station
from sgz_portal.data.words import LEVEL_WORDS, ORG_KIND_WORDS, ORG_STATUS_WORDS, day_ranges
from sgz_portal.opendata.common import TZ, absolute, plain_text, uid
from sgz_portal.opendata.tables import by_id

USCC_SCHEME = "CN-USCC"
BYDAY = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU"}
MOBILE = re.compile(r"^1\d{10}$")

# file name under data/hsds/ -> the HSDS schema its records follow
TABLES = {
    "organizations": "organization", "organization_identifiers": "organization_identifier",
    "services": "service", "locations": "location", "addresses": "address",
    "service_at_locations": "service_at_location", "phones": "phone", "schedules": "schedule",
    "taxonomies": "taxonomy", "taxonomy_terms": "taxonomy_term", "attributes": "attribute",
}


def publisher_id() -> str:
    return uid("organization", "publisher")


def location_id(station_id: str) -> str:
    return uid("station", station_id)


def _clean(record: dict) -> dict:
    """Drop empty optional fields: HSDS readers treat absent and empty alike, we keep files small."""
    return {k: v for k, v in record.items() if v not in (None, "", [])}


def organizations(p: Portal) -> list[dict]:
    site = p.site
    out = [_clean({
        "id": publisher_id(), "name": site.publisher,
        "description": f"{site.publisher}是本平台的发布机构,负责社会工作服务站点建设的指导和管理;"
                       "服务目录由其统一发布,服务由各站点的运营机构提供。",
        "email": site.email, "website": absolute(site, ""),
    })]
    for a in sorted(p.agencies.values(), key=lambda a: a.id):
        count = len(p.stations_by_agency.get(a.id, []))
        rating = f"社会组织评估等级 {a.rating}({a.rating_year} 年)" if a.rating else "暂未参加社会组织评估"
        out.append(_clean({
            "id": uid("agency", a.id), "name": a.name,
            "description": f"社会工作服务机构,运营 {count} 个社会工作服务站点;{rating}。",
        }))
    for o in p.community_orgs.values():
        members = f",成员 {o.members} 人" if o.members is not None else ""
        out.append(_clean({
            "id": uid("community_org", o.id), "name": o.name,
            "description": f"社区社会组织({ORG_KIND_WORDS[o.kind]}),与{p.stations[o.station].name}合作{members}。",
            "legal_status": ORG_STATUS_WORDS[o.status],
            "year_incorporated": o.since.year if o.since else None,
        }))
    return out


def organization_identifiers(p: Portal) -> list[dict]:
    return [{"id": uid("organization_identifier", a.id), "organization_id": uid("agency", a.id),
             "identifier_scheme": USCC_SCHEME, "identifier_type": "统一社会信用代码",
             "identifier": a.uscc}
            for a in sorted(p.agencies.values(), key=lambda a: a.id)]


def services(p: Portal) -> list[dict]:
    out = []
    for s in sorted(p.services.values(), key=lambda s: s.id):
        more = plain_text(s.description)
        out.append(_clean({
            "id": uid("service", s.id), "organization_id": publisher_id(), "name": s.name,
            "description": f"{s.summary}\n\n{more}" if more else s.summary,
            "url": absolute(p.site, urls.service(s.id)), "status": "active",
            "application_process": "服务方式:" + "、".join(ACCESS_WORDS[a] for a in s.access) if s.access else "",
            "fees_description": s.fee, "eligibility_description": s.eligibility,
        }))
    return out


def _wgs84(s: Station) -> tuple[float | None, float | None]:
    if s.lat is None or s.lng is None:
        return None, None
    lat, lng = convert(s.lat, s.lng, s.crs or "gcj02", "wgs84")
    return round(lat, 6), round(lng, 6)


def location(p: Portal, s: Station) -> dict:
    lat, lng = _wgs84(s)
    about = f"{LEVEL_WORDS[s.level]},服务{p.regions[s.region].name}。"
    more = plain_text(s.description)
    return _clean({
        "id": location_id(s.id), "location_type": "physical",
        "organization_id": uid("agency", s.operator) if s.operator else publisher_id(),
        "name": s.name, "description": f"{about}{more}",
        "latitude": lat, "longitude": lng,
        "external_identifier": s.id, "external_identifier_type": "sgz-station-id",
    })


def locations(p: Portal) -> list[dict]:
    return [location(p, s) for s in by_id(p)]


def _region_at(p: Portal, code: str, level: str) -> str:
    return next((r.name for r in p.region_path(code) if r.level == level), "")


def address(p: Portal, s: Station) -> dict:
    """HSDS requires postal_code and state_province: the data has no postcode, and a portal
    whose regions start at the city has no province name, so those stay empty strings."""
    county = _region_at(p, s.region, "county")
    return {"id": uid("address", s.id), "location_id": location_id(s.id), "address_1": s.address,
            "city": _region_at(p, s.region, "city"), **({"region": county} if county else {}),
            "state_province": _region_at(p, s.region, "province"), "postal_code": "",
            "country": "CN", "address_type": "physical"}


def addresses(p: Portal) -> list[dict]:
    return [address(p, s) for s in by_id(p)]


def _phone(key: str, number: str, description: str, **owner: str) -> dict:
    return {"id": uid("phone", key), **owner, "number": number,
            "type": "cell" if MOBILE.match(number) else "voice", "description": description}


def publisher_phones(p: Portal) -> list[dict]:
    """The phones of the publisher and the agencies, which come before the stations'."""
    out = []
    if p.site.phone:
        out.append(_phone(f"publisher:{p.site.phone}", p.site.phone, "发布机构联系电话",
                          organization_id=publisher_id()))
    for a in sorted(p.agencies.values(), key=lambda a: a.id):
        if a.phone:
            out.append(_phone(f"agency:{a.id}:{a.phone}", a.phone, "机构联系电话",
                              organization_id=uid("agency", a.id)))
    return out


def station_phones(p: Portal, s: Station) -> list[dict]:
    out = [_phone(f"station:{s.id}:{number}", number, "站点联系电话", location_id=location_id(s.id))
           for number in dict.fromkeys(s.phones)]  # a repeated number would repeat an id
    if s.complaint_phone:
        out.append(_phone(f"station:{s.id}:complaint:{s.complaint_phone}", s.complaint_phone,
                          "投诉电话", location_id=location_id(s.id)))
    return out


def phones(p: Portal) -> list[dict]:
    return publisher_phones(p) + [row for s in by_id(p) for row in station_phones(p, s)]


def _notes(p: Portal, s: Station) -> str:
    upcoming = [d.isoformat() for d in s.closed_on if d >= p.site.as_of]
    closed = f"临时闭站:{'、'.join(upcoming)}。" if upcoming else ""
    return f"{s.hours_note or ''}{closed}"


def station_schedules(p: Portal, s: Station) -> list[dict]:
    out = []
    for h in s.hours:
        days = ",".join(BYDAY[d] for d in sorted(h.days, key=list(BYDAY).index))
        out.append(_clean({
            "id": uid("schedule", f"{s.id}:{days}:{h.open}-{h.close}"),
            "location_id": location_id(s.id), "freq": "WEEKLY", "wkst": "MO", "byday": days,
            "opens_at": f"{h.open}{TZ}", "closes_at": f"{h.close}{TZ}",
            "description": f"{day_ranges(h.days)} {h.open}-{h.close}", "notes": _notes(p, s),
        }))
    return out


def schedules(p: Portal) -> list[dict]:
    return [row for s in by_id(p) for row in station_schedules(p, s)]


def station_services_at(p: Portal, s: Station) -> list[dict]:
    return [{"id": uid("service_at_location", f"{s.id}:{sv}"), "service_id": uid("service", sv),
             "location_id": location_id(s.id), "description": f"{s.name}提供“{p.services[sv].name}”"}
            for sv in sorted(set(s.services))]


def service_at_locations(p: Portal) -> list[dict]:
    return [row for s in by_id(p) for row in station_services_at(p, s)]


def taxonomies(p: Portal) -> list[dict]:
    return [{"id": uid("taxonomy", "domain"), "name": "服务领域",
             "description": f"{p.site.publisher}服务目录的服务领域分类"},
            {"id": uid("taxonomy", "group"), "name": "服务对象",
             "description": f"{p.site.publisher}服务目录的服务对象分类"}]


def taxonomy_terms(p: Portal) -> list[dict]:
    domains = [{"id": uid("domain", d.id), "code": d.id, "name": d.name,
                "description": f"服务领域:{d.name}", "taxonomy_id": uid("taxonomy", "domain"),
                "language": "zh"} for d in sorted(p.domains.values(), key=lambda d: d.id)]
    groups = [{"id": uid("group", g.id), "code": g.id, "name": g.name,
               "description": "服务对象:" + "、".join((g.name, *g.aliases)),
               "taxonomy_id": uid("taxonomy", "group"), "language": "zh"}
              for g in sorted(p.groups.values(), key=lambda g: g.id)]
    return domains + groups


def attributes(p: Portal) -> list[dict]:
    out = []
    for s in sorted(p.services.values(), key=lambda s: s.id):
        terms = [("domain", s.domain)] + [("group", g) for g in sorted(set(s.groups))]
        out += [{"id": uid("attribute", f"service:{s.id}:{kind}:{key}"), "link_id": uid("service", s.id),
                 "taxonomy_term_id": uid(kind, key), "link_entity": "service"}
                for kind, key in terms]
    return out


BUILDERS = {
    "organizations": organizations, "organization_identifiers": organization_identifiers,
    "services": services, "locations": locations, "addresses": addresses,
    "service_at_locations": service_at_locations, "phones": phones, "schedules": schedules,
    "taxonomies": taxonomies, "taxonomy_terms": taxonomy_terms, "attributes": attributes,
}


# The tables with rows of each station (after those of `BEFORE_STATIONS`): the open data's station
# part is made station by station (opendata/stationpart.py).
BY_STATION = {
    "locations": lambda p, s: [location(p, s)], "addresses": lambda p, s: [address(p, s)],
    "service_at_locations": station_services_at, "phones": station_phones, "schedules": station_schedules,
}
BEFORE_STATIONS = {"phones": publisher_phones}


def tables(p: Portal) -> dict[str, list[dict]]:
    """File name (without .json) -> records, in TABLES order."""
    return {name: BUILDERS[name](p) for name in TABLES}
