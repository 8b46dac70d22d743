"""The optimized kernels under the shim: what the report says they did, and the settings
BLASSHIM_NUM_THREADS, BLASSHIM_ISA and BLASSHIM_BLOCK, good and bad."""
import os

import pytest

from conftest import PROBE, PYTHON, Report, run

NCPU = len(os.sched_getaffinity(0))

BIG_AND_SMALL = """
import numpy as np
rng = np.random.default_rng(3)
a = rng.standard_normal((600, 500)).astype(np.float32)
b = rng.standard_normal((500, 400)).astype(np.float32)
c = a @ b
ref = a.astype(np.float64) @ b.astype(np.float64)
x = rng.standard_normal((20, 30)); y = rng.standard_normal((30, 10))
ok = np.allclose(c, ref, rtol=1e-4, atol=1e-3) and np.allclose(x @ y, np.einsum('ij,jk', x, y))
print("ok" if ok else "WRONG")
"""


def big_small(tmp, **env):
    r = run([PYTHON, "-c", BIG_AND_SMALL], tmp, BLASSHIM_REPORT=tmp / "r.jsonl", **env)
    assert r.returncode == 0 and r.stdout == "ok\n", r.stderr
    rep = Report(tmp / "r.jsonl")
    (big,) = [c for c in rep.calls if (c["routine"], c["m"]) == ("sgemm", 600)]
    (small,) = [c for c in rep.calls if c["m"] == 20]
    return rep, big, small, r


@pytest.mark.skipif(NCPU < 2, reason="needs two CPUs")
def test_parallel_uses_the_threads(tmp):
    rep, big, small, r = big_small(tmp, BLASSHIM_KERNEL="parallel")
    assert r.stderr == "" and rep.header["num_threads"] == NCPU
    assert big["kernel"] == "parallel" and big["threads"] == NCPU
    assert big["workspace_bytes"] > 0
    assert small["threads"] == 1   # too small to pay for threads: the calling thread alone


@pytest.mark.skipif(NCPU < 2, reason="needs two CPUs")
def test_auto_records_what_ran(tmp):
    _, big, small, _ = big_small(tmp, BLASSHIM_KERNEL="auto")
    assert (big["kernel"], big["threads"]) == ("parallel", NCPU)
    assert (small["kernel"], small["threads"]) == ("vectorized", 1)


def test_num_threads_setting(tmp):
    rep, big, _, r = big_small(tmp, BLASSHIM_KERNEL="parallel", BLASSHIM_NUM_THREADS=1)
    assert r.stderr == "" and rep.header["num_threads"] == 1 and big["threads"] == 1


@pytest.mark.parametrize("env, threads, source", [
    ({}, NCPU, "affinity"),
    ({"OMP_NUM_THREADS": "1"}, 1, "OMP_NUM_THREADS"),
    ({"OMP_NUM_THREADS": "3,2"}, 3, "OMP_NUM_THREADS"),   # the first level of a nested list
    ({"OMP_NUM_THREADS": "3", "BLASSHIM_NUM_THREADS": "2"}, 2, "BLASSHIM_NUM_THREADS"),
])
def test_threads_come_from_blasshim_then_omp_then_affinity(tmp, env, threads, source):
    rep, big, _, r = big_small(tmp, BLASSHIM_KERNEL="parallel", **env)
    assert r.stderr == ""
    assert (rep.header["num_threads"], rep.header["num_threads_from"]) == (threads, source)
    assert big["threads"] == threads


@pytest.mark.parametrize("bad", ["0", "two", "4,2", ""])
def test_bad_omp_num_threads_warns_and_uses_the_affinity_mask(tmp, bad):
    rep, _, _, r = big_small(tmp, BLASSHIM_KERNEL="parallel", OMP_NUM_THREADS=bad)
    if bad in ("4,2", ""):   # a list is fine; empty is unset
        assert r.stderr == ""
        return
    assert r.stderr.splitlines() == [f"blasshim: OMP_NUM_THREADS={bad} is not a thread count "
                                     f"(1 to 256, or a list of them); using {NCPU}"]
    assert (rep.header["num_threads"], rep.header["num_threads_from"]) == (NCPU, "affinity")


@pytest.mark.parametrize("bad", ["0", "two", "-3", "100000"])
def test_bad_num_threads_warns(tmp, bad):
    rep, _, _, r = big_small(tmp, BLASSHIM_KERNEL="parallel", BLASSHIM_NUM_THREADS=bad)
    assert r.stderr.splitlines() == [
        f"blasshim: BLASSHIM_NUM_THREADS={bad} is not a thread count (1 to 256); using {NCPU}"]
    assert rep.header["num_threads"] == NCPU


@pytest.mark.parametrize("isa", ["avx512", "avx2", "sse2", "generic"])
def test_isa_setting(tmp, isa):
    probe = run([PYTHON, "-c", BIG_AND_SMALL], tmp, BLASSHIM_REPORT=tmp / "p.jsonl")
    supported = Report(tmp / "p.jsonl").header["isas_supported"].split(",")
    rep, big, _, r = big_small(tmp, BLASSHIM_KERNEL="vectorized", BLASSHIM_ISA=isa)
    if isa in supported:
        assert r.stderr == "" and rep.header["isa"] == isa
    else:
        assert "this CPU cannot run it" in r.stderr and rep.header["isa"] == supported[0]
    assert probe.returncode == 0


def test_unknown_isa_warns(tmp):
    rep, _, _, r = big_small(tmp, BLASSHIM_KERNEL="vectorized", BLASSHIM_ISA="neon")
    (line,) = r.stderr.splitlines()
    assert line.startswith("blasshim: BLASSHIM_ISA=neon: unknown instruction set (this CPU runs: ")
    assert line.endswith(f"); using {rep.header['isa']}")


def test_block_setting(tmp):
    rep, big, _, r = big_small(tmp, BLASSHIM_KERNEL="blocked", BLASSHIM_BLOCK="40,24,100")
    assert r.stderr == "" and "MC,KC,NC=40,24,100" in rep.header["blocking"]
    assert big["kernel"] == "blocked"


@pytest.mark.parametrize("bad", ["64,64", "a,b,c", "64,0,64", "1,2,3,4"])
def test_bad_block_warns(tmp, bad):
    rep, _, _, r = big_small(tmp, BLASSHIM_KERNEL="blocked", BLASSHIM_BLOCK=bad)
    assert r.stderr.splitlines() == [
        f"blasshim: BLASSHIM_BLOCK={bad} is not MC,KC,NC (three positive integers, e.g. "
        "256,256,4096); using the sizes derived from the caches"]
    assert "MC,KC,NC=40,24,100" not in rep.header["blocking"]


@pytest.mark.parametrize("kernel", ["parallel", "auto"])
def test_fork_after_parallel_work(tmp, kernel):
    """The pool's threads do not survive fork(): the child must get a working pool."""
    r = run([PROBE, "forkbig", 300], tmp, BLASSHIM_KERNEL=kernel, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("ok") == 3 and "WRONG" not in r.stdout
    reps = [Report(p) for p in sorted(tmp.glob("*.jsonl"))]
    assert sorted(len(x.calls) for x in reps) == [1, 2]
    for x in reps:
        assert all(c["threads"] == min(NCPU, 256) for c in x.calls)


@pytest.mark.parametrize("kernel", ["parallel", "vectorized", "blocked"])
def test_c_threads_at_once(tmp, kernel):
    r = run([PROBE, "threads", 4, 200], tmp, BLASSHIM_KERNEL=kernel,
            BLASSHIM_REPORT=tmp / "r.jsonl", timeout=120)
    assert r.returncode == 0 and "errors 0" in r.stdout
    assert len(Report(tmp / "r.jsonl").calls) == 800
