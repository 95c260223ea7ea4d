"""QR codes for printed station signs, made at build time (no script, no outside service).

A sign on a bulletin board is scanned by a phone that knows nothing of the
portal, so the code must hold the absolute URL: `site.base_url` + the station
path. Without base_url only the relative path can be encoded, and the page says
so, so that nobody prints a code that leads nowhere.

Every code uses the same mask pattern (MASK). Letting segno score all eight masks and keep the
best costs about 3.8 ms per code against 0.7 ms, which at province scale (34,000 stations) is about
100 s of CPU per build; any of the eight masks gives a valid code (the mask is written in the
code's format information and every decoder reads it), the best one only has slightly fewer
awkward patches of one colour.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import segno
from markupsafe import Markup

from sgz_portal.data import urls


@dataclass(frozen=True)
class StationQr:
    """What a template shows of a station's QR code. The code is drawn when a template first shows
    it: an incremental build (site/cache.py) compares views by their repr, which is the target
    only, so a page it reuses never draws its code."""

    target: str  # the text the code holds (absolute URL, or the relative path)
    absolute: bool  # False: base_url is not set, the code is not fit to print
    # Where the drawing comes from: a site build draws a province's codes ahead, in a process of
    # their own (site/qrcodes.py); not part of the view's identity (repr, equality).
    draw: Callable[[str], Markup] | None = field(default=None, repr=False, compare=False)

    @property
    def svg(self) -> Markup:
        """Inline <svg role="img"> with a <title>: its text alternative."""
        return self.draw(self.target) if self.draw is not None else station_svg(self.target)


def target(path: str, base_url: str | None) -> str:
    """The absolute URL of a site path when base_url is known, else the path itself."""
    if not base_url:
        return path
    return base_url.rstrip("/") + "/" + path.lstrip("/")


MASK = 5  # the one segno picks most often for station URLs when it scores all eight


@lru_cache(maxsize=16)
def svg(text: str, label: str) -> Markup:
    """An inline SVG QR code of `text`; same text -> same bytes."""
    code = segno.make(text, error="m", micro=False, mask=MASK)
    title = f"{label}:{text}"
    out = code.svg_inline(scale=1, border=4, dark="#000", light="#fff", title=title,
                          svgclass="sgz-qr__code", lineclass=None, omitsize=True)
    # role=img makes screen readers read the <title> instead of walking the path.
    return Markup(out.replace("<svg ", '<svg role="img" ', 1))


LABEL = "本站网页二维码"


def station_svg(text: str) -> Markup:
    """The code of a station page's URL, as its page and poster show it."""
    return svg(text, LABEL)


def station_target(station_id: str, base_url: str | None) -> str:
    return target(urls.station(station_id), base_url)


def station_qr(station_id: str, base_url: str | None, draw: Callable[[str], Markup] | None = None) -> StationQr:
    """The poster (rendered right after its station) reuses its station's code (svg is cached)."""
    return StationQr(station_target(station_id, base_url), bool(base_url), draw)


def poster_url(station_id: str) -> str:
    """The printable poster page of a station (an extra page, not one of the contract's stable URLs)."""
    return urls.station(station_id) + "poster/"


def poster_source(station_id: str) -> str:
    """The generated Markdown file behind the poster page."""
    return poster_url(station_id) + "index.md"


__all__ = ["LABEL", "StationQr", "poster_source", "poster_url", "station_qr", "station_svg", "station_target", "svg",
           "target"]
