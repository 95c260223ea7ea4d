"""The national search page of a federated portal (bench/README.md, "The whole country").

Each province publishes its own built site under its own prefix (/51/, /52/, ...), pagefind
bundle included. The national site adds one page that searches all of them at once with
pagefind's multisite API: the first bundle is loaded, every other one joined with `mergeIndex`.
Nothing of the provinces is rebuilt.

    python bench/national.py OUT_DIR /51/ /52/ /53/    # writes OUT_DIR/index.html
"""
from __future__ import annotations

import json
import sys
from html import escape
from pathlib import Path

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{title}</title></head>
<body>
<h1>{title}</h1>
<form id="search" role="search"><label for="q">站点或服务名称</label> <input id="q" name="q" type="search">
<button type="submit">搜索</button></form>
<p id="status" role="status" aria-live="polite"></p>
<ol id="results" aria-busy="true"></ol>
<script type="module">
const bundles = {bundles};
const list = document.getElementById("results"), status = document.getElementById("status");
const pagefind = await import(bundles[0] + "pagefind/pagefind.js");
await pagefind.options({{ basePath: bundles[0] + "pagefind/" }});
for (const prefix of bundles.slice(1)) {{ await pagefind.mergeIndex(prefix + "pagefind/"); }}
async function run(query) {{
  list.setAttribute("aria-busy", "true");
  const search = await pagefind.search(query);
  const items = await Promise.all(search.results.slice(0, 20).map(r => r.data()));
  list.textContent = "";
  for (const d of items) {{
    const li = document.createElement("li"), a = document.createElement("a");
    a.href = d.url; a.textContent = d.meta.title || d.url; li.appendChild(a); list.appendChild(li);
  }}
  status.textContent = "找到 " + search.results.length + " 个结果";
  list.setAttribute("aria-busy", "false");
}}
document.getElementById("search").addEventListener("submit", e => {{ e.preventDefault(); run(document.getElementById("q").value.trim()); }});
const q = new URLSearchParams(location.search).get("q");
if (q) {{ document.getElementById("q").value = q; run(q); }} else {{ list.setAttribute("aria-busy", "false"); }}
</script>
</body></html>
"""


def page(prefixes: list[str], title: str = "全国社会工作服务站搜索") -> str:
    """The national search page over the provinces published at `prefixes` (site paths ending in /)."""
    return PAGE.format(title=escape(title), bundles=json.dumps(prefixes))


def main(argv: list[str]) -> int:
    out, prefixes = Path(argv[0]), argv[1:]
    out.mkdir(parents=True, exist_ok=True)
    (out / "index.html").write_text(page(prefixes), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
