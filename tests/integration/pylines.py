"""Matrix products on known lines, for test_python.py: each product's line ends with a
marker comment naming the function the test expects to see in py_caller."""
import sys

import numpy as np


def outer(x, y):
    def inner(a, b):
        return a @ b                                    # @@ inner
    r = inner(x, y)
    rs = [x @ y for _ in range(2)]                      # @@ <listcomp>
    return r, rs


class Net:
    def __init__(self):
        self.w = np.ones((20, 10))

    def forward(self, a):
        return a @ self.w                               # @@ forward


x, y = np.ones((30, 20)), np.ones((20, 10))
outer(x, y)
Net().forward(x)
big = np.ones((400, 300)) @ np.ones((300, 200))          # @@ <module>
print("done", file=sys.stderr if len(sys.argv) > 1 else sys.stdout)
