"""The fast path: the reference modules' semantics, fused and compiled (numba).

It walks each fold's requests in compiled code, generating addresses on the fly (no operand
matrices, no demand streams, no cycles x ports matrices), and must equal the reference exactly:
`tests/simulator/test_fast.py` checks it on the whole golden set and the probe grid.
"""
