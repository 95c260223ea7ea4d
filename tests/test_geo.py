"""Coordinate conversions, map-app links and the nearest-station points (portal.geo).

Reference values are the published test vectors of two widely used libraries:
eviltransform (googollee/eviltransform, go/transform_test.go: WGS-84 -> GCJ-02 in
Shanghai, Shenzhen, Beijing) and coordtransform (wandergis/coordtransform,
test/app.js: the point 116.404, 39.915 in Beijing through every conversion).
"""
from __future__ import annotations

import json
import random
from types import SimpleNamespace
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

import sgz_portal.opendata as opendata
from sgz_portal.data import geo
from sgz_portal.opendata import tables

# (wgs_lat, wgs_lng, gcj_lat, gcj_lng) from eviltransform's tests.
EVILTRANSFORM = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]
# coordtransform: input (lat 39.915, lng 116.404) read as the source CRS -> (lat, lng) in the target.
BEIJING = (39.915, 116.404)
COORDTRANSFORM = [
    ("wgs84", "gcj02", (39.91640428150164, 116.41024449916938)),
    ("gcj02", "bd09", (39.92133699351021, 116.41036949371029)),
    ("bd09", "gcj02", (39.90865673957631, 116.39762729119315)),
]
# Outside the libraries' common China rectangle (lng 72.004-137.8347, lat 0.8293-55.8271): the
# rectangle is coarse (Seoul or Singapore fall inside it), but every station is in China.
OUTSIDE = [(35.6812, 139.7671), (51.5007, -0.1246), (40.7128, -74.0060), (-33.8688, 151.2093),
           (55.7558, 37.6173), (56.0, 120.0), (0.5, 110.0)]
CRS = ("wgs84", "gcj02", "bd09")


@pytest.mark.parametrize("wlat,wlng,glat,glng", EVILTRANSFORM)
def test_wgs84_to_gcj02_matches_eviltransform(wlat: float, wlng: float, glat: float, glng: float) -> None:
    lat, lng = geo.wgs84_to_gcj02(wlat, wlng)
    assert lat == pytest.approx(glat, abs=1e-6) and lng == pytest.approx(glng, abs=1e-6)


@pytest.mark.parametrize("wlat,wlng,glat,glng", EVILTRANSFORM)
def test_gcj02_to_wgs84_is_exact_to_centimetres(wlat: float, wlng: float, glat: float, glng: float) -> None:
    lat, lng = geo.gcj02_to_wgs84(glat, glng)
    assert geo.distance_m(lat, lng, wlat, wlng) < 0.01  # eviltransform's exact inverse promises 0.5 m


@pytest.mark.parametrize("source,target,expected", COORDTRANSFORM)
def test_beijing_point_matches_coordtransform(source: str, target: str, expected: tuple[float, float]) -> None:
    lat, lng = geo.convert(*BEIJING, source, target)
    assert lat == pytest.approx(expected[0], abs=1e-6) and lng == pytest.approx(expected[1], abs=1e-6)


def test_gcj02_to_wgs84_near_coordtransform_one_step_value() -> None:
    """coordtransform's gcj02towgs84 is a one-step approximation (metres off); ours iterates to the exact inverse."""
    lat, lng = geo.convert(*BEIJING, "gcj02", "wgs84")
    assert lat == pytest.approx(39.91359571849836, abs=2e-5) and lng == pytest.approx(116.39775550083061, abs=2e-5)
    assert geo.wgs84_to_gcj02(lat, lng) == pytest.approx(BEIJING, abs=1e-9)


GRID = [(lat, lng) for lat in (18.3, 22.5, 29.2, 31.2, 39.9, 45.8, 53.0)
        for lng in (75.9, 87.6, 100.1, 105.5, 116.4, 121.5, 126.6, 134.0)]


@pytest.mark.parametrize("source", CRS)
@pytest.mark.parametrize("target", CRS)
def test_round_trips_across_china(source: str, target: str) -> None:
    for lat, lng in GRID:
        back = geo.convert(*geo.convert(lat, lng, source, target), target, source)
        # BD-09's published inverse is itself approximate (about 0.15 m); GCJ-02 <-> WGS-84 is exact.
        assert back == pytest.approx((lat, lng), abs=2e-6), (source, target, lat, lng)


@pytest.mark.parametrize("source", CRS)
@pytest.mark.parametrize("target", CRS)
def test_points_outside_china_are_unchanged(source: str, target: str) -> None:
    for lat, lng in OUTSIDE:
        assert geo.convert(lat, lng, source, target) == (lat, lng)


def test_same_crs_is_returned_untouched() -> None:
    for crs in CRS:
        assert geo.convert(29.2075, 105.5012, crs, crs) == (29.2075, 105.5012)


def test_offsets_have_the_known_size_in_china() -> None:
    """GCJ-02 shifts a few hundred metres; BD-09 adds roughly another 1 km north-east."""
    lat, lng = 29.2075, 105.5012
    g = geo.convert(lat, lng, "wgs84", "gcj02")
    b = geo.convert(lat, lng, "gcj02", "bd09")
    assert 100 < geo.distance_m(lat, lng, *g) < 1000
    assert 500 < geo.distance_m(lat, lng, *b) < 1500 and b[0] > lat and b[1] > lng


def test_distance_m() -> None:
    assert geo.distance_m(29.0, 105.0, 30.0, 105.0) == pytest.approx(111_195, rel=1e-4)  # one degree of latitude
    assert geo.distance_m(29.0, 105.0, 29.0, 105.0) == 0


def _place(lat: float | None, lng: float | None, crs: str | None) -> SimpleNamespace:
    return SimpleNamespace(name="南湖区湖滨街道社会工作服务站", address="望湖路118号;三楼", lat=lat, lng=lng, crs=crs)


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_map_links_use_each_apps_crs_and_coordinate_order() -> None:
    lat, lng = 29.0612, 105.6087  # GCJ-02, as the demo data gives it
    links = dict(geo.map_links(_place(lat, lng, "gcj02")))
    assert list(links) == ["高德地图", "百度地图", "腾讯地图"]
    amap = _query(links["高德地图"])
    assert urlsplit(links["高德地图"]).netloc == "uri.amap.com"
    assert amap["position"] == f"{lng:.6f},{lat:.6f}"  # Amap: lng,lat in GCJ-02
    assert amap["coordinate"] == "gaode" and amap["callnative"] == "1"  # opens the app when installed
    baidu = _query(links["百度地图"])
    blat, blng = geo.convert(lat, lng, "gcj02", "bd09")
    assert baidu["location"] == f"{blat:.6f},{blng:.6f}"  # Baidu: lat,lng in BD-09
    assert baidu["coord_type"] == "bd09ll" and baidu["output"] == "html"
    assert baidu["title"] == "南湖区湖滨街道社会工作服务站"
    tencent = unquote(_query(links["腾讯地图"])["marker"])
    assert tencent.startswith(f"coord:{lat:.6f},{lng:.6f};title:")  # Tencent: lat,lng in GCJ-02
    assert "addr:望湖路118号;三楼" in tencent


def test_map_links_escape_separators_inside_values() -> None:
    """A ';' or ':' in a name would cut Tencent's marker= value into wrong fields: it must be encoded."""
    link = dict(geo.map_links(_place(29.0612, 105.6087, "gcj02")))["腾讯地图"]
    assert "%3B" in link and "三楼" not in link


def test_map_links_convert_wgs84_and_bd09_input() -> None:
    wlat, wlng = 29.2075, 105.5012
    glat, glng = geo.wgs84_to_gcj02(wlat, wlng)
    amap = _query(dict(geo.map_links(_place(wlat, wlng, "wgs84")))["高德地图"])
    assert amap["position"] == f"{glng:.6f},{glat:.6f}"
    blat, blng = geo.gcj02_to_bd09(glat, glng)
    baidu = _query(dict(geo.map_links(_place(blat, blng, "bd09")))["百度地图"])
    assert baidu["location"] == f"{blat:.6f},{blng:.6f}"


def test_map_links_need_a_location() -> None:
    assert geo.map_links(_place(None, None, None)) == []


@pytest.fixture(scope="module")
def demo(demo_views):
    return demo_views.p


def test_nearest_points_are_wgs84_rounded_and_sorted(demo) -> None:
    rows = json.loads(tables.nearest_json(demo))
    located = sorted(s.id for s in demo.stations.values() if s.lat is not None)
    assert [r["id"] for r in rows] == located
    for row in rows:
        st = demo.stations[row["id"]]
        assert set(row) == {"id", "name", "level", "url", "lat", "lng", "address", "phones"}
        assert row["url"] == f"stations/{st.id}/" and row["phones"] == list(st.phones)
        lat, lng = geo.convert(st.lat, st.lng, st.crs or "gcj02", "wgs84")
        assert (row["lat"], row["lng"]) == (round(lat, 5), round(lng, 5))


def test_nearest_points_file_is_published(demo) -> None:
    assert "data/stations.geo.json" in dict(opendata.files(demo))


def test_the_inverse_stops_early_only_where_ten_steps_give_the_same() -> None:
    """gcj02_to_wgs84 stops once a step changes nothing: the same floats as all ten steps."""
    def ten_steps(lat: float, lng: float) -> tuple[float, float]:
        wlat, wlng = lat, lng
        for _ in range(10):
            glat, glng = geo.wgs84_to_gcj02(wlat, wlng)
            wlat, wlng = wlat + (lat - glat), wlng + (lng - glng)
        return wlat, wlng

    rng = random.Random(7)
    for _ in range(20_000):
        lat, lng = rng.uniform(18.0, 53.0), rng.uniform(73.0, 135.0)
        assert geo.gcj02_to_wgs84(lat, lng) == ten_steps(lat, lng), (lat, lng)
