"""Python call sites: the line of the user's Python code that made each BLAS call."""
import re

import pytest

from conftest import PROBE, PYTHON, ROOT, Report, run

SCRIPT = ROOT / "tests" / "integration" / "pylines.py"


def expected_lines():
    """[(line number, function)] of the products in pylines.py, in call order."""
    marks = {}
    for no, text in enumerate(SCRIPT.read_text().splitlines(), 1):
        m = re.search(r"# @@ (\S+)", text)
        if m:
            marks[m.group(1)] = no
    order = ["inner", "<listcomp>", "<listcomp>", "forward", "<module>"]
    return [(marks[f], f) for f in order]


def products(calls):
    return [c for c in calls if c["routine"] == "dgemm"]


@pytest.mark.parametrize("kernel", ["system", "vectorized", "parallel"])
def test_each_call_names_its_line(tmp, kernel):
    r = run([PYTHON, SCRIPT], tmp, BLASSHIM_KERNEL=kernel, BLASSHIM_REPORT=tmp / "r.jsonl")
    assert r.returncode == 0 and r.stderr == ""
    got = [c["py_caller"] for c in products(Report(tmp / "r.jsonl").calls)]
    assert got == [f"{SCRIPT}:{line} in {func}" for line, func in expected_lines()]


def test_pystack_and_off(tmp):
    run([PYTHON, SCRIPT], tmp, BLASSHIM_PYSTACK=3, BLASSHIM_REPORT=tmp / "r.jsonl")
    first = products(Report(tmp / "r.jsonl").calls)[0]
    lines = {f: n for n, f in expected_lines()}
    stack = first["py_stack"]
    assert stack[0] == first["py_caller"] == f"{SCRIPT}:{lines['inner']} in inner"
    assert re.fullmatch(rf"{re.escape(str(SCRIPT))}:\d+ in outer", stack[1])
    assert re.fullmatch(rf"{re.escape(str(SCRIPT))}:\d+ in <module>", stack[2])
    run([PYTHON, SCRIPT], tmp, BLASSHIM_PYTHON=0, BLASSHIM_REPORT=tmp / "off.jsonl")
    assert all("py_caller" not in c for c in Report(tmp / "off.jsonl").calls)


THREADS = """
import sys
import numpy as np
from concurrent.futures import ThreadPoolExecutor
def work0(n):
    return [float((np.ones((n, n)) @ np.ones((n, n)))[0, 0]) for _ in range(20)]  # worker 0
def work1(n):
    return [float((np.ones((n, n)) @ np.ones((n, n)))[0, 0]) for _ in range(20)]  # worker 1
def work2(n):
    return [float((np.ones((n, n)) @ np.ones((n, n)))[0, 0]) for _ in range(20)]  # worker 2
def work3(n):
    return [float((np.ones((n, n)) @ np.ones((n, n)))[0, 0]) for _ in range(20)]  # worker 3
with ThreadPoolExecutor(4) as ex:   # two with large products (GIL released), two small
    futs = [ex.submit(f, n) for f, n in ((work0, 300), (work1, 8), (work2, 250), (work3, 12))]
    print(sum(len(f.result()) for f in futs))
"""


@pytest.mark.parametrize("kernel", ["system", "vectorized", "parallel", "naive"])
def test_four_python_threads(tmp, kernel):
    r = run([PYTHON, "-c", THREADS], tmp, BLASSHIM_KERNEL=kernel, BLASSHIM_REPORT=tmp / "r.jsonl",
            timeout=120)   # a deadlock would hit this limit
    assert r.returncode == 0 and r.stdout == "80\n", r.stderr
    calls = products(Report(tmp / "r.jsonl").calls)
    assert len(calls) == 80
    size_of = {0: 300, 1: 8, 2: 250, 3: 12}
    seen = {}
    for c in calls:   # every record carries its own thread's line: the line of its size
        m = re.fullmatch(r"<string>:(\d+) in <listcomp>", c["py_caller"])
        assert m, c["py_caller"]
        worker = (int(m.group(1)) - 6) // 2
        assert c["m"] == size_of[worker], (c["py_caller"], c["m"])
        seen[worker] = seen.get(worker, 0) + 1
    assert seen == {0: 20, 1: 20, 2: 20, 3: 20}


def test_c_program_has_no_python_caller(tmp):
    r = run([PROBE, "threads", 2, 5], tmp, BLASSHIM_REPORT=tmp / "r.jsonl")
    assert r.returncode == 0 and r.stderr == ""
    assert all("py_caller" not in c for c in Report(tmp / "r.jsonl").calls)


def test_summary_mode_and_report_tool_group_by_line(tmp):
    run([PYTHON, SCRIPT], tmp, BLASSHIM_LOG="summary", BLASSHIM_REPORT=tmp / "s.jsonl")
    aggs = Report(tmp / "s.jsonl").only()["aggregates"]
    lines = {f: n for n, f in expected_lines()}
    comp = [a for a in aggs if a.get("py_caller") == f"{SCRIPT}:{lines['<listcomp>']} in <listcomp>"]
    assert len(comp) == 1 and comp[0]["count"] == 2
    import json
    import subprocess
    tool = str(ROOT / "build" / "blasshim-report") if not (ROOT / "build" / "asan").exists() else None
    from conftest import BUILD
    out = subprocess.run([str(BUILD / "blasshim-report"), "summary", "--json", "--peak", "100",
                          str(tmp / "s.jsonl")], capture_output=True, text=True)
    s = json.loads(out.stdout)
    top = {e["py_caller"]: e["calls"] for e in s["top_lines"]}
    assert top[f"{SCRIPT}:{lines['<listcomp>']} in <listcomp>"] == 2
    run([PYTHON, SCRIPT], tmp, BLASSHIM_KERNEL="naive", BLASSHIM_REPORT=tmp / "n.jsonl")
    run([PYTHON, SCRIPT], tmp, BLASSHIM_REPORT=tmp / "c.jsonl")
    out = subprocess.run([str(BUILD / "blasshim-report"), "compare", "--by", "line", "--json",
                          str(tmp / "c.jsonl"), str(tmp / "n.jsonl")], capture_output=True, text=True)
    c = json.loads(out.stdout)
    assert {e["py_caller"] for e in c["lines"]} >= {f"{SCRIPT}:{n} in {f}" for n, f in expected_lines()}
    assert not c["only_in_base"] and not c["only_in_new"]
