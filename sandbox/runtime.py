"""What runs inside every sandbox: Debian's python3.11 and the numpy version the host pins.

The bwrap backend uses the host's /usr/bin/python3 (Debian's, like the image's) with the
pinned numpy wheel installed into a world-readable directory; the docker image bakes in the
same two. The runner refuses to run when either version differs from the host's.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import platform
import stat
import subprocess
import sys
from pathlib import Path

from simcoder.sandbox.types import SandboxUnavailable

SANDBOX_PYTHON = "/usr/bin/python3"
DEBIAN_SUITE = "bookworm"
RECIPE_VERSION = "1"  # bump when the image recipe changes
STATE_DIR = Path(os.environ.get("SIMCODER_SANDBOX_DIR", "/var/tmp/simcoder-sandbox"))


def pinned_numpy() -> str:
    return importlib.metadata.version("numpy")


def python_minor() -> str:
    return ".".join(platform.python_version_tuple()[:2])


def lock() -> str:
    """A tag for everything the base runtime contains."""
    text = f"debian-{DEBIAN_SUITE}|python{python_minor()}|numpy=={pinned_numpy()}|{RECIPE_VERSION}"
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def site_dir() -> Path:
    return STATE_DIR / lock() / "site-packages"


def install_site(target: Path | None = None) -> Path:
    """Install the host's pinned numpy wheel into ``target`` (default: the sandbox site)."""
    dest = target or site_dir()
    if (dest / "numpy").is_dir():
        return dest
    dest.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--only-binary=:all:",
        "--python-version",
        python_minor(),
        "--target",
        str(dest),
        f"numpy=={pinned_numpy()}",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SandboxUnavailable(
            f"could not install numpy=={pinned_numpy()} for the sandbox: "
            f"{done.stderr.strip()[-500:]}"
        )
    _make_readable(dest)
    return dest


def _make_readable(path: Path) -> None:
    """Let the sandbox's unprivileged uid read ``path`` (and traverse its parents): add read
    and traverse bits only, never take any away, and never follow a symlink (one pointing out
    of the tree would change the host)."""
    for root, _dirs, files in os.walk(path):
        os.chmod(root, os.lstat(root).st_mode | 0o555)
        for f in files:
            p = os.path.join(root, f)
            st = os.lstat(p)
            if stat.S_ISREG(st.st_mode):
                os.chmod(p, st.st_mode | 0o444)
    parent = path.parent
    while parent != parent.parent and (parent == STATE_DIR or STATE_DIR in parent.parents):
        if not parent.is_symlink():
            os.chmod(parent, os.lstat(parent).st_mode | 0o111)
        parent = parent.parent
