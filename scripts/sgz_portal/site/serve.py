"""`sgz-portal serve`: the built site on 127.0.0.1, under a sub-folder if asked, gzipped as nginx would.

With `--watch` (what `make serve` runs) it is also the live preview: `preview.Preview` rebuilds site/
on change; this server adds `PREFIX__preview/reload.js` and `PREFIX__preview/state?since=N` (a long
poll), puts `<script src=".../reload.js">` into the HTML it sends (never into the files: site/ stays
what `make site` builds), and answers every page with the Chinese FILE:LINE list while the last build
failed.
"""
from __future__ import annotations

import contextlib
import functools
import gzip
import html
import http.server
import io
import json
import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from sgz_portal.site.preview import Preview

PREVIEW = "__preview/"
RELOAD_JS = Path(__file__).with_name("preview.js")
POLL_SECONDS = 20.0

# Text files are compressed when the browser accepts it, as any real web server
# is set up to do (nginx `gzip on`): Material's CSS alone is 135 KB raw, 22 KB gzipped.
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
    preview: Preview | None = None

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_prefix__")
        return super().translate_path("/" + path[len(self.prefix):])

    def send_head(self):
        """gzip text files for clients that accept it; everything else as the stdlib does."""
        url = self.path.split("?", 1)[0].split("#", 1)[0]
        if self.preview is not None and url.startswith(self.prefix + PREVIEW):
            return self._preview_file(url[len(self.prefix + PREVIEW):])
        path = Path(self.translate_path(self.path))
        if url.endswith("/"):
            path = path / "index.html"  # a file with a slash after it stays a 404 (stdlib's rule)
        if self.preview is not None and path.suffix == ".html" and url.startswith(self.prefix):
            if not self.preview.outcome.ok:
                return self._send(500, "text/html; charset=utf-8", self._error_page(), cache=False)
            if path.is_file():
                return self._send(200, "text/html; charset=utf-8", self._with_reload(path.read_bytes()),
                                  cache=False)
        if (path.suffix not in _COMPRESSIBLE or not path.is_file()
                or not accepts_gzip(self.headers.get("Accept-Encoding", ""))):
            return super().send_head()
        return self._send(200, self.guess_type(str(path)), path.read_bytes())

    def _send(self, status: int, kind: str, body: bytes, cache: bool = True) -> io.BytesIO:
        if accepts_gzip(self.headers.get("Accept-Encoding", "")):
            body = gzip.compress(body, mtime=0)  # mtime=0: same file, same bytes
            encoding = "gzip"
        else:
            encoding = ""
        self.send_response(status)
        self.send_header("Content-type", kind)
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        if not cache:
            self.send_header("Cache-Control", "no-store")
        self.end_headers()
        return io.BytesIO(body)

    # --- live preview ---------------------------------------------------------------------------

    def _reload_tag(self) -> bytes:
        assert self.preview is not None
        src = html.escape(f"{self.prefix}{PREVIEW}reload.js")
        return f'<script src="{src}" data-version="{self.preview.outcome.version}"></script>'.encode()

    def _with_reload(self, page: bytes) -> bytes:
        at = page.rfind(b"</body>")
        return page + self._reload_tag() if at < 0 else page[:at] + self._reload_tag() + page[at:]

    def _error_page(self) -> bytes:
        assert self.preview is not None
        lines = "\n".join(html.escape(line) for line in self.preview.outcome.messages)
        return (
            '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>数据有错误 · 预览</title><style>body{font:16px/1.6 sans-serif;margin:2rem;color:#222}"
            "h1{color:#b00020;font-size:1.4rem}pre{white-space:pre-wrap;background:#fff4f4;border:1px solid #e0b4b4;"
            "padding:1rem;font-size:15px}</style></head><body>"
            '<h1 id="preview-errors">数据有错误,网站没有更新</h1>'
            "<p>请按下面的提示(文件:行号: 键路径: 说明)改正并保存,页面会自动刷新。</p>"
            f"<pre>{lines}</pre>"
        ).encode() + self._reload_tag() + b"</body></html>"

    def _preview_file(self, name: str) -> io.BytesIO | None:
        assert self.preview is not None
        if name == "reload.js":
            return self._send(200, "text/javascript; charset=utf-8", RELOAD_JS.read_bytes(), cache=False)
        if name == "state":
            since = parse_qs(urlsplit(self.path).query).get("since", [""])[0]
            version = int(since) if since.isdigit() else -1
            outcome = self.preview.wait(version, POLL_SECONDS)
            state = {"version": outcome.version, "ok": outcome.ok, "seconds": round(outcome.seconds, 3)}
            return self._send(200, "application/json", json.dumps(state).encode(), cache=False)
        self.send_error(404)
        return None

    def log_message(self, format: str, *args) -> None:
        if os.environ.get("PORTAL_SERVE_LOG"):
            super().log_message(format, *args)


def serve(site_dir: Path, port: int, prefix: str, preview: Preview | None = None) -> int:
    """Serve `site_dir`; with a preview, build it first, then rebuild on change and reload open pages."""
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    handler = type("Handler", (_Handler,), {"prefix": prefix, "preview": preview})
    if preview is not None:
        preview.start()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port),
                                             functools.partial(handler, directory=str(site_dir)))
    server.daemon_threads = True  # a waiting long poll does not hold up Ctrl+C
    print(f"网站已启动:http://127.0.0.1:{server.server_port}{prefix}  (按 Ctrl+C 停止)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    if preview is not None:
        preview.stop()
    return 0
