"""blasshim-report html and plot on reports of a real NumPy program under the shim: the page
loaded in headless Chromium (no console errors, a screenshot), its tables against numbers
recomputed here from the report lines, the flame graph's widths against the BLAS total; the
roofline rendered to PNG by rsvg-convert and ImageMagick, its colours found in the pixels."""
import json
import math
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import BUILD, PYTHON, ROOT, Report, run

TOOL = BUILD / "blasshim-report"
FIXED = ["--peak", "100,50", "--bandwidth", "20"]   # roofs that do not depend on this machine
WORKLOAD = ROOT / "tests" / "integration" / "html_workload.py"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
KERNEL_COLORS = {"system": "#1b9e77", "naive": "#d95f02", "blocked": "#7570b3",
                 "vectorized": "#e7298a", "parallel": "#66a61e"}
ROOF_FP32, ROOF_FP64, ROOF_MEMORY = "#1f3a93", "#b22222", "#444444"


def tool(*args, timeout=120):
    return subprocess.run([str(TOOL), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    d = tmp_path_factory.mktemp("html")
    for kernel in ("naive", "vectorized"):
        r = run([PYTHON, WORKLOAD], d, BLASSHIM_KERNEL=kernel, BLASSHIM_PYSTACK=4,
                BLASSHIM_REPORT=d / f"{kernel}.jsonl")
        assert r.returncode == 0, r.stderr
    r = run([PYTHON, WORKLOAD], d, BLASSHIM_KERNEL="parallel", BLASSHIM_LOG="summary",
            BLASSHIM_REPORT=d / "summary.jsonl")
    assert r.returncode == 0, r.stderr
    return d


# ---- headless Chromium, bounded --------------------------------------------------------------

def chromium(url, *args, timeout=90):
    """Run headless Chromium on url in a fresh profile; returns (stdout, console lines). The
    whole process group is killed if it outlives timeout."""
    profile = tempfile.mkdtemp(prefix="bs-chromium-")
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
           *args, url]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         start_new_session=True)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        raise
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    console = [l for l in err.splitlines() if ":CONSOLE" in l]
    return out, console


def test_console_errors_are_seen(tmp):
    """The console capture the page tests rely on does catch a script error."""
    (tmp / "bad.html").write_text("<!DOCTYPE html><p id=x>a</p><script>"
                                  "document.getElementById('x').textContent='b';"
                                  "throw new Error('deliberate');</script>")
    dom, console = chromium((tmp / "bad.html").as_uri(), "--dump-dom")
    assert '<p id="x">b</p>' in dom                        # the script ran
    assert any("deliberate" in l for l in console)


# ---- the page's DOM as tables ----------------------------------------------------------------

class Tables(HTMLParser):
    """Every <table id=...>: rows of cells, each cell (text, data-v or None); and every
    flame-graph rect's (depth, ns, width)."""

    def __init__(self):
        super().__init__()
        self.tables, self.flame, self.svgs = {}, [], []
        self._table = self._row = self._cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self._table = self.tables.setdefault(a.get("id", f"t{len(self.tables)}"), [])
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ["", a.get("data-v")]
        elif tag == "rect" and "data-depth" in a:
            self.flame.append((int(a["data-depth"]), int(a["data-ns"]), float(a["width"])))
        elif tag == "svg":
            self.svgs.append(a.get("id"))

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append((self._cell[0].strip(), self._cell[1]))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._table.append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[0] += data


def parse(html):
    t = Tables()
    t.feed(html)
    return t


def rows(table):
    """[{header: (text, data-v)}] for the body rows of a parsed table."""
    head = [c[0] for c in table[0]]
    return [dict(zip(head, r)) for r in table[1:]]


def num(cell):
    return float(cell[1])


@pytest.fixture(scope="module")
def page(reports, tmp_path_factory):
    """The page of the two calls-mode runs, as Chromium has it after loading it."""
    d = tmp_path_factory.mktemp("page")
    files = [reports / "naive.jsonl", reports / "vectorized.jsonl"]
    r = tool("html", *files, *FIXED, "--top", "100", "-o", d / "report.html")
    assert r.returncode == 0, r.stderr
    dom, console = chromium((d / "report.html").as_uri(), "--dump-dom")
    shot = d / "shot.png"
    _, console2 = chromium((d / "report.html").as_uri(), f"--screenshot={shot}",
                           "--window-size=1200,6000")
    return {"html": (d / "report.html").read_text(), "dom": dom, "console": console + console2,
            "shot": shot, "files": files, "dir": d}


def test_page_loads_without_console_errors(page):
    assert page["console"] == [], page["console"]
    assert page["dom"].lstrip().startswith("<!DOCTYPE html>") or "<html" in page["dom"][:200]
    # a screenshot was taken, and it is not blank (PNG of some size; look at it when in doubt)
    assert page["shot"].stat().st_size > 50_000


def test_page_is_self_contained(page):
    html = page["html"]
    # nothing fetched: no external script, style, font, image or frame
    assert not re.search(r'<(script|img|iframe|link)[^>]+(src|href)=', html, re.I)
    assert "url(" not in html and "@import" not in html and "@font-face" not in html
    assert html.count("<script>") == 1 and len(re.search(r"<script>(.*?)</script>", html, re.S).group(1)) < 2000
    assert len(html) < 3_000_000


def test_glance_and_kernel_tables(page):
    t = parse(page["dom"])
    reps = [Report(f) for f in page["files"]]
    calls = [c for r in reps for c in r.calls]
    glance = {r[0][0]: r[1] for r in t.tables["glance-table"]}
    assert num(glance["processes"]) == 2 and num(glance["BLAS calls"]) == len(calls)
    blas = sum(c["wall_ns"] for c in calls)
    assert num(glance["BLAS time"]) == blas
    life = sum(r.only()["summary"]["elapsed_ns"] for r in reps)
    assert num(glance["process time"]) == life
    assert math.isclose(num(glance["BLAS share of the process time"]), 100 * blas / life)
    assert math.isclose(num(glance["GFLOP/s over the BLAS time"]),
                        sum(c["flops"] or 0 for c in calls) / blas)
    procs = rows(t.tables["procs"])
    for r in reps:
        row = next(p for p in procs if num(p["pid"]) == r.header["pid"])
        assert row["kernels"][0] == " ".join(f"{k}={v}" for k, v in r.header["kernels"].items())
        assert row["real BLAS"][0] == r.header["real_blas"]
        assert row["machine"][0] == r.header["cpu_model"]
        assert num(row["calls"]) == len(r.calls)
        assert num(row["BLAS ms"]) == sum(c["wall_ns"] for c in r.calls)
    by = defaultdict(lambda: [0, 0])
    for c in calls:
        by[(c["routine"], c["kernel"])][0] += 1
        by[(c["routine"], c["kernel"])][1] += c["wall_ns"]
    got = {(r["routine"][0], r["kernel"][0].lstrip("\u25cf ")): [num(r["calls"]), num(r["total ms"])]
           for r in rows(t.tables["by-kernel"])}
    assert got == {k: [float(v[0]), float(v[1])] for k, v in by.items()}


def test_top_shapes_table(page):
    t = parse(page["dom"])
    calls = [c for f in page["files"] for c in Report(f).calls]
    shapes = defaultdict(list)
    for c in calls:
        dims = (f"{c['m']}x{c['n']}x{c['k']}" if c["m"] is not None else f"n={c['n']}")
        shapes[(c["routine"], dims, c["kernel"])].append(c)
    table = rows(t.tables["shapes-table"])
    assert len(table) == len(shapes)
    walls = [num(r["total ms"]) for r in table]
    assert walls == sorted(walls, reverse=True)
    for r in table:
        cs = shapes[(r["routine"][0], r["m x n x k"][0], r["kernel"][0])]
        w = [c["wall_ns"] for c in cs]
        assert num(r["calls"]) == len(cs) and num(r["total ms"]) == sum(w)
        assert r["total ms"][0] == f"{sum(w) / 1e6:.3f}"
        assert num(r["max us"]) == max(w)
        assert math.isclose(num(r["mean us"]), sum(w) / len(w))
        assert math.isclose(num(r["GFLOP/s"]), sum(c["flops"] for c in cs) / sum(w))
        ncpus = Report(page["files"][0]).header["ncpus"]
        roof = (100.0 if r["routine"][0][0] in "sc" else 50.0) * (cs[0]["threads"] or ncpus)
        assert math.isclose(num(r["% peak"]), 100 * num(r["GFLOP/s"]) / roof)
    assert 'class="sortable"' in page["html"]


def test_hot_lines_with_source_and_stacks(page):
    t = parse(page["dom"])
    calls = [c for f in page["files"] for c in Report(f).calls]
    lines = defaultdict(list)
    for c in calls:
        lines[c["py_caller"]].append(c)
    table = rows(t.tables["lines-table"])
    hot = table[0]
    top = max(lines, key=lambda k: sum(c["wall_ns"] for c in lines[k]))
    assert top in hot["line"][0] and top.startswith(str(WORKLOAD))
    assert num(hot["total ms"]) == sum(c["wall_ns"] for c in lines[top])
    assert num(hot["calls"]) == len(lines[top])
    # the source line's text, read from the file
    assert "c = a @ b" in hot["line"][0]
    # the stacks below it: each of its py_stack frames is listed
    for frame in {f for c in lines[top] for f in c["py_stack"]}:
        if sum(c["wall_ns"] for c in lines[top] if frame in c["py_stack"]) > 0.05 * sum(
                c["wall_ns"] for c in lines[top]):
            assert frame in hot["line"][0], frame
    sites = rows(t.tables["sites-table"])
    assert sum(num(r["calls"]) for r in sites) == len(calls)


def test_flame_graph_adds_up(page):
    t = parse(page["dom"])
    calls = [c for f in page["files"] for c in Report(f).calls]
    total = sum(c["wall_ns"] for c in calls)
    root = [f for f in t.flame if f[0] == 0]
    assert root == [(0, total, 1100.0)]
    first = [f for f in t.flame if f[0] == 1]
    assert sum(f[1] for f in first) == total            # the outermost frames: all BLAS time
    assert math.isclose(sum(f[2] for f in first), 1100, abs_tol=0.1)
    # the outermost frame of every call's folded stack (as `folded` writes it), with its time
    outer = defaultdict(int)
    folded = tool("folded", *page["files"]).stdout.splitlines()
    for line in folded:
        stack, ns = line.rsplit(" ", 1)
        outer[stack.split(";")[0]] += int(ns)
    assert sum(outer.values()) == total
    for c in calls:   # and `folded` itself: the stacks of the call lines
        outermost = c["py_stack"][-1] if c.get("py_stack") else c.get("py_caller")
        assert outermost in outer if outermost else True
    narrow = [v for v in outer.values() if v * 1100 / total < 0.5]   # merged into one box
    want = [v for v in outer.values() if v * 1100 / total >= 0.5] + ([sum(narrow)] if narrow else [])
    assert sorted(f[1] for f in first) == sorted(want)


def test_timeline_and_phases(page):
    t = parse(page["dom"])
    assert "timeline" in t.svgs and "flame" in t.svgs
    # phases: each thread's calls between its own marks, in the order of the report's lines
    want = defaultdict(lambda: [0, 0])
    for f in page["files"]:
        current = {}
        for line in Path(f).read_text().splitlines():
            rec = json.loads(line)
            thread = (rec.get("pid"), rec.get("tid"))
            if rec["type"] == "mark":
                current[thread] = rec["name"]
            elif rec["type"] == "call":
                e = want[(*thread, current.get(thread, "(start)"))]
                e[0] += 1
                e[1] += rec["wall_ns"]
    got = {(int(num(r["pid"])), int(num(r["tid"])), r["from mark"][0]): [num(r["calls"]), num(r["BLAS ms"])]
           for r in rows(t.tables["phases"])}
    assert got == {k: [float(v[0]), float(v[1])] for k, v in want.items()}
    assert {"small products", "big products", "threads"} <= {k[2] for k in got}
    # one lane per thread, each call a bar (few calls: drawn one by one)
    svg = re.search(r'<svg[^>]*id="timeline".*?</svg>', page["html"], re.S).group(0)
    threads = {(c["pid"], c["tid"]) for f in page["files"] for c in Report(f).calls}
    ncalls = sum(len(Report(f).calls) for f in page["files"])
    assert 'data-exact="1"' in svg
    assert svg.count("<title>") == ncalls
    assert sum(f" {tid}</text>" in svg for _, tid in threads) == len(threads)


def median(v):
    v = sorted(v)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def test_comparison_section(page):
    """compare's numbers: per shape the median of the calls after the cold first one, the
    speedup of the medians, significance by call counts and [min, p95] spreads."""
    t = parse(page["dom"])
    base, new = (Report(f).calls for f in page["files"])

    def sides(calls):
        m = defaultdict(list)
        for c in calls:
            m[(c["routine"], c["m"], c["n"], c["k"])].append(c["wall_ns"])
        return m

    b, n = sides(base), sides(new)
    table = rows(t.tables["compare-table"])
    assert len(table) == len(b.keys() & n.keys())
    for r in table:
        dims = r["m x n x k"][0]
        m_ = re.fullmatch(r"(\d+)x(\d+)x(\d+)", dims)
        key = ((r["routine"][0], *map(int, m_.groups())) if m_ else
               (r["routine"][0], None, int(dims[2:]), None))
        warm_b, warm_n = b[key][1:] or b[key], n[key][1:] or n[key]   # one process a side
        assert math.isclose(num(r["base median us"]), median(warm_b))
        assert math.isclose(num(r["new median us"]), median(warm_n))
        assert num(r["base cold us"]) == b[key][0] and num(r["base calls"]) == len(b[key])
        assert math.isclose(num(r["speedup"]), median(warm_b) / median(warm_n))
        p95 = lambda v: sorted(v)[math.ceil(0.95 * len(v)) - 1]
        significant = (min(len(b[key]) - 1, len(n[key]) - 1) >= 5 and
                       (p95(warm_b) < min(warm_n) or p95(warm_n) < min(warm_b)))
        assert r["speedup"][0].endswith("~") != significant, (key, r["speedup"])
        if r["routine"][0].endswith("gemm"):
            assert (r["base kernel"][0], r["new kernel"][0]) == ("naive", "vectorized")
    # same machine, same real BLAS: no baseline differences to list
    assert "baseline-diffs" not in page["dom"]


def test_big_report_page_is_bounded(reports, tmp):
    """~120 MB of call lines: the page stays under 3 MB, merges the timeline and says so, and
    the tool's memory stays flat while it reads."""
    lines = (reports / "naive.jsonl").read_text().splitlines(keepends=True)
    head, calls = lines[0], [l for l in lines if '"type":"call"' in l]
    with open(tmp / "big.jsonl", "w") as f:
        f.write(head)
        while f.tell() < 120_000_000:
            f.writelines(calls)
    # a wrapper whose only child is the tool reports the tool's peak RSS; the timeout is a
    # hang guard, not a timing assertion
    measure = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]);"
               "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    t0 = time.monotonic()
    r = subprocess.run([PYTHON, "-c", measure, str(TOOL), "html", str(tmp / "big.jsonl"), *FIXED,
                        "-o", str(tmp / "big.html")], capture_output=True, text=True, timeout=120)
    took = time.monotonic() - t0
    rc, peak_kb = map(int, r.stdout.split())
    assert rc == 0, r.stderr
    if not os.environ.get("BS_TEST_PRELOAD_FIRST"):   # ASan's quarantine keeps freed memory
        assert peak_kb < 20_000, peak_kb
    size = (tmp / "big.html").stat().st_size
    assert size < 3_000_000, size
    html = (tmp / "big.html").read_text()
    assert 'data-exact="0"' in html and "too many to draw one by one" in html
    print(f"120 MB report: page of {size} bytes in {took:.1f} s")
    _, console = chromium((tmp / "big.html").as_uri(), "--dump-dom")
    assert console == []


def test_page_of_a_sprawling_report_is_bounded(reports, tmp):
    """Many processes, threads, shapes, stacks and marks (not many calls): every table is cut
    at its bound and says so, the flame graph merges, and the page stays small."""
    lines = (reports / "naive.jsonl").read_text().splitlines()
    head = json.loads(lines[0])
    call = json.loads(next(l for l in lines if '"type":"call"' in l and '"sgemm"' in l))
    out = []
    for p in range(300):                                   # 300 processes
        pid = 100000 + p
        out.append(json.dumps({**head, "pid": pid}))
        for i in range(60):                                # 60 threads x shapes x stacks each
            if i % 6 == 0:
                out.append(json.dumps({"type": "mark", "pid": pid, "tid": pid, "ts_ns": call["ts_ns"] + i,
                                       "name": f"phase {i}", "paused": False}))
            m = p * 60 + i + 1
            out.append(json.dumps({**call, "pid": pid, "tid": pid + i % 40, "seq": i + 1, "m": m,
                                   "flops": 2 * m * call["n"] * call["k"],
                                   "py_caller": f"/x/f{m}.py:1 in f{m}",
                                   "py_stack": [f"/x/f{m}.py:1 in f{m}", f"/x/g{m % 7}.py:2 in g"]}))
    (tmp / "wide.jsonl").write_text("\n".join(out) + "\n")
    r = tool("html", tmp / "wide.jsonl", *FIXED, "-o", tmp / "wide.html")
    assert r.returncode == 0, r.stderr
    html = (tmp / "wide.html").read_text()
    assert len(html) < 3_000_000, len(html)
    for note in ("200 more processes not shown", "more phases not shown", "cheapest shapes",
                 "Only the first 32 threads have a lane", "narrow frame"):
        assert note in html, note
    t = parse(html)
    assert len(t.tables["shapes-table"]) == 1 + 25 and len(t.tables["procs"]) == 1 + 100
    assert sum(f[1] for f in t.flame if f[0] == 1) == 300 * 60 * call["wall_ns"]
    _, console = chromium((tmp / "wide.html").as_uri(), "--dump-dom")
    assert console == []


def test_hostile_names_are_escaped(reports, tmp):
    """A mark named like markup is shown as text, never run."""
    text = (reports / "naive.jsonl").read_text().replace(
        '"name":"threads"', '"name":"</script><script>console.error(1)</script><b>x"')
    (tmp / "odd.jsonl").write_text(text)
    r = tool("html", tmp / "odd.jsonl", *FIXED, "-o", tmp / "odd.html")
    assert r.returncode == 0, r.stderr
    dom, console = chromium((tmp / "odd.html").as_uri(), "--dump-dom")
    assert console == [] and "<b>x" not in dom and "&lt;/script&gt;" in dom


def test_html_usage_errors(reports, tmp):
    r = tool("html", reports / "naive.jsonl")
    assert r.returncode == 2 and "html needs -o" in r.stderr
    r = tool("html", reports / "naive.jsonl", "-o", tmp / "page.pdf")
    assert r.returncode == 2 and "FILE.html" in r.stderr and not (tmp / "page.pdf").exists()
    r = tool("html", "--base", reports / "naive.jsonl", "-o", tmp / "p.html")
    assert r.returncode == 2 and "both --base and --new" in r.stderr
    (tmp / "x.jsonl").write_text("not a report\n")
    r = tool("html", tmp / "x.jsonl", "-o", tmp / "p.html")
    assert r.returncode == 2 and "not a blasshim report" in r.stderr


def test_base_new_and_summary_mode(reports, tmp):
    """--base/--new name the runs; a summary-mode report (aggregates only) makes a page too,
    its roofline drawn from the aggregates."""
    r = tool("html", "--base", reports / "summary.jsonl", "--new", reports / "vectorized.jsonl",
             *FIXED, "-o", tmp / "p.html")
    assert r.returncode == 0, r.stderr
    dom, console = chromium((tmp / "p.html").as_uri(), "--dump-dom")
    assert console == []
    t = parse(dom)
    table = rows(t.tables["compare-table"])
    gemm = [x for x in table if x["routine"][0].endswith("gemm")]
    assert gemm and all((x["base kernel"][0], x["new kernel"][0]) == ("parallel", "vectorized")
                        for x in gemm)
    r = tool("html", reports / "summary.jsonl", *FIXED, "-o", tmp / "s.html")
    assert r.returncode == 0, r.stderr
    dom, console = chromium((tmp / "s.html").as_uri(), "--dump-dom")
    assert console == [] and "summary-mode reports keep no times of calls" in dom
    t = parse(dom)
    aggs = Report(reports / "summary.jsonl").only()["aggregates"]
    glance = {r[0][0]: r[1] for r in t.tables["glance-table"]}
    assert num(glance["BLAS calls"]) == sum(a["count"] for a in aggs)
    assert num(glance["BLAS time"]) == sum(a["wall_ns"] for a in aggs)
    assert sum(f[1] for f in t.flame if f[0] == 1) == sum(a["wall_ns"] for a in aggs)
    assert re.search(r'<g id="points">', dom)


# ---- the roofline ------------------------------------------------------------------------------

def gemm_shapes(*paths):
    """{(routine, m, n, k, kernel): wall} of the gemm shapes in the reports (calls or aggregates)."""
    out = defaultdict(int)
    for p in paths:
        for proc in Report(p).procs.values():
            for c in proc["calls"] + proc.get("aggregates", []):
                if c.get("routine", "").endswith("gemm"):
                    out[(c["routine"], c["m"], c["n"], c["k"], c["kernel"])] += c["wall_ns"]
    return out


def plot(tmp, *paths):
    r = tool("plot", *paths, *FIXED, "-o", tmp / "roof.svg")
    assert r.returncode == 0, r.stderr
    return (tmp / "roof.svg").read_text()


def test_roofline_points_title_and_labels(reports, tmp):
    files = [reports / "naive.jsonl", reports / "vectorized.jsonl", reports / "summary.jsonl"]
    svg = plot(tmp, *files)
    shapes = gemm_shapes(*files)
    points = re.search(r'<g id="points">(.*?)</g>', svg, re.S).group(1)
    assert points.count("<circle") == len(shapes)          # summary-mode aggregates too
    assert re.search(r"Roofline: (\d+) shapes", svg).group(1) == str(len(shapes))
    # each kernel in its colour, with a legend entry
    for kernel in ("naive", "vectorized", "parallel"):
        assert f'fill="{KERNEL_COLORS[kernel]}"' in points and f">kernel {kernel}<" in svg
    # the memory roof, and a compute roof per (type, threads) used: 1 thread for naive and
    # vectorized, the parallel kernel's threads for the aggregates
    assert f'stroke="{ROOF_MEMORY}"' in svg
    nthreads = Report(reports / "summary.jsonl").header["num_threads"]
    for label in ("fp32 x 1 thread: 100 GFLOP/s", "fp64 x 1 thread: 50 GFLOP/s",
                  f"fp32 x {nthreads} thread{'s' if nthreads > 1 else ''}: {100 * nthreads} GFLOP/s"):
        assert label in svg, label
    # every shape above 2 % of the BLAS time is labelled
    total = sum(Report(f).only()["summary"]["wall_ns"] for f in files)
    for (routine, m, n, k, kernel), wall in shapes.items():
        if wall > 0.02 * total:
            assert f">{routine} {m}x{n}x{k} {kernel}</text>" in svg, (routine, m, n, k, kernel)
    # nothing a renderer might drop
    assert "clip-path" not in svg and "style=" not in svg and "opacity" not in svg


def test_roofline_labels_do_not_overlap_in_a_browser(reports, tmp):
    """Chromium lays the text out: no two labels overlap, and no label covers a labelled circle."""
    files = [reports / "naive.jsonl", reports / "vectorized.jsonl", reports / "summary.jsonl"]
    svg = plot(tmp, *files).split("?>", 1)[1]
    script = """<script>
      const boxes = [...document.querySelectorAll('svg > text')].map(t => t.getBBox())
        .map(b => [b.x, b.y, b.x + b.width, b.y + b.height]);
      const circles = [...document.querySelectorAll('#points circle')]
        .map(c => [+c.getAttribute('cx'), +c.getAttribute('cy'), +c.getAttribute('r')]);
      const labels = [...document.querySelectorAll('svg > text')].map(t => t.textContent);
      document.getElementById('out').textContent = JSON.stringify({boxes, circles, labels});
    </script>"""
    (tmp / "roof.html").write_text(f"<!DOCTYPE html><html><body>{svg}<pre id='out'></pre>{script}</body></html>")
    dom, console = chromium((tmp / "roof.html").as_uri(), "--dump-dom")
    assert console == []
    got = json.loads(re.search(r"<pre id=\"out\">(.*?)</pre>", dom, re.S).group(1).replace("&quot;", '"'))
    boxes, labels, circles = got["boxes"], got["labels"], got["circles"]
    shape_labels = [i for i, l in enumerate(labels) if re.fullmatch(r"[sdcz]gemm \d+x\d+x\d+ \w+", l)]
    assert shape_labels
    placed = [i for i in shape_labels + [i for i, l in enumerate(labels) if " thread" in l]]
    for a in placed:
        for b in placed:
            if a < b:
                x, y = boxes[a], boxes[b]
                overlap = min(x[2], y[2]) - max(x[0], y[0]), min(x[3], y[3]) - max(x[1], y[1])
                assert overlap[0] <= 1 or overlap[1] <= 1, (labels[a], labels[b])
    big = [c for c in circles if c[2] >= 3 + 25 * math.sqrt(0.02)]
    for a in shape_labels:
        x0, y0, x1, y1 = boxes[a]
        for cx, cy, r in big:
            nx, ny = min(max(cx, x0), x1), min(max(cy, y0), y1)
            assert (nx - cx) ** 2 + (ny - cy) ** 2 >= (r - 1) ** 2, (labels[a], cx, cy, r)


def pixels(png):
    """(width, height, rgb bytes) of a PNG, decoded by ImageMagick to binary PPM."""
    ppm = subprocess.run(["convert", str(png), "-alpha", "off", "-depth", "8", "ppm:-"],
                         capture_output=True, timeout=60).stdout
    magic, w, h, maxval, data = ppm.split(maxsplit=4)
    assert magic == b"P6" and maxval == b"255"
    return int(w), int(h), data


def near(rgb, colour, tol=40):
    want = bytes.fromhex(colour[1:])
    return sum((a - b) ** 2 for a, b in zip(rgb, want)) <= tol * tol


def drawn(png, svg):
    """Which kernel colours fill a circle's centre, and which roof colours lie along a roof
    line, in the rendered pixels (positions from the SVG: it is drawn at 1:1)."""
    w, h, data = pixels(png)
    at = lambda x, y: data[3 * (int(y) * w + int(x)): 3 * (int(y) * w + int(x)) + 3]
    points = re.search(r'<g id="points">(.*?)</g>', svg, re.S).group(1)
    kernels = {c for x, y, c in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="[\d.]+" fill="(#\w+)"', points)
               if near(at(float(x), float(y)), c)}
    roofs = set()
    for x1, y1, x2, y2, c in re.findall(r'<line x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" '
                                        r'y2="([\d.]+)" stroke="(#\w+)" stroke-width="2" '
                                        r'stroke-dasharray', svg):
        x1, y1, x2, y2 = map(float, (x1, y1, x2, y2))
        if x2 - x1 < 30:            # the legend's samples: not the roofs
            continue
        # every pixel along the line: a sparser sampling can fall into the dash pattern's gaps
        # at every step when the spacing is a multiple of its period (6 on, 3 off)
        steps = max(40, int(math.hypot(x2 - x1, y2 - y1)))
        if any(near(at(x1 + (x2 - x1) * i / steps, y1 + (y2 - y1) * i / steps + dy), c)
               for i in range(1, steps) for dy in (-0.5, 0, 0.5)):
            roofs.add(c)
    return kernels, roofs


@pytest.mark.parametrize("renderer", ["rsvg-convert", "convert", "chromium"])
def test_roofline_renders_in(renderer, reports, tmp):
    files = [reports / "naive.jsonl", reports / "vectorized.jsonl", reports / "summary.jsonl"]
    svg = plot(tmp, *files)
    png = tmp / "roof.png"
    if renderer == "chromium":
        w, h = re.search(r'<svg[^>]* width="(\d+)" height="(\d+)"', svg).groups()
        _, console = chromium((tmp / "roof.svg").as_uri(), f"--screenshot={png}",
                              f"--window-size={w},{h}")
        assert console == [] and png.exists()
    else:
        cmd = ([renderer, str(tmp / "roof.svg"), "-o", str(png)] if renderer == "rsvg-convert"
               else [renderer, str(tmp / "roof.svg"), str(png)])
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
    kernels, roofs = drawn(png, svg)
    assert roofs == {ROOF_FP32, ROOF_FP64, ROOF_MEMORY}, renderer
    assert kernels == {KERNEL_COLORS[k] for k in ("naive", "vectorized", "parallel")}, renderer


def test_pixel_check_sees_a_missing_picture(reports, tmp):
    """The pixel check fails on a picture without its points and roofs (as ImageMagick drew
    the old plot): the legend alone does not satisfy it."""
    svg = plot(tmp, reports / "naive.jsonl")
    bare = re.sub(r'<g id="points">.*?</g>', '<g id="points"></g>', svg, flags=re.S)
    bare = re.sub(r'<line [^>]*stroke-dasharray="6 3"/>', "", bare)
    (tmp / "bare.svg").write_text(bare)
    subprocess.run(["rsvg-convert", str(tmp / "bare.svg"), "-o", str(tmp / "bare.png")], check=True,
                   timeout=60)
    # the positions of the real picture, looked up in the bare one
    assert drawn(tmp / "bare.png", svg) == (set(), set())


def test_plot_refuses_other_extensions(reports, tmp):
    r = tool("plot", reports / "naive.jsonl", *FIXED, "-o", tmp / "roof.png")
    assert r.returncode == 2 and "SVG only" in r.stderr and "roof.png" in r.stderr
    assert not (tmp / "roof.png").exists()


def test_plot_of_a_summary_mode_report(reports, tmp):
    svg = plot(tmp, reports / "summary.jsonl")
    shapes = gemm_shapes(reports / "summary.jsonl")
    assert re.search(r'<g id="points">(.*?)</g>', svg, re.S).group(1).count("<circle") == len(shapes)
