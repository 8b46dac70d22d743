"""A NumPy program with phases for the html and plot tests: marks between phases, products of
several sizes in both precisions (a few of them costly enough to be labelled on the roofline),
two threads, and a level-1 call (no operand sizes: not on the roofline)."""
import ctypes
import sys
import threading

import numpy as np

me = ctypes.CDLL(None)
mark = getattr(me, "blasshim_mark", None)
if mark:
    mark.argtypes = [ctypes.c_char_p]


def phase(name):
    if mark:
        mark(name.encode())


rng = np.random.default_rng(1)


def products(n, dtype, reps):
    a = rng.random((n, n)).astype(dtype)
    b = rng.random((n, n)).astype(dtype)
    for _ in range(reps):
        c = a @ b                                   # the hot line
    return c


def small():
    for n in (16, 24, 32, 48):
        products(n, np.float32, 30)


def big():
    products(200, np.float64, 3)
    products(256, np.float32, 3)
    products(160, np.float32, 4)


def worker():
    products(96, np.float64, 10)


phase("small products")
small()
phase("big products")
big()
phase("threads")
threads = [threading.Thread(target=worker) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
np.ones(1000) @ np.ones(1000)                       # ddot: a routine without operand sizes
print("done", file=sys.stderr)
