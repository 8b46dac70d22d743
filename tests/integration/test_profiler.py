"""The profiler: CPU time and memory, call sites, summary mode, verify mode, region control,
report names, signals, MPI ranks."""
import json
import os
import re
import shutil
import socket
import subprocess

import pytest

from conftest import BUILD, PROBE, PYTHON, ROOT, Report, base_env, preload, reports_in, run

NCPU = len(os.sched_getaffinity(0))
MPI_EXAMPLE = BUILD / "examples" / "mpi_gemm"


def test_threads_then_fork_one_record_per_call(tmp):
    """4 threads x 1000 dgemm from a named function, then a child making sgemm calls."""
    r = run([PROBE, "threadsfork"], tmp)
    assert r.returncode == 0 and "errors 0" in r.stdout, r.stderr
    parent = int(re.search(r"parent (\d+)", r.stdout).group(1))
    child = int(re.search(r"child (\d+)", r.stdout).group(1))
    reps = {Report(p).header["pid"]: Report(p) for p in reports_in(tmp)}
    assert set(reps) == {parent, child}
    pc, cc = reps[parent].calls, reps[child].calls
    assert len(pc) == 4000 and len(cc) == 5   # once each: nothing written twice after fork
    assert len({c["tid"] for c in pc}) == 4
    assert {c["caller"] for c in pc} == {c["caller"] for c in pc[:1]}
    assert re.fullmatch(r"worker_multiply\+0x[0-9a-f]+ \(gemmprobe\)", pc[0]["caller"])
    assert all(c["caller"].startswith("square+0x") for c in cc)
    assert all(c["routine"] == "sgemm" for c in cc)
    for c in pc:   # memory fields present: the operands as addressed, 8x8 doubles
        assert (c["a_bytes"], c["b_bytes"], c["c_bytes"]) == (512, 512, 512)


@pytest.mark.parametrize("kernel", ["system", "vectorized", "parallel"])
def test_cpu_and_memory_of_heavy_calls(tmp, kernel):
    # 600^3: above the measuring threshold, and large enough that vectorized and each thread
    # of parallel (600x300x600) pack their operands (the direct path reads up to 384^3 in place)
    r = run([PROBE, "forkbig", 600], tmp, BLASSHIM_KERNEL=kernel)
    assert r.returncode == 0 and "WRONG" not in r.stdout
    calls = [c for p in reports_in(tmp) for c in Report(p).calls]
    assert len(calls) == 3
    for c in calls:
        assert c["cpu_ns"] > 0 and c["rss_before_bytes"] > 0 and c["peak_rss_bytes"] > 0
        assert c["a_bytes"] == c["b_bytes"] == c["c_bytes"] == 600 * 600 * 8
        threads = c["threads"] or NCPU
        # CPU of every thread that worked, and never more than they could have used
        assert c["cpu_ns"] <= threads * c["wall_ns"] * 1.25 + 2_000_000
        if kernel != "system":
            assert c["workspace_bytes"] > 0


def test_light_calls_leave_cpu_and_memory_null(tmp):
    run([PROBE, "threads", 1, 5], tmp, BLASSHIM_REPORT=tmp / "r.jsonl")
    for c in Report(tmp / "r.jsonl").calls:
        assert c["cpu_ns"] is None and c["rss_before_bytes"] is None and c["rss_delta_bytes"] is None


def test_backtrace_frames(tmp):
    run([PROBE, "threads", 1, 3], tmp, BLASSHIM_REPORT=tmp / "r.jsonl", BLASSHIM_BACKTRACE=3)
    for c in Report(tmp / "r.jsonl").calls:
        assert len(c["frames"]) == 3 and c["frames"][0] == c["caller"]
        assert c["frames"][1].startswith("worker+0x")
    run([PROBE, "threads", 1, 3], tmp, BLASSHIM_REPORT=tmp / "off.jsonl", BLASSHIM_BACKTRACE=0)
    assert {c["caller"] for c in Report(tmp / "off.jsonl").calls} == {None}


def test_numpy_caller_is_named_by_module(tmp):
    code = "import numpy as np; a = np.ones((50, 40)); print((a @ a.T.copy()).shape)"
    run([PYTHON, "-c", code], tmp, BLASSHIM_REPORT=tmp / "r.jsonl")
    (c,) = Report(tmp / "r.jsonl").gemm
    assert re.fullmatch(r".+ \(_multiarray_umath\.cpython-[^)]+\.so\)", c["caller"])


def test_summary_mode(tmp):
    r = run([PROBE, "threads", 4, 250], tmp, BLASSHIM_LOG="summary", BLASSHIM_REPORT=tmp / "r.jsonl")
    assert r.returncode == 0
    rep = Report(tmp / "r.jsonl")
    proc = rep.only()
    assert proc["calls"] == [] and proc["summary"]["calls"] == 1000
    (agg,) = proc["aggregates"]
    assert agg["count"] == 1000 and (agg["m"], agg["n"], agg["k"]) == (8, 8, 8)
    assert agg["caller"].startswith("worker_multiply+0x")
    assert agg["min_ns"] <= agg["p50_ns"] * 1.2 and agg["p50_ns"] <= agg["p95_ns"] * 1.2
    assert rep.header["log"] == "summary"


def test_summary_mode_separates_shapes_and_kernels(tmp):
    r = run([PROBE, "cases"], tmp, BLASSHIM_LOG="summary", BLASSHIM_REPORT=tmp / "r.jsonl",
            BLASSHIM_KERNEL_SGEMM="naive")
    calls = int(r.stdout.splitlines()[-1].split()[1])
    proc = Report(tmp / "r.jsonl").only()
    aggs = proc["aggregates"]
    assert sum(a["count"] for a in aggs) == calls
    keys = [(a["routine"], a["kernel"], a["order"], a["transa"], a["transb"], a["m"], a["n"], a["k"],
             a["caller"])
            for a in aggs]
    assert len(keys) == len(set(keys))
    assert {a["kernel"] for a in aggs if a["routine"] == "sgemm"} == {"naive"}


@pytest.mark.parametrize("kernel", ["naive", "vectorized", "parallel"])
def test_verify_agrees_with_the_system_blas(tmp, kernel):
    r = run([PROBE, "cases"], tmp, BLASSHIM_KERNEL=kernel, BLASSHIM_VERIFY=1,
            BLASSHIM_REPORT=tmp / "r.jsonl")
    assert r.returncode == 0 and r.stderr == ""
    calls = Report(tmp / "r.jsonl").calls
    verified = [c for c in calls if c["max_rel_err"] is not None]
    assert len(verified) == len([c for c in calls if c["m"] and c["n"]])
    for c in verified:
        eps = 5.96e-8 if c["routine"] == "sgemm" else 1.11e-16
        assert c["max_rel_err"] <= 8 * (c["k"] + 2) * eps and c["nonfinite"] is False


def test_verify_catches_a_wrong_kernel(tmp):
    r = run([PROBE, "cases"], tmp, BLASSHIM_KERNEL="naive", BLASSHIM_VERIFY=1,
            BLASSHIM_TEST_FAULT=1, BLASSHIM_REPORT=tmp / "r.jsonl")
    assert r.returncode == 0
    (line,) = r.stderr.splitlines()   # one warning, the first time
    assert line.startswith("blasshim: verify: ") and "differs from the system BLAS" in line
    bad = [c for c in Report(tmp / "r.jsonl").calls if (c["max_rel_err"] or 0) > 1e-3]
    assert len(bad) > 100


def test_verify_every_nth_call(tmp):
    run([PROBE, "threads", 1, 30], tmp, BLASSHIM_KERNEL="naive", BLASSHIM_VERIFY=7,
        BLASSHIM_REPORT=tmp / "r.jsonl")
    flags = [c["max_rel_err"] is not None for c in Report(tmp / "r.jsonl").calls]
    assert flags == [i % 7 == 0 for i in range(30)]


@pytest.mark.parametrize("start", [None, "paused"])
def test_regions_from_c(tmp, start):
    env = {"BLASSHIM_REPORT": tmp / "r.jsonl"}
    if start:
        env["BLASSHIM_START"] = start
    r = run([PROBE, "regions"], tmp, **env)
    assert r.returncode == 0 and "api found" in r.stdout
    proc = Report(tmp / "r.jsonl").only()
    assert [m["name"] for m in proc["marks"]] == ['region "one"', "region two"]
    # the 3 warm-up calls were paused; 2 dgemm and 4 sgemm recorded
    assert [c["routine"] for c in proc["calls"]] == ["dgemm"] * 2 + ["sgemm"] * 4
    m1, m2 = proc["marks"]
    assert m1["ts_ns"] <= proc["calls"][0]["ts_ns"] and m2["ts_ns"] <= proc["calls"][2]["ts_ns"]


@pytest.mark.parametrize("verify", ["1", "0"])
def test_report_off_keeps_verify_and_test_fault(tmp, verify):
    """Report off with a kernel: verify and the test fault still take the full path, not the
    quiet kernel path (which neither verifies nor spoils)."""
    ref = run([PROBE, "cases"], tmp, shim=False)
    r = run([PROBE, "cases"], tmp, BLASSHIM_KERNEL="vectorized", BLASSHIM_VERIFY=verify,
            BLASSHIM_TEST_FAULT=1, BLASSHIM_REPORT="off")
    assert r.returncode == 0 and r.stdout != ref.stdout  # spoiled either way
    lines = r.stderr.splitlines()
    if verify == "1":
        (line,) = lines
        assert line.startswith("blasshim: verify: ") and "differs from the system BLAS" in line
    else:
        assert lines == []
    assert reports_in(tmp) == []


def test_regions_with_a_kernel(tmp):
    """Pause/resume switch the quiet kernel path off and on: the paused calls run on the
    kernel unrecorded, the others are recorded with it."""
    r = run([PROBE, "regions"], tmp, BLASSHIM_KERNEL="vectorized", BLASSHIM_REPORT=tmp / "r.jsonl")
    assert r.returncode == 0 and "api found" in r.stdout
    proc = Report(tmp / "r.jsonl").only()
    assert [c["routine"] for c in proc["calls"]] == ["dgemm"] * 2 + ["sgemm"] * 4
    assert {c["kernel"] for c in proc["calls"]} == {"vectorized"}


def test_regions_program_runs_without_the_shim(tmp):
    r = run([PROBE, "regions"], tmp, shim=False)
    assert r.returncode == 0 and "api absent" in r.stdout


def test_regions_from_python(tmp):
    r = run([PYTHON, ROOT / "examples" / "regions.py"], tmp, BLASSHIM_REPORT=tmp / "r.jsonl")
    assert r.returncode == 0 and "shim active" in r.stdout, r.stderr
    proc = Report(tmp / "r.jsonl").only()
    assert [m["name"] for m in proc["marks"]] == ["small batch", "large batch"]
    gemm = [c for c in proc["calls"] if c["routine"] == "sgemm"]
    assert len(gemm) == 10   # the 10 warm-up products were paused
    assert {c["m"] for c in gemm} == {16, 512}
    r = run([PYTHON, ROOT / "examples" / "regions.py"], tmp, shim=False)
    assert r.returncode == 0 and "not loaded" in r.stdout


def test_start_paused_records_nothing_without_resume(tmp):
    r = run([PROBE, "threads", 1, 10], tmp, BLASSHIM_START="paused")
    assert r.returncode == 0 and reports_in(tmp) == []


def test_report_name_tokens(tmp):
    host = socket.gethostname()
    for env, rank in (({}, "0"), ({"OMPI_COMM_WORLD_RANK": "3"}, "3"), ({"PMI_RANK": "5"}, "5"),
                      ({"SLURM_PROCID": "7"}, "7")):
        d = tmp / f"r{rank}"
        d.mkdir()
        r = run([PROBE, "threads", 1, 2], d, BLASSHIM_REPORT="run-%p-%h-%r-%t-%%.jsonl", **env)
        assert r.returncode == 0
        (path,) = reports_in(d)
        pid = Report(path).header["pid"]
        m = re.fullmatch(rf"run-{pid}-{re.escape(host)}-{rank}-(\d{{8}}T\d{{6}}Z)-%\.jsonl", path.name)
        assert m, path.name


def test_killed_process_keeps_its_lines(tmp):
    r = run([PROBE, "killself", 25], tmp, BLASSHIM_REPORT=tmp / "r.jsonl")
    assert r.returncode == -15   # died of SIGTERM, as it would have without the shim
    lines = [json.loads(l) for l in (tmp / "r.jsonl").read_text().splitlines()]
    assert lines[0]["type"] == "header"
    assert [l["seq"] for l in lines[1:-1]] == list(range(1, 26))
    assert lines[-1]["type"] == "summary" and lines[-1]["calls"] == 25   # written by the handler
    Report(tmp / "r.jsonl")


@pytest.mark.parametrize("var,value,text", [
    ("BLASSHIM_LOG", "verbose", "is not calls or summary; using calls"),
    ("BLASSHIM_PYTHON", "yes", "is not 0 or 1; Python call sites stay on"),
    ("BLASSHIM_PYSTACK", "99", "is not a frame count (1 to 16); using 1"),
    ("BLASSHIM_BACKTRACE", "lots", "is not a frame count (0 to 16); using 1"),
    ("BLASSHIM_VERIFY", "yes", "is not 0, 1 or N (every N-th call); not verifying"),
    ("BLASSHIM_START", "later", "is not running or paused; starting to record at once"),
])
def test_bad_profiler_settings_warn(tmp, var, value, text):
    r = run([PROBE, "threads", 1, 2], tmp, BLASSHIM_REPORT=tmp / "r.jsonl", **{var: value})
    assert r.returncode == 0
    assert r.stderr.splitlines() == [f"blasshim: {var}={value} {text}"]
    assert len(Report(tmp / "r.jsonl").calls) == 2


@pytest.mark.skipif(not (MPI_EXAMPLE.exists() and shutil.which("mpirun")), reason="no OpenMPI")
def test_mpi_one_report_per_rank(tmp):
    env = base_env(OMPI_MCA_plm_rsh_agent="false")
    cmd = ["mpirun", "--allow-run-as-root", "--oversubscribe", "-np", "2",
           "-x", f"LD_PRELOAD={preload()}", "-x", f"BLASSHIM_REPORT={tmp}/gemm-rank%r.jsonl",
           str(MPI_EXAMPLE)]
    r = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "ranks 2 checksum" in r.stdout
    names = sorted(p.name for p in reports_in(tmp))
    assert names == ["gemm-rank0.jsonl", "gemm-rank1.jsonl"]
    for rank in (0, 1):   # rank r multiplied r+1 times
        calls = Report(tmp / f"gemm-rank{rank}.jsonl").calls
        assert len(calls) == rank + 1 and calls[0]["caller"].startswith("main+0x")
