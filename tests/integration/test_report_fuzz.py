"""blasshim-report against hostile input (issue #17 item 11): numeric extremes in every
numeric field, long multibyte strings cut anywhere, other formats and versions, special
files. Every run is bounded in time and in bytes written; every output that claims success
is checked (JSON parsed, SVG parsed as XML)."""
import json
import re
import resource
import subprocess
import xml.etree.ElementTree as ET

import pytest

from conftest import BUILD, FIELDS, LIB, run

TOOL = BUILD / "blasshim-report"
LPROBE = BUILD / "tests" / "integration" / "limitprobe"
MAX_OUT = 4 << 20   # bytes any one command may write for these small inputs
EXTREMES = [0, -1, 1, 2**31, 2**53 + 1, 2**62, 2**63 - 1, -2**63, 1e308, -1e308, 5e-324, 0.5]
NUMERIC = [n for n, k in FIELDS if k.startswith(("I64", "F64"))]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A real report: three dgemm calls (with operand sizes, so plot has something)."""
    d = tmp_path_factory.mktemp("fuzzbase")
    r = run([LPROBE, "calls", 3], d, BLASSHIM_REPORT=d / "r.jsonl")
    assert r.returncode == 0
    return [json.loads(l) for l in (d / "r.jsonl").read_text().splitlines()]


def write(path, recs):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs),
                    encoding="utf-8")


def tool(*args, cwd):
    """Run one command, bounded in time and in output; returns (rc, stdout bytes, stderr)."""
    def bound_files():   # a runaway -o FILE dies of SIGXFSZ instead of filling the disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_OUT, MAX_OUT))
    p = subprocess.Popen(["timeout", "-s", "KILL", "20", str(TOOL), *map(str, args)], cwd=cwd, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, preexec_fn=bound_files)
    try:
        out = p.stdout.read(MAX_OUT + 1)
        assert len(out) <= MAX_OUT, f"{args}: more than {MAX_OUT} bytes of output"
        p.stdout.close()
        err = p.stderr.read(MAX_OUT)
        rc = p.wait(timeout=30)
        if rc == 128 + 9:   # timeout's status for a child it killed
            raise AssertionError(f"{args}: still running after 20 s")
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    return rc, out, err.decode("utf-8", "replace")


def check_all_commands(d, path):
    """Every command on one report: no crash, no hang, bounded output, valid when rc < 2."""
    for args in (["summary", "--peak", "100", path], ["summary", "--json", "--peak", "100", path],
                 ["compare", "--json", path, path], ["csv", path], ["trace", path],
                 ["plot", "--peak", "100", "--bandwidth", "20", "-o", d / "p.svg", path],
                 ["html", "--peak", "100", "--bandwidth", "20", "-o", d / "p.html", path]):
        rc, out, err = tool(*args, cwd=d)
        assert rc in (0, 1, 2), (args, rc, err)   # a negative rc is a crash
        if rc == 2:
            continue
        if "--json" in args or args[0] == "trace":
            json.loads(out)
        if args[0] == "plot":
            assert (d / "p.svg").stat().st_size <= MAX_OUT
            ET.parse(d / "p.svg")
        if args[0] == "html":   # its SVG pictures are XML too
            page = (d / "p.html").read_text(encoding="utf-8")
            assert len(page) <= MAX_OUT
            for svg in re.findall(r"<svg .*?</svg>", page, re.S):
                ET.fromstring(svg)


@pytest.mark.parametrize("field", NUMERIC)
def test_numeric_extremes_in_call_lines(base, tmp, field):
    for i, v in enumerate(EXTREMES):
        recs = [dict(r) for r in base]
        recs[1][field] = v   # one call line
        write(tmp / f"r{i}.jsonl", recs)
        check_all_commands(tmp, tmp / f"r{i}.jsonl")


def test_the_issue_s_extremes_are_refused_or_bounded(base, tmp):
    recs = [dict(r) for r in base[:2]] + [base[-1]]
    recs[1]["wall_ns"] = 2**63 - 1
    write(tmp / "r.jsonl", recs)
    rc, out, err = tool("plot", "--peak", "100", "--bandwidth", "20", "-o", tmp / "p.svg",
                        tmp / "r.jsonl", cwd=tmp)
    assert rc == 2 and 'field "wall_ns" is missing or of the wrong kind' in err
    for peak in ("inf", "1e308", "nan", "-5", "0"):
        rc, out, err = tool("plot", "--peak", peak, "-o", tmp / "p.svg", tmp / "r.jsonl",
                            cwd=tmp)
        assert rc == 2 and "--peak needs GFLOP/s (above 0, at most 1e6)" in err


@pytest.mark.parametrize("key", ["count", "wall_ns", "flops", "min_ns", "max_ns", "m"])
def test_numeric_extremes_in_aggregates(base, tmp, key):
    agg = {"type": "aggregate", "pid": base[0]["pid"], "routine": "dgemm", "kernel": "system",
           "order": "col", "transa": "N", "transb": "N", "m": 2, "n": 2, "k": 2, "caller": None,
           "count": 5, "wall_ns": 100, "min_ns": 10, "max_ns": 30, "mean_ns": 20.0,
           "p50_ns": 20.0, "p95_ns": 30.0, "p99_ns": 30.0, "flops": 80, "gflops": 0.8}
    for i, v in enumerate(EXTREMES):
        a = dict(agg)
        a[key] = v
        write(tmp / f"r{i}.jsonl", base[:-1] + [a, base[-1]])
        check_all_commands(tmp, tmp / f"r{i}.jsonl")


MULTI = ["é", "日本", "𝄞", "ü" * 3 + "x"]


@pytest.mark.parametrize("piece", MULTI)
def test_long_multibyte_strings_cut_anywhere(base, tmp, piece):
    """argv[0], call sites and names longer than every buffer, with the cut falling on every
    byte of a multibyte character: outputs stay valid UTF-8 and valid JSON."""
    for pad in range(4):
        recs = [dict(r) for r in base]
        recs[0]["argv"] = ["p" * pad + piece * 400]
        for c in recs[1:-1]:
            c["caller"] = "x" * pad + piece * 200
            c["py_caller"] = piece * 300 + ".py:1"
        write(tmp / f"r{pad}.jsonl", recs)
        check_all_commands(tmp, tmp / f"r{pad}.jsonl")
        rc, out, _ = tool("trace", tmp / f"r{pad}.jsonl", cwd=tmp)
        assert rc == 0
        events = json.loads(out.decode("utf-8"))["traceEvents"]   # strict UTF-8
        assert events[0]["args"]["name"].endswith(f" (pid {base[0]['pid']})")
        assert sum(e["ph"] == "X" for e in events) == len(base) - 2   # one per call


@pytest.mark.parametrize("header,message", [
    ({"format": "other-tool"}, 'not a blasshim report (format is not "blasshim-report")'),
    ({"version": 2}, "report format version 2; this blasshim-report reads version 1 to 1"),
    ({"version": "1"}, "report format version not a number"),
    ({"version": 0}, "report format version 0"),
])
def test_other_formats_and_versions_exit_2(base, tmp, header, message):
    recs = [dict(r) for r in base]
    recs[0].update(header)
    write(tmp / "r.jsonl", recs)
    rc, out, err = tool("summary", "--peak", "100", tmp / "r.jsonl", cwd=tmp)
    assert rc == 2 and message in err and out == b""


def test_special_files_exit_2_at_once(tmp):
    for path, message in (("/dev/zero", "a device or special file, not a report"),
                          (".", "a directory, not a report")):
        rc, out, err = tool("summary", path, cwd=tmp)
        assert rc == 2 and message in err
    # an endless first line (a pipe of zeros): refused after one line's worth
    p = subprocess.run(f"head -c 50000000 /dev/zero | {TOOL} summary -", shell=True, cwd=tmp,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 2 and "line 1 is longer than 1048576 bytes" in p.stderr
