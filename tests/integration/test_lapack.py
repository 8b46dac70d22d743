"""LAPACK in the report: a C program calling LAPACK by Fortran name and NumPy's linalg, under the
reference LAPACK and OpenBLAS's; every LAPACK call recorded once with its fields, the BLAS calls
it makes nested under it (parent, depth), the totals counted once, results unchanged."""
import json
import math
import re
import subprocess
from pathlib import Path

import pytest

from conftest import BUILD, PYTHON, ROOT, Report, run

LAPACKPROBE = BUILD / "tests" / "integration" / "lapackprobe"
TOOL = BUILD / "blasshim-report"
REFERENCE = "/usr/lib/x86_64-linux-gnu/lapack:/usr/lib/x86_64-linux-gnu/blas"
SETUPS = {"openblas": {}, "reference": {"LD_LIBRARY_PATH": REFERENCE}}


# LAPACK Working Note 41, appendix C: (multiplications, additions); real flops = M + A,
# complex = 6 M + 2 A. Written out here from the note, independently of shim/lawn41.h.
def getrf(m, n):
    if m >= n:
        return (m * n * n / 2 - n ** 3 / 6 + m * n / 2 - n * n / 2 + 2 * n / 3,
                m * n * n / 2 - n ** 3 / 6 - m * n / 2 + n / 6)
    return (n * m * m / 2 - m ** 3 / 6 + n * m / 2 - m * m / 2 + 2 * m / 3,
            n * m * m / 2 - m ** 3 / 6 - n * m / 2 + m / 6)


def getrs(n, nrhs):
    return (nrhs * n * n, nrhs * n * (n - 1))


def potrf(n):
    return (n ** 3 / 6 + n * n / 2 + n / 3, n ** 3 / 6 - n / 6)


def geqrf(m, n):
    if m >= n:
        return (m * n * n - n ** 3 / 3 + m * n + n * n / 2 + 23 * n / 6,
                m * n * n - n ** 3 / 3 + n * n / 2 + 5 * n / 6)
    return (n * m * m - m ** 3 / 3 + 2 * n * m - m * m / 2 + 23 * m / 6,
            n * m * m - m ** 3 / 3 + n * m - m * m / 2 + 5 * m / 6)


def trtrs(n, nrhs):
    return (nrhs * n * (n + 1) / 2, nrhs * n * (n - 1) / 2)


def sytrf(n):
    return (n ** 3 / 6 + n * n / 2 + 10 * n / 3, n ** 3 / 6 - n / 6)


def ormqr(left, m, n, k):   # Q (k reflectors) applied to an m x n C
    if left:
        return (n * k * (2 * m - k + 2), n * k * (2 * m - k + 1))
    return (k * (m * (2 * n - k + 1) + n - k / 2 + 1 / 2), m * k * (2 * n - k + 1))


def gehrd(n):
    return (n * (n * (5 * n / 3 + 1 / 2) - 7 / 6) - 13, n * (n * (5 * n / 3 - 1) - 2 / 3) - 8)


def flops(*counts, complex_=False):
    muls, adds = sum(c[0] for c in counts), sum(c[1] for c in counts)
    return 6 * muls + 2 * adds if complex_ else muls + adds


M, N, NRHS = 120, 90, 3
EXPECTED = [  # the probe's LAPACK calls: (routine, fields, flops)
    ("dgeqrf", dict(m=M, n=N, lda=M, info=0), None),  # the workspace query
    ("dgeqrf", dict(m=M, n=N, lda=M, info=0), flops(geqrf(M, N))),
    ("dgesv", dict(n=N, nrhs=NRHS, lda=N, ldb=N, info=0), flops(getrf(N, N), getrs(N, NRHS))),
    ("dgetrf", dict(m=M, n=N, lda=M, info=0), flops(getrf(M, N))),
    ("dpotrf", dict(n=N, uplo="L", lda=N, info=0), flops(potrf(N))),
    ("zgesv", dict(n=N, nrhs=1, info=0), flops(getrf(N, N), getrs(N, 1), complex_=True)),
    ("dgesv", dict(n=N, nrhs=NRHS, info=6), flops(getrf(N, N), getrs(N, NRHS))),  # singular
    ("dpotrf", dict(n=N, uplo="U", info=21), flops(potrf(N))),  # not positive definite
    ("dgeqrf", dict(m=M, n=N, info=0), flops(geqrf(M, N))),
    ("dormqr", dict(side="L", transa="T", m=M, n=NRHS, k=N, info=0), flops(ormqr(1, M, NRHS, N))),
    ("dormqr", dict(side="R", transa="N", m=NRHS, n=M, k=N, info=0), flops(ormqr(0, NRHS, M, N))),
    ("dgehrd", dict(n=N, info=0), flops(gehrd(N))),
    # least squares: QR, Q^T B, a triangular solve; LDL^T solve: sytrf and the getrs count
    ("dgels", dict(m=M, n=N, nrhs=NRHS, info=0),
     flops(geqrf(M, N), ormqr(1, M, NRHS, N), trtrs(N, NRHS))),
    ("dsysv", dict(n=N, nrhs=NRHS, uplo="L", info=0), flops(sytrf(N), getrs(N, NRHS))),
]
LAPACK = {r for r, _, _ in EXPECTED}


def check_nesting(calls):
    """Every nested call lies inside its parent, on its thread, one level deeper."""
    by_seq = {c["seq"]: c for c in calls}
    for c in calls:
        if c["depth"] == 0:
            assert c["parent"] is None
            continue
        p = by_seq[c["parent"]]
        assert p["tid"] == c["tid"] and c["depth"] == p["depth"] + 1, (c, p)
        assert p["ts_ns"] <= c["ts_ns"] and c["ts_ns"] + c["wall_ns"] <= p["ts_ns"] + p["wall_ns"]
        assert p["nrhs"] is not None or p["info"] is not None  # a LAPACK call


def run_probe(probe, tmp, env, expected, api):
    """The probe with and without the shim: identical output; its calls of depth 0 are those
    expected, in order, each once, with the expected fields and flops (None: null). Returns
    (the process's record, those calls)."""
    ref = run([probe], tmp, shim=False, **env)
    r = run([probe], tmp, BLASSHIM_REPORT=tmp / "r.jsonl", **env)
    assert ref.returncode == 0 and r.returncode == 0 and r.stderr == ""
    assert r.stdout == ref.stdout   # forwarded with the caller's arguments: identical results
    proc = Report(tmp / "r.jsonl").only()
    top = [c for c in proc["calls"] if c["depth"] == 0]
    assert [c["routine"] for c in top] == [r for r, _, _ in expected]  # each recorded once
    for c, (routine, want, fl) in zip(top, expected):
        assert c["api"] == api and c["kernel"] == "system"
        for key, value in want.items():
            assert c[key] == value, (routine, key, c[key], value)
        if fl is None:
            assert c["flops"] is None
        else:
            assert math.isclose(c["flops"], fl, rel_tol=1e-12), (routine, c["flops"], fl)
        assert c["caller"].startswith("main+0x")
    check_nesting(proc["calls"])
    return proc, top


@pytest.mark.parametrize("setup", list(SETUPS))
def test_c_program_calling_lapack(tmp, setup):
    env = SETUPS[setup]
    proc, top = run_probe(LAPACKPROBE, tmp, env, EXPECTED, "fortran")
    calls = proc["calls"]
    assert top[0]["flops"] is None and top[1]["flops"] > 0   # the query has no flops
    nested = [c for c in calls if c["depth"] > 0]
    if setup == "reference":
        # the reference dgesv calls dgetrf and dgetrs, which call the BLAS: all nested
        gesv = top[2]
        kids = [c for c in calls if c["parent"] == gesv["seq"]]
        assert [c["routine"] for c in kids] == ["dgetrf", "dgetrs"]
        assert {c["routine"] for c in nested if c["depth"] == 2} >= {"dgemm", "dtrsm"}
        assert all(c["routine"] != "dgesv" for c in nested)
    # the totals count the program's calls once (Report checked the summary line); the tool too
    out = subprocess.run([TOOL, "summary", "--json", tmp / "r.jsonl"], capture_output=True,
                         text=True, check=True).stdout
    s = json.loads(out)
    assert s["calls"] == len(top) and s["nested_calls"] == len(nested)
    assert s["blas_ns"] == sum(c["wall_ns"] for c in top)
    folded = subprocess.run([TOOL, "folded", tmp / "r.jsonl"], capture_output=True, text=True,
                            check=True).stdout.splitlines()
    assert sum(int(line.rsplit(" ", 1)[1]) for line in folded) == s["blas_ns"]   # once each
    # per LAPACK routine: calls, failures, and the calls made directly inside, recomputed here
    lap = {e["routine"]: e for e in s["lapack"]}
    by_seq = {c["seq"]: c for c in calls}
    for routine in ("dgesv", "dpotrf", "dgeqrf", "zgesv"):
        mine = [c for c in calls if c["routine"] == routine]
        kids = [c for c in calls
                if c["parent"] is not None and by_seq[c["parent"]]["routine"] == routine]
        e = lap[routine]
        assert (e["calls"], e["wall_ns"]) == (len(mine), sum(c["wall_ns"] for c in mine))
        assert e["failed"] == sum(c["info"] != 0 for c in mine)
        assert e["children_ns"] == sum(c["wall_ns"] for c in kids)
        assert {k["routine"]: k["calls"] for k in e["children"]} == \
            {r: sum(c["routine"] == r for c in kids) for r in {c["routine"] for c in kids}}
    assert lap["dgesv"]["failed"] == 1 and lap["dpotrf"]["failed"] == 1
    if setup == "reference":
        assert {k["routine"] for k in lap["dgesv"]["children"]} == {"dgetrf", "dgetrs"}
    # the trace nests the children inside their parent's event, and names a failed call
    trace = subprocess.run([TOOL, "trace", tmp / "r.jsonl", "-o", tmp / "t.json"],
                           capture_output=True, text=True)
    assert trace.returncode == 0
    events = [e for e in json.loads((tmp / "t.json").read_text())["traceEvents"] if e["ph"] == "X"]
    assert len(events) == len(calls)
    failed = sum(c["info"] == 6 for c in calls)
    assert sum(e["name"].endswith(" info=6") for e in events) == failed >= 1
    assert sum(e["args"].get("parent") is not None for e in events) == len(nested)


NUMPY = """
import sys
import numpy as np
rng = np.random.default_rng(3)
a = rng.standard_normal((60, 60)); b = rng.standard_normal((60, 2))
spd = a @ a.T + 60 * np.eye(60)
tall = rng.standard_normal((80, 30))
c = a + 1j * rng.standard_normal((60, 60))
out = dict(solve=np.linalg.solve(a, b), chol=np.linalg.cholesky(spd), qr=np.linalg.qr(tall)[1],
           eigh=np.linalg.eigvalsh(spd), svd=np.linalg.svd(tall, compute_uv=False),
           lstsq=np.linalg.lstsq(tall, tall[:, :2] + 1, rcond=None)[0], det=np.linalg.det(a),
           inv=np.linalg.inv(c), eig=np.sort_complex(np.linalg.eigvals(a)))
try:
    np.linalg.solve(np.zeros((4, 4)), np.ones(4))
except np.linalg.LinAlgError:
    out["singular"] = np.array([1])
np.savez(sys.argv[1], **out)
"""
NUMPY_LAPACK = {"dgesv", "dpotrf", "dgeqrf", "dsyevd", "dgesdd", "dgelsd", "dgetrf", "zgesv",
                "dgeev"}


@pytest.mark.parametrize("setup", list(SETUPS))
def test_numpy_linalg(tmp, setup):
    import numpy as np
    env = SETUPS[setup]
    ref = run([PYTHON, "-c", NUMPY, tmp / "ref.npz"], tmp, shim=False, **env)
    r = run([PYTHON, "-c", NUMPY, tmp / "got.npz"], tmp, BLASSHIM_REPORT=tmp / "r.jsonl", **env)
    assert ref.returncode == 0 and r.returncode == 0 and r.stderr == "", r.stderr
    want, got = np.load(tmp / "ref.npz"), np.load(tmp / "got.npz")
    for name in want.files:
        assert np.array_equal(want[name], got[name]), name
    calls = Report(tmp / "r.jsonl").calls
    top = [c for c in calls if c["depth"] == 0]
    assert NUMPY_LAPACK <= {c["routine"] for c in top}
    check_nesting(calls)
    solve = [c for c in top if c["routine"] == "dgesv"]
    assert (solve[0]["n"], solve[0]["nrhs"], solve[0]["info"]) == (60, 2, 0)
    assert solve[-1]["n"] == 4 and solve[-1]["info"] > 0   # the singular system
    syevd = next(c for c in top if c["routine"] == "dsyevd" and c["flops"] is None)
    assert syevd["job"] == "N" and syevd["uplo"] in ("U", "L") and syevd["n"] == 60
    geev = next(c for c in top if c["routine"] == "dgeev")
    assert geev["job"] == "NN"
    if setup == "reference":   # the reference solvers' BLAS calls, nested under them
        nested = {c["routine"] for c in calls if c["depth"] > 0}
        assert {"dgemm", "dtrsm"} <= nested


def test_nested_gemm_runs_on_the_selected_kernel(tmp):
    """The reference LAPACK's dgemm calls, made inside dgetrf, run on vectorized, recorded once
    each with their parent; the factorizations agree with the system BLAS's to rounding."""
    env = SETUPS["reference"]
    ref = run([LAPACKPROBE], tmp, shim=False, **env)
    r = run([LAPACKPROBE], tmp, BLASSHIM_KERNEL="vectorized", BLASSHIM_REPORT=tmp / "r.jsonl",
            **env)
    assert r.returncode == 0 and r.stderr == ""
    for want, got in zip(ref.stdout.splitlines(), r.stdout.splitlines()):
        w, g = want.split(), got.split()
        assert w[:-1] == g[:-1]   # the routine and info
        assert math.isclose(float(w[-1]), float(g[-1]), rel_tol=1e-9, abs_tol=1e-9), (want, got)
    calls = Report(tmp / "r.jsonl").calls
    check_nesting(calls)
    gemm = [c for c in calls if c["routine"] == "dgemm"]
    assert gemm and all(c["kernel"] == "vectorized" and c["depth"] >= 1 for c in gemm)
    assert [c["routine"] for c in calls if c["depth"] == 0] == [r for r, _, _ in EXPECTED]


def test_summary_mode_counts_nested_calls_apart(tmp):
    """BLASSHIM_LOG=summary: the aggregates of calls made inside LAPACK calls say nested; the
    summary line and the tool count the program's calls only."""
    env = SETUPS["reference"]
    calls = run([LAPACKPROBE], tmp, BLASSHIM_REPORT=tmp / "c.jsonl", **env)
    r = run([LAPACKPROBE], tmp, BLASSHIM_LOG="summary", BLASSHIM_REPORT=tmp / "s.jsonl", **env)
    assert calls.returncode == 0 and r.returncode == 0 and r.stderr == ""
    every = Report(tmp / "c.jsonl").calls
    aggs = Report(tmp / "s.jsonl").only()["aggregates"]   # Report checks the summary's totals
    nested = [a for a in aggs if a.get("nested")]
    assert sum(a["count"] for a in nested) == sum(c["depth"] > 0 for c in every) > 0
    assert sum(a["count"] for a in aggs if not a.get("nested")) == len(EXPECTED)
    # the reference dgels and dgehrd make thousands of calls of distinct shapes: past the table's
    # 2048 entries they fold into the "other" entry, which has no routine
    assert {a.get("routine") for a in nested} >= {"dgetrf", "dgemm", "dtrsm"}
    out = subprocess.run([TOOL, "summary", "--json", tmp / "s.jsonl"], capture_output=True,
                         text=True, check=True).stdout
    s = json.loads(out)
    assert (s["calls"], s["nested_calls"]) == (len(EXPECTED), sum(a["count"] for a in nested))


LAPACK_H = Path("/usr/include/lapack.h")


def lapack_h():
    """{routine: [(type, name)]} from the system's lapack.h (liblapacke-dev), string lengths
    aside."""
    out = {}
    text = LAPACK_H.read_text()
    for m in re.finditer(r"void LAPACK_(\w+?)(?:_base)?\((.*?)\);", text, re.S):
        body = re.sub(r"#ifdef LAPACK_FORTRAN_STRLEN_END.*?#endif", "", m.group(2), flags=re.S)
        params = [p.split() for p in body.replace("const*", "const *").split(",") if p.strip()]
        out[m.group(1)] = [("".join(p[:-1]), p[-1].lstrip("*").lower()) for p in params]
    return out


@pytest.mark.skipif(not LAPACK_H.exists(), reason="liblapacke-dev not installed")
def test_table_matches_lapack_h():
    """Every routine of shim/lapack.tab has the arguments lapack.h declares: names, order,
    types and constness (a wrapper forwards what it declares: one missing would be lost)."""
    elem = {"s": "float", "d": "double", "c": "lapack_complex_float", "z": "lapack_complex_double"}
    real = {"s": "float", "d": "double", "c": "float", "z": "double"}
    declared = lapack_h()
    n = 0
    for line in (ROOT / "shim" / "lapack.tab").read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, types, _, _, *args = line.split("|")[0].split()
        for t in types:
            kinds = {"i": "lapack_intconst*", "o": "lapack_int*", "iw": "lapack_int*",
                     "iv": "lapack_intconst*", "t": "charconst*", "v": f"{elem[t]}const*",
                     "w": f"{elem[t]}*", "rw": f"{real[t]}*", "r": f"{real[t]}const*"}
            got = [(kinds[k], a) for k, a in (x.split(":") for x in args)]
            routine = name.replace("?", t)
            assert declared[routine] == got, routine
            n += 1
    assert n >= 120
