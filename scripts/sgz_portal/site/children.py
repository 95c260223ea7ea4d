"""Child processes of a build that run this package's own modules (`python -m sgz_portal.…`);
data/forked.py forks the build instead where the child needs what the build already holds.

Plain children, not multiprocessing: its spawn start would import `python -m sgz_portal` again and
run the command a second time. The package's folder goes first on PYTHONPATH, so a child runs the
same code as its parent, installed or run from a checkout (`PYTHONPATH=scripts`).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


def module_command(module: str, *args: str) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that run `python -m module args…`."""
    path = os.pathsep.join(filter(None, [PACKAGE_ROOT, os.environ.get("PYTHONPATH")]))
    return [sys.executable, "-m", module, *args], {**os.environ, "PYTHONPATH": path}
