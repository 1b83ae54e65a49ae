#!/usr/bin/env bash
# A separate virtualenv with real SCALE-Sim 3.0.0 (it crashes under numpy >= 2.4), used only to
# (re)generate golden data: .venv-scalesim/bin/python scripts/make_golden.py ...
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv-scalesim/bin/python ] || python3 -m venv .venv-scalesim
.venv-scalesim/bin/pip install -q 'numpy==2.3.5' 'scalesim==3.0.0'
