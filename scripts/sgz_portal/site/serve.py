"""`sgz-portal serve`: the built site on 127.0.0.1, optionally under a sub-folder, gzipped
for clients that accept it (as any real web server is set up to do)."""
from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import io
import os
from pathlib import Path

# Material's CSS alone is 135 KB raw, 22 KB gzipped.
_COMPRESSIBLE = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".csv", ".geojson", ".map"}


def accepts_gzip(header: str) -> bool:
    """True if an Accept-Encoding header allows gzip (and does not give it q=0)."""
    for part in header.split(","):
        name, _, params = part.partition(";")
        if name.strip().lower() in ("gzip", "*"):
            q = params.replace(" ", "").lower()
            try:
                return float(q[2:]) > 0 if q.startswith("q=") else True
            except ValueError:
                return True
    return False


class _Handler(http.server.SimpleHTTPRequestHandler):
    prefix = "/"

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_prefix__")
        return super().translate_path("/" + path[len(self.prefix):])

    def send_head(self):
        """gzip text files for clients that accept it; everything else as the stdlib does."""
        path = Path(self.translate_path(self.path))
        if self.path.split("?", 1)[0].split("#", 1)[0].endswith("/"):
            path = path / "index.html"  # a file with a slash after it stays a 404 (stdlib's rule)
        if (path.suffix not in _COMPRESSIBLE or not path.is_file()
                or not accepts_gzip(self.headers.get("Accept-Encoding", ""))):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), mtime=0)  # mtime=0: same file, same bytes
        self.send_response(200)
        self.send_header("Content-type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format: str, *args: object) -> None:
        if os.environ.get("PORTAL_SERVE_LOG"):
            super().log_message(format, *args)


def serve(site_dir: Path, port: int, prefix: str) -> int:
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    handler = type("Handler", (_Handler,), {"prefix": prefix})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port),
                                             functools.partial(handler, directory=str(site_dir)))
    print(f"网站已启动:http://127.0.0.1:{server.server_port}{prefix}  (按 Ctrl+C 停止)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0
