"""Attachments under data/files: what a file really is, and a photo fit to publish.

The type comes from the file's first bytes (puremagic), never from its name
alone: an HTML page or a Windows program renamed `.pdf` is refused. Photos
(JPEG, PNG, WebP) are published without their metadata (EXIF with the GPS
position and the camera, XMP, IPTC, comments, text chunks). The metadata
segments/chunks are cut out of the file as they are: the picture data is not
decoded or re-encoded, so nothing visible changes, and the same input always
gives the same bytes. Only what changes how the picture looks stays: the ICC
colour profile, PNG colour/transparency chunks, and the EXIF orientation (kept
as a minimal EXIF block with that one tag, so upright photos stay upright).
"""
from __future__ import annotations

import struct
from pathlib import Path

import puremagic
from PIL import Image, UnidentifiedImageError

# extension -> the content type a file with that extension must have
KINDS = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
         ".png": "image/png", ".webp": "image/webp"}
PHOTOS = {"image/jpeg", "image/png", "image/webp"}
DEFAULT_MAX_MB = 20
HEAD = 8192  # bytes read to tell the type

# What a refused file really is, in words an editor understands.
WORDS = {
    "application/pdf": "PDF 文档", "image/jpeg": "JPEG 图片", "image/png": "PNG 图片",
    "image/webp": "WebP 图片", "text/html": "网页(HTML)", "image/gif": "GIF 图片",
    "image/svg+xml": "SVG 图形", "application/zip": "压缩包(ZIP)",
    "application/vnd.microsoft.portable-executable": "Windows 可执行程序",
    "application/x-dosexec": "Windows 可执行程序", "application/x-msdownload": "Windows 可执行程序",
    "application/msword": "Word 文档", "application/x-rar-compressed": "压缩包(RAR)",
}


def sniff(path: Path) -> str | None:
    """The content type the file's first bytes show (best match), or None if unknown or empty."""
    with path.open("rb") as f:
        head = f.read(HEAD)
    if not head:
        return None
    if head.startswith(b"MZ"):  # DOS/Windows programs: puremagic's confidence in MZ alone is low
        return "application/vnd.microsoft.portable-executable"
    try:
        matches = puremagic.magic_string(head)
    except puremagic.PureError:
        return None
    best = max(matches, key=lambda m: m.confidence, default=None)
    return (best.mime_type or None) if best is not None else None


def describe(mime: str | None) -> str:
    """'网页(HTML)' for text/html; the type itself when it has no Chinese name."""
    if mime is None:
        return "无法识别的内容"
    return WORDS.get(mime, mime)


def is_photo(name: str) -> bool:
    return KINDS.get(Path(name).suffix.lower()) in PHOTOS


# -- dimensions ------------------------------------------------------------------------

def dimensions(path: Path) -> tuple[int, int] | None:
    """(width, height) as a browser shows the photo (EXIF orientation applied), or None."""
    try:
        with Image.open(path) as image:
            width, height = image.size
            orientation = image.getexif().get(0x0112, 1)
    except (OSError, UnidentifiedImageError, SyntaxError):
        return None
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


# -- metadata stripping ----------------------------------------------------------------

class Unstrippable(ValueError):
    """The photo's structure cannot be walked, so its metadata cannot be vouched gone."""


def strip_metadata(data: bytes) -> bytes:
    """The photo without metadata; other files (PDF) unchanged. Unstrippable if malformed."""
    if data.startswith(b"\xff\xd8"):
        return _strip_jpeg(data)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _strip_png(data)
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return _strip_webp(data)
    return data


# JPEG markers kept before the scan: APP0 (JFIF), APP2 only if ICC_PROFILE, APP14 (Adobe colour
# transform); DQT, DHT, SOFn, DRI, SOS and the rest of the structure always.
_KEEP_APP = {0xE0, 0xEE}


def _strip_jpeg(data: bytes) -> bytes:
    out = [b"\xff\xd8"]
    i = 2
    orientation = 1
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            raise Unstrippable("JPEG segment expected")
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0xDA:  # start of scan: the rest is picture data
            if orientation != 1:
                at = 2 if len(out) > 1 and out[1].startswith(b"\xff\xe0") else 1  # after JFIF's APP0
                out.insert(at, _exif_orientation(orientation))
            out.append(data[i:])
            return b"".join(out)
        if marker in (0x01,) or 0xD0 <= marker <= 0xD7:
            out.append(data[i:i + 2])
            i += 2
            continue
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        segment = data[i:i + 2 + length]
        body = segment[4:]
        if marker == 0xE1 and body.startswith(b"Exif\x00\x00"):
            orientation = _read_orientation(body[6:])
        elif _keep_segment(marker, body):
            out.append(segment)
        i += 2 + length
    raise Unstrippable("JPEG without picture data")


def _keep_segment(marker: int, body: bytes) -> bool:
    """Structure and picture segments, JFIF, Adobe and the ICC profile; no other APPn, no comment."""
    if marker == 0xE2:
        return body.startswith(b"ICC_PROFILE\x00")
    return marker in _KEEP_APP or not (0xE0 <= marker <= 0xEF or marker == 0xFE)


def _read_orientation(tiff: bytes) -> int:
    """The Orientation tag (0x0112) of IFD0 in an EXIF TIFF block; 1 if absent or unreadable."""
    try:
        order = {b"II": "<", b"MM": ">"}[tiff[:2]]
        ifd = struct.unpack(order + "I", tiff[4:8])[0]
        count = struct.unpack(order + "H", tiff[ifd:ifd + 2])[0]
        for k in range(count):
            entry = tiff[ifd + 2 + 12 * k: ifd + 14 + 12 * k]
            tag, kind = struct.unpack(order + "HH", entry[:4])
            if tag == 0x0112 and kind == 3:
                value = struct.unpack(order + "H", entry[8:10])[0]
                return value if 1 <= value <= 8 else 1
    except (KeyError, struct.error, IndexError):
        return 1
    return 1


def _exif_orientation(value: int) -> bytes:
    """An APP1 EXIF segment holding only the Orientation tag."""
    tiff = b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 1) \
        + struct.pack("<HHIHH", 0x0112, 3, 1, value, 0) + struct.pack("<I", 0)
    body = b"Exif\x00\x00" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body


# PNG chunks kept: the critical ones and those that change how the picture looks or moves.
_PNG_KEEP = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP",
             b"sBIT", b"bKGD", b"pHYs", b"acTL", b"fcTL", b"fdAT", b"cICP", b"mDCV", b"cLLI"}


def _strip_png(data: bytes) -> bytes:
    out = [data[:8]]
    i = 8
    while i + 12 <= len(data):
        length = struct.unpack(">I", data[i:i + 4])[0]
        kind = data[i + 4:i + 8]
        chunk = data[i:i + 12 + length]
        if kind in _PNG_KEEP:
            out.append(chunk)
        i += 12 + length
        if kind == b"IEND":
            return b"".join(out)
    raise Unstrippable("PNG without its end chunk")


# WebP chunks dropped; VP8X's EXIF (0x08) and XMP (0x04) flags are cleared to match.
_WEBP_DROP = {b"EXIF", b"XMP "}


def _strip_webp(data: bytes) -> bytes:
    chunks = []
    i = 12
    while i + 8 <= len(data):
        kind = data[i:i + 4]
        size = struct.unpack("<I", data[i + 4:i + 8])[0]
        chunk = data[i:i + 8 + size + (size & 1)]
        if kind == b"VP8X":
            chunk = chunk[:8] + bytes([chunk[8] & ~0x0C & 0xFF]) + chunk[9:]
        if kind not in _WEBP_DROP:
            chunks.append(chunk)
        i += 8 + size + (size & 1)
    if i != len(data) or not chunks:
        raise Unstrippable("WebP chunks do not fill the file")
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body
