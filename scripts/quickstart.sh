#!/usr/bin/env bash
# Fresh machine -> a virtualenv with simcoder, then the main job on a built-in example, offline.
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q -e '.[dev]'
out=runs/alphago_zero-paper
.venv/bin/simcoder simulate -c paper -t alphago_zero -o "$out"
echo
echo "Check the modules against the reference: .venv/bin/simcoder check-modules --quick"
