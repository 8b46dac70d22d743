"""Our multi-threaded kernels and the real BLAS's threads: while parallel or auto is
configured (with more than one thread), the shim sets OpenBLAS to one thread, so its spinning
idle threads do not take the cores our pool needs; otherwise it leaves OpenBLAS alone."""
import os

import pytest

from conftest import PYTHON, run

NCPU = len(os.sched_getaffinity(0))

THREADS = """
import ctypes, numpy as np
a = np.ones((300, 300)); (a @ a).sum()
lib = ctypes.CDLL("libblas.so.3")
print(lib.openblas_get_num_threads() if hasattr(lib, "openblas_get_num_threads") else 0)
"""


def openblas_threads(tmp, **env):
    r = run([PYTHON, "-c", THREADS], tmp, BLASSHIM_REPORT="off", **env)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    return int(r.stdout)


@pytest.mark.skipif(NCPU < 2, reason="needs two CPUs")
def test_real_blas_on_one_thread_under_our_threads(tmp):
    untouched = openblas_threads(tmp, BLASSHIM_KERNEL="system")
    if untouched < 2:
        pytest.skip("the system BLAS is not a multi-threaded OpenBLAS")
    assert openblas_threads(tmp, BLASSHIM_KERNEL="parallel") == 1
    assert openblas_threads(tmp, BLASSHIM_KERNEL="auto") == 1
    assert openblas_threads(tmp, BLASSHIM_KERNEL="vectorized") == untouched
    assert openblas_threads(tmp, BLASSHIM_KERNEL="parallel", BLASSHIM_NUM_THREADS=1) == untouched
