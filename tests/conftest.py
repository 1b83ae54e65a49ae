from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

SHARED_SCALESIM = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "scalesim"


@pytest.fixture(scope="session")
def scalesim_reference() -> Path:
    """SCALE-Sim's configs and topologies, as data beside the repo (../shared)."""
    if not SHARED_SCALESIM.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED_SCALESIM} is missing; CI must clone with ../shared beside it")
        pytest.skip("../shared/reference/scalesim is not beside this checkout")
    return SHARED_SCALESIM
