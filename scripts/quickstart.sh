#!/usr/bin/env bash
# Fresh machine -> a virtualenv with simcoder, the sandbox image, then the main job, offline.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1 DEBIAN_FRONTEND=noninteractive
if [ "$(id -u)" = 0 ] && { ! command -v bwrap >/dev/null || ! command -v debootstrap >/dev/null; }; then
  apt-get update -qq && apt-get install -y -qq bubblewrap debootstrap python3-minimal >/dev/null
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q -e '.[dev]'
.venv/bin/simcoder sandbox build || echo "(no Docker engine: the bwrap sandbox will be used)"
# the main job: the workflow on a built-in example, offline (library coder, sandboxed executor)
.venv/bin/simcoder generate --spec examples/paper-os.yaml -o runs/example
echo
echo "Report: runs/example/report.md   Trace: .venv/bin/simcoder trace runs/example"
