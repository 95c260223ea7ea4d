"""Index the rendered site with pagefind's extended binary (Chinese segmentation).

Pagefind 1.5 writes its filter files from a hash map, so their order and
names change from run to run (upstream: Pagefind/pagefind#638; fragments
were made stable in 1.3, filters were not). `canonicalize` re-sorts them, so
the same data still gives the same site byte for byte.

It also splits every filter into one file per value, named `<filter>=<value>` (`FILTER_SEP`), and
lists the values in `filters.json`. Pagefind loads a filter's whole file (every value's page list)
as soon as a search uses it, and the search page used to ask for all of them to fill its choices:
1.2 MB at province scale before the first result. Now the choices come from the small list, and
choosing 老年人 loads the pages of 老年人 only. Search.js builds the same names.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cbor2

SIGNATURE = b"pagefind_dcd"
# canonicalize() knows the index format of this pagefind release only (constraints.txt pins it).
PAGEFIND_VERSION = "1.5.2"
# Pagefind's ready-made UIs (~420 KB); our search page uses the JS API only (search.js).
UNUSED_UI = ("pagefind-ui.*", "pagefind-component-ui.*", "pagefind-modular-ui.*", "pagefind-highlight.js")
BUNDLE = "pagefind"  # the index's folder in the site
# Once a page carries this attribute, pagefind indexes only the pages that do (shards.html_files).
MARKER = b"data-pagefind-body"
FILTER_SEP = "="  # per-value filter name: f"{filter}{FILTER_SEP}{value}" (search.js builds the same)
FILTER_LIST = "filters.json"  # {filter: [values, sorted]}: what the search page offers to choose


class SearchIndexError(RuntimeError):
    """pagefind failed, or wrote an index this module cannot re-sort (the message is Chinese)."""


def index(site_dir: Path) -> None:
    """Write site_dir/pagefind/ in one pagefind run (site/shards.py splits a large site). The
    extended binary ships in the pagefind_bin_extended wheel."""
    run_pagefind(site_dir)
    finish(site_dir / BUNDLE)


def run_pagefind(site_dir: Path, output: Path | None = None) -> None:
    """pagefind's own index of site_dir, in site_dir/pagefind/ or `output`."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--silent",
               *(["--output-path", str(output)] if output is not None else [])]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SearchIndexError(f"建立搜索索引失败:{done.stderr.strip() or done.stdout.strip()}")


def finish(bundle: Path) -> None:
    """What every index gets before it is published: canonical filters, no unused UI files."""
    canonicalize(bundle)
    for unused in UNUSED_UI:
        for path in bundle.glob(unused):
            path.unlink()


def read_index_file(path: Path) -> Any:
    """One pagefind index file: gzip around a signature and exactly one CBOR item, nothing after it."""
    try:
        data = gzip.decompress(path.read_bytes())
    except (OSError, EOFError) as err:
        raise SearchIndexError(f"搜索索引文件 {path.name} 已损坏:{err}") from err
    if not data.startswith(SIGNATURE):
        raise SearchIndexError(f"无法识别的搜索索引文件:{path.name}")
    stream = io.BytesIO(data[len(SIGNATURE):])
    try:
        value = cbor2.CBORDecoder(stream).decode()
    except cbor2.CBORDecodeError as err:
        raise SearchIndexError(f"搜索索引文件 {path.name} 已损坏:{err}") from err
    if stream.read(1):
        raise SearchIndexError(f"搜索索引文件 {path.name} 已损坏:数据之后还有多余的内容")
    return value


def write_index_file(folder: Path, prefix: str, suffix: str, value: Any, digits: int, level: int = 9,
                     dumps: Callable[[Any], bytes] = cbor2.dumps) -> str:
    """Write value under a name made from its content (longer when the short one is taken by
    other content); return the name without suffix. `level`: gzip's; 6 is what pagefind uses.
    `dumps`: the CBOR encoder (chunks.chunk_cbor for chunks: the same bytes as cbor2's, sooner)."""
    data = SIGNATURE + dumps(value)
    digest = hashlib.sha256(data).hexdigest()
    packed = gzip.compress(data, compresslevel=level, mtime=0)
    return place(folder, suffix, packed, [f"{prefix}_{digest[:n]}" for n in range(digits, len(digest) + 1)])


def place(folder: Path, suffix: str, packed: bytes, names: list[str]) -> str:
    """Write `packed` under the first of `names` that is free or already holds these bytes (the
    last one regardless, as a new file); return that name."""
    for name in names:
        path = folder / f"{name}{suffix}"
        taken = path.exists()
        if taken and path.read_bytes() == packed:
            return name  # not written again: it may be a link to a stored shard's file (shards.py)
        if not taken or name == names[-1]:
            path.unlink(missing_ok=True)  # a new file, never written through a link
            path.write_bytes(packed)
            return name
    raise ValueError("no name to write under")


def files_key(files: list[tuple[str, str]], head: str = "") -> str:
    """Hash of (path, SHA-256) pairs, after `head`: what an index made of these files depends on."""
    h = hashlib.sha256(head.encode())
    for rel, digest in files:
        h.update(f"{rel} {digest}\n".encode())
    return h.hexdigest()


def canonicalize(bundle: Path) -> None:
    """Sort every filter file and the meta file's filter list; rename by content."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    if entry.get("version") != PAGEFIND_VERSION:
        raise SearchIndexError(f"搜索索引由 pagefind {entry.get('version')} 生成,本程序只支持 {PAGEFIND_VERSION}"
                               "(请按 constraints.txt 安装依赖)")
    choices: dict[str, set[str]] = {}
    for language in entry["languages"].values():
        old_meta = bundle / f"pagefind.{language['hash']}.pf_meta"
        meta = read_index_file(old_meta)
        lang = language["hash"].split("_")[0]
        filters = []
        for name, file_hash in meta[3]:
            path = bundle / "filter" / f"{file_hash}.pf_filter"
            _, values = read_index_file(path)
            path.unlink()
            for value, pages in values:
                one = f"{name}{FILTER_SEP}{value}"
                filters.append([one, write_index_file(bundle / "filter", lang, ".pf_filter", [one, [[value, pages]]], 7)])
                choices.setdefault(name, set()).add(value)
        meta[3] = sorted(filters)
        old_meta.unlink()
        language["hash"] = write_index_file(bundle, f"pagefind.{lang}", ".pf_meta", meta, 10).split(".", 1)[1]
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    listed = {name: sorted(values) for name, values in sorted(choices.items())}
    (bundle / FILTER_LIST).write_text(json.dumps(listed, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
