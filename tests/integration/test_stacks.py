"""Python stacks in blasshim-report: summary/compare --by stack and folded, checked against
numbers recomputed here from the reports' call lines."""
import json
import subprocess
from collections import Counter

import pytest

from conftest import BUILD, PYTHON, Report, run

TOOL = BUILD / "blasshim-report"

HELPER = '''
import numpy as np
rng = np.random.default_rng(0)
W = rng.standard_normal((48, 40))


def linear(x):
    return x @ W  # @@ helper


def encode(x):
    return linear(x)  # @@ encode


def decode(x):
    return linear(x[:, :48])  # @@ decode


x = rng.standard_normal((32, 48))
for _ in range(3):
    a = encode(x)  # @@ call-encode
for _ in range(5):
    b = decode(np.hstack([x, x]))  # @@ call-decode
c = linear(x)  # @@ call-module
print(float(a.sum() + b.sum() + c.sum()))
'''


def tool(*args):
    return subprocess.run([str(TOOL), *map(str, args)], capture_output=True, text=True, timeout=120)


def line_of(path, tag):
    for no, text in enumerate(path.read_text().splitlines(), 1):
        if text.rstrip().endswith(f"# @@ {tag}"):
            return no
    raise AssertionError(tag)


@pytest.fixture(scope="module")
def helper(tmp_path_factory):
    d = tmp_path_factory.mktemp("stacks")
    script = d / "helper.py"
    script.write_text(HELPER)
    for kernel in ("system", "naive"):
        r = run([PYTHON, script], d, BLASSHIM_KERNEL=kernel, BLASSHIM_PYSTACK=4,
                BLASSHIM_REPORT=d / f"{kernel}.jsonl")
        assert r.returncode == 0 and r.stderr == "", r.stderr
    return d, script


def stacks_of(report):
    """{(frames outermost first): [calls, wall_ns, flops]} recomputed from the call lines."""
    out = {}
    for c in Report(report).calls:
        if "py_caller" not in c:
            continue
        key = tuple(reversed(c.get("py_stack", [c["py_caller"]])))
        e = out.setdefault(key, [0, 0, 0])
        e[0] += 1
        e[1] += c["wall_ns"]
        e[2] += c["flops"] or 0
    return out


def expected_helper_stacks(script):
    f = lambda tag, fn: f"{script}:{line_of(script, tag)} in {fn}"
    helper = f("helper", "linear")
    return {
        (f("call-encode", "<module>"), f("encode", "encode"), helper): 3,
        (f("call-decode", "<module>"), f("decode", "decode"), helper): 5,
        (f("call-module", "<module>"), helper): 1,
    }


def test_summary_by_stack_splits_the_helper_three_ways(helper):
    d, script = helper
    want = stacks_of(d / "system.jsonl")
    expected = expected_helper_stacks(script)
    for stack, calls in expected.items():
        assert want[stack][0] == calls
    r = tool("summary", "--by", "stack", "--json", "--top", "50", "--peak", "100", d / "system.jsonl")
    assert r.returncode == 0, r.stderr
    got = {tuple(e["py_stack"]): [e["calls"], e["wall_ns"], e["flops"]] for e in json.loads(r.stdout)["top_stacks"]}
    assert got == want
    # the helper's line alone is one row in the hot lines: the sum of the three stacks
    lines = {e["py_caller"]: e["wall_ns"] for e in json.loads(r.stdout)["top_lines"]}
    helper_line = next(iter(expected))[-1]
    assert lines[helper_line] == sum(want[s][1] for s in expected)
    # the text: each stack outermost first, one frame per line under its numbers
    text = tool("summary", "--by", "stack", "--peak", "100", d / "system.jsonl").stdout
    section = text.split("hot stacks")[1].split("top call sites")[0]
    for stack in expected:
        assert "\n".join("           " + f for f in stack) in section
    assert "hot lines" not in text


def test_compare_by_stack(helper):
    d, script = helper
    base, new = stacks_of(d / "system.jsonl"), stacks_of(d / "naive.jsonl")
    r = tool("compare", "--by", "stack", "--json", d / "system.jsonl", d / "naive.jsonl")
    assert r.returncode == 0, r.stderr
    c = json.loads(r.stdout)
    rows = {tuple(e["py_stack"]): e for e in c["stacks"]}
    assert set(rows) == set(base) == set(new)
    for stack, e in rows.items():
        assert [e["base_calls"], e["base_ns"]] == base[stack][:2]
        assert [e["new_calls"], e["new_ns"]] == new[stack][:2]
    assert c["base_matched_ns"] == sum(v[1] for v in base.values())
    assert not c["only_in_base"] and not c["only_in_new"]
    assert tool("compare", "--by", "frames", d / "system.jsonl", d / "naive.jsonl").returncode == 2
    assert tool("summary", "--by", "shape", d / "system.jsonl").returncode == 2


def parse_folded(text):
    out = {}
    for line in text.splitlines():
        stack, weight = line.rsplit(" ", 1)
        assert stack not in out, f"stack twice: {stack}"
        out[stack] = int(weight)
    return out


def dims(c):
    m, n, k = c["m"], c["n"], c["k"]
    if m is not None and k is not None:
        return f"{m}x{n}x{k}"
    if m is not None:
        return f"{m}x{n}"
    return f"n={n} k={k}" if k is not None else f"n={n}"


def test_folded_sums_back_to_the_report(helper, tmp):
    d, script = helper
    r = tool("folded", d / "system.jsonl", "-o", tmp / "f.txt")
    assert r.returncode == 0 and r.stderr == ""
    got = parse_folded((tmp / "f.txt").read_text())
    calls = Report(d / "system.jsonl").calls
    assert sum(got.values()) == sum(c["wall_ns"] for c in calls)
    want = Counter()
    for c in calls:
        frames = list(reversed(c.get("py_stack", [c["py_caller"]])))
        want[";".join(frames + [f"{c['routine']} {dims(c)}"])] += c["wall_ns"]
    assert got == dict(want)
    assert list(got) == sorted(got)
    for stack, calls_ in expected_helper_stacks(script).items():
        assert ";".join(stack) + ";dgemm 32x40x48" in got
    # --native: the native call site between the Python frames and the routine
    nat = parse_folded(tool("folded", "--native", d / "system.jsonl").stdout)
    want = Counter()
    for c in calls:
        frames = list(reversed(c.get("py_stack", [c["py_caller"]]))) + [c["caller"]]
        want[";".join(frames + [f"{c['routine']} {dims(c)}"])] += c["wall_ns"]
    assert nat == dict(want)


def test_folded_of_summary_mode_and_of_a_c_program(helper, tmp):
    d, script = helper
    run([PYTHON, script], tmp, BLASSHIM_LOG="summary", BLASSHIM_REPORT=tmp / "s.jsonl")
    aggs = Report(tmp / "s.jsonl").only()["aggregates"]
    got = parse_folded(tool("folded", tmp / "s.jsonl").stdout)
    assert sum(got.values()) == sum(a["wall_ns"] for a in aggs)
    helper_line = f"{script}:{line_of(script, 'helper')} in linear"
    assert got[f"{helper_line};dgemm 32x40x48"] == sum(a["wall_ns"] for a in aggs if a.get("py_caller") == helper_line)
    # no file, no calls: exit 2, one line
    r = tool("folded", tmp / "missing.jsonl")
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1 and r.stdout == ""


def test_folded_keeps_semicolons_out_of_frames(tmp):
    """A ';' in a path would split a frame: it becomes ':'."""
    d = tmp / "a;b"
    d.mkdir()
    (d / "m.py").write_text("import numpy as np\nprint((np.ones((9, 9)) @ np.ones((9, 9))).sum())\n")
    run([PYTHON, d / "m.py"], tmp, BLASSHIM_REPORT=tmp / "r.jsonl")
    got = parse_folded(tool("folded", tmp / "r.jsonl").stdout)
    assert f"{tmp}/a:b/m.py:2 in <module>;dgemm 9x9x9" in got


def test_a_frame_too_long_is_cut_between_characters(helper, tmp):
    """A hand-edited report: a 3000-byte frame of two-byte characters; the stack key holds
    2047 bytes, and the cut must not split a character (the JSON out stays UTF-8)."""
    d, script = helper
    lines = (d / "system.jsonl").read_text().splitlines()
    out = []
    for line in lines:
        rec = json.loads(line)
        if rec["type"] == "call" and rec["routine"] == "dgemm":
            rec["py_caller"] = "é" * 1500
            rec.pop("py_stack", None)
        out.append(json.dumps(rec, ensure_ascii=False))
    (tmp / "long.jsonl").write_text("\n".join(out) + "\n", encoding="utf-8")
    r = tool("summary", "--by", "stack", "--json", "--peak", "100", tmp / "long.jsonl")
    assert r.returncode == 0, r.stderr
    stacks = {tuple(e["py_stack"]): e["calls"] for e in json.loads(r.stdout)["top_stacks"]}
    assert stacks[("é" * 1023,)] == 9   # 2046 bytes: the 1024th character would not fit
    got = parse_folded(tool("folded", tmp / "long.jsonl").stdout)
    assert got[f"{'é' * 1500};dgemm 32x40x48"] == sum(
        c["wall_ns"] for c in Report(d / "system.jsonl").calls if c["routine"] == "dgemm")
