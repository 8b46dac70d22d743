"""C and Fortran programs linked against the system BLAS, run under the shim."""
import math
import re
import subprocess
from pathlib import Path

import pytest

from conftest import BUILD, LIB, NETLIB, PROBE, ROOT, Report, reports_in, run, shim_lines

EXAMPLE = BUILD / "examples" / "dgemm_example"
FORTRAN = BUILD / "examples" / "fortran_dgemm"


def parse_cases(out):
    """{case title: [values]} from `gemmprobe cases`."""
    cases, cur = {}, None
    for line in out.splitlines():
        if line.startswith("case "):
            cur = cases.setdefault(line, [])
        elif line[:2] in ("d ", "s "):
            cur.append((line[0], float(line[2:])))
    return cases


def close(kind, got, want):
    if math.isnan(want):
        return math.isnan(got)
    tol = 2e-5 if kind == "s" else 1e-13
    return abs(got - want) <= tol * max(1.0, abs(want))


def assert_cases_close(out, ref):
    got, want = parse_cases(out), parse_cases(ref)
    assert got.keys() == want.keys()
    for title in want:
        for (k, g), (_, w) in zip(got[title], want[title]):
            assert close(k, g, w), f"{title}: {g} != {w}"


def test_cases_system_bit_identical(tmp):
    ref = run([PROBE, "cases"], tmp, shim=False)
    r = run([PROBE, "cases"], tmp, BLASSHIM_REPORT=tmp / "r.jsonl")
    assert r.returncode == 0 and r.stdout == ref.stdout and r.stderr == ""
    calls = Report(tmp / "r.jsonl").calls
    assert len(calls) == int(ref.stdout.splitlines()[-1].split()[1])
    assert {c["kernel"] for c in calls} == {"system"}
    apis = [c["api"] for c in calls]
    assert apis.count("fortran") == 2 * 9 * 4 * 3 + 2 and apis.count("cblas") == 2 * 2 * 9 * 4 * 3 + 2
    assert {c["order"] for c in calls if c["api"] == "fortran"} == {"col"}
    assert {(c["transa"], c["transb"]) for c in calls} == {(a, b) for a in "NTC" for b in "NTC"}


def test_cases_naive_match_system_blas(tmp):
    ref = run([PROBE, "cases"], tmp, shim=False)
    r = run([PROBE, "cases"], tmp, BLASSHIM_KERNEL="naive", BLASSHIM_REPORT=tmp / "r.jsonl")
    assert r.returncode == 0 and r.stderr == ""
    assert_cases_close(r.stdout, ref.stdout)
    assert {c["kernel"] for c in Report(tmp / "r.jsonl").calls} == {"naive"}


@pytest.mark.skipif(not NETLIB.exists(), reason="netlib BLAS not installed")
def test_netlib_reentry_is_not_recorded_twice(tmp):
    """netlib's cblas_dgemm calls dgemm_, which the shim also exports."""
    ref = run([PROBE, "cases"], tmp, shim=False, LD_PRELOAD=NETLIB)
    r = run([PROBE, "cases"], tmp, BLASSHIM_REAL_BLAS=NETLIB, BLASSHIM_REPORT=tmp / "r.jsonl")
    assert r.returncode == 0 and r.stderr == ""
    assert r.stdout == ref.stdout
    rep = Report(tmp / "r.jsonl")
    assert rep.header["real_blas"] == str(NETLIB)
    assert len(rep.calls) == int(r.stdout.splitlines()[-1].split()[1])


def test_threads_one_record_per_call(tmp):
    r = run([PROBE, "threads", 4, 1000], tmp, BLASSHIM_REPORT=tmp / "r.jsonl")
    assert r.returncode == 0 and "errors 0" in r.stdout
    calls = Report(tmp / "r.jsonl").calls
    assert len(calls) == 4000
    assert len({c["tid"] for c in calls}) == 4


def test_threads_naive(tmp):
    r = run([PROBE, "threads", 4, 300], tmp, BLASSHIM_KERNEL="naive",
            BLASSHIM_REPORT=tmp / "r.jsonl")
    assert r.returncode == 0 and "errors 0" in r.stdout
    assert len(Report(tmp / "r.jsonl").calls) == 1200


def test_fork_child_writes_its_own_report(tmp):
    r = run([PROBE, "fork"], tmp)
    assert r.returncode == 0, r.stderr
    parent = int(r.stdout.split("parent ")[1].split()[0])
    child = int(r.stdout.split("child ")[1].split()[0])
    reps = {Report(p).header["pid"]: Report(p) for p in reports_in(tmp)}
    assert set(reps) == {parent, child}
    assert [c["routine"] for c in reps[parent].calls] == ["dgemm"] * 4
    assert [c["routine"] for c in reps[child].calls] == ["sgemm"] * 2


def test_two_processes_share_one_report_name(tmp):
    cmd = [str(PROBE), "threads", "2", "1500"]
    from conftest import base_env
    env = base_env(LD_PRELOAD=LIB, BLASSHIM_REPORT=tmp / "shared.jsonl")  # asan-aware
    procs = [subprocess.Popen(cmd, cwd=tmp, env=env, stdout=subprocess.DEVNULL) for _ in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    rep = Report(tmp / "shared.jsonl")   # every line whole, each process complete
    assert len(rep.procs) == 2
    assert [len(p["calls"]) for p in rep.procs.values()] == [3000, 3000]


def test_invalid_call_goes_to_the_real_blas(tmp):
    ref = run([PROBE, "invalid"], tmp, shim=False)
    r = run([PROBE, "invalid"], tmp, BLASSHIM_REPORT=tmp / "r.jsonl")
    assert r.returncode == ref.returncode and r.stdout == ref.stdout
    assert shim_lines(r.stderr) == []
    assert "C unchanged" in r.stdout
    assert reports_in(tmp) == []   # an invalid call is not a gemm the program did


@pytest.mark.parametrize("kernel", ["vectorized", "naive", "parallel"])
def test_quiet_kernel_path_matches_system_blas(tmp, kernel):
    """Report off with a kernel of ours: the entry points' quiet kernel path (decode, validate,
    canonical form, kernel) over both APIs, both orders, every transpose pair and the scalars;
    no report, nothing on stderr."""
    ref = run([PROBE, "cases"], tmp, shim=False)
    r = run([PROBE, "cases"], tmp, BLASSHIM_KERNEL=kernel, BLASSHIM_REPORT="off")
    assert r.returncode == 0 and r.stderr == ""
    assert_cases_close(r.stdout, ref.stdout)
    assert reports_in(tmp) == []


def test_quiet_kernel_path_forwards_an_invalid_call(tmp):
    """An invalid call leaves the quiet kernel path for the full one: forwarded to the real
    BLAS, whose xerbla reports it, C unchanged; with no real BLAS, the shim's own line."""
    ref = run([PROBE, "invalid"], tmp, shim=False)
    r = run([PROBE, "invalid"], tmp, BLASSHIM_KERNEL="vectorized", BLASSHIM_REPORT="off")
    assert r.returncode == ref.returncode and r.stdout == ref.stdout
    assert shim_lines(r.stderr) == [] and "C unchanged" in r.stdout
    r = run([PROBE, "invalid"], tmp, BLASSHIM_KERNEL="vectorized", BLASSHIM_REAL_BLAS="none",
            BLASSHIM_REPORT="off")
    assert r.returncode == 0 and "C unchanged" in r.stdout
    (line,) = shim_lines(r.stderr)
    assert line.startswith("blasshim: cblas_dgemm: parameter 4 (m) has an illegal value")


def test_invalid_call_without_real_blas(tmp):
    r = run([PROBE, "invalid"], tmp, BLASSHIM_REAL_BLAS="none", BLASSHIM_REPORT="off")
    assert r.returncode == 0 and "C unchanged" in r.stdout
    lines = shim_lines(r.stderr)
    assert len(lines) == 2 and r.stderr.count("\n") == 2
    assert "kernel 'system' runs as 'naive'" in lines[0]
    assert lines[1].startswith("blasshim: cblas_dgemm: parameter 4 (m) has an illegal value")


def test_no_real_blas_falls_back_to_naive(tmp):
    ref = run([PROBE, "cases"], tmp, shim=False)
    r = run([PROBE, "cases"], tmp, BLASSHIM_REAL_BLAS="none", BLASSHIM_REPORT=tmp / "r.jsonl")
    assert r.returncode == 0
    assert r.stderr.splitlines() == [
        "blasshim: no system BLAS found for sgemm, dgemm (BLASSHIM_REAL_BLAS=none); "
        "kernel 'system' runs as 'naive'"]
    assert_cases_close(r.stdout, ref.stdout)
    rep = Report(tmp / "r.jsonl")
    assert rep.header["real_blas"] is None and rep.header["kernels"]["dgemm"] == "naive"
    assert {c["kernel"] for c in rep.calls} == {"naive"}


def test_unloadable_real_blas_path_warns_and_searches(tmp):
    ref = run([PROBE, "cases"], tmp, shim=False)
    r = run([PROBE, "cases"], tmp, BLASSHIM_REAL_BLAS=tmp / "nope.so", BLASSHIM_REPORT="off")
    assert r.returncode == 0 and r.stdout == ref.stdout
    (line,) = r.stderr.splitlines()
    assert line.startswith(f"blasshim: BLASSHIM_REAL_BLAS={tmp / 'nope.so'} cannot be loaded")


@pytest.mark.parametrize("kernel", ["system", "naive"])
def test_c_example(tmp, kernel):
    ref = run([EXAMPLE, 150, 2], tmp, shim=False)
    r = run([EXAMPLE, 150, 2], tmp, BLASSHIM_KERNEL=kernel)
    assert r.returncode == 0 and r.stderr == ""
    want = float(ref.stdout.split("checksum=")[1].split()[0])
    got = float(r.stdout.split("checksum=")[1].split()[0])
    assert got == want if kernel == "system" else math.isclose(got, want, rel_tol=1e-12)
    (path,) = reports_in(tmp)
    calls = Report(path).calls
    assert [(c["m"], c["n"], c["k"], c["kernel"]) for c in calls] == [(150, 150, 150, kernel)] * 2


@pytest.mark.skipif(not FORTRAN.exists(), reason="gfortran not installed")
@pytest.mark.parametrize("kernel", ["system", "naive"])
def test_fortran_program(tmp, kernel):
    ref = run([FORTRAN], tmp, shim=False)
    r = run([FORTRAN], tmp, BLASSHIM_KERNEL=kernel, BLASSHIM_REPORT=tmp / "r.jsonl")
    assert r.returncode == 0 and r.stderr == ""
    want, got = float(ref.stdout.split("=")[1]), float(r.stdout.split("=")[1])
    assert math.isclose(got, want, rel_tol=1e-13)
    (call,) = Report(tmp / "r.jsonl").calls
    assert (call["api"], call["routine"], call["transa"], call["transb"]) == ("fortran", "dgemm", "T", "N")
    assert (call["m"], call["n"], call["k"], call["lda"], call["alpha"], call["beta"]) == (60, 40, 50, 50, 2.0, 0.5)


def exported():
    out = subprocess.run(["nm", "-D", "--defined-only", str(LIB)], capture_output=True,
                         text=True, check=True).stdout
    return {l.split()[-1] for l in out.splitlines() if l.split()[1] in "TtWwDdBb"}


def table_names():
    """Every exported name the routine table (shim/routines.tab) defines."""
    names = set()
    lines = (ROOT / "shim" / "routines.tab").read_text().splitlines()
    lines += (ROOT / "shim" / "lapack.tab").read_text().splitlines()
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, types, order, ret = line.split()[:4]
        for t in types:
            full = name.replace("?", t)
            # LP64, the ILP64 spellings of pip NumPy wheels, SciPy's LP64 ones
            names |= {f"{full}_", f"{full}_64_", f"scipy_{full}_64_", f"scipy_{full}_"}
            if order == "fl":  # LAPACK with a LAPACKE C function, LP64 only
                names.add(f"LAPACKE_{full}")
            if not order.startswith("f"):  # LAPACK (f, fl) has no CBLAS form
                cblas = f"cblas_{full}" + ("_sub" if ret == "C" else "")
                names |= {cblas, f"{cblas}64_", f"scipy_{cblas}64_", f"scipy_{cblas}"}
    return names


def test_only_blas_symbols_and_the_api_are_exported():
    names = exported()
    # the documented API: every function include/blasshim.h declares
    header = (ROOT / "include" / "blasshim.h").read_text()
    api = set(re.findall(r"^[a-z].*\b(blasshim_\w+)\(", header, re.M))
    assert {"blasshim_mark", "blasshim_pause", "blasshim_resume", "blasshim_info_json"} <= api
    # the report's way out of a process image (profiler/report.c): lines on disk first
    life = {"execve", "execv", "execvp", "execvpe", "execl", "execlp", "execle", "fexecve",
            "execveat", "_exit", "_Exit"}
    assert api | life <= names
    assert names - api - life == table_names()


def test_every_cblas_routine_of_the_system_header_is_exported():
    header = Path("/usr/include/x86_64-linux-gnu/cblas.h").read_text()
    declared = set(re.findall(r"\b(cblas_[a-z0-9_]+)\s*\(", header)) - {"cblas_xerbla"}
    assert len(declared) > 140
    assert declared <= exported()
