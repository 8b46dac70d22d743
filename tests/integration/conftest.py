"""Shared helpers for the integration tests: run a program under the shim, read a report
back and check it line by line against the field table (profiler/fields.def)."""
import json
import math
import os
import re
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("BUILD", ROOT / "build"))
if not BUILD.is_absolute():
    BUILD = ROOT / BUILD
LIB = BUILD / "libblasshim.so"
PYTHON = "/usr/bin/python3"
PROBE = BUILD / "tests" / "integration" / "gemmprobe"
NETLIB = Path("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3")

# blasshim-report caches the machine's peak in $XDG_CACHE_HOME/blasshim/: the tests never read
# or write the user's real cache
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="blasshim-test-cache-")


def field_table():
    """[(name, kind)] from profiler/fields.def — the same table the writer is built from."""
    text = (ROOT / "profiler" / "fields.def").read_text()
    return re.findall(r"^BS_FIELD\((\w+),\s*(\w+),", text, re.M)


FIELDS = field_table()


def preload(lib=None):
    """The LD_PRELOAD value for the shim (after the sanitizer runtime under `make asan`)."""
    pre = os.environ.get("BS_TEST_PRELOAD_FIRST", "")
    return f"{pre}:{lib or LIB}" if pre else str(lib or LIB)


def base_env(**extra):
    """The caller's environment without any BLASSHIM_*, LD_PRELOAD or OMP_NUM_THREADS (which
    sets the parallel kernel's threads too), plus extra."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("BLASSHIM_") and k not in ("LD_PRELOAD", "OMP_NUM_THREADS")}
    # under `make asan` the sanitizer runtime must come first in the preload list
    pre = os.environ.get("BS_TEST_PRELOAD_FIRST", "")
    if "LD_PRELOAD" in extra and pre:
        extra["LD_PRELOAD"] = f"{pre}:{extra['LD_PRELOAD']}"
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run(cmd, cwd, shim=True, timeout=300, **env):
    """Run cmd (a list) in cwd, with the shim preloaded unless shim=False."""
    if shim:
        env["LD_PRELOAD"] = str(LIB)
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=base_env(**env),
                          capture_output=True, text=True, timeout=timeout)


def shim_lines(stderr):
    """The lines the shim wrote on stderr."""
    return [l for l in stderr.splitlines() if l.startswith("blasshim:")]


MEASURE_MIN_FLOPS = 1 << 25   # shim/shim.h BS_MEASURE_MIN_FLOPS


def span(rows, cols, ld, elem):
    return 0 if rows <= 0 or cols <= 0 else (ld * (cols - 1) + rows) * elem


def check_call(rec):
    names = {n for n, _ in FIELDS}
    optional = {n for n, k in FIELDS if k in ("FRAMES", "STRO")}   # left out when empty
    assert set(rec) - optional == {"type"} | names - optional, f"fields differ: {sorted(rec)}"
    for name, kind in FIELDS:
        if name not in rec:
            assert name in optional
            continue
        v = rec[name]
        if kind == "STR":
            assert isinstance(v, str) and v, (name, v)
        elif kind == "STRO":
            assert isinstance(v, str) and v, (name, v)
        elif kind == "STRN":
            assert v is None or (isinstance(v, str) and v), (name, v)
        elif kind == "I64":
            assert isinstance(v, int) and not isinstance(v, bool), (name, v)
        elif kind == "I64N":
            assert v is None or (isinstance(v, int) and v >= 0), (name, v)
        elif kind == "I64S":
            assert v is None or isinstance(v, int), (name, v)
        elif kind in ("F64", "F64N", "F64X"):
            assert (v is None and kind != "F64") or isinstance(v, (int, float)), (name, v)
        elif kind == "BOOLN":
            assert v is None or isinstance(v, bool), (name, v)
        elif kind == "FRAMES":
            assert isinstance(v, list) and len(v) >= 1 and all(isinstance(f, str) for f in v)
    assert (rec["max_rel_err"] is None) == (rec["nonfinite"] is None)
    assert rec["api"] in ("cblas", "fortran", "cblas64", "fortran64", "scipy_cblas64", "scipy_fortran64",
                          "scipy_cblas", "scipy_fortran", "lapacke")
    assert rec["wall_ns"] >= 0 and rec["ts_ns"] > 0
    if rec["flops"] is not None and rec["wall_ns"] > 0:
        assert math.isclose(rec["gflops"], rec["flops"] / rec["wall_ns"], rel_tol=1e-5)
    assert rec["kernel"] in ("system", "naive", "blocked", "vectorized", "parallel")
    if rec["kernel"] == "system":
        # the real BLAS's own count when it can tell (OpenBLAS, MKL; reference: 1)
        assert (rec["threads"] is None or rec["threads"] >= 1) and rec["workspace_bytes"] is None
    else:
        assert rec["threads"] >= 1 and rec["workspace_bytes"] >= 0
    if rec["kernel"] in ("naive",):
        assert rec["workspace_bytes"] == 0
    if rec["routine"] not in ("sgemm", "dgemm"):
        check_other_routine(rec)
        return
    assert rec["order"] in ("row", "col")
    assert rec["transa"] in "NTC" and rec["transb"] in "NTC"
    assert rec["uplo"] is rec["side"] is rec["diag"] is rec["incx"] is rec["incy"] is None
    assert rec["flops"] == 2 * rec["m"] * rec["n"] * rec["k"]
    # CPU time and memory: measured exactly for the heavy calls, null for the others
    heavy = rec["flops"] >= MEASURE_MIN_FLOPS
    for f in ("cpu_ns", "rss_before_bytes", "rss_after_bytes", "rss_delta_bytes", "peak_rss_bytes"):
        assert (rec[f] is not None) == heavy, (f, rec[f], rec["flops"])
    if heavy:
        assert rec["rss_delta_bytes"] == rec["rss_after_bytes"] - rec["rss_before_bytes"]
        assert rec["peak_rss_bytes"] >= rec["rss_after_bytes"] > 0
        assert rec["cpu_ns"] > 0


def check_other_routine(rec):
    """A routine without a kernel: forwarded (system), the fields that fit it."""
    assert rec["kernel"] == "system" and rec["max_rel_err"] is None
    assert rec["a_bytes"] is rec["b_bytes"] is rec["c_bytes"] is None
    level1 = rec["order"] is None
    assert rec["order"] in (None, "row", "col")
    if "fortran" in rec["api"] and not level1:
        assert rec["order"] == "col"
    for f in ("transa", "uplo", "diag"):
        assert rec[f] in (None, "N", "T", "C", "U", "L")
    assert rec["side"] in (None, "L", "R")
    assert rec["n"] is None or rec["n"] >= 0
    heavy = (rec["flops"] or 0) >= MEASURE_MIN_FLOPS
    assert (rec["cpu_ns"] is not None) == heavy


class Report:
    """One report file, checked line by line; per process: header, calls, summary."""

    def __init__(self, path):
        self.path = Path(path)
        self.procs = {}
        lines = self.path.read_text(encoding="utf-8").splitlines()
        assert lines, f"{path} is empty"
        for no, line in enumerate(lines, 1):
            rec = json.loads(line)  # every line is one whole JSON object
            assert isinstance(rec, dict), f"{path}:{no}"
            pid = rec["pid"]
            if rec["type"] == "mark":
                assert pid in self.procs, f"{path}:{no}: a mark before the header"
                self.procs[pid].setdefault("marks", []).append(rec)
                continue
            if rec["type"] == "aggregate":
                assert pid in self.procs, f"{path}:{no}: an aggregate before the header"
                self.procs[pid].setdefault("aggregates", []).append(rec)
                continue
            if rec["type"] == "header":
                assert pid not in self.procs, f"{path}:{no}: second header for {pid}"
                self.procs[pid] = {"header": rec, "calls": [], "summary": None}
                continue
            proc = self.procs.get(pid)
            assert proc, f"{path}:{no}: a record of pid {pid} before its header"
            assert proc["summary"] is None, f"{path}:{no}: a record after the summary"
            if rec["type"] == "call":
                check_call(rec)
                proc["calls"].append(rec)
            elif rec["type"] == "summary":
                proc["summary"] = rec
            else:
                raise AssertionError(f"{path}:{no}: unknown type {rec['type']}")
        for pid, proc in self.procs.items():
            self._check_process(pid, proc)

    @staticmethod
    def _check_process(pid, proc):
        h, calls, s = proc["header"], proc["calls"], proc["summary"]
        for key in ("format", "version", "host", "argv", "start_time", "cpu_model",
                    "kernels", "real_blas", "blas", "blas_env"):
            assert key in h, f"header lacks {key}"
        assert h["format"] == "blasshim-report" and h["version"] == 1
        assert s is not None, f"pid {pid}: no summary line"
        if s["log"] == "summary":   # no call lines: the aggregates add up to the summary
            aggs = proc.get("aggregates", [])
            assert not calls
            top = [a for a in aggs if not a.get("nested")]   # calls made inside LAPACK calls
            assert s["calls"] == sum(a["count"] for a in top)
            assert s["wall_ns"] == sum(a["wall_ns"] for a in top)
            for a in aggs:
                assert a["min_ns"] <= a["mean_ns"] <= a["max_ns"]
                assert a["min_ns"] * 0.8 <= a["p50_ns"] <= a["max_ns"] * 1.2
            return
        # past BLASSHIM_MAX_REPORT (or the file-size limit) calls are folded into aggregates:
        # the call lines and the aggregates together are every call, none counted twice
        aggs = proc.get("aggregates", [])
        folded = s["folded"]
        assert folded == sum(a["count"] for a in aggs)
        seqs = sorted(c["seq"] for c in calls)
        if folded:   # a folded call keeps its number: the lines' numbers are unique, in range
            assert len(set(seqs)) == len(seqs) and seqs[-1] <= len(calls) + folded
        else:
            assert seqs == list(range(1, len(calls) + 1))
        # the totals count the program's own calls: a call made inside a LAPACK call (depth > 0,
        # aggregates "nested") is in its parent's time already
        assert all((c["parent"] is None) == (c["depth"] == 0) for c in calls)
        top = [c for c in calls if c["depth"] == 0]
        top_aggs = [a for a in aggs if not a.get("nested")]
        assert s["calls"] == len(top) + sum(a["count"] for a in top_aggs)
        assert s["wall_ns"] == sum(c["wall_ns"] for c in top) + sum(a["wall_ns"] for a in top_aggs)
        assert s["flops"] == sum(c["flops"] or 0 for c in top) + sum(a["flops"] for a in top_aggs)
        by = {}
        for key, n, wall in ([((c["routine"], c["kernel"]), 1, c["wall_ns"]) for c in calls] +
                             [((a.get("routine"), a.get("kernel")), a["count"], a["wall_ns"])
                              for a in aggs]):
            e = by.setdefault(key, [0, 0])
            e[0] += n
            e[1] += wall
        got = {(e["routine"], e["kernel"]): [e["calls"], e["wall_ns"]] for e in s["by_kernel"]}
        if not any(a.get("other") for a in aggs):   # "other": shapes past the table, unnamed
            assert got == by

    def only(self):
        assert len(self.procs) == 1, f"{len(self.procs)} processes in {self.path}"
        return next(iter(self.procs.values()))

    @property
    def calls(self):
        return self.only()["calls"]

    @property
    def gemm(self):
        """The sgemm/dgemm calls (NumPy also calls other routines, e.g. sdot on import)."""
        return [c for c in self.calls if c["routine"] in ("sgemm", "dgemm")]

    @property
    def header(self):
        return self.only()["header"]


@pytest.fixture
def tmp(tmp_path):
    return tmp_path


def reports_in(d):
    return sorted(Path(d).glob("*.jsonl"))
