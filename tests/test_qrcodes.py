"""Station QR codes drawn ahead by a child process (site/qrcodes.py): the same bytes as drawn in the
build process, whatever order the pages ask in, and whatever happens to the child."""
from __future__ import annotations

from pathlib import Path

import pytest

from sgz_portal.pages import qr
from sgz_portal.pages.views import Views
from sgz_portal.site import build as build_module
from sgz_portal.site import qrcodes
from tests.fixturedata import minimal_copy
from tests.sitetext import digest

ROOT = Path(__file__).resolve().parents[1]
TARGETS = [f"https://www.example.gov.cn/sgz/stations/s{n:03d}/" for n in range(40)]


@pytest.fixture(scope="module")
def expected() -> dict[str, str]:
    return {t: str(qr.station_svg(t)) for t in TARGETS}


def _not_here(text: str) -> None:
    raise AssertionError(f"drawn in the build process: {text}")


def test_the_child_draws_every_code_in_order(expected: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    ahead = qrcodes.DrawnAhead(TARGETS)
    monkeypatch.setattr(qr, "station_svg", _not_here)  # the child has its own; this process draws none
    try:
        for target in TARGETS:
            assert str(ahead.svg(target)) == expected[target]
            assert str(ahead.svg(target)) == expected[target]  # the poster asks again
    finally:
        ahead.close()


def test_out_of_order_and_unknown_targets(expected: dict[str, str]) -> None:
    ahead = qrcodes.DrawnAhead(TARGETS)
    try:
        asked = [TARGETS[5], TARGETS[0], TARGETS[39], TARGETS[6], "stations/not-listed/", TARGETS[1]]
        for target in asked:
            assert str(ahead.svg(target)) == (expected.get(target) or str(qr.station_svg(target)))
    finally:
        ahead.close()


def test_a_child_that_dies_leaves_the_rest_to_the_build(expected: dict[str, str]) -> None:
    ahead = qrcodes.DrawnAhead(TARGETS)
    try:
        assert str(ahead.svg(TARGETS[0])) == expected[TARGETS[0]]
        assert ahead._child is not None
        ahead._child.kill()
        assert [str(ahead.svg(t)) for t in TARGETS[1:]] == [expected[t] for t in TARGETS[1:]]
    finally:
        ahead.close()


def test_a_site_is_the_same_with_codes_drawn_ahead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = minimal_copy(tmp_path, monkeypatch)
    started = []
    real = qrcodes.DrawnAhead.__init__

    def init(self: qrcodes.DrawnAhead, targets: list[str]) -> None:
        started.append(len(targets))
        real(self, targets)
    monkeypatch.setattr(qrcodes.DrawnAhead, "__init__", init)
    monkeypatch.setattr(qrcodes, "AHEAD_MIN", 10**9)
    assert build_module.build(data, tmp_path / "here", ROOT / "mkdocs.yml", incremental=False) == 0
    monkeypatch.setattr(qrcodes, "AHEAD_MIN", 1)
    assert build_module.build(data, tmp_path / "ahead", ROOT / "mkdocs.yml", incremental=False) == 0
    assert started and started[0] > 1
    assert digest(tmp_path / "here") == digest(tmp_path / "ahead")


def test_a_failed_build_stops_the_child(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """mkdocs reports an error raised while rendering to on_build_error, which ends the child."""
    data = minimal_copy(tmp_path, monkeypatch)
    monkeypatch.setattr(qrcodes, "AHEAD_MIN", 1)
    made: list[qrcodes.DrawnAhead] = []
    real = qrcodes.DrawnAhead.__init__

    def init(self: qrcodes.DrawnAhead, targets: list[str]) -> None:
        made.append(self)
        real(self, targets)

    def broken(self: object, sid: str) -> None:
        raise OSError("injected failure")
    monkeypatch.setattr(qrcodes.DrawnAhead, "__init__", init)
    monkeypatch.setattr(Views, "poster", broken)
    assert build_module.build(data, tmp_path / "site", ROOT / "mkdocs.yml", incremental=False) == 1
    assert made and made[0]._child is None  # closed: killed and waited for
    assert not (tmp_path / "site").exists()
