"""Publishing has no window: `site/` always holds the complete old site or the complete new one.

A failure injected at each step of `build` (staging, render, search index, the swap, the
fallback's renames, removing the old site) leaves the old site as it was; stale staging
folders of interrupted builds are cleaned; Ctrl-C and SIGTERM end a real build (in a
subprocess) with one Chinese line, no traceback, a non-zero code and the old site intact.
"""
from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from sgz_portal.site import build as build_module
from sgz_portal.site import cache, publish, search

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "fixtures" / "sample" / "data"
MINIMAL = ROOT / "tests" / "fixtures" / "minimal" / "data"
CONFIG = ROOT / "mkdocs.yml"


def make_site(folder: Path, marker: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(marker, encoding="utf-8")
    (folder / "stations").mkdir()
    (folder / "stations" / "index.html").write_text(marker, encoding="utf-8")
    return folder


def state(site: Path) -> str | None:
    """'old' or 'new' when the site is complete, else what is wrong."""
    try:
        top = (site / "index.html").read_text(encoding="utf-8")
        inner = (site / "stations" / "index.html").read_text(encoding="utf-8")
    except OSError as err:
        return f"broken: {err}"
    return top if top == inner else "mixed"


@pytest.fixture
def fake_render(monkeypatch):
    """Builds write a tiny two-file site instead of running mkdocs (the swap is what is tested)."""
    def render(prepared, data_dir, out, config_file, *_):
        (out / "index.html").write_text("new", encoding="utf-8")
        (out / "stations").mkdir()
        (out / "stations" / "index.html").write_text("new", encoding="utf-8")
    monkeypatch.setattr(build_module, "_render", render)
    monkeypatch.delenv("PORTAL_AS_OF", raising=False)


def build(site: Path) -> int:
    return build_module.build(MINIMAL, site, CONFIG)


def leftovers(site: Path) -> list[str]:
    return sorted(p.name for p in site.parent.iterdir() if p.name.startswith(f".{site.name}-"))


# -- the swap itself -------------------------------------------------------------------------

def test_site_never_goes_missing_during_the_swap(tmp_path, monkeypatch):
    """Every rename the swap makes leaves a complete site/ behind it (today: site/ is renamed
    away first, and for a moment there is none)."""
    site = make_site(tmp_path / "site", "old")
    new = make_site(tmp_path / ".site-new-1-x", "new")
    seen = []
    real_rename, real_exchange = os.rename, publish.exchange

    def rename(a, b, **kw):
        real_rename(a, b, **kw)
        seen.append(state(site))

    def exchange(a, b):
        done = real_exchange(a, b)
        seen.append(state(site))
        return done
    monkeypatch.setattr(os, "rename", rename)
    monkeypatch.setattr(publish, "exchange", exchange)
    publish.swap(new, site)
    assert state(site) == "new"
    assert seen and all(s in ("old", "new") for s in seen), seen
    assert leftovers(site) == []


def test_exchange_is_atomic_on_this_system(tmp_path):
    a, b = make_site(tmp_path / "a", "A"), make_site(tmp_path / "b", "B")
    assert publish.exchange(a, b)  # Linux (renameat2): the fallback is not what the suite runs
    assert (state(a), state(b)) == ("B", "A")


def test_concurrent_reader_always_finds_a_complete_site(tmp_path):
    site = make_site(tmp_path / "site", "v0")
    reader = subprocess.Popen([sys.executable, "-c", (
        "import sys, pathlib\n"
        "site = pathlib.Path(sys.argv[1]); bad = 0\n"
        "while not (site.parent / 'stop').exists():\n"
        "    try:\n"
        "        (site / 'index.html').read_bytes(); (site / 'stations' / 'index.html').read_bytes()\n"
        "    except OSError: bad += 1\n"
        "print(bad)\n"), str(site)], stdout=subprocess.PIPE, text=True)
    try:
        for n in range(1, 150):
            publish.swap(make_site(tmp_path / f".site-new-{os.getpid()}-{n}", f"v{n}"), site)
    finally:
        (tmp_path / "stop").touch()
        out, _ = reader.communicate(timeout=30)
    assert out.strip() == "0"
    assert state(site) == "v149"


def test_first_publish_when_there_is_no_site_yet(tmp_path, fake_render):
    site = tmp_path / "out" / "site"
    assert build(site) == 0
    assert state(site) == "new" and leftovers(site) == []


# -- a failure at each step leaves the old site --------------------------------------------------

def fail(*args, **kwargs):
    raise OSError(errno.EIO, "injected failure")


@pytest.mark.parametrize("step", ["staging", "render", "index", "exchange", "exchange-eperm"])
def test_failure_at_each_step_keeps_the_old_site(tmp_path, fake_render, monkeypatch, capsys, step):
    site = make_site(tmp_path / "site", "old")
    if step == "staging":
        monkeypatch.setattr(publish.tempfile, "mkdtemp", fail)
    elif step == "render":
        def render(prepared, data_dir, out, config_file, *_):
            (out / "index.html").write_text("half", encoding="utf-8")
            raise PluginError("injected failure")
        monkeypatch.setattr(build_module, "_render", render)
    elif step == "index":
        def render(prepared, data_dir, out, config_file, *_):
            (out / "index.html").write_text("half", encoding="utf-8")
            search.index(out)
        monkeypatch.setattr(build_module, "_render", render)
        monkeypatch.setattr(search.subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 1, "", "boom"))
    elif step == "exchange":
        monkeypatch.setattr(publish, "exchange", fail)
    else:
        def no_permission(a, b):
            raise OSError(errno.EPERM, "injected", str(a))
        monkeypatch.setattr(publish, "exchange", no_permission)
    assert build(site) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "原有的 site/ 保持不变" in err
    assert state(site) == "old"
    assert leftovers(site) == []


@pytest.mark.parametrize("which", [1, 2])
def test_fallback_rename_failure_is_rolled_back(tmp_path, fake_render, monkeypatch, capsys, which):
    """Without renameat2 (other systems): site -> old, new -> site. A failed second rename puts
    the old site back (today it stays renamed away: no site/ at all)."""
    site = make_site(tmp_path / "site", "old")
    monkeypatch.setattr(publish, "_renameat2", lambda: None)
    calls = []
    real_rename = os.rename

    def rename(a, b, **kw):
        calls.append((Path(a).name, Path(b).name))
        if len(calls) == which:
            raise OSError(errno.EIO, "injected failure")
        real_rename(a, b, **kw)
    monkeypatch.setattr(os, "rename", rename)
    assert build(site) == 1
    assert state(site) == "old"
    assert leftovers(site) == []
    assert "Traceback" not in capsys.readouterr().err


def test_fallback_publishes_when_renames_work(tmp_path, fake_render, monkeypatch):
    site = make_site(tmp_path / "site", "old")
    monkeypatch.setattr(publish, "_renameat2", lambda: None)
    assert build(site) == 0
    assert state(site) == "new" and leftovers(site) == []


def test_old_site_that_cannot_be_removed_does_not_undo_the_publish(tmp_path, fake_render, monkeypatch):
    site = make_site(tmp_path / "site", "old")
    monkeypatch.setattr(publish.shutil, "rmtree", lambda *a, **k: None)
    assert build(site) == 0
    assert state(site) == "new"
    [stale] = leftovers(site)
    monkeypatch.undo()
    publish.clean_stale(site)  # ...and the next build removes it
    assert leftovers(site) == []


# -- a large replaced site is deleted by a process of its own -------------------------------------

def gone(site: Path, timeout: float = 60) -> bool:
    """Whether every leftover of `site` is deleted within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while leftovers(site) and time.monotonic() < deadline:
        time.sleep(0.05)
    return leftovers(site) == []


def test_the_replaced_site_can_be_deleted_by_a_detached_process(tmp_path, monkeypatch):
    site = make_site(tmp_path / "site", "old")
    new = make_site(tmp_path / f".site-new-{os.getpid()}-x", "new")
    monkeypatch.setattr(publish.shutil, "rmtree", lambda *a, **k: None)  # this process deletes nothing
    publish.swap(new, site, background=True)
    assert state(site) == "new"
    assert gone(site)


def test_the_next_build_leaves_a_running_deleters_folder_alone(tmp_path):
    site = make_site(tmp_path / "site", "new")
    deleter = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        trash = make_site(tmp_path / f".site-old-{deleter.pid}-0a1b2c3d", "old")
        publish.clean_stale(site)
        assert trash.exists()
    finally:
        deleter.kill()
        deleter.wait()
    publish.clean_stale(site)  # a deleter killed midway: the next build removes the rest
    assert not trash.exists()


@pytest.mark.usefixtures("forking")  # make_later's detached fork
def test_a_large_sites_replaced_copy_is_kept_as_the_next_builds_spare(tmp_path, monkeypatch):
    """A large build keeps the site it replaces as the spare its next build's clone starts from
    (site/clone.py), in the cache folder and readable by its user alone; a first build, which
    replaces none, has one linked by a detached fork. A spare not taken is deleted in the
    background. Nothing is left beside the site."""
    monkeypatch.setattr(build_module, "BACKGROUND_PAGES", 1)
    monkeypatch.delenv("PORTAL_AS_OF", raising=False)
    handed, remove_later = [], publish.remove_later
    monkeypatch.setattr(publish, "remove_later", lambda old, site_dir: (handed.append(old), remove_later(old, site_dir)))
    site = tmp_path / "site"
    spare = cache.spare_store(CONFIG.parent / cache.FOLDER, site)
    try:
        assert build(site) == 0
        assert gone(site)  # the detached fork's folder, moved to the cache when done
        page = "stations/index.html"
        assert (spare / page).stat().st_ino == (site / page).stat().st_ino
        first = (site / "index.html").stat().st_ino
        assert build(site) == 0
        assert (site / "index.html").stat().st_ino != first  # the new site is in place
        assert (spare / "index.html").stat().st_ino == first  # the replaced one is the spare
        assert spare.stat().st_mode & 0o777 == 0o700
        assert handed == [] and gone(site)  # the first spare was taken by the clone
        assert build_module.build(MINIMAL, site, CONFIG, incremental=False) == 0
        assert len(handed) == 1 and gone(site) and not handed[0].exists()  # a full build takes none
        assert (spare / "stations").is_dir()
    finally:
        shutil.rmtree(spare, ignore_errors=True)


# -- stale staging folders ---------------------------------------------------------------------

def dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_stale_staging_folders_are_cleaned_by_the_next_build(tmp_path, fake_render):
    site = make_site(tmp_path / "site", "old")
    dead = dead_pid()
    for name in (f".site-new-{dead}-abc", f".site-old-{dead}-def", ".site-new-k2j3h4g5", ".site-old-x9y8z7w6"):
        make_site(tmp_path / name, "stale")
    alive = make_site(tmp_path / f".site-new-{os.getppid()}-live", "another build")  # a running process
    unrelated = make_site(tmp_path / ".sitemap-new-1-x", "not ours")
    assert build(site) == 0
    assert leftovers(site) == [alive.name]
    assert unrelated.exists() and state(site) == "new"


# -- Ctrl-C and SIGTERM in a real build --------------------------------------------------------

@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_build_stops_quietly_and_keeps_the_old_site(tmp_path, signum):
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    site = make_site(tmp_path / "site", "old")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("PORTAL_AS_OF", None)
    proc = subprocess.Popen([sys.executable, "-m", "sgz_portal", "--config", str(CONFIG), "--data", str(data),
                             "build", "--site", str(site)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:  # wait until pages are being written
        staging = [p for p in tmp_path.glob(".site-new-*") if any(p.rglob("*.html"))]
        if staging:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the build ended before it could be interrupted"
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines == ["已中断:未发布,原有的 site/ 保持不变。"], err
    assert "Traceback" not in out + err
    assert state(site) == "old"
    assert leftovers(site) == []


def test_interrupt_during_the_swap_waits_for_it_and_says_the_new_site_is_out(tmp_path, fake_render,
                                                                           monkeypatch, capsys):
    """Ctrl-C held back while the names are swapped: the site is complete (new), and the one
    line says so rather than claiming the old site was kept."""
    site = make_site(tmp_path / "site", "old")
    real_exchange = publish.exchange

    def exchange(a, b):
        # Ctrl-C in the middle of the swap, sent to the main thread as a terminal sends it to a
        # single-threaded build (os.kill could land on another thread of the test process).
        signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)
        return real_exchange(a, b)
    monkeypatch.setattr(publish, "exchange", exchange)
    assert build(site) == 130
    assert capsys.readouterr().err.strip().splitlines()[-1] == "已中断:新网站已发布。"
    assert state(site) == "new"
