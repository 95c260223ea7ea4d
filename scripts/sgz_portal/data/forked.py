"""Work done by a fork of this process while it goes on (the open data of a large build, the
second half of a large data folder's files).

A fork shares what this process already holds (a child started afresh would load the data again)
and gives its value back through a pipe as marshal (plain values; no code runs when it is read).
There is no fork where the platform has none, or while other threads run (a fork copies only the
calling thread, and a lock another thread held would never be released in the child): the work is
then done in this process when its value is asked for. Either way the value is the same.
"""
from __future__ import annotations

import gc
import marshal
import os
import signal
import threading
from collections.abc import Callable
from typing import Any


def available() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1


class Forked:
    """`work` started in a fork now; `result()` waits for its value (or, where there is no fork or
    the child failed, does the work here); `close()` stops a child whose value is not wanted."""

    def __init__(self, work: Callable[[], Any]) -> None:
        self._work = work
        self._value: Any = None
        self._done = False
        self._pid = 0
        self._read = -1
        if not available():
            return
        self._read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns into the build
            code = 1
            # Its work makes many objects and no cycles, and all it holds goes when it exits: the
            # cycle collector would only scan them (1 s of a province's open data, which the
            # build waits for).
            gc.disable()
            try:
                os.close(self._read)
                with os.fdopen(write, "wb") as out:
                    out.write(marshal.dumps(work()))
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self._pid = pid

    def result(self) -> Any:
        if not self._done:
            value = self._collect()
            self._value = self._work() if value is None else value[0]
            self._done = True
        return self._value

    def _collect(self) -> tuple[Any] | None:
        """(the child's value,), or None if there is no child or it failed."""
        if not self._pid:
            return None
        with os.fdopen(self._read, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self._pid, 0)
        self._pid = 0
        if status != 0:
            return None
        try:
            return (marshal.loads(data),)
        except (EOFError, ValueError, TypeError):
            return None

    def close(self) -> None:
        """Stop a child whose result is no longer wanted (a failed build)."""
        if self._pid:
            os.close(self._read)
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = 0
