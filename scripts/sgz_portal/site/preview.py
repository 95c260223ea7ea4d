"""Live preview (`sgz-portal serve --watch`, what `make serve` runs): rebuild on change, tell open pages.

A watchdog observer watches data/, content/ and overrides/; a builder thread runs the normal build
(`build.build`: validate, render into a staging folder, index, publish atomically, so a failed build
keeps the last good site/) after each burst of changes. Every attempt gets a new version number;
the outcome (the Chinese FILE:LINE messages when it failed) is kept for the preview server, which
shows it instead of the stale page. Nothing here changes what a build writes.
"""
from __future__ import annotations

import contextlib
import io
import logging
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

from sgz_portal.site.build import build

QUIET = 0.15  # seconds without another change before a rebuild starts (an editor saves in several steps)


@dataclass
class Outcome:
    version: int = 0
    ok: bool = True
    messages: list[str] = field(default_factory=list)
    seconds: float = 0.0


class Preview:
    """One project's live preview: the builds, their outcome, and the pages waiting for the next one."""

    def __init__(self, data_dir: Path, site_dir: Path, config_file: Path) -> None:
        self.data_dir, self.site_dir, self.config_file = data_dir, site_dir, config_file
        project = config_file.resolve().parent
        self.watched = [p for p in (data_dir, project / "content", project / "overrides") if p.is_dir()]
        self.outcome = Outcome()
        self._changed = threading.Event()
        self._news = threading.Condition()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def rebuild(self) -> Outcome:
        """One normal build; its messages are kept (and echoed to the terminal)."""
        start = time.perf_counter()
        said = io.StringIO()
        with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
            code = build(self.data_dir, self.site_dir, self.config_file)
        seconds = time.perf_counter() - start
        messages = [line for line in said.getvalue().splitlines() if line.strip()]
        for line in messages:
            print(line, file=sys.stderr if code else sys.stdout, flush=True)
        print(f"预览:第 {self.outcome.version + 1} 次生成,用时 {seconds:.2f} 秒", flush=True)
        with self._news:
            self.outcome = Outcome(self.outcome.version + 1, code == 0, messages, seconds)
            self._news.notify_all()
        return self.outcome

    def wait(self, since: int, timeout: float) -> Outcome:
        """The outcome once its version differs from `since`, or after `timeout` seconds."""
        with self._news:
            self._news.wait_for(lambda: self.outcome.version != since, timeout)
            return self.outcome

    def changed(self, path: str) -> None:
        name = Path(path).name
        if not name.startswith((".", "~")) and not name.endswith(("~", ".swp", ".tmp")):
            self._changed.set()

    def _builder(self) -> None:
        while not self._stop.is_set():
            if not self._changed.wait(0.5):
                continue
            while self._changed.is_set():  # let a burst of saves settle
                self._changed.clear()
                time.sleep(QUIET)
            self.rebuild()

    def start(self) -> None:
        """Build once, then watch and rebuild in the background (daemon threads)."""
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")  # outside any capture
        self.rebuild()
        observer = Observer()
        handler = _Handler(self)
        for folder in self.watched:
            observer.schedule(handler, str(folder), recursive=True)
        observer.daemon = True
        observer.start()
        builder = threading.Thread(target=self._builder, name="preview-builder", daemon=True)
        builder.start()
        self._threads = [observer, builder]
        print("预览:正在监视 " + "、".join(str(p) for p in self.watched) + ",保存后自动重新生成并刷新页面",
              flush=True)

    def stop(self) -> None:
        """Stop watching; a build under way is finished first."""
        self._stop.set()
        for thread in self._threads:
            if isinstance(thread, BaseObserver):
                thread.stop()
            thread.join(timeout=120)


class _Handler(FileSystemEventHandler):
    def __init__(self, preview: Preview) -> None:
        self.preview = preview

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        self.preview.changed(str(event.src_path))
        if getattr(event, "dest_path", ""):
            self.preview.changed(str(event.dest_path))
