"""Station QR codes drawn ahead, by a process of their own, while mkdocs renders the pages.

Drawing a code (segno, pages/qr.py) takes about 1 ms: 36 s of a province's full build for its
34,000 stations, on the one core the build uses, while the other waits for pagefind. So when a build
renders many station pages, a child process (`python -m sgz_portal.site.qrcodes`) is given their
URLs in the order mkdocs renders them, draws each code with the same function, and sends it back;
the build reads each code when its page asks for it. The pipe holds the child a few dozen codes
ahead. A code the child does not have (or everything, if the child fails) is drawn in the build
process as before, so the output is the same bytes either way (tests/test_qrcodes.py).
"""
from __future__ import annotations

import json
import struct
import subprocess
import sys
from typing import IO

from markupsafe import Markup

from sgz_portal.pages import qr
from sgz_portal.site import children

AHEAD_MIN = 200  # fewer station pages to render: drawn in the build process (a child costs 0.2 s to start)
_HEAD = struct.Struct(">II")  # lengths of the target and of the drawing, in bytes


class DrawnAhead:
    """The codes of `targets`, drawn in order by a child process. `svg(target)` gives a code as
    qr.station_svg would; call close() when the build ends (or fails)."""

    def __init__(self, targets: list[str]) -> None:
        self._waiting = set(targets)  # still to come from the child
        self._ready: dict[str, Markup] = {}  # come early: asked for out of order
        self._last: tuple[str, Markup] | None = None  # a poster asks for its station's code again
        self._child: subprocess.Popen[bytes] | None = None
        command, env = children.module_command("sgz_portal.site.qrcodes")
        try:
            self._child = subprocess.Popen(command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            assert self._child.stdin is not None
            self._child.stdin.write(json.dumps(targets).encode("utf-8"))  # read whole before it writes
            self._child.stdin.close()
        except OSError:
            self.close()

    def svg(self, target: str) -> Markup:
        if self._last is not None and self._last[0] == target:
            return self._last[1]
        drawn = self._ready.pop(target, None)
        while drawn is None and target in self._waiting and self._child is not None:
            got = self._receive()
            if got is not None:
                self._waiting.discard(got[0])
                if got[0] == target:
                    drawn = got[1]
                else:
                    self._ready[got[0]] = got[1]
        if drawn is None:
            drawn = qr.station_svg(target)
        self._last = (target, drawn)
        return drawn

    def _receive(self) -> tuple[str, Markup] | None:
        assert self._child is not None and self._child.stdout is not None
        out = self._child.stdout
        try:
            head = out.read(_HEAD.size)
            if len(head) == _HEAD.size:
                sizes = _HEAD.unpack(head)
                target, drawing = out.read(sizes[0]), out.read(sizes[1])
                if len(target) == sizes[0] and len(drawing) == sizes[1]:
                    return target.decode("utf-8"), Markup(drawing.decode("utf-8"))
        except OSError:
            pass
        self.close()  # the child ended early: the rest are drawn here
        return None

    def close(self) -> None:
        child, self._child = self._child, None
        if child is not None:
            child.kill()
            child.wait()
            if child.stdout is not None:
                child.stdout.close()


def _main(source: IO[bytes], sink: IO[bytes]) -> None:
    """The child: a JSON list of targets in, each target's code out, in order."""
    for target in json.loads(source.read()):
        encoded, drawing = target.encode("utf-8"), str(qr.station_svg(target)).encode("utf-8")
        sink.write(_HEAD.pack(len(encoded), len(drawing)) + encoded + drawing)
    sink.flush()


if __name__ == "__main__":
    _main(sys.stdin.buffer, sys.stdout.buffer)
