#!/usr/bin/python3
"""bench/overhead_py.py — time per 8x8 float64 matmul in a Python loop (make bench-overhead
runs it under the shim with and without Python call sites). Prints "ns_per_call X", the
best of 5 rounds. With "dot" as second argument the products go through np.dot, whose
innermost frame is NumPy's (<__array_function__ internals>): the user's line is one library
frame further out."""
import sys
import time

import numpy as np

calls = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
product = np.dot if len(sys.argv) > 2 and sys.argv[2] == "dot" else np.matmul
a, b, out = np.ones((8, 8)), np.ones((8, 8)), np.empty((8, 8))
best = float("inf")
for _ in range(5):
    t = time.perf_counter()
    for _ in range(calls):
        product(a, b, out=out)
    best = min(best, (time.perf_counter() - t) / calls)
print(f"ns_per_call {best * 1e9:.1f}")
