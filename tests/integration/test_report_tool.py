"""blasshim-report on reports from real runs under the shim, and on damaged ones: every
command's output checked against numbers recomputed here from the report lines."""
import csv
import json
import math
import os
import random
import resource
import subprocess
import xml.dom.minidom
from collections import defaultdict

import pytest

from conftest import BUILD, FIELDS, PROBE, PYTHON, ROOT, Report, run

TOOL = BUILD / "blasshim-report"
PEAK = ["--peak", "200,100"]   # a fixed roof, so the output does not depend on this machine

MLP = [PYTHON, ROOT / "examples" / "mlp.py", "--epochs", "1", "--samples", "512"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    d = tmp_path_factory.mktemp("runs")
    for kernel in ("system", "vectorized"):
        r = run(MLP, d, BLASSHIM_KERNEL=kernel, BLASSHIM_REPORT=d / f"{kernel}.jsonl")
        assert r.returncode == 0, r.stderr
    # a different program for "only in one run", and one with marks
    code = ("import numpy as np; a = np.ones((33, 17), np.float32); b = np.ones((17, 5), np.float32);"
            "print((a @ b).sum())")
    assert run([PYTHON, "-c", code], d, BLASSHIM_REPORT=d / "other.jsonl").returncode == 0
    assert run([PROBE, "regions"], d, BLASSHIM_REPORT=d / "marks.jsonl").returncode == 0
    return d


def tool(*args, cwd=None):
    return subprocess.run([str(TOOL), *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def shapes_of(*paths):
    """{(routine, kernel, ta, tb, m, n, k): [walls]} from the reports' call lines."""
    out = defaultdict(list)
    for p in paths:
        for c in Report(p).calls:
            out[(c["routine"], c["kernel"], c["transa"], c["transb"], c["m"], c["n"], c["k"])].append(c)
    return out


def test_summary_json_matches_the_report(runs):
    r = tool("summary", "--json", "--top", "100", *PEAK, runs / "system.jsonl")
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    rep = Report(runs / "system.jsonl")
    calls = rep.calls
    assert s["calls"] == len(calls) and s["processes"] == 1
    assert s["blas_ns"] == sum(c["wall_ns"] for c in calls)
    assert s["process_ns"] == rep.only()["summary"]["elapsed_ns"]
    assert math.isclose(s["blas_share"], s["blas_ns"] / s["process_ns"])
    want = shapes_of(runs / "system.jsonl")
    assert len(s["top_shapes"]) == len(want)
    walls = [e["wall_ns"] for e in s["top_shapes"]]
    assert walls == sorted(walls, reverse=True)   # by total time
    for e in s["top_shapes"]:
        cs = want[(e["routine"], e["kernel"], e["transa"], e["transb"], e["m"], e["n"], e["k"])]
        w = [c["wall_ns"] for c in cs]
        assert e["calls"] == len(cs) and e["wall_ns"] == sum(w)
        assert (e["min_ns"], e["max_ns"]) == (min(w), max(w))
        assert math.isclose(e["mean_ns"], sum(w) / len(w))
        assert math.isclose(e["gflops"], sum(c["flops"] for c in cs) / sum(w))
        # percentiles from 19 %-wide buckets: within that of the exact ones
        exact = sorted(w)[max(0, round(0.5 * len(w)) - 1)]
        assert exact / 1.25 <= e["p50_ns"] <= exact * 1.25 or min(w) <= e["p50_ns"] <= max(w)
        # % of peak: the per-core roof times the threads that worked (system: all the CPUs)
        threads = sum(c["threads"] or rep.header["blas"]["threads"] or rep.header["ncpus"]
                      for c in cs) / len(cs)
        roof = (200.0 if e["routine"][0] in "sc" else 100.0) * threads
        assert math.isclose(e["peak_share"], e["gflops"] / roof)
    site_calls = sum(e["calls"] for e in s["top_sites"])
    assert site_calls == len(calls)


def test_summary_text(runs):
    r = tool(runs / "system.jsonl", *PEAK)   # summary is the default command
    assert r.returncode == 0
    out = r.stdout
    assert "BLAS calls" in out and "top shapes by total time" in out and "top call sites" in out
    assert "_multiarray_umath" in out
    header = next(l for l in out.splitlines() if l.startswith("gemm "))
    assert header.split() == ["gemm", "m", "x", "n", "x", "k", "op", "kernel", "calls", "total",
                              "ms", "mean", "us", "p50", "us", "p95", "us", "max", "us", "GFLOP/s",
                              "threads", "%peak"]
    assert "peak per core: 200.0 GFLOP/s fp32, 100.0 fp64 (given with --peak)" in out


def test_summary_merges_files(runs):
    r = tool("summary", "--json", *PEAK, runs / "system.jsonl", runs / "vectorized.jsonl")
    s = json.loads(r.stdout)
    n = len(Report(runs / "system.jsonl").calls) + len(Report(runs / "vectorized.jsonl").calls)
    assert s["processes"] == 2 and s["calls"] == n
    assert {(e["routine"], e["kernel"]) for e in s["by_kernel"]} == {
        ("sgemm", "system"), ("sgemm", "vectorized"), ("sdot", "system")}


def test_compare(runs):
    """The matched shapes and their kernels; the statistics themselves are recomputed in
    test_report_baseline.py."""
    r = tool("compare", "--json", runs / "system.jsonl", runs / "vectorized.jsonl")
    assert r.returncode == 0, r.stderr
    c = json.loads(r.stdout)
    base = shapes_of(runs / "system.jsonl")
    assert len(c["shapes"]) == len(base) and not c["only_in_base"] and not c["only_in_new"]
    for e in c["shapes"]:
        kern = "vectorized" if e["routine"] in ("sgemm", "dgemm") else "system"
        assert (e["base"]["kernel"], e["new"]["kernel"]) == ("system", kern)
        b = base[(e["routine"], "system", e["transa"], e["transb"], e["m"], e["n"], e["k"])]
        assert e["base"]["calls"] == len(b)
        assert math.isclose(e["speedup"], e["base"]["median_ns"] / e["new"]["median_ns"])
    assert (c["base_label"], c["new_label"]) == ("system", "vectorized")
    assert c["base_total_ns"] == sum(x["wall_ns"] for x in Report(runs / "system.jsonl").calls)
    text = tool("compare", runs / "system.jsonl", runs / "vectorized.jsonl").stdout
    assert "speedup" in text and f"speedup {c['speedup']:.2f}x" in text


def test_compare_lists_shapes_of_one_run(runs):
    c = json.loads(tool("compare", "--json", runs / "system.jsonl", runs / "other.jsonl").stdout)
    gemm_shapes = [k for k in shapes_of(runs / "system.jsonl") if k[0] == "sgemm"]
    assert len(c["only_in_base"]) == len(gemm_shapes)
    assert [e["routine"] for e in c["shapes"]] == ["sdot"]   # NumPy's import-time check, in both
    assert [(e["m"], e["n"], e["k"]) for e in c["only_in_new"]] == [(33, 5, 17)]


def test_csv(runs, tmp):
    r = tool("csv", runs / "system.jsonl", runs / "marks.jsonl", "-o", tmp / "calls.csv")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(open(tmp / "calls.csv", newline="")))
    assert list(rows[0].keys()) == ["file"] + [name for name, _ in FIELDS]
    calls = Report(runs / "system.jsonl").calls + Report(runs / "marks.jsonl").calls
    assert len(rows) == len(calls)
    for row, c in zip(rows, calls):
        for name, kind in FIELDS:
            v = c.get(name)
            if kind in ("I64", "I64N", "I64S"):
                assert row[name] == ("" if v is None else str(v)), name
            elif kind in ("STR", "STRN"):
                assert row[name] == (v or ""), name
            elif kind in ("F64", "F64N") and v is not None:
                assert math.isclose(float(row[name]), v, rel_tol=1e-6), name
    out = tool("csv", runs / "marks.jsonl").stdout   # to stdout without -o
    assert out.count("\n") == 1 + len(Report(runs / "marks.jsonl").calls)


def test_trace(runs, tmp):
    r = tool("trace", runs / "system.jsonl", runs / "marks.jsonl", "-o", tmp / "t.json")
    assert r.returncode == 0 and "t.json" in r.stderr
    t = json.loads((tmp / "t.json").read_text())
    ev = t["traceEvents"]
    calls = Report(runs / "system.jsonl").calls + Report(runs / "marks.jsonl").calls
    xs = [e for e in ev if e["ph"] == "X"]
    assert len(xs) == len(calls)   # one event per call
    for e, c in zip(xs, calls):
        assert (e["pid"], e["tid"]) == (c["pid"], c["tid"])
        assert math.isclose(e["ts"], c["ts_ns"] / 1e3) and math.isclose(e["dur"], c["wall_ns"] / 1e3)
        assert e["args"]["kernel"] == c["kernel"] and e["args"]["m"] == c["m"]
    meta = [e for e in ev if e["ph"] == "M"]
    assert len([e for e in meta if e["name"] == "process_name"]) == 2   # a named track per process
    threads = [(e["pid"], e["tid"]) for e in meta if e["name"] == "thread_name"]
    assert sorted(threads) == sorted({(e["pid"], e["tid"]) for e in ev if e["ph"] in "Xi"})
    for e in meta:   # each thread is named before its first event
        if e["name"] == "thread_name":
            first = next(i for i, x in enumerate(ev) if x["ph"] in "Xi" and (x["pid"], x["tid"]) == (e["pid"], e["tid"]))
            assert ev.index(e) < first
            assert e["args"]["name"] == (f"main thread (tid {e['tid']})" if e["tid"] == e["pid"]
                                         else f"thread {e['tid']}")
    for e, c in zip(xs, calls):   # the Python call site travels with the event
        for f in ("py_caller", "py_frame", "py_stack"):
            assert e["args"].get(f) == c.get(f), f
    assert [e["name"] for e in ev if e["ph"] == "i"] == ['region "one"', "region two"]


def test_plot(runs, tmp):
    r = tool("plot", runs / "system.jsonl", runs / "vectorized.jsonl", "-o", tmp / "roof.svg",
             *PEAK, "--bandwidth", "20")
    assert r.returncode == 0, r.stderr
    doc = xml.dom.minidom.parse(str(tmp / "roof.svg"))   # well-formed XML
    points = [g for g in doc.getElementsByTagName("g") if g.getAttribute("id") == "points"][0]
    circles = points.getElementsByTagName("circle")
    shapes = [k for k in shapes_of(runs / "system.jsonl", runs / "vectorized.jsonl")
              if k[0] in ("sgemm", "dgemm")]               # the routines with operand sizes
    assert len(circles) == len(shapes)                    # one per shape
    assert len(doc.getElementsByTagName("circle")) == len(shapes) + 2   # a legend entry per kernel
    text = " ".join(t.firstChild.data for t in doc.getElementsByTagName("text") if t.firstChild)
    assert "arithmetic intensity" in text and "GFLOP/s" in text and "memory roof 20.0 GB/s" in text
    assert "fp32 roof" in text and "Legend" in text and f"Roofline: {len(shapes)} shapes" in text


def test_plot_needs_an_output(runs):
    r = tool("plot", runs / "system.jsonl")
    assert r.returncode == 2 and "plot needs -o" in r.stderr


# ---- bad input ------------------------------------------------------------------------------

def lines_of(runs):
    return (runs / "system.jsonl").read_text().splitlines(keepends=True)


def test_cut_off_report(runs, tmp):
    lines = lines_of(runs)
    cut = "".join(lines[:-3]) + lines[-3][: len(lines[-3]) // 2]   # killed mid-line
    (tmp / "cut.jsonl").write_text(cut)
    r = tool("summary", "--json", *PEAK, tmp / "cut.jsonl")
    assert r.returncode == 0
    assert r.stderr.count("cut off") == 1 and len(r.stderr.splitlines()) == 1
    assert json.loads(r.stdout)["calls"] == len(lines) - 4   # header, summary, 2 lost lines


def test_malformed_line_is_named_and_skipped(runs, tmp):
    lines = lines_of(runs)
    lines[5] = '{"type":"call","seq":"five"}\n'
    lines[9] = "garbage\n"
    (tmp / "bad.jsonl").write_text("".join(lines))
    r = tool("summary", "--json", *PEAK, tmp / "bad.jsonl")
    assert r.returncode == 1
    errs = r.stderr.splitlines()
    assert errs[0].startswith(f"{tmp / 'bad.jsonl'}:6: call record") and errs[1].startswith(f"{tmp / 'bad.jsonl'}:10: ")
    assert json.loads(r.stdout)["calls"] == len(lines) - 4


@pytest.mark.parametrize("content,message", [
    ("", "empty file"),
    ("this is not a report\n", "not a blasshim report"),
    ("\x00\xff\xfe binary\n", "not a blasshim report"),
])
def test_unusable_files(tmp, content, message):
    (tmp / "x.jsonl").write_text(content, encoding="latin-1")
    for cmd in ("summary", "csv", "trace"):
        r = tool(cmd, tmp / "x.jsonl")
        assert r.returncode == 2 and message in r.stderr and len(r.stderr.splitlines()) == 1


def test_no_call_records(runs, tmp):
    lines = lines_of(runs)
    (tmp / "none.jsonl").write_text(lines[0] + lines[-1])
    r = tool("summary", tmp / "none.jsonl")
    assert r.returncode == 2 and "no call records" in r.stderr


def test_missing_file_unknown_command_and_option(runs):
    r = tool("summary", "/no/such/report.jsonl")
    assert r.returncode == 2 and "No such file or directory" in r.stderr
    r = tool("frobnicate", runs / "system.jsonl")
    assert r.returncode == 2 and "unknown command" in r.stderr
    r = tool("summary", "--fast", runs / "system.jsonl")
    assert r.returncode == 2 and "unknown option --fast" in r.stderr
    r = tool("compare", runs / "system.jsonl")
    assert r.returncode == 2 and "two reports" in r.stderr
    for cmd in ("summary", "compare", "csv", "trace", "plot", "html"):
        r = tool(cmd, "--help")
        assert r.returncode == 0 and r.stdout.startswith("usage: blasshim-report")


def test_random_bytes_never_crash(tmp):
    rng = random.Random(5)
    for i in range(40):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000)))
        (tmp / "r.jsonl").write_bytes(data)
        for cmd in ("summary", "csv"):
            r = subprocess.run([str(TOOL), cmd, str(tmp / "r.jsonl")], capture_output=True, timeout=30)
            assert r.returncode in (0, 1, 2), (i, r.returncode)   # negative: killed by a signal


@pytest.mark.skipif(bool(os.environ.get("BS_TEST_PRELOAD_FIRST")),
                    reason="under make asan the sanitizer's quarantine holds freed memory")
def test_large_report_streams(runs, tmp):
    """200 000 call lines (~120 MB): the tool's memory stays flat, far below the file's size."""
    lines = lines_of(runs)
    head, calls = lines[0], [l for l in lines if '"type":"call"' in l]
    with open(tmp / "big.jsonl", "w") as f:
        f.write(head)
        for i in range(200_000 // len(calls) + 1):
            f.writelines(calls)
    # a wrapper process whose only child is the tool reports the tool's peak RSS
    measure = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], capture_output=True);"
               "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    size_kb = (tmp / "big.jsonl").stat().st_size // 1024
    assert size_kb > 100_000
    # summary; and compare, which keeps call times for its medians (at most 4096 per shape)
    for args in (["summary", "--json", *PEAK], ["compare", "--json", "--base"]):
        files = [str(tmp / "big.jsonl")] + (["--new", str(tmp / "big.jsonl")] if "--base" in args else [])
        r = subprocess.run([PYTHON, "-c", measure, str(TOOL), *args, *files], capture_output=True,
                           text=True, timeout=300)
        rc, peak_kb = map(int, r.stdout.split())
        assert rc == 0
        assert peak_kb < 20_000, (args[0], peak_kb, size_kb)
