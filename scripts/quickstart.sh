#!/usr/bin/env bash
# Fresh machine -> a virtualenv with simcoder, the sandbox, then the main job, offline.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1 DEBIAN_FRONTEND=noninteractive
if [ "$(id -u)" = 0 ] && { ! command -v bwrap >/dev/null || ! command -v debootstrap >/dev/null; }; then
  apt-get update -qq && apt-get install -y -qq bubblewrap debootstrap python3-minimal >/dev/null
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q -e '.[dev]'
.venv/bin/simcoder sandbox build || echo "(no Docker engine: the bwrap sandbox will be used)"
.venv/bin/simcoder simulate -c paper -t alphago_zero -o runs/alphago_zero-paper
echo
echo "Check the modules against the reference: .venv/bin/simcoder check-modules --quick"
