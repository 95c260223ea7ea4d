"""Attachments under data/files: vetted by content and size, published only when referenced, photos
without metadata (lossless, byte-identical on every build), shown on the station page.

Every fixture file is made here, in tmp_path, from the small fixture data."""
from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import pytest
from PIL import Image

from sgz_portal import cli
from sgz_portal.data import files
from sgz_portal.data.issues import ERROR, WARNING, Issue
from sgz_portal.pipeline import prepare

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "tests" / "fixtures" / "minimal" / "data"
CONFIG = ROOT / "mkdocs.yml"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
GPS = {1: "N", 2: (30.0, 39.0, 12.5), 3: "E", 4: (104.0, 4.0, 1.0)}  # a resident's doorstep
OWNER = "Zhang San's phone"




def reference_document(data: Path, ref: str) -> int:
    """Make the project's agreement reference `ref`; return the YAML line that does."""
    path = data / "projects" / "xs-2025.yaml"
    text = path.read_text(encoding="utf-8")
    old = "amount: 300000}"
    assert old in text
    path.write_text(text.replace(old, f"amount: 300000, document: {ref}}}"), encoding="utf-8")
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if ref in line)


def add_photos(data: Path, refs: list[str]) -> int:
    """Give station xs these photos; return the YAML line of `photos:`."""
    path = data / "stations.yaml"
    text = path.read_text(encoding="utf-8")
    old = "    signage: {installed: true, photo: files/xs/sign.png}\n"
    assert old in text
    path.write_text(text.replace(old, old + f"    photos: [{', '.join(refs)}]\n"), encoding="utf-8")
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if line.startswith("    photos:"))


def found(data: Path, code: str) -> list[Issue]:
    return [i for i in prepare(data).issues if i.code == code]


def exif_photo(fmt: str, orientation: int = 1, size: tuple[int, int] = (40, 24)) -> bytes:
    """A small photo with EXIF: GPS position, camera owner and, if given, the orientation."""
    image = Image.new("RGB", size)
    for x in range(size[0]):
        for y in range(size[1]):
            image.putpixel((x, y), (x * 6 % 256, y * 10 % 256, (x + y) * 3 % 256))
    exif = Image.Exif()
    exif[0x013B] = OWNER  # Artist
    exif[0x0110] = "DeviceModel X1"  # Model
    if orientation != 1:
        exif[0x0112] = orientation
    exif.get_ifd(0x8825).update(GPS)
    out = io.BytesIO()
    extra = {"quality": 90} if fmt == "JPEG" else {"lossless": True} if fmt == "WEBP" else {}
    image.save(out, fmt, exif=exif, **extra)
    return out.getvalue()


# -- refused, with the YAML line that references the file ---------------------------------------

def test_html_named_pdf_is_refused_at_the_referencing_line(data: Path) -> None:
    (data / "files" / "xs" / "agreement.pdf").write_bytes(b"<!DOCTYPE html><html><body><script>alert(1)</script>")
    line = reference_document(data, "files/xs/agreement.pdf")
    [problem] = found(data, "file_content")
    assert problem.severity == ERROR
    assert str(problem) == (f"data/projects/xs-2025.yaml:{line}: agreement.document: 附件“files/xs/agreement.pdf”"
                            "的内容是网页(HTML),不是扩展名所表示的PDF 文档,不能发布"
                            "(仅限 PDF、JPEG、PNG、WebP;请导出或另存为正确的格式)")


def test_windows_program_named_pdf_is_refused(data: Path) -> None:
    (data / "files" / "xs" / "agreement.pdf").write_bytes(b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120 + b"PE\x00\x00")
    line = reference_document(data, "files/xs/agreement.pdf")
    [problem] = found(data, "file_content")
    assert problem.line == line and "Windows 可执行程序" in problem.message


def test_photo_that_is_not_what_its_extension_says_is_refused(data: Path) -> None:
    (data / "files" / "xs" / "hall.jpg").write_bytes(exif_photo("PNG"))
    line = add_photos(data, ["files/xs/hall.jpg"])
    [problem] = found(data, "file_content")
    assert (problem.line, problem.path) == (line, "stations[2].photos[0]")
    assert "PNG 图片" in problem.message and "JPEG 图片" in problem.message


def test_truncated_photo_is_refused(data: Path) -> None:
    (data / "files" / "xs" / "hall.png").write_bytes(exif_photo("PNG")[:40])
    add_photos(data, ["files/xs/hall.png"])
    [problem] = found(data, "file_broken")
    assert "无法读出图片" in problem.message


def test_size_limit_is_20_mb_by_default_and_settable_in_rules_yaml(data: Path) -> None:
    (data / "files" / "xs" / "agreement.pdf").write_bytes(PDF + b"%" + b"x" * 3000 + b"\n")
    line = reference_document(data, "files/xs/agreement.pdf")
    assert found(data, "file_too_large") == []  # 3 KB < 20 MB
    (data / "rules.yaml").write_text("attachments:\n  max_mb: 0.002\n", encoding="utf-8")
    [problem] = found(data, "file_too_large")
    assert str(problem) == (f"data/projects/xs-2025.yaml:{line}: agreement.document: 附件“files/xs/agreement.pdf”"
                            "大小为 3.0 KB,超过 0.002 MB 的上限,不能发布"
                            "(请压缩后再引用;上限可在 rules.yaml 的 attachments.max_mb 调整)")


def test_default_limit_is_20_mb(data: Path) -> None:
    big = data / "files" / "xs" / "agreement.pdf"
    with big.open("wb") as f:
        f.write(PDF)
        f.truncate(20 * 1024 * 1024 + 1)
    reference_document(data, "files/xs/agreement.pdf")
    [problem] = found(data, "file_too_large")
    assert "大小为 20.0 MB,超过 20 MB 的上限" in problem.message


def test_size_limit_must_be_a_positive_number(data: Path) -> None:
    (data / "rules.yaml").write_text("attachments:\n  max_mb: 0\n", encoding="utf-8")
    codes = {i.code for i in prepare(data).issues}
    assert "schema_range" in codes


# -- published: only what is referenced ---------------------------------------------------------

def test_unreferenced_file_is_reported_and_not_published(data: Path, tmp_path: Path, capsys) -> None:
    (data / "files" / "xs" / "internal-draft.pdf").write_bytes(PDF)
    [problem] = found(data, "file_unreferenced")
    assert problem.severity == WARNING
    assert str(problem) == ("data/files/xs/internal-draft.pdf:1: 此文件没有被任何数据引用,不会发布"
                            "(仅提醒,不影响生成网站);需要公开就在数据中引用它,否则请删除")
    assert cli.check(data) == 0  # `make check`: a warning, named, not an error
    assert "data/files/xs/internal-draft.pdf:1:" in capsys.readouterr().out
    site = tmp_path / "site"
    assert cli.build(data, site, CONFIG) == 0
    assert sorted(p.relative_to(site).as_posix() for p in (site / "files").rglob("*")) == \
        ["files/xs", "files/xs/sign.png"]


def test_refused_attachment_publishes_nothing(data: Path, tmp_path: Path) -> None:
    (data / "files" / "xs" / "agreement.pdf").write_bytes(b"MZ" + b"\x00" * 200)
    reference_document(data, "files/xs/agreement.pdf")
    assert cli.build(data, tmp_path / "site", CONFIG) == 1
    assert not (tmp_path / "site").exists()


# -- photos: metadata stripped, nothing visible changed, same bytes every build ------------------

def pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB").tobytes()


def exif_of(data: bytes) -> Image.Exif:
    with Image.open(io.BytesIO(data)) as image:
        return image.getexif()


@pytest.mark.parametrize("fmt,suffix", [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
def test_photo_metadata_is_stripped_losslessly(fmt: str, suffix: str) -> None:
    original = exif_photo(fmt)
    assert exif_of(original).get_ifd(0x8825) and OWNER.encode() in original  # the fixture carries them
    clean = files.strip_metadata(original)
    assert OWNER.encode() not in clean and b"DeviceModel" not in clean
    assert not exif_of(clean).get_ifd(0x8825) and 0x013B not in exif_of(clean)
    assert pixels(clean) == pixels(original)  # decoded picture identical: nothing visible changed
    assert files.strip_metadata(clean) == clean  # stripping is stable
    if fmt == "JPEG":  # not re-encoded: the compressed scan data is kept byte for byte
        assert original[original.index(b"\xff\xda"):] == clean[clean.index(b"\xff\xda"):]


def test_png_text_chunks_are_stripped() -> None:
    out = io.BytesIO()
    from PIL.PngImagePlugin import PngInfo
    info = PngInfo()
    info.add_text("Author", OWNER)
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>GPS 30.6</x:xmpmeta>")
    Image.new("RGB", (8, 8), (10, 20, 30)).save(out, "PNG", pnginfo=info)
    clean = files.strip_metadata(out.getvalue())
    assert OWNER.encode() not in clean and b"xmpmeta" not in clean
    assert pixels(clean) == pixels(out.getvalue())


def test_jpeg_orientation_is_kept_so_the_photo_stays_upright() -> None:
    original = exif_photo("JPEG", orientation=6)
    clean = files.strip_metadata(original)
    assert exif_of(clean).get(0x0112) == 6 and not exif_of(clean).get_ifd(0x8825)
    assert OWNER.encode() not in clean


def test_published_photos_have_no_metadata_and_rebuild_byte_identical(data: Path, tmp_path: Path) -> None:
    (data / "files" / "xs" / "hall.jpg").write_bytes(exif_photo("JPEG"))
    (data / "files" / "xs" / "side.jpg").write_bytes(exif_photo("JPEG", orientation=6, size=(40, 24)))
    add_photos(data, ["files/xs/hall.jpg", "files/xs/side.jpg"])
    first, second = tmp_path / "one", tmp_path / "two"
    assert cli.build(data, first, CONFIG) == 0
    assert cli.build(data, second, CONFIG) == 0
    for name in ("hall.jpg", "side.jpg"):
        published = (first / "files" / "xs" / name).read_bytes()
        assert OWNER.encode() not in published and not exif_of(published).get_ifd(0x8825)
        assert pixels(published) == pixels((data / "files" / "xs" / name).read_bytes())
        assert hashlib.sha256(published).digest() == \
            hashlib.sha256((second / "files" / "xs" / name).read_bytes()).digest()
    html = (first / "stations" / "xs" / "index.html").read_text(encoding="utf-8")
    section = re.search(r'<section class="sgz-photos.*?</section>', html, re.S)
    assert section is not None
    imgs = re.findall(r"<img [^>]*>", section.group(0))
    assert imgs == [
        '<img src="../../files/xs/sign.png" width="8" height="4" '
        'alt="东区小市街道社会工作服务站 站牌照片" loading="lazy" decoding="async">',
        '<img src="../../files/xs/hall.jpg" width="40" height="24" '
        'alt="东区小市街道社会工作服务站 站点照片 1" loading="lazy" decoding="async">',
        '<img src="../../files/xs/side.jpg" width="24" height="40" '  # turned upright by its orientation
        'alt="东区小市街道社会工作服务站 站点照片 2" loading="lazy" decoding="async">',
    ]


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_colour_profile_is_kept(fmt: str) -> None:
    profile = b"\x00\x00\x02\x0cfake-icc-profile-for-the-test" + b"\x00" * 64
    out = io.BytesIO()
    extra = {"lossless": True} if fmt == "WEBP" else {}
    Image.new("RGB", (8, 8), (200, 100, 50)).save(out, fmt, icc_profile=profile, exif=Image.Exif(), **extra)
    clean = files.strip_metadata(out.getvalue())
    with Image.open(io.BytesIO(clean)) as image:
        assert image.info.get("icc_profile") == profile


def test_photo_whose_metadata_cannot_be_cut_out_is_refused(data: Path) -> None:
    """Pillow can read a PNG cut short of its end chunk; its metadata could not be vouched gone."""
    whole = exif_photo("PNG")
    (data / "files" / "xs" / "hall.png").write_bytes(whole[:whole.rindex(b"IEND") - 4])
    add_photos(data, ["files/xs/hall.png"])
    [problem] = found(data, "file_broken")
    assert problem.path == "stations[2].photos[0]"
    with pytest.raises(files.Unstrippable):
        files.strip_metadata(exif_photo("JPEG")[:200])


def test_webp_and_png_photos_are_accepted(data: Path) -> None:
    (data / "files" / "xs" / "a.webp").write_bytes(exif_photo("WEBP"))
    (data / "files" / "xs" / "b.png").write_bytes(exif_photo("PNG"))
    add_photos(data, ["files/xs/a.webp", "files/xs/b.png"])
    assert [i for i in prepare(data).issues if i.code.startswith("file_")] == []
