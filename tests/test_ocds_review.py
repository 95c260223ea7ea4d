"""OCDS stays clean: the OCDS Data Review library (libcoveocds, the engine of the Open Contracting
Partnership's Data Review Tool) finds no validation error, no additional field and no value
outside a closed codelist in data/ocds.json. Offline: the standard comes from the vendored zip
(tests/standards/ocds-1.1.5/standard-1__1__5.zip) and every socket connect fails the test."""
from __future__ import annotations

import copy
import json
import socket
from pathlib import Path

import pytest
from libcoveocds.api import ocds_json_output
from libcoveocds.config import LibCoveOCDSConfig

STANDARD_ZIP = Path(__file__).resolve().parent / "standards" / "ocds-1.1.5" / "standard-1__1__5.zip"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("the OCDS review must not touch the network")
    monkeypatch.setattr(socket.socket, "connect", refuse)


def review(package: dict) -> dict:
    config = LibCoveOCDSConfig({"context": "api", "standard_zip": STANDARD_ZIP.as_uri()})
    return ocds_json_output("", json_data=package, schema_version="1.1", lib_cove_ocds_config=config,
                            record_pkg=False)


def package_of(site: Path) -> dict:
    return json.loads((site / "data" / "ocds.json").read_text(encoding="utf-8"))


def test_ocds_data_review_is_clean(site: Path) -> None:
    package = package_of(site)
    result = review(package)
    assert result["version_used"] == "1.1"
    assert result["count"] == len(package["releases"]) > 0
    assert result["validation_errors"] == []
    assert result["additional_fields"] == [] and result["all_additional_fields"] == []
    assert result["additional_closed_codelist_values"] == {}
    assert result["deprecated_fields"] == []
    assert result["additional_checks"] == {}


def test_the_review_catches_what_it_should(site: Path) -> None:
    """A wrong type, an unknown field and a value outside a closed codelist are all reported."""
    package = copy.deepcopy(package_of(site))
    release = package["releases"][0]
    release["date"] = "昨天"
    release["sgzNote"] = "一个标准里没有的字段"
    release["tag"] = ["no-such-tag"]
    result = review(package)
    assert result["validation_errors"]
    assert [f for f in result["additional_fields"] if "sgzNote" in json.dumps(f, ensure_ascii=False)]
    assert result["additional_closed_codelist_values"]
