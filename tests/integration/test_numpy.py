"""Debian's NumPy under the shim: results, the report line by line, and bad configuration."""
import json
from concurrent.futures import ThreadPoolExecutor  # noqa: F401  (used in the child script)

import numpy as np
import pytest

from conftest import PYTHON, ROOT, Report, reports_in, run, shim_lines

SCRIPT = ROOT / "tests" / "integration" / "np_products.py"
DONE_WHEN = ("import numpy as np; a=np.ones((300,200),np.float32); "
             "b=np.ones((200,100),np.float32); print((a@b).sum())")


def products(tmp, shim, **env):
    out = tmp / ("with.npz" if shim else "without.npz")
    r = run([PYTHON, SCRIPT, out], tmp, shim=shim, **env)
    assert r.returncode == 0, r.stderr
    return np.load(out), json.loads(r.stdout.splitlines()[-1]), r


def test_done_when_command(tmp):
    r = run([PYTHON, "-c", DONE_WHEN], tmp, BLASSHIM_KERNEL="naive")
    assert r.returncode == 0 and r.stdout == "6000000.0\n" and r.stderr == ""
    (path,) = reports_in(tmp)
    rep = Report(path)
    assert path.name == f"blasshim-{rep.header['pid']}.jsonl"
    (call,) = rep.gemm
    assert (call["routine"], call["api"], call["order"]) == ("sgemm", "cblas", "row")
    assert (call["m"], call["n"], call["k"], call["kernel"]) == (300, 100, 200, "naive")
    assert (call["lda"], call["ldb"], call["ldc"]) == (200, 100, 100)
    assert rep.header["kernels"] == {"sgemm": "naive", "dgemm": "naive"}
    assert rep.header["argv"][0] == PYTHON


KERNELS = ["system", "naive", "blocked", "vectorized", "parallel", "auto"]


@pytest.mark.parametrize("kernel", KERNELS)
def test_products_match_and_report_each_call(tmp, kernel):
    ref, made, _ = products(tmp, False)
    got, made2, r = products(tmp, True, BLASSHIM_KERNEL=kernel, BLASSHIM_REPORT=tmp / "r.jsonl")
    assert made == made2 and r.stderr == ""
    for name in ref.files:
        if kernel == "system":   # preloading only profiles: bit-identical results
            assert np.array_equal(ref[name], got[name]), name
        else:
            tol = 1e-4 if ref[name].dtype == np.float32 else 1e-12
            np.testing.assert_allclose(got[name], ref[name], rtol=tol, atol=tol, err_msg=name)
    calls = Report(tmp / "r.jsonl").gemm
    assert len(calls) == len(made)
    for call, (dt, m, n, k, ta, tb) in zip(calls, made):   # line by line, in call order
        routine = "sgemm" if dt == "float32" else "dgemm"
        assert (call["routine"], call["m"], call["n"], call["k"]) == (routine, m, n, k)
        ran = {"auto": ("vectorized", "parallel")}.get(kernel, (kernel,))
        assert (call["transa"], call["transb"]) == (ta, tb) and call["kernel"] in ran
        assert call["alpha"] == 1.0 and call["beta"] == 0.0


def test_per_routine_kernel_override(tmp):
    _, made, _ = products(tmp, True, BLASSHIM_KERNEL="naive", BLASSHIM_KERNEL_DGEMM="system",
                          BLASSHIM_REPORT=tmp / "r.jsonl")
    rep = Report(tmp / "r.jsonl")
    assert rep.header["kernels"] == {"sgemm": "naive", "dgemm": "system"}
    assert {(c["routine"], c["kernel"]) for c in rep.gemm} == {("sgemm", "naive"),
                                                                ("dgemm", "system")}


@pytest.mark.parametrize("var", ["BLASSHIM_KERNEL", "BLASSHIM_KERNEL_SGEMM"])
def test_bad_kernel_name_warns_once_and_runs(tmp, var):
    ref = run([PYTHON, "-c", DONE_WHEN], tmp, shim=False)
    r = run([PYTHON, "-c", DONE_WHEN], tmp, BLASSHIM_REPORT=tmp / "r.jsonl", **{var: "turbo"})
    assert r.returncode == 0 and r.stdout == ref.stdout
    assert r.stderr.splitlines() == [
        f"blasshim: {var}=turbo is not a kernel (choose one of: system, naive, blocked, "
        "vectorized, parallel, auto); using system"]
    assert Report(tmp / "r.jsonl").gemm[0]["kernel"] == "system"


def test_unwritable_report_warns_and_runs(tmp):
    bad = tmp / "no" / "such" / "dir" / "r.jsonl"
    r = run([PYTHON, "-c", DONE_WHEN + "; print((a@b).sum())"], tmp, BLASSHIM_REPORT=bad)
    assert r.returncode == 0 and r.stdout == "6000000.0\n6000000.0\n"
    (line,) = shim_lines(r.stderr)
    assert str(bad) in line and "No such file or directory" in line
    assert r.stderr == line + "\n"
    assert reports_in(tmp) == []


def test_report_off_writes_nothing(tmp):
    r = run([PYTHON, "-c", DONE_WHEN], tmp, BLASSHIM_REPORT="off")
    assert r.returncode == 0 and r.stdout == "6000000.0\n" and r.stderr == ""
    assert list(tmp.iterdir()) == []


def test_processes_without_blas_leave_no_report(tmp):
    # (importing NumPy is a BLAS user: its sanity check calls sdot)
    for cmd in (["/bin/sh", "-c", "true"], [PYTHON, "-c", "import json; print(1)"],
                ["env", "true"]):
        r = run(cmd, tmp, BLASSHIM_KERNEL="bogus")   # not even the config warning
        assert r.returncode == 0 and r.stderr == ""
    assert list(tmp.iterdir()) == []


def test_report_name_with_pid_token(tmp):
    r = run([PYTHON, "-c", DONE_WHEN], tmp, BLASSHIM_REPORT=tmp / "run-%p-%%.jsonl")
    assert r.returncode == 0
    (path,) = reports_in(tmp)
    assert path.name == f"run-{Report(path).header['pid']}-%.jsonl"


THREADED = """
import numpy as np
from concurrent.futures import ThreadPoolExecutor
def work(i):
    rng = np.random.default_rng(i)
    a = rng.standard_normal((90 + i, 70)); b = rng.standard_normal((70, 50))
    return [float((a @ b).sum()) for _ in range(200)]
with ThreadPoolExecutor(4) as ex:
    sums = list(ex.map(work, range(4)))
print(len(set(len(s) for s in sums)), sum(len(s) for s in sums))
"""


@pytest.mark.parametrize("kernel", KERNELS)
def test_python_threads_call_at_once(tmp, kernel):
    r = run([PYTHON, "-c", THREADED], tmp, BLASSHIM_KERNEL=kernel,
            BLASSHIM_REPORT=tmp / "r.jsonl")
    assert r.returncode == 0 and r.stdout == "1 800\n", r.stderr
    calls = Report(tmp / "r.jsonl").gemm
    assert len(calls) == 800
    assert sorted({c["m"] for c in calls}) == [90, 91, 92, 93]
