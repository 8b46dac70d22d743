"""Issue 12: comparisons a user can act on. Reports from real runs under different BLAS
environments (OPENBLAS_CORETYPE set and unset, OPENBLAS_NUM_THREADS 1 and 2): the header's
account of the real BLAS checked against the library itself (asked through ctypes in a process
with the same environment); compare's difference lines; compare's statistics, summary's
%peak, phases and verify results recomputed here from the call lines."""
import ctypes.util
import json
import math
import os
import statistics
import subprocess
from collections import defaultdict

import pytest

from conftest import BUILD, LIB, NETLIB, PYTHON, Report, base_env

TOOL = BUILD / "blasshim-report"

# a small workload: 12 dgemm 160^3, 7 sgemm 48x24x40, one dgemm of a shape of its own; marks
# between the parts when the shim provides blasshim_mark
WORKLOAD = r'''
import ctypes, numpy as np
mark = getattr(ctypes.CDLL(None), "blasshim_mark", None)
rng = np.random.default_rng(1)
a, b = rng.random((160, 160)), rng.random((160, 160))
s, t = rng.random((48, 40), np.float32), rng.random((40, 24), np.float32)
u, v = rng.random((30, 20)), rng.random((20, 10))
if mark: mark(b"big")
for i in range(12): a @ b
if mark: mark(b"small")
for i in range(7): s @ t
if mark: mark(b"odd")
u @ v
'''

PREFIXES = ("OPENBLAS_", "GOTO", "OMP_", "MKL_", "BLIS_", "BLASSHIM_")
HAS_AVX2 = "avx2" in open("/proc/cpuinfo").read()


def clean_env(**extra):
    """base_env without any BLAS variable of the caller's, plus extra (None: left unset)."""
    env = {k: v for k, v in base_env().items() if not k.startswith(PREFIXES)}
    env.update({k: str(v) for k, v in extra.items() if v is not None})
    return env


def run_workload(d, name, preload=True, **extra):
    (d / "work.py").write_text(WORKLOAD)
    env = clean_env(BLASSHIM_REPORT=d / f"{name}.jsonl", **extra)
    if preload:
        env["LD_PRELOAD"] = base_env(LD_PRELOAD=LIB)["LD_PRELOAD"]
    r = subprocess.run([PYTHON, d / "work.py"], cwd=d, env=env, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    return d / f"{name}.jsonl", env


ENVS = {   # name: (OPENBLAS_CORETYPE, OPENBLAS_NUM_THREADS, other settings)
    "haswell1": ("Haswell", 1, {}),
    "plain2": (None, 2, {}),
    "plain1": (None, 1, {}),
    "plain1b": (None, 1, {}),
    "vec": (None, 2, {"BLASSHIM_KERNEL": "vectorized", "BLASSHIM_VERIFY": 2}),
    "netlib": (None, None, {"BLASSHIM_REAL_BLAS": NETLIB}),
    "agg": (None, 1, {"BLASSHIM_LOG": "summary"}),
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    d = tmp_path_factory.mktemp("baseline")
    out = {}
    for name, (core, threads, more) in ENVS.items():
        if core and not HAS_AVX2:
            core = "Nehalem"   # a core this CPU can run
        out[name] = run_workload(d, name, OPENBLAS_CORETYPE=core, OPENBLAS_NUM_THREADS=threads,
                                 **more)
    out["dir"] = d
    return out


def tool(*args, cache=None, check=True):
    env = dict(os.environ)
    env["XDG_CACHE_HOME"] = str(cache) if cache else "/nonexistent-cache-dir"
    r = subprocess.run([str(TOOL), *map(str, args)], capture_output=True, text=True, timeout=120,
                       env=env)
    if check:
        assert r.returncode == 0, r.stderr
    return r


def what_the_library_says(library, env):
    """openblas_get_config/_corename/_num_threads asked directly, in a process with env."""
    code = ("import ctypes, sys; l = ctypes.CDLL(sys.argv[1]);"
            "l.openblas_get_config.restype = l.openblas_get_corename.restype = ctypes.c_char_p;"
            "print(l.openblas_get_config().decode()); print(l.openblas_get_corename().decode());"
            "print(l.openblas_get_num_threads())")
    env = {k: v for k, v in env.items() if k != "LD_PRELOAD"}
    r = subprocess.run([PYTHON, "-c", code, library], env=env, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    config, core, threads = r.stdout.splitlines()
    return config, core, int(threads)


# ---- the header ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["haswell1", "plain2", "plain1"])
def test_header_names_the_real_blas(runs, name):
    path, env = runs[name]
    rep = Report(path)
    h = rep.header
    blas = h["blas"]
    assert blas["file"] == os.path.realpath(h["real_blas"])
    # every BLAS variable of the process, exactly
    assert h["blas_env"] == {k: v for k, v in env.items() if k.startswith(PREFIXES)}
    if blas["vendor"] != "OpenBLAS":
        pytest.skip(f"the system BLAS here is {blas['vendor']}, not OpenBLAS")
    library = blas["library"] or blas["file"]
    config, core, threads = what_the_library_says(library, env)
    assert blas["config"] == config and blas["core"] == core
    assert blas["version"] == config.split()[1]   # "OpenBLAS 0.3.21 ..."
    assert blas["parallel"] in ("sequential", "pthreads", "openmp")
    assert blas["threads"] == threads
    want = int(env["OPENBLAS_NUM_THREADS"])
    assert threads == min(want, len(os.sched_getaffinity(0))) or blas["parallel"] == "sequential"
    if env.get("OPENBLAS_CORETYPE"):
        assert blas["core"].lower() == env["OPENBLAS_CORETYPE"].lower()
        assert "OPENBLAS_CORETYPE" in h["blas_env"]
    else:
        assert "OPENBLAS_CORETYPE" not in h["blas_env"]
    # every call on the real BLAS carries its thread count
    assert all(c["threads"] == threads for c in rep.calls if c["kernel"] == "system")


def test_header_says_reference_blas(runs):
    path, _ = runs["netlib"]
    rep = Report(path)
    blas = rep.header["blas"]
    real = os.path.realpath(NETLIB)
    assert blas["file"] == real and blas["vendor"] == "reference"
    assert blas["version"] == real.split(".so.")[1]   # libblas.so.3.11.0 -> 3.11.0
    assert blas["threads"] == 1 and blas["parallel"] == "sequential"
    assert blas["core"] is None and blas["config"] is None
    assert all(c["threads"] == 1 for c in rep.calls)


# ---- compare: the baseline's differences ---------------------------------------------------

def test_compare_prints_the_differences(runs):
    base, benv = runs["haswell1"]
    new, nenv = runs["plain2"]
    hb, hn = Report(base).header, Report(new).header
    c = json.loads(tool("compare", "--json", base, new).stdout)
    texts = [d["text"] for d in c["differences"]]
    vendor = hb["blas"]["vendor"]
    core = benv["OPENBLAS_CORETYPE"]
    assert f"base ran {vendor} with OPENBLAS_CORETYPE={core}; new did not set it" in texts
    assert f"base ran {vendor} with OPENBLAS_NUM_THREADS=1; new with OPENBLAS_NUM_THREADS=2" in texts
    if hb["blas"]["threads"] != hn["blas"]["threads"]:
        assert f"BLAS threads: base {hb['blas']['threads']}, new {hn['blas']['threads']}" in texts
    if hb["blas"]["core"] != hn["blas"]["core"]:
        assert f"BLAS core: base {hb['blas']['core']}, new {hn['blas']['core']}" in texts
    # nothing else differs: same library, same machine; the report names are not a difference
    assert {d["what"] for d in c["differences"]} <= {"OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS",
                                                     "BLAS threads", "BLAS core"}
    diff = next(d for d in c["differences"] if d["what"] == "OPENBLAS_CORETYPE")
    assert (diff["base"], diff["new"]) == (core, None)
    # the text output prints the same lines before the table
    out = tool("compare", base, new).stdout
    before_table = out[:out.index("m x n x k")]
    for t in texts:
        assert f"  {t}\n" in before_table


def test_compare_same_baseline_prints_no_differences(runs):
    c = json.loads(tool("compare", "--json", runs["plain1"][0], runs["plain1b"][0]).stdout)
    assert c["differences"] == []


def test_compare_other_library(runs):
    c = json.loads(tool("compare", "--json", runs["plain1"][0], runs["netlib"][0]).stdout)
    d = next(d for d in c["differences"] if d["what"] == "real BLAS")
    assert d["new"].startswith("reference ") and os.path.realpath(NETLIB) in d["new"]
    assert any(d["what"] == "BLASSHIM_REAL_BLAS" and d["base"] is None for d in c["differences"])


# ---- compare: the statistics ----------------------------------------------------------------

def side(paths, keep_cold=False):
    """{(routine, ta, tb, m, n, k): (all walls, warm walls, cold walls)} from the call lines:
    each process's first call of a shape is its cold one."""
    out = defaultdict(lambda: ([], [], []))
    for p in paths:
        seen = set()
        for c in Report(p).calls:
            key = (c["routine"], c["transa"], c["transb"], c["m"], c["n"], c["k"])
            allw, warm, cold = out[key]
            allw.append(c["wall_ns"])
            (warm if (c["pid"], key) in seen else cold).append(c["wall_ns"])
            seen.add((c["pid"], key))
    return out


def stats(warm, cold, keep_cold):
    used = sorted(warm + cold if keep_cold or not warm else warm)
    p95 = used[max(0, math.ceil(0.95 * len(used)) - 1)]
    return statistics.median(used), used[0], p95, len(used)


def check_compare(c, bpaths, npaths, keep_cold=False):
    b, n = side(bpaths), side(npaths)
    assert len(c["shapes"]) == len(set(b) & set(n))
    tb = tn = sb = sn = 0.0
    for e in c["shapes"]:
        key = (e["routine"], e["transa"], e["transb"], e["m"], e["n"], e["k"])
        mb, lb, pb, ub = stats(b[key][1], b[key][2], keep_cold)
        mn, ln, pn, un = stats(n[key][1], n[key][2], keep_cold)
        for got, (allw, warm, cold), want in ((e["base"], b[key], (mb, lb, pb, ub)),
                                              (e["new"], n[key], (mn, ln, pn, un))):
            assert got["calls"] == len(allw) and got["cold_calls"] == len(cold)
            assert math.isclose(got["cold_mean_ns"], sum(cold) / len(cold))
            assert (got["median_ns"], got["min_ns"], got["p95_ns"], got["calls_used"]) == want
            assert got["exact"]
        significant = ub >= 5 and un >= 5 and (lb > pn or ln > pb)
        assert e["significant"] == significant, e
        if not significant:
            assert e["not_significant_because"] == (
                "fewer than 5 calls" if ub < 5 or un < 5 else "spreads overlap")
        assert math.isclose(e["speedup"], mb / mn)
        w = len(b[key][0])
        tb, tn = tb + w * mb, tn + w * mn
        if significant:
            sb, sn = sb + w * mb, sn + w * mn
    assert math.isclose(c["base_ns"], tb) and math.isclose(c["new_ns"], tn)
    assert math.isclose(c["speedup"], tb / tn)
    assert math.isclose(c["significant_base_ns"], sb) and math.isclose(c["significant_new_ns"], sn)
    assert math.isclose(c["significant_share"], sb / tb)


def test_compare_statistics(runs):
    base, new = runs["plain1"][0], runs["vec"][0]
    c = json.loads(tool("compare", "--json", base, new).stdout)
    check_compare(c, [base], [new])
    assert (c["base_label"], c["new_label"]) == ("system", "vectorized")
    # the 1-call shape is never significant
    odd = next(e for e in c["shapes"] if (e["m"], e["n"], e["k"]) == (30, 10, 20))
    assert not odd["significant"] and odd["not_significant_because"] == "fewer than 5 calls"
    assert odd["base"]["calls_used"] == 1 and odd["base"]["cold_calls"] == 1


def test_compare_keep_cold(runs):
    base, new = runs["plain1"][0], runs["vec"][0]
    c = json.loads(tool("compare", "--json", "--keep-cold", base, new).stdout)
    assert c["keep_cold"]
    check_compare(c, [base], [new], keep_cold=True)


def test_compare_pooled(runs):
    b1, b2, n1 = runs["plain1"][0], runs["plain1b"][0], runs["vec"][0]
    c = json.loads(tool("compare", "--json", "--base", b1, b2, "--new", n1).stdout)
    check_compare(c, [b1, b2], [n1])
    big = next(e for e in c["shapes"] if e["m"] == 160)
    assert big["base"]["calls"] == 24 and big["base"]["cold_calls"] == 2


def test_compare_text(runs):
    base, new = runs["plain1"][0], runs["vec"][0]
    c = json.loads(tool("compare", "--json", base, new).stdout)
    out = tool("compare", base, new).stdout.splitlines()
    title = next(l for l in out if "base: system" in l and "new: vectorized" in l and "---" in l)
    assert title.index("base: system") < title.index("new: vectorized")
    head = next(l for l in out if l.startswith("gemm "))
    assert head.split().count("median") == 2 and head.split().count("cold") == 2
    for e in (e for e in c["shapes"] if e["routine"].endswith("gemm")):
        row = next(l for l in out if l.startswith(f"{e['routine']} ") and
                   f" {e['m']}x{e['n']}x{e['k']} " in l)
        assert row.endswith(" ~") == (not e["significant"])
        assert f"{e['speedup']:.2f}x" in row
        assert f"{e['base']['median_ns'] / 1e3:.1f}" in row and f"{e['new']['p95_ns'] / 1e3:.1f}" in row
    total = next(l for l in out if l.startswith("matched shapes"))
    assert f"speedup {c['speedup']:.2f}x" in total


def test_compare_summary_mode_has_no_call_times(runs):
    """Aggregates carry no call times: their rows use the mean and are never significant."""
    agg, plain = runs["agg"][0], runs["plain1"][0]
    aggs = Report(agg).only()["aggregates"]
    c = json.loads(tool("compare", "--json", agg, plain).stdout)
    assert c["base_label"] == "system" and c["shapes"]
    n = side([plain])
    for e in c["shapes"]:
        a = [x for x in aggs if (x["routine"], x["m"], x["n"], x["k"]) == (e["routine"], e["m"], e["n"], e["k"])]
        assert e["base"]["median_ns"] is None and e["base"]["calls"] == sum(x["count"] for x in a)
        assert not e["significant"] and e["not_significant_because"] == "no call times"
        mean = sum(x["wall_ns"] for x in a) / sum(x["count"] for x in a)
        key = (e["routine"], e["transa"], e["transb"], e["m"], e["n"], e["k"])
        assert math.isclose(e["speedup"], mean / stats(n[key][1], n[key][2], False)[0])


def test_compare_usage(runs):
    b = runs["plain1"][0]
    r = tool("compare", "--base", b, check=False)
    assert r.returncode == 2 and "--base" in r.stderr
    r = tool("compare", b, "--new", b, check=False)
    assert r.returncode == 2


# ---- %peak ------------------------------------------------------------------------------------

def test_peak_is_measured_once_and_cached(runs, tmp_path):
    path = runs["plain2"][0]
    first = tool("summary", "--json", path, cache=tmp_path)
    cache = tmp_path / "blasshim" / "machines.json"
    entries = json.loads(cache.read_text())
    model = Report(path).header["cpu_model"]
    assert list(entries) == [model] and entries[model]["fp64_gflops"] > 0
    second = tool("summary", "--json", path, cache=tmp_path)
    assert first.stdout == second.stdout
    assert tool("summary", path, cache=tmp_path).stdout == tool("summary", path, cache=tmp_path).stdout
    s = json.loads(first.stdout)
    assert s["peak"]["fp64_per_core"] == entries[model]["fp64_gflops"]
    assert str(cache) in s["peak"]["source"]
    # %peak: GFLOP/s over one core's peak times the threads that worked (system: the BLAS's)
    rep = Report(path)
    for e in s["top_shapes"]:
        cs = [c for c in rep.calls if (c["routine"], c["m"], c["n"], c["k"]) ==
              (e["routine"], e["m"], e["n"], e["k"])]
        threads = sum(c["threads"] for c in cs) / len(cs)
        assert e["threads"] == threads == rep.header["blas"]["threads"]
        per_core = s["peak"]["fp32_per_core" if e["routine"][0] in "sc" else "fp64_per_core"]
        assert math.isclose(e["peak_share"], e["gflops"] / (per_core * threads))
    # --remeasure measures again and keeps the new numbers; --peak overrides without the cache
    stamp = entries[model]["measured"]
    tool("summary", "--remeasure", path, cache=tmp_path)
    again = json.loads(cache.read_text())[model]
    assert again["fp64_gflops"] > 0 and again["measured"] >= stamp
    s = json.loads(tool("summary", "--json", "--peak", "10,5", path, cache=tmp_path).stdout)
    assert s["peak"]["fp64_per_core"] == 5 and s["peak"]["source"] == "given with --peak"


def test_report_from_another_cpu_model(runs, tmp_path):
    lines = runs["plain2"][0].read_text().splitlines()
    head = json.loads(lines[0])
    head["cpu_model"] = "Imaginary CPU 9000"
    (tmp_path / "away.jsonl").write_text("\n".join([json.dumps(head)] + lines[1:]) + "\n")
    r = tool("summary", tmp_path / "away.jsonl", cache=tmp_path, check=False)
    assert r.returncode == 2
    assert "Imaginary CPU 9000" in r.stderr and "--peak" in r.stderr
    assert not (tmp_path / "blasshim" / "machines.json").exists()   # nothing measured for it
    (tmp_path / "blasshim").mkdir()
    (tmp_path / "blasshim" / "machines.json").write_text(json.dumps(
        {"Imaginary CPU 9000": {"fp32_gflops": 64.0, "fp64_gflops": 32.0, "measured": "then"}}))
    r = tool("summary", "--json", tmp_path / "away.jsonl", cache=tmp_path)
    assert "made on \"Imaginary CPU 9000\"" in r.stderr
    s = json.loads(r.stdout)
    assert s["peak"]["fp64_per_core"] == 32.0 and "Imaginary CPU 9000" in s["peak"]["source"]
    r = tool("summary", "--peak", "64,32", tmp_path / "away.jsonl", cache=tmp_path)
    assert "given with --peak" in r.stdout


def test_plot_bandwidth_is_cached(runs, tmp_path):
    path = runs["plain2"][0]
    tool("plot", path, "-o", tmp_path / "a.svg", cache=tmp_path)
    bw = json.loads((tmp_path / "blasshim" / "machines.json").read_text())
    (entry,) = bw.values()
    assert entry["bandwidth_gbs"] > 0
    tool("plot", path, "-o", tmp_path / "b.svg", cache=tmp_path)
    assert (tmp_path / "a.svg").read_text() == (tmp_path / "b.svg").read_text()


# ---- summary: phases and verify ------------------------------------------------------------------

def phases_of(path):
    """[(pid, tid, mark, calls, wall, flops, span)] per thread between its marks, file order."""
    cur, out, order = {}, [], []
    for line in path.read_text().splitlines():
        rec = json.loads(line)
        if rec["type"] not in ("mark", "call"):
            continue
        key = (rec["pid"], rec["tid"])
        if rec["type"] == "mark":
            if key in cur:
                cur[key]["end"] = rec["ts_ns"]
            cur[key] = {"key": key, "mark": rec["name"], "start": rec["ts_ns"], "end": None,
                        "calls": 0, "wall": 0, "flops": 0}
            out.append(cur[key])
        else:
            if key not in cur:
                cur[key] = {"key": key, "mark": "(start)", "start": None, "end": None,
                            "calls": 0, "wall": 0, "flops": 0}
                out.append(cur[key])
            p = cur[key]
            p["calls"] += 1
            p["wall"] += rec["wall_ns"]
            p["flops"] += rec["flops"] or 0
    out.sort(key=lambda p: p["key"])   # stable: per thread, in the order of the marks
    return out


def test_phases_between_marks(runs):
    path = runs["plain2"][0]
    s = json.loads(tool("summary", "--json", "--peak", "100", path).stdout)
    want = phases_of(path)
    assert [p["mark"] for p in s["phases"]] == [p["mark"] for p in want]
    assert [p["mark"] for p in want if p["calls"]] == ["(start)", "big", "small", "odd"]
    for got, p in zip(s["phases"], want):
        assert (got["pid"], got["tid"]) == p["key"]
        assert (got["calls"], got["blas_ns"], got["flops"]) == (p["calls"], p["wall"], p["flops"])
        span = p["end"] - p["start"] if p["start"] is not None and p["end"] is not None else None
        assert got["span_ns"] == span
        if p["calls"]:
            assert math.isclose(got["gflops"], p["flops"] / p["wall"])
    big = next(p for p in s["phases"] if p["mark"] == "big")
    assert big["calls"] == 12
    out = tool("summary", "--peak", "100", path).stdout
    assert "phases: the BLAS calls of each thread between its marks" in out
    row = next(l for l in out.splitlines() if " big " in l)
    assert f"{big['blas_ns'] / 1e6:.3f}" in row


def test_verify_results_in_summary(runs):
    path = runs["vec"][0]
    calls = Report(path).calls
    verified = [c for c in calls if c["max_rel_err"] is not None]
    assert verified and len(verified) < len([c for c in calls if c["kernel"] != "system"])
    s = json.loads(tool("summary", "--json", "--peak", "100", path).stdout)
    v = s["verify"]
    assert v["calls_verified"] == len(verified)
    assert v["nonfinite_calls"] == sum(c["nonfinite"] for c in verified)
    worst = defaultdict(float)
    for c in verified:
        key = (c["routine"], c["kernel"], c["m"], c["n"], c["k"])
        worst[key] = max(worst[key], c["max_rel_err"])
    assert {(e["routine"], e["kernel"], e["m"], e["n"], e["k"]): e["worst_max_rel_err"]
            for e in v["shapes"]} == dict(worst)
    out = tool("summary", "--peak", "100", path).stdout
    assert f"verify: {len(verified)} of {len(calls)} calls checked" in out
    # a report without verified calls shows no verify section
    plain = runs["plain1"][0]
    assert "verify" not in json.loads(tool("summary", "--json", "--peak", "100", plain).stdout)
    assert "verify:" not in tool("summary", "--peak", "100", plain).stdout
