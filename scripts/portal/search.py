"""Stage 6: index the rendered site with pagefind's extended binary (Chinese segmentation)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path


class SearchIndexError(RuntimeError):
    pass


def index(site_dir: Path) -> None:
    """Write site_dir/pagefind/. The extended binary ships in the pagefind_bin_extended wheel."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--silent"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SearchIndexError(f"建立搜索索引失败:{done.stderr.strip() or done.stdout.strip()}")
