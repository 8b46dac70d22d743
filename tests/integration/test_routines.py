"""Every BLAS routine, not only gemm: NumPy's syrk/gemv/dot/complex products, a C program over
a sample of level-1/2/3 routines by their CBLAS and Fortran names, each call recorded once."""
import json

import numpy as np
import pytest

from conftest import BUILD, NETLIB, PYTHON, Report, run

BLASPROBE = BUILD / "tests" / "integration" / "blasprobe"

NUMPY = """
import sys
import numpy as np
rng = np.random.default_rng(1)
A = rng.standard_normal((50, 40)); v = rng.standard_normal(40)
c = (rng.standard_normal((20, 30)) + 1j * rng.standard_normal((20, 30))).astype(np.complex64)
d = (rng.standard_normal((30, 10)) + 1j * rng.standard_normal((30, 10))).astype(np.complex64)
s = rng.standard_normal((30, 20)).astype(np.float32); u = rng.standard_normal(20).astype(np.float32)
np.savez(sys.argv[1], syrk=A.T @ A, gemv=A @ v, dot=v @ v, c64=c @ d,
         c128=c.astype(np.complex128) @ d.astype(np.complex128), sgemv=s @ u)
"""


def test_numpy_routines(tmp):
    ref = run([PYTHON, "-c", NUMPY, tmp / "ref.npz"], tmp, shim=False)
    r = run([PYTHON, "-c", NUMPY, tmp / "got.npz"], tmp, BLASSHIM_REPORT=tmp / "r.jsonl")
    assert ref.returncode == 0 and r.returncode == 0 and r.stderr == ""
    want, got = np.load(tmp / "ref.npz"), np.load(tmp / "got.npz")
    for name in want.files:   # forwarded to the same library: identical
        assert np.array_equal(want[name], got[name]), name
    calls = {c["routine"]: c for c in Report(tmp / "r.jsonl").calls}
    assert {"dsyrk", "dgemv", "ddot", "cgemm", "zgemm", "sgemv"} <= set(calls)
    syrk = calls["dsyrk"]
    assert (syrk["n"], syrk["k"], syrk["uplo"], syrk["kernel"]) == (40, 50, syrk["uplo"], "system")
    assert syrk["uplo"] in ("U", "L") and syrk["transa"] in ("N", "T")
    assert syrk["flops"] == 40 * 41 * 50
    gemv = calls["dgemv"]
    assert {gemv["m"], gemv["n"]} == {50, 40} and gemv["flops"] == 2 * 50 * 40 and gemv["k"] is None
    assert gemv["incx"] == 1 and gemv["incy"] == 1
    dot = calls["ddot"]
    assert (dot["n"], dot["flops"], dot["order"], dot["m"]) == (40, 80, None, None)
    for name in ("cgemm", "zgemm"):
        g = calls[name]
        assert (g["m"], g["n"], g["k"]) == (20, 10, 30) and g["flops"] == 4 * 2 * 20 * 10 * 30
        assert g["alpha"] == 1.0 and g["beta"] == 0.0


EXPECTED = [  # (routine, api, fields that must hold) in blasprobe's call order
    ("daxpy", "cblas", dict(n=6, incx=1, incy=1, alpha=2.0, flops=12, order=None)),
    ("ddot", "cblas", dict(n=6, flops=12)),
    ("dnrm2", "cblas", dict(n=6, incx=1)),
    ("idamax", "cblas", dict(n=6, flops=None)),
    ("zdotc", "cblas", dict(n=6, flops=48)),
    ("dscal", "cblas", dict(n=6, alpha=0.5)),
    ("dgemv", "cblas", dict(order="row", transa="N", m=6, n=6, lda=6, alpha=1.5, beta=0.5, flops=72)),
    ("dger", "cblas", dict(order="col", m=6, n=6, lda=6, alpha=0.25, flops=72)),
    ("dtrsv", "cblas", dict(uplo="L", transa="N", diag="N", n=6, flops=36)),
    ("dsyrk", "cblas", dict(uplo="U", transa="T", n=6, k=6, alpha=1.0, beta=0.0, ldc=6, flops=252)),
    ("dtrsm", "cblas", dict(order="row", side="L", uplo="U", transa="N", diag="U", m=6, n=6,
                            alpha=2.0, ldb=6, flops=216)),
    ("zgemm", "cblas", dict(transa="N", transb="C", m=6, n=6, k=6, alpha=1.0, flops=4 * 432)),
    ("cherk", "cblas", dict(uplo="L", transa="N", n=2, k=3, alpha=1.0, beta=0.0, lda=2)),
    ("daxpy", "fortran", dict(n=6, alpha=2.0, order=None)),
    ("ddot", "fortran", dict(n=6)),
    ("isamax", "fortran", dict(n=6)),
    ("zdotc", "fortran", dict(n=6)),
    ("dgemv", "fortran", dict(order="col", transa="T", m=6, n=6, alpha=2.0, beta=0.5)),
    ("dtrsm", "fortran", dict(order="col", side="R", uplo="L", transa="T", diag="N", alpha=0.5)),
    ("zgemm", "fortran", dict(transa="C", transb="N", k=6)),
]


def check_expected(calls):
    assert [(c["routine"], c["api"]) for c in calls] == [(r, a) for r, a, _ in EXPECTED]
    for c, (_, _, want) in zip(calls, EXPECTED):
        for key, value in want.items():
            assert c[key] == value, (c["routine"], c["api"], key, c[key], value)
        assert c["caller"].startswith("main+0x")


def test_c_program_level_1_2_3(tmp):
    ref = run([BLASPROBE], tmp, shim=False)
    r = run([BLASPROBE], tmp, BLASSHIM_REPORT=tmp / "r.jsonl")
    assert r.returncode == 0 and r.stderr == "" and r.stdout == ref.stdout
    check_expected(Report(tmp / "r.jsonl").calls)


@pytest.mark.skipif(not NETLIB.exists(), reason="netlib BLAS not installed")
def test_netlib_cblas_calling_its_fortran_is_recorded_once(tmp):
    """netlib's cblas_dgemv calls dgemv_, cblas_dtrsm calls dtrsm_ ...: all shim symbols too."""
    ref = run([BLASPROBE], tmp, shim=False, LD_PRELOAD=NETLIB)
    r = run([BLASPROBE], tmp, BLASSHIM_REAL_BLAS=NETLIB, BLASSHIM_REPORT=tmp / "r.jsonl")
    assert r.returncode == 0 and r.stdout == ref.stdout
    check_expected(Report(tmp / "r.jsonl").calls)


def test_summary_mode_folds_every_routine(tmp):
    r = run([BLASPROBE], tmp, BLASSHIM_LOG="summary", BLASSHIM_REPORT=tmp / "r.jsonl")
    assert r.returncode == 0
    aggs = Report(tmp / "r.jsonl").only()["aggregates"]
    assert sum(a["count"] for a in aggs) == len(EXPECTED)
    assert {a["routine"] for a in aggs} == {r for r, _, _ in EXPECTED}


def test_missing_real_routine_warns_once_and_carries_on(tmp):
    r = run([BLASPROBE], tmp, BLASSHIM_REAL_BLAS="none", BLASSHIM_REPORT=tmp / "r.jsonl")
    assert r.returncode == 0 and r.stdout.endswith("calls 20\n")
    lines = r.stderr.splitlines()
    missing = [l for l in lines if "no system BLAS provides it" in l]
    assert len(missing) == len({(n, a) for n, a, _ in EXPECTED}) == len(set(missing))
    assert "blasshim: cblas_daxpy: no system BLAS provides it; the call does nothing" in lines


WHEELPROBE = BUILD / "tests" / "integration" / "wheelprobe"
WHEEL_APIS = ["cblas64", "scipy_cblas64", "fortran64", "scipy_fortran64", "scipy_cblas",
              "scipy_fortran"]


@pytest.mark.parametrize("kernel", ["system", "vectorized", "naive"])
def test_wheel_spellings(tmp, kernel):
    """pip NumPy's and SciPy's bundled OpenBLAS: renamed symbols, 64-bit integers (NumPy) or
    32-bit ones (SciPy's scipy-openblas32), in a stand-in library."""
    ref = run([WHEELPROBE], tmp, shim=False)
    r = run([WHEELPROBE], tmp, BLASSHIM_KERNEL=kernel, BLASSHIM_REPORT=tmp / "r.jsonl")
    assert r.returncode == 0 and r.stderr == "" and "WRONG" not in r.stdout
    assert r.stdout == ref.stdout   # every product checked in the program; the dots identical
    calls = Report(tmp / "r.jsonl").calls
    gemm = [c for c in calls if c["routine"] == "dgemm"]
    assert [c["api"] for c in gemm] == WHEEL_APIS
    assert {c["kernel"] for c in gemm} == {kernel}   # the kernels run behind every spelling
    assert all((c["m"], c["n"], c["k"]) in ((70, 50, 60), (50, 70, 60)) for c in gemm)
    assert [(c["transa"], c["lda"]) for c in gemm][4:] == [("T", 60), ("N", 70)]
    dots = [c for c in calls if c["routine"] == "ddot"]
    assert sorted(c["api"] for c in dots) == ["cblas64", "scipy_cblas", "scipy_cblas64"]
    gesv = [c for c in calls if c["routine"] == "dgesv"]   # LAPACK in the wheel spellings
    assert [c["api"] for c in gesv] == ["fortran64", "scipy_fortran"]
    assert all((c["n"], c["nrhs"], c["lda"], c["info"], c["kernel"]) == (40, 1, 40, 0, "system")
               for c in gesv)
    assert all(c["kernel"] == "system" and c["n"] == 60 for c in dots)


@pytest.mark.parametrize("name,api,int_t", [("cblas_dgemm64_", "cblas64", "int64_t"),
                                            ("scipy_cblas_dgemm", "scipy_cblas", "int32_t")])
def test_wheel_spelling_without_a_library_runs_naive(tmp, name, api, int_t):
    """A program calling a wheel's spelling with no library providing it (LP64 BLAS only)."""
    code = r'''
#include <stdint.h>
#include <stdio.h>
#include <dlfcn.h>
typedef INT I;
typedef void (*f)(int, int, int, I, I, I, double, const double *, I, const double *, I, double,
                  double *, I);
int main(void) {
    f g = (f)dlsym(RTLD_DEFAULT, NAME);
    double a[4] = {1, 2, 3, 4}, b[4] = {1, 0, 0, 1}, c[4] = {0};
    if (!g) { puts("absent"); return 0; }
    g(102, 111, 111, 2, 2, 2, 1.0, a, 2, b, 2, 0.0, c, 2);
    printf("%g %g %g %g\n", c[0], c[1], c[2], c[3]);
    return 0;
}
'''
    (tmp / "p.c").write_text(code)
    import subprocess
    subprocess.run(["gcc", f"-DINT={int_t}", f'-DNAME="{name}"', "-o", str(tmp / "p"),
                    str(tmp / "p.c"), "-ldl"], check=True)
    r = run([tmp / "p"], tmp, BLASSHIM_REPORT=tmp / "r.jsonl")
    assert r.returncode == 0 and r.stdout == "1 2 3 4\n"
    assert r.stderr.splitlines() == [
        f"blasshim: {api} dgemm: no loaded library provides this spelling; it runs on the naive kernel"]
    (c,) = Report(tmp / "r.jsonl").calls
    assert (c["api"], c["kernel"]) == (api, "naive")


def test_quiet_path_report_off(tmp):
    """Report off: every routine goes straight to the real one, results unchanged, no report;
    a routine no library provides is still named once (the quiet path needs a real routine)."""
    ref = run([BLASPROBE], tmp, shim=False)
    r = run([BLASPROBE], tmp, BLASSHIM_REPORT="off")
    assert r.returncode == 0 and r.stderr == "" and r.stdout == ref.stdout
    assert list(tmp.glob("*.jsonl")) == []
    r = run([BLASPROBE], tmp, BLASSHIM_REPORT="off", BLASSHIM_REAL_BLAS="none")
    missing = [l for l in r.stderr.splitlines() if "no system BLAS provides it" in l]
    assert len(missing) == len({(n, a) for n, a, _ in EXPECTED}) == len(set(missing))
