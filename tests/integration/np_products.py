"""Matrix products through NumPy's BLAS path; run by test_numpy.py with and without the shim.

    np_products.py OUT.npz
Saves every result to OUT.npz and prints, as JSON on the last stdout line, the list of
(dtype, m, n, k, transa, transb) of the products in the order they were made.
"""
import json
import sys

import numpy as np

rng = np.random.default_rng(7)
made, results = [], {}


def product(name, a, b, ta="N", tb="N"):
    results[name] = a @ b
    made.append([a.dtype.name, a.shape[0], b.shape[1], a.shape[1], ta, tb])


for dt in (np.float32, np.float64):
    t = np.dtype(dt).name
    a = rng.standard_normal((67, 45)).astype(dt)
    b = rng.standard_normal((45, 31)).astype(dt)
    product(f"{t}_nn", a, b)
    at = rng.standard_normal((45, 67)).astype(dt)
    product(f"{t}_tn", at.T, b, ta="T")                      # a transposed view
    bt = rng.standard_normal((31, 45)).astype(dt)
    product(f"{t}_nt", a, bt.T, tb="T")
    product(f"{t}_odd", rng.standard_normal((5, 3)).astype(dt),
            rng.standard_normal((3, 7)).astype(dt))
    big = rng.standard_normal((130, 120)).astype(dt)
    product(f"{t}_big", big, rng.standard_normal((120, 140)).astype(dt))

np.savez(sys.argv[1], **results)
print(json.dumps(made))
