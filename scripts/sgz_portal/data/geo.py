"""Coordinates: conversions between WGS-84, GCJ-02 and BD-09, and map-app links.

Residents navigate with Amap and Tencent (GCJ-02) or Baidu (BD-09); browsers
give WGS-84. Links are built at build time, so they work without JavaScript.
"""
from __future__ import annotations

import math
from functools import lru_cache
from typing import Protocol
from urllib.parse import quote

A = 6378245.0  # Krasovsky 1940 semi-major axis, as GCJ-02 uses
EE = 0.00669342162296594323
X_PI = math.pi * 3000.0 / 180.0
EARTH_R = 6371008.8  # mean Earth radius (m) for distances


class Located(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def address(self) -> str: ...
    @property
    def lat(self) -> float | None: ...
    @property
    def lng(self) -> float | None: ...
    @property
    def crs(self) -> str | None: ...


def _outside_china(lat: float, lng: float) -> bool:
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _delta(lat: float, lng: float) -> tuple[float, float]:
    x, y = lng - 105.0, lat - 35.0
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
            + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
            + (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
            + (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0)
    dlng = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
            + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
            + (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
            + (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0)
    rad = lat / 180.0 * math.pi
    magic = 1 - EE * math.sin(rad) ** 2
    dlat = dlat * 180.0 / ((A * (1 - EE)) / (magic * math.sqrt(magic)) * math.pi)
    dlng = dlng * 180.0 / (A / math.sqrt(magic) * math.cos(rad) * math.pi)
    return dlat, dlng


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    if _outside_china(lat, lng):
        return lat, lng
    dlat, dlng = _delta(lat, lng)
    return lat + dlat, lng + dlng


def gcj02_to_wgs84(lat: float, lng: float) -> tuple[float, float]:
    """Inverse by fixed-point iteration (error well under 1 cm). It stops early where a step
    changes nothing, as every later one would change nothing either (usually after 4 of the 10)."""
    if _outside_china(lat, lng):
        return lat, lng
    wlat, wlng = lat, lng
    for _ in range(10):
        glat, glng = wgs84_to_gcj02(wlat, wlng)
        step = wlat + (lat - glat), wlng + (lng - glng)
        if step == (wlat, wlng):
            break
        wlat, wlng = step
    return wlat, wlng


def gcj02_to_bd09(lat: float, lng: float) -> tuple[float, float]:
    if _outside_china(lat, lng):
        return lat, lng  # Baidu, like the others, uses WGS-84 abroad
    z = math.hypot(lng, lat) + 0.00002 * math.sin(lat * X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * X_PI)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


def bd09_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    if _outside_china(lat, lng):
        return lat, lng
    x, y = lng - 0.0065, lat - 0.006
    z = math.hypot(x, y) - 0.00002 * math.sin(y * X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * X_PI)
    return z * math.sin(theta), z * math.cos(theta)


def to_gcj02(lat: float, lng: float, crs: str) -> tuple[float, float]:
    if crs == "wgs84":
        return wgs84_to_gcj02(lat, lng)
    if crs == "bd09":
        return bd09_to_gcj02(lat, lng)
    return lat, lng


@lru_cache(maxsize=1 << 17)  # the open data converts each station twice (HSDS, stations.geo.json)
def convert(lat: float, lng: float, crs: str, target: str) -> tuple[float, float]:
    """Any of wgs84/gcj02/bd09 to any other, through GCJ-02 (unchanged when crs == target)."""
    if crs == target:
        return lat, lng
    glat, glng = to_gcj02(lat, lng, crs)
    if target == "gcj02":
        return glat, glng
    if target == "bd09":
        return gcj02_to_bd09(glat, glng)
    return gcj02_to_wgs84(glat, glng)


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine; the same formula nearest.js uses)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_R * math.asin(math.sqrt(h))


def map_links(place: Located) -> list[tuple[str, str]]:
    """Links that open the place in Amap, Baidu Maps and Tencent Maps (the app if installed, else the web).

    Amap takes `lng,lat` in GCJ-02; Baidu `lat,lng` in BD-09 (coord_type=bd09ll);
    Tencent `lat,lng` in GCJ-02. Coordinates carry 6 decimals (about 0.1 m).
    """
    if place.lat is None or place.lng is None:
        return []
    glat, glng = convert(place.lat, place.lng, place.crs or "gcj02", "gcj02")
    blat, blng = convert(place.lat, place.lng, place.crs or "gcj02", "bd09")
    name, addr = quote(place.name), quote(place.address)
    return [
        ("高德地图", f"https://uri.amap.com/marker?position={glng:.6f},{glat:.6f}&name={name}"
                     f"&src=sgz-portal&coordinate=gaode&callnative=1"),
        ("百度地图", f"https://api.map.baidu.com/marker?location={blat:.6f},{blng:.6f}&title={name}"
                     f"&content={addr}&output=html&coord_type=bd09ll&src=webapp.sgz.portal"),
        ("腾讯地图", f"https://apis.map.qq.com/uri/v1/marker?marker=coord:{glat:.6f},{glng:.6f};"
                     f"title:{name};addr:{addr}&referer=sgz-portal"),
    ]
