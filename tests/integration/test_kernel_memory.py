"""A kernel whose packing workspace cannot be allocated still computes the right result: it
runs with smaller tiles (or the naive kernel), the shim warns once, and the report records
what ran and the workspace it really used (issue #17 item 4)."""
import os
import resource
import subprocess

import pytest

from conftest import LIB, PROBE, Report, base_env

ASAN = bool(os.environ.get("BS_TEST_PRELOAD_FIRST"))   # the sanitizers reserve terabytes of VM


def limit_address_space():
    # 180 MB: room for the program, OpenBLAS and three 2000 x 2000 matrices (96 MB), not for
    # the 64 MB of packing buffers that BLASSHIM_BLOCK's huge tiles ask for
    resource.setrlimit(resource.RLIMIT_AS, (180_000 * 1024, 180_000 * 1024))


@pytest.mark.skipif(ASAN, reason="an address-space limit and the sanitizers do not mix")
@pytest.mark.parametrize("kernel", ["blocked", "vectorized", "parallel"])
def test_workspace_short_never_changes_the_result(tmp, kernel):
    env = base_env(LD_PRELOAD=LIB, BLASSHIM_KERNEL=kernel, BLASSHIM_REPORT=tmp / "r.jsonl",
                   BLASSHIM_BLOCK="1048576,1048576,1048576",
                   OPENBLAS_NUM_THREADS="1")  # OpenBLAS's own threads hang under RLIMIT_AS
    r = subprocess.run([str(PROBE), "big", "2000"], cwd=tmp, env=env, capture_output=True,
                       text=True, timeout=120, preexec_fn=limit_address_space)
    assert r.returncode == 0 and r.stdout.splitlines()[0] == "ok", (r.stdout, r.stderr)
    # our warning, once; the address-space limit may cost other parts their own one-line
    # warning (e.g. the report's flush thread cannot start), never anything else
    lines = r.stderr.splitlines()
    assert all(l.startswith("blasshim: ") for l in lines), lines
    assert lines.count("blasshim: dgemm: the packing workspace for the configured tiles could "
                       "not be allocated: the call ran with smaller tiles (warned once)") == 1
    (call,) = Report(tmp / "r.jsonl").calls
    assert call["kernel"] == kernel
    # what it really used: less than the 64 MB the tiles asked for, more than nothing
    assert 0 < call["workspace_bytes"] < 2 * 2000 * 2000 * 8
