"""Writing the open data files (opendata/), and taking unchanged parts from the previous build.

A province's open data is 250 MB made in 9 s, and a build waited for it even when one phone
number had changed. Each part (opendata.PARTS) is now stored, once made, in the cache folder
under a key of everything it is made from (opendata.inputs, and the code), and a later build
whose part has the same key links the stored files instead of making them. The descriptor
(data/datapackage.json) is made every time, from what each part recorded of its files.

A stored file is used only if it is as it was stored (size, modification time, inode: the
stamp that site/cache.py checks reused pages by); the site's copy is a hard link to it, so a
file edited in place in the published site fails that check and the part is made again.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from sgz_portal import opendata
from sgz_portal.data.memo import Memo
from sgz_portal.data.model import Portal

RECORD = ".made.json"  # in a stored part's folder: its facts and each file's stamp


def write(p: Portal, out: Path, store: Path | None = None, code: str = "", reuse: bool = True,
          memo: Memo | None = None) -> list[tuple[str, int]]:
    """Write every open data file under `out` (by site path); return (site path, size) of each, in
    the order of opendata.files(). With `store`, each part with a key is taken from it (`reuse`)
    or kept there for the next build; parts no longer current are removed from it. A part made
    takes what `memo` keeps of its records (opendata/stationpart.py)."""
    made: list[opendata.Made] = []
    current: set[str] = set()
    for part in opendata.PARTS:
        inputs = opendata.inputs(p, part)
        if store is None or inputs is None:
            made.append(_write(part.make(p, memo), out))
            continue
        home = store / f"{part.name}-{_key(code, inputs)}"
        current.add(home.name)
        kept = _stored(home) if reuse else None
        if kept is None:
            kept = _store(part.make(p, memo), home)
        made.append(_link(home, kept, out))
    path, text = opendata.descriptor(p, made)
    made.append(_write(opendata.Made([(path, text)]), out))
    if store is not None:
        _prune(store, current)
    return [(path, size) for m in made for path, size in m.facts["sizes"]]


def _key(code: str, inputs: str) -> str:
    return hashlib.sha256(f"{code}\n{inputs}".encode()).hexdigest()[:32]


def _write(made: opendata.Made, out: Path) -> opendata.Made:
    sizes = []
    for path, text in made.files:
        data = text.encode("utf-8")
        target = _fresh(out / path)
        target.write_bytes(data)
        sizes.append((path, len(data)))
    return opendata.Made([(path, "") for path, _ in made.files], {**made.facts, "sizes": sizes})


def _fresh(target: Path) -> Path:
    """`target` with its folder made and no file there: a file left by a fork that failed halfway
    (data/forked.py does the work again) may be a link to a stored file, and writing through it
    would change the store and the published site that links it too."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    return target


def _stamp(path: Path) -> str:
    st = os.stat(path)
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"


def _store(made: opendata.Made, home: Path) -> dict:
    """Write the part into a fresh folder that takes the name `home` once complete."""
    home.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(home, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{home.name}-", dir=home.parent))
    written = _write(made, tmp)
    record = {"facts": {**made.facts, "sizes": written.facts["sizes"]},
              "stamps": {path: _stamp(tmp / path) for path, _ in made.files}}
    # Keys in their order: the HSDS resources go into the descriptor as they are read back.
    (tmp / RECORD).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, home)
    return record


def _stored(home: Path) -> dict | None:
    """The record of a stored part whose files are all as stored, or None."""
    try:
        record = json.loads((home / RECORD).read_text(encoding="utf-8"))
        if all(_stamp(home / path) == stamp for path, stamp in record["stamps"].items()):
            return record
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return None


def _link(home: Path, record: dict, out: Path) -> opendata.Made:
    for path in record["stamps"]:
        target = _fresh(out / path)
        try:
            os.link(home / path, target)
        except OSError:  # another filesystem, or no hard links
            shutil.copyfile(home / path, target)
    facts = record["facts"]
    return opendata.Made([(path, "") for path in record["stamps"]],
                         {**facts, "sizes": [tuple(pair) for pair in facts["sizes"]]})


def _prune(store: Path, keep: set[str]) -> None:
    """Only the current parts stay (and no folder of an interrupted _store)."""
    if store.is_dir():
        for path in store.iterdir():
            if path.name not in keep:
                shutil.rmtree(path, ignore_errors=True)


def move(scratch: Path, site_dir: Path, sizes: list[tuple[str, int]]) -> None:
    """Move the files write() put in `scratch` into the site, then remove `scratch`."""
    for path, _ in sizes:
        target = site_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(scratch / path, target)
    shutil.rmtree(scratch, ignore_errors=True)
