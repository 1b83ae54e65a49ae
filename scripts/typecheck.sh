#!/usr/bin/env bash
# mypy cannot follow setuptools' package-dir mapping (simcoder.simulator -> simulator/), so build
# the import tree it would see out of symlinks and check that.
set -euo pipefail
cd "$(dirname "$0")/.."
tree=build/typecheck/simcoder
rm -rf build/typecheck && mkdir -p "$tree"
for f in simcoder/*.py; do ln -s "../../../$f" "$tree/$(basename "$f")"; done
for d in simulator workloads sandbox graph agents tools; do ln -s "../../../$d" "$tree/$d"; done
for d in evals; do ln -s "../../../simcoder/$d" "$tree/$d"; done
exec "${PYTHON:-.venv/bin/python}" -m mypy build/typecheck/simcoder "$@"
