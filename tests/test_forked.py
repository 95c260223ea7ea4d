"""Work done by a fork of the build meanwhile (site/Forked): a province's open data is
made while the build decides which pages to reuse. The value is the same as made here, and a
child that fails or is no longer wanted leaves nothing behind."""
from __future__ import annotations

import gc
import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from sgz_portal.data import forked, load
from sgz_portal.data.forked import Forked
from sgz_portal.data.issues import Issue
from sgz_portal.data.memo import Memo
from sgz_portal.site import build as build_module
from sgz_portal.site import exports, plugin
from tests.fixturedata import SAMPLE, minimal_copy
from tests.sitetext import digest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.usefixtures("forking")
AVAILABLE = forked.available


def test_no_fork_while_another_thread_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fork copies only the calling thread: a lock another thread held would stay held in the
    child. So with another thread running, the work is done here, when it is asked for."""
    monkeypatch.setattr(forked, "available", AVAILABLE)  # the rule itself, not the fixture's
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not forked.available()
        assert Forked(os.getpid).result() == os.getpid()
    finally:
        stop.set()
        other.join()


def test_the_work_is_done_by_another_process() -> None:
    here = os.getpid()
    assert Forked(os.getpid).result() not in (here, None)
    assert Forked(lambda: [("data/a.csv", "编号\n1\n")] * 3).result() == [("data/a.csv", "编号\n1\n")] * 3


def test_the_child_works_without_the_cycle_collector_and_this_process_keeps_its_own() -> None:
    pid, collecting = Forked(lambda: (os.getpid(), gc.isenabled())).result()
    assert pid != os.getpid() and collecting is False
    assert gc.isenabled()


def test_a_child_that_fails_leaves_the_work_to_this_process() -> None:
    here = os.getpid()

    def work() -> int:
        if os.getpid() != here:
            raise RuntimeError("the child fails")
        return 5
    assert Forked(work).result() == 5


def test_a_child_no_longer_wanted_is_stopped_and_waited_for() -> None:
    ahead = Forked(lambda: time.sleep(60))
    pid = ahead._pid
    start = time.monotonic()
    ahead.close()
    assert time.monotonic() - start < 10
    with pytest.raises(ChildProcessError):  # already reaped: no zombie left
        os.waitpid(pid, os.WNOHANG)


def _recording(log: Path):  # type: ignore[no-untyped-def]
    real = exports.write

    def write(*args, **kwargs):  # type: ignore[no-untyped-def]
        with log.open("a", encoding="utf-8") as out:
            out.write(f"{os.getpid()}\n")
        return real(*args, **kwargs)
    return write


def test_a_site_is_the_same_with_the_open_data_made_by_a_fork(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = minimal_copy(tmp_path, monkeypatch)
    log = tmp_path / "pids"
    monkeypatch.setattr(plugin.exports, "write", _recording(log))
    monkeypatch.setattr(plugin, "EXPORTS_AHEAD", 10**9)
    assert build_module.build(data, tmp_path / "here", ROOT / "mkdocs.yml", incremental=False) == 0
    assert log.read_text(encoding="utf-8").split() == [str(os.getpid())]
    log.unlink()
    monkeypatch.setattr(plugin, "EXPORTS_AHEAD", 1)
    assert build_module.build(data, tmp_path / "ahead", ROOT / "mkdocs.yml", incremental=False) == 0
    made_by = log.read_text(encoding="utf-8").split()
    assert len(made_by) == 1 and made_by[0] != str(os.getpid())
    assert digest(tmp_path / "here") == digest(tmp_path / "ahead")


def test_a_failed_build_stops_the_fork(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = minimal_copy(tmp_path, monkeypatch)
    monkeypatch.setattr(plugin, "EXPORTS_AHEAD", 1)
    made: list[Forked] = []
    real = Forked.__init__

    def init(self: Forked, work) -> None:  # type: ignore[no-untyped-def]
        made.append(self)
        real(self, lambda: (time.sleep(60), work())[1])  # still working when the build fails

    def broken(*args: object) -> None:
        raise OSError("injected failure")  # before the open data is asked for
    monkeypatch.setattr(Forked, "__init__", init)
    monkeypatch.setattr(plugin, "attachments", broken)
    start = time.monotonic()
    assert build_module.build(data, tmp_path / "site", ROOT / "mkdocs.yml", incremental=False) == 1
    assert time.monotonic() - start < 50
    assert made and made[0]._pid == 0  # closed: killed and waited for


def _loaded(data: Path, memo: Memo | None) -> tuple[list[tuple[str, object, object, str]], list[Issue], set[str], int]:
    raw, problems = load.load(data, memo)
    docs = [raw.site, raw.regions, raw.services, raw.agencies, *raw.stations, *raw.projects, *raw.plans,
            raw.resources, raw.rules]
    return ([(d.file, d.data, d.lines, d.digest) for d in docs if d is not None], problems,
            set(memo.used) if memo else set(), memo.hits if memo else 0)


@pytest.mark.parametrize("with_memo", [False, True])
def test_files_read_by_a_fork_are_those_read_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  with_memo: bool) -> None:
    """A large data folder's later files are read by a fork (data/load.py): the same records,
    lines, digests and problems, in the same order, a broken file among them, and the same memo
    keys used; the fork did read them."""
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    last = sorted((data / "projects").glob("*.yaml"))[-1]
    last.write_text(last.read_text(encoding="utf-8") + "\n  broken: [\n", encoding="utf-8")
    log = tmp_path / "pids"
    real = load.read_document

    def reading(path: Path, rel: str):  # type: ignore[no-untyped-def]
        with log.open("a", encoding="utf-8") as out:
            out.write(f"{os.getpid()}\n")
        return real(path, rel)
    monkeypatch.setattr(load, "read_document", reading)
    for _ in range(2):  # with a memo: first every file is read, then none is
        memos = [Memo(tmp_path / f"memo-{n}", "test") if with_memo else None for n in range(2)]
        monkeypatch.setattr(load, "PARALLEL_FILES", 10**9)
        here = _loaded(data, memos[0])
        monkeypatch.setattr(load, "PARALLEL_FILES", 1)
        ahead = _loaded(data, memos[1])
        assert ahead == here
        assert any(i.code.startswith("yaml") for i in here[1])
    pids = set(log.read_text(encoding="utf-8").split())
    assert str(os.getpid()) in pids and len(pids) > 1


def test_what_the_memo_has_is_taken_here_not_handed_back_by_a_fork(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Only files the memo does not know go to the fork: a fork reading memo entries would hand
    back through a pipe what this process reads as fast. The same records either way."""
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    memo = Memo(tmp_path / "memo", "test")
    monkeypatch.setattr(load, "PARALLEL_FILES", 1)
    first = _loaded(data, memo)
    forks: list[int] = []
    real = forked.Forked

    def counted(work):  # type: ignore[no-untyped-def]
        forks.append(1)
        return real(work)
    monkeypatch.setattr(forked, "Forked", counted)
    again = _loaded(data, Memo(tmp_path / "memo", "test"))
    assert again[:2] == first[:2] and not forks


@pytest.mark.parametrize("reading", [False, True])
def test_each_file_is_read_and_hashed_once_when_the_memo_cannot_help(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     reading: bool) -> None:
    """A full build (a memo that only records) hashes each data file once; so does one that finds
    every file in the memo."""
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    load.load(data, Memo(tmp_path / "memo", "test"))  # every file in the memo
    contents = {path.read_bytes() for path in data.rglob("*.yaml")}
    hashed: list[bytes] = []
    real = load.memo_digest
    monkeypatch.setattr(load, "memo_digest", lambda b: (hashed.append(b) if b in contents else None) or real(b))
    load.load(data, Memo(tmp_path / "memo", "test", read=reading))
    assert len(hashed) == len(list(data.rglob("*.yaml")))
