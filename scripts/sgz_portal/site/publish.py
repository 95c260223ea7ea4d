"""Publish atomically. The new site is built beside the old one and swapped in, so
`site/` always holds either the complete old site or the complete new one.

On Linux the swap is one `renameat2(RENAME_EXCHANGE)` call: the two folders trade names in a
single atomic step, `site/` never goes missing. Where that call does not exist (other systems,
some network filesystems) two renames are used, and a failed second rename puts the old site
back. Staging folders left by an interrupted build (`.site-new-<pid>-*`, `.site-old-<pid>-*`,
`.site-clone-<pid>-*`, `.site-spare-<pid>-*`: site/clone.py) are removed by the next build, unless
the process that made them is still running.

The replaced site is deleted once the new one is in place. A large one (a province's 110,000
folders and 150,000 files took 12 s to delete, a tenth of an incremental build) is deleted by a
detached process, named in its folder's name so that the next build leaves it alone while it runs.
A large build keeps it instead, as the spare its next build starts its clone from (`keep`).
"""
from __future__ import annotations

import ctypes
import errno
import glob
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_NOT_SUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP}
_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def _renameat2() -> Callable[..., int] | None:
    try:
        return getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    except OSError:
        return None


def exchange(a: Path, b: Path) -> bool:
    """Atomically trade the names of two existing paths. False if this system cannot."""
    call = _renameat2()
    if call is None:
        return False
    if call(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _NOT_SUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(site_dir: Path) -> list[Path]:
    """Remove staging folders of builds that are no longer running, and this process's own
    earlier ones (but not its clone: this build's, made before its staging folder); return what
    was removed."""
    pattern = re.compile(rf"^\.{re.escape(site_dir.name)}-(new|old|clone|spare)-(?:(\d+)-)?")  # no pid: older builds
    removed: list[Path] = []
    if not site_dir.parent.is_dir():
        return removed
    for path in sorted(site_dir.parent.iterdir()):
        match = pattern.match(path.name)
        if match and path.is_dir() and not path.is_symlink() and (
                match[2] is None or (int(match[2]) == os.getpid() and match[1] != "clone")
                or not _alive(int(match[2]))):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def temp_folder(site_dir: Path, kind: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-{kind}-{os.getpid()}-", dir=site_dir.parent))


@contextmanager
def staging(site_dir: Path) -> Iterator[Path]:
    """A fresh folder next to `site_dir` (stale ones are cleaned first); removed if the block fails."""
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(site_dir)
    tmp = temp_folder(site_dir, "new")
    try:
        yield tmp
    except BaseException:
        # with the folders the build keeps beside it (its open data, its index shards), named after it
        for path in [tmp, *tmp.parent.glob(f"{glob.escape(tmp.name)}-*")]:
            shutil.rmtree(path, ignore_errors=True)
        raise


@contextmanager
def signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the names are swapped (they are delivered right after)."""
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    except (AttributeError, ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def swap(new: Path, site_dir: Path, background: bool = False, spare: Path | None = None) -> None:
    """Put `new` in place of `site_dir`; the old site is kept as `spare` if given (keep), or else
    deleted afterwards, by a detached process if `background` (remove_later)."""
    new.chmod(0o755)
    old: Path | None = None
    with signals_held():
        if not site_dir.exists() and not site_dir.is_symlink():
            os.rename(new, site_dir)
        elif exchange(new, site_dir):
            old = new  # the old site, now under the staging name
        else:
            old = _two_renames(new, site_dir)
    if old is not None and not (spare is not None and keep(old, spare, site_dir)):
        remove_later(old, site_dir) if background else shutil.rmtree(old, ignore_errors=True)


def keep(old: Path, spare: Path, site_dir: Path) -> bool:
    """Keep the replaced site `old` as `spare`, the next build's start for its clone of the site
    (site/clone.py), in place of any spare left there; False where it cannot be moved there
    (another file system). Only the build's own user may read it: it holds pages no longer
    published."""
    try:
        if os.path.lexists(spare):  # not taken: the last build was a full one
            trash = spare.with_name(f"{spare.name}.old-{secrets.token_hex(4)}")
            os.rename(spare, trash)
            remove_later(trash, site_dir)
        spare.parent.mkdir(parents=True, exist_ok=True)
        old.chmod(0o700)  # before it is moved: a failure here leaves the site published all the same
        os.rename(old, spare)
    except OSError:
        return False
    return True


# The detached deleter: a path on stdin, deleted at low priority.
_DELETER = ("import os, shutil, sys\n"
            "path = os.fsdecode(sys.stdin.buffer.readline().rstrip(b'\\n'))\n"
            "os.nice(10)\n"
            "shutil.rmtree(path, ignore_errors=True)\n")


def remove_later(old: Path, site_dir: Path) -> None:
    """Delete the replaced site `old` in a process of its own, which goes on after this one ends.
    The folder is first renamed to carry that process's id, so that clean_stale leaves it alone
    while it runs and removes what is left if it is killed."""
    try:
        child = subprocess.Popen([sys.executable, "-c", _DELETER], stdin=subprocess.PIPE,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        shutil.rmtree(old, ignore_errors=True)
        return
    trash = site_dir.parent / f".{site_dir.name}-old-{child.pid}-{secrets.token_hex(4)}"
    try:
        os.rename(old, trash)
    except OSError:
        trash = old
    assert child.stdin is not None
    try:
        child.stdin.write(os.fsencode(trash) + b"\n")
        child.stdin.close()
    except OSError:  # the deleter is gone already
        shutil.rmtree(trash, ignore_errors=True)


def _two_renames(new: Path, site_dir: Path) -> Path:
    """The fallback: site -> old, new -> site; if the second fails, old goes back."""
    old = temp_folder(site_dir, "old")
    old.rmdir()
    os.rename(site_dir, old)
    try:
        os.rename(new, site_dir)
    except BaseException:
        os.rename(old, site_dir)
        raise
    return old
