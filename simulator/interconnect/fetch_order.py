"""The order in which each read operand is prefetched from DRAM (SCALE-Sim's prefetch matrices).

Per fold of the operand's own folding, a block of its address matrix is padded with -1 to the
array width and the blocks are stacked; some operands are then walked by anti-diagonals (what
the array consumes first comes first). The result keeps the -1 padding, because USER-mode
storage reflows it into DRAM lines of fixed width.
"""

from __future__ import annotations

import numpy as np

from simcoder.simulator.contracts import Mapping
from simcoder.simulator.types import Dataflow


def _stack(blocks: list[np.ndarray], width: int) -> np.ndarray:
    padded = [np.pad(b, ((0, 0), (0, width - b.shape[1])), constant_values=-1) for b in blocks]
    return np.concatenate(padded, axis=0)


def anti_diagonal(matrix: np.ndarray) -> np.ndarray:
    """Elements by anti-diagonal r + c, each diagonal from its bottom row up."""
    h, w = matrix.shape
    r, c = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    order = np.lexsort((-r.ravel(), (r + c).ravel()))
    result: np.ndarray = matrix.ravel()[order]
    return result


def fetch_orders(mapping: Mapping) -> tuple[np.ndarray, np.ndarray]:
    """(ifmap, filter) fetch orders, flat, -1 padded."""
    a, b = mapping.ifmap_addresses, mapping.filter_addresses
    rows, cols = mapping.array.rows, mapping.array.cols
    row_starts = range(0, mapping.sr, rows)
    col_starts = range(0, mapping.sc, cols)
    df = mapping.array.dataflow
    if df is Dataflow.OUTPUT_STATIONARY:  # Sr = pixels, Sc = filters
        ifmap = anti_diagonal(_stack([a[r : r + rows, :].T for r in row_starts], rows))
        filt = anti_diagonal(_stack([b[:, c : c + cols] for c in col_starts], cols))
    elif df is Dataflow.WEIGHT_STATIONARY:  # Sr = window, Sc = filters
        ifmap = anti_diagonal(_stack([a[:, r : r + rows] for r in row_starts], rows))
        filt = _stack([b[:, c : c + cols] for c in col_starts], cols).ravel()
    else:  # input stationary: Sr = window, Sc = pixels
        ifmap = _stack([a.T[:, c : c + cols] for c in col_starts], cols).ravel()
        filt = anti_diagonal(_stack([b[r : r + rows, :].T for r in row_starts], rows))
    return ifmap.astype(np.int64), filt.astype(np.int64)
