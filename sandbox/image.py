"""The sandbox image: Debian bookworm's python3.11 plus the numpy wheel the host pins.

Built from ``sandbox/Dockerfile`` where a registry answers, and without any registry where none
does: a root filesystem from Debian packages (debootstrap, using the mirror in this machine's apt
sources), then ``docker import``. The tag is the lock of what the image contains; the simulator
package and candidate code travel with each job, so editing code needs no rebuild.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tarfile
import tempfile
import threading
from pathlib import Path
from typing import Any

from simcoder.sandbox import runtime
from simcoder.sandbox.types import SandboxUnavailable

REPOSITORY = "simcoder-sandbox"
SITE_IN_IMAGE = "/opt/simcoder-site"
DOCKERFILE = Path(__file__).with_name("Dockerfile")
BASE_IMAGE = "debian:bookworm-slim"
PACKAGES = "python3-minimal,libpython3.11-stdlib"


def tag() -> str:
    return f"{REPOSITORY}:{runtime.lock()}"


def exists(client: Any) -> bool:
    try:
        client.images.get(tag())
        return True
    except Exception:
        return False


def apt_mirror() -> str:
    """The Debian mirror this machine's apt uses (never a hard-coded host)."""
    for path in [*sorted(Path("/etc/apt").rglob("*.sources")), Path("/etc/apt/sources.list")]:
        if not path.is_file():
            continue
        text = path.read_text()
        for m in re.finditer(r"^URIs:\s*(\S+)", text, re.M):
            if "security" not in m.group(1):
                return m.group(1)
        for m in re.finditer(r"^deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+\S+", text, re.M):
            if "security" not in m.group(1):
                return m.group(1)
    raise SandboxUnavailable("no Debian mirror found in /etc/apt; cannot build offline")


def registry_answers(client: Any, seconds: float = 20.0) -> bool:
    outcome: list[bool] = []

    def pull() -> None:
        try:
            client.images.pull(BASE_IMAGE)
            outcome.append(True)
        except Exception:
            outcome.append(False)

    t = threading.Thread(target=pull, daemon=True)
    t.start()
    t.join(seconds)
    return bool(outcome and outcome[0])


def build_with_dockerfile(client: Any) -> None:
    client.images.build(
        path=str(DOCKERFILE.parent),
        dockerfile=DOCKERFILE.name,
        tag=tag(),
        buildargs={"NUMPY_VERSION": runtime.pinned_numpy()},
        rm=True,
    )


def _rootfs(log: Any) -> Path:
    """A cached Debian root filesystem with python3.11 (debootstrap, about a minute)."""
    root = runtime.STATE_DIR / f"rootfs-{runtime.DEBIAN_SUITE}-{runtime.RECIPE_VERSION}"
    if (root / "usr" / "bin" / "python3").exists():
        return root
    if shutil.which("debootstrap") is None:
        raise SandboxUnavailable("debootstrap is missing (apt-get install debootstrap)")
    partial = root.with_name(root.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    log(f"debootstrap {runtime.DEBIAN_SUITE} from {apt_mirror()} ...")
    done = subprocess.run(
        [
            "debootstrap",
            "--variant=minbase",
            f"--include={PACKAGES}",
            runtime.DEBIAN_SUITE,
            str(partial),
            apt_mirror(),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SandboxUnavailable(f"debootstrap failed: {done.stderr.strip()[-800:]}")
    for junk in (
        "var/cache/apt",
        "var/lib/apt/lists",
        "usr/share/doc",
        "usr/share/man",
        "usr/share/locale",
    ):
        shutil.rmtree(partial / junk, ignore_errors=True)
    partial.rename(root)
    return root


def build_offline(client: Any, log: Any) -> None:
    root = _rootfs(log)
    runtime.install_site(root / SITE_IN_IMAGE.lstrip("/"))
    passwd, group = root / "etc" / "passwd", root / "etc" / "group"
    if "sandbox:" not in passwd.read_text():
        with passwd.open("a") as f:
            f.write("sandbox:x:1000:1000::/job:/usr/sbin/nologin\n")
        with group.open("a") as f:
            f.write("sandbox:x:1000:\n")
    job = root / "job"
    job.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tar_path = Path(tmp) / "rootfs.tar"
        with tarfile.open(tar_path, "w") as tar:
            tar.add(str(root), arcname=".", filter=_job_owner)
        log(f"docker import -> {tag()}")
        client.api.import_image_from_file(
            str(tar_path),
            repository=REPOSITORY,
            tag=runtime.lock(),
            changes=[
                "USER 1000:1000",
                "WORKDIR /job",
                "ENV PATH=/usr/local/bin:/usr/bin:/bin",
                "ENV LANG=C.UTF-8",
            ],
        )


def _job_owner(info: tarfile.TarInfo) -> tarfile.TarInfo:
    if info.name in ("./job", "job"):  # a new volume mounted there inherits this owner
        info.uid = info.gid = 1000
    return info


def build(method: str = "auto", log: Any = print) -> str:
    """Build the image; ``method`` is auto, dockerfile or offline. Returns the tag."""
    import docker

    try:
        client = docker.from_env(timeout=600)
        client.ping()
    except Exception as exc:
        raise SandboxUnavailable(f"the Docker engine does not answer ({exc}); start it") from None
    if method == "dockerfile" or (method == "auto" and registry_answers(client)):
        build_with_dockerfile(client)
    else:
        if method == "auto":
            log("no registry answers: building the image offline from Debian packages")
        build_offline(client, log)
    return tag()
