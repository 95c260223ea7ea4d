"""A minimal CBOR codec (RFC 8949): the subset pagefind's index files use.

Unsigned and negative integers, byte and text strings, arrays and maps, with
definite lengths only. Encoding always uses the shortest head, so decode then
encode gives back pagefind's own bytes (checked in the tests).
"""
from __future__ import annotations

import struct
from typing import Any


def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if value < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | info]) + struct.pack(fmt, value)
    raise ValueError("integer too large for CBOR")


def encode(value: Any) -> bytes:
    if isinstance(value, bool) or value is None:
        return bytes([0xF5 if value is True else 0xF4 if value is False else 0xF6])
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _head(3, len(data)) + data
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(map(encode, value))
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(encode(k) + encode(v) for k, v in value.items())
    raise TypeError(f"cannot encode {type(value).__name__}")


def decode(data: bytes) -> Any:
    value, end = _decode(data, 0)
    if end != len(data):
        raise ValueError("trailing bytes after CBOR item")
    return value


def _decode(data: bytes, pos: int) -> tuple[Any, int]:
    first = data[pos]
    major, info = first >> 5, first & 0x1F
    pos += 1
    if major == 7:
        simple = {20: False, 21: True, 22: None}
        if info in simple:
            return simple[info], pos
        raise ValueError(f"unsupported CBOR simple value {info}")
    if info < 24:
        arg = info
    elif info <= 27:
        size = 1 << (info - 24)
        arg = int.from_bytes(data[pos:pos + size], "big")
        pos += size
    else:
        raise ValueError("indefinite-length CBOR is not supported")
    if major == 0:
        return arg, pos
    if major == 1:
        return -1 - arg, pos
    if major in (2, 3):
        chunk = data[pos:pos + arg]
        return (chunk if major == 2 else chunk.decode("utf-8")), pos + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, pos = _decode(data, pos)
            items.append(item)
        return items, pos
    if major == 5:
        mapping = {}
        for _ in range(arg):
            key, pos = _decode(data, pos)
            mapping[key], pos = _decode(data, pos)
        return mapping, pos
    raise ValueError(f"unsupported CBOR major type {major}")
