#!/usr/bin/python3
"""bench/overhead_py.py — time per 8x8 float64 matmul in a Python loop (make bench-overhead
runs it under the shim with and without Python call sites). Prints "ns_per_call X", the
best of 5 rounds."""
import sys
import time

import numpy as np

calls = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
a, b, out = np.ones((8, 8)), np.ones((8, 8)), np.empty((8, 8))
best = float("inf")
for _ in range(5):
    t = time.perf_counter()
    for _ in range(calls):
        np.matmul(a, b, out=out)
    best = min(best, (time.perf_counter() - t) / calls)
print(f"ns_per_call {best * 1e9:.1f}")
