"""Station photos (signage.photo, photos) on a 375 px phone: each fills the content column without
sideways scrolling, keeps the proportions its width/height attributes promise (no jump while it
loads lazily), loads from the sub-folder, and is named by the station."""
from __future__ import annotations

from tests.browser.test_phone import PHONE

STATION = "stations/dongcheng-qingshi/"
PHOTOS_JS = """() => [...document.querySelectorAll(".sgz-photos img")].map(img => {
  const box = img.getBoundingClientRect(), column = img.parentElement.getBoundingClientRect();
  return {alt: img.alt, lazy: img.loading, w: box.width, h: box.height, attrW: +img.getAttribute("width"),
          attrH: +img.getAttribute("height"), natural: img.naturalWidth, colW: column.width,
          right: box.right, src: img.src};
})"""


def test_station_photos_read_well_on_a_phone(browser, site_url: str) -> None:
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        page.goto(site_url + STATION, wait_until="networkidle")
        page.locator(".sgz-photos").scroll_into_view_if_needed()
        page.wait_for_function("[...document.querySelectorAll('.sgz-photos img')].every(i => i.complete)")
        photos = page.evaluate(PHOTOS_JS)
        assert [p["alt"] for p in photos] == ["东城区青石街道社会工作服务站 站牌照片", "东城区青石街道社会工作服务站 站点照片"]
        for p in photos:
            assert p["lazy"] == "lazy" and p["natural"] > 0 and p["src"].startswith(site_url + "files/")
            assert abs(p["w"] - p["colW"]) < 1 and p["right"] <= 375  # the column's width, no overflow
            assert abs(p["w"] / p["h"] - p["attrW"] / p["attrH"]) < 0.02
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        context.close()
