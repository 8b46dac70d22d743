"""Limits that hold (issue #17): the report never kills, blocks or betrays the program, loses
nothing it can keep, and never fills a disk. Every loop has a fixed count; every report is
bounded by a small BLASSHIM_MAX_REPORT or by the count."""
import json
import os
import resource
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest

from conftest import BUILD, LIB, NETLIB, PYTHON, Report, base_env, reports_in, run, shim_lines

LPROBE = BUILD / "tests" / "integration" / "limitprobe"
TOOL = BUILD / "blasshim-report"


def lines_of(path):
    """Every line parsed: a cut or invalid line fails here."""
    return [json.loads(l) for l in Path(path).read_text().splitlines()]


def sh(script, cwd, timeout=60, **env):
    """A shell that plants something at its own pid's default report name, then execs the probe
    (the pid stays the same: the planted name is the one the shim will use)."""
    env["LD_PRELOAD"] = str(LIB)
    return subprocess.run(["sh", "-c", script], cwd=cwd, env=base_env(**env), capture_output=True,
                          text=True, timeout=timeout)


def tool_json(*args):
    r = subprocess.run([str(TOOL), "summary", "--json", *map(str, args)], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


# ---- item 1: a file-size limit never kills ------------------------------------------------

def test_file_size_limit_stops_the_report_not_the_program(tmp):
    limit = 256 * 1024
    def cap():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    env = base_env(LD_PRELOAD=LIB, BLASSHIM_REPORT=tmp / "r.jsonl")
    r = subprocess.run([str(LPROBE), "calls", "20000"], cwd=tmp, env=env, capture_output=True,
                       text=True, timeout=120, preexec_fn=cap)
    assert r.returncode == 0 and r.stdout == "calls 20000\n", (r.returncode, r.stderr)
    (warning,) = shim_lines(r.stderr)
    assert "reached the file-size limit (ulimit -f)" in warning
    assert (tmp / "r.jsonl").stat().st_size <= limit
    proc = Report(tmp / "r.jsonl").only()
    s = proc["summary"]
    assert s["calls"] == 20000 and 0 < s["folded"] < 20000
    assert len(proc["calls"]) + s["folded"] == 20000
    assert tool_json(tmp / "r.jsonl")["calls"] == 20000   # lines + aggregates, none twice


# ---- item 2: a FIFO never blocks ----------------------------------------------------------

def test_fifo_given_as_report_is_refused_at_once(tmp):
    os.mkfifo(tmp / "fifo")
    r = run([LPROBE, "calls", 3], tmp, timeout=20, BLASSHIM_REPORT=tmp / "fifo")
    assert r.returncode == 0 and r.stdout == "calls 3\n"
    assert shim_lines(r.stderr) == [f"blasshim: report '{tmp}/fifo' is a FIFO, not a regular "
                                    "file; the program continues without a report"]


def test_fifo_with_a_reader_is_refused_too(tmp):
    os.mkfifo(tmp / "fifo")
    rd = os.open(tmp / "fifo", os.O_RDONLY | os.O_NONBLOCK)
    try:
        r = run([LPROBE, "calls", 3], tmp, timeout=20, BLASSHIM_REPORT=tmp / "fifo")
        assert r.returncode == 0 and "is a FIFO, not a regular file" in r.stderr
        assert os.read(rd, 100) == b""   # nothing was written into it (and no writer is left)
    finally:
        os.close(rd)


def test_fifo_planted_at_the_default_name_is_passed_by(tmp):
    r = sh(f'mkfifo blasshim-$$.jsonl && echo $$ && exec {LPROBE} calls 3', tmp, timeout=20)
    assert r.returncode == 0 and shim_lines(r.stderr) == []
    pid = int(r.stdout.split()[0])
    assert stat.S_ISFIFO(os.lstat(tmp / f"blasshim-{pid}.jsonl").st_mode)
    assert len(Report(tmp / f"blasshim-{pid}.1.jsonl").calls) == 3   # the next free name


# ---- item 3: symlinks, permissions, special files, stdout ---------------------------------

def test_symlink_planted_at_the_default_name_is_not_followed(tmp):
    (tmp / "victim").write_text("precious\n")
    r = sh(f'ln -s victim blasshim-$$.jsonl && echo $$ && exec {LPROBE} calls 3', tmp)
    assert r.returncode == 0 and shim_lines(r.stderr) == []
    pid = int(r.stdout.split()[0])
    assert (tmp / "victim").read_text() == "precious\n"
    rep = tmp / f"blasshim-{pid}.1.jsonl"
    assert len(Report(rep).calls) == 3
    assert stat.S_IMODE(rep.stat().st_mode) == 0o600


def test_explicit_symlink_refused_unless_asked(tmp):
    (tmp / "target.jsonl").write_text("")
    (tmp / "link.jsonl").symlink_to("target.jsonl")
    r = run([LPROBE, "calls", 3], tmp, BLASSHIM_REPORT=tmp / "link.jsonl")
    assert r.returncode == 0
    assert shim_lines(r.stderr) == [
        f"blasshim: report '{tmp}/link.jsonl' is a symbolic link, which is not followed "
        "(BLASSHIM_REPORT_FOLLOW=1 follows it); the program continues without a report"]
    assert (tmp / "target.jsonl").read_text() == ""
    r = run([LPROBE, "calls", 3], tmp, BLASSHIM_REPORT=tmp / "link.jsonl", BLASSHIM_REPORT_FOLLOW=1)
    assert r.returncode == 0 and shim_lines(r.stderr) == []
    assert len(Report(tmp / "target.jsonl").calls) == 3


def test_report_mode(tmp):
    run([LPROBE, "calls", 1], tmp, BLASSHIM_REPORT=tmp / "a.jsonl")
    assert stat.S_IMODE((tmp / "a.jsonl").stat().st_mode) == 0o600
    run([LPROBE, "calls", 1], tmp, BLASSHIM_REPORT=tmp / "b.jsonl", BLASSHIM_REPORT_MODE="0640")
    assert stat.S_IMODE((tmp / "b.jsonl").stat().st_mode) == 0o640 & ~_umask()
    r = run([LPROBE, "calls", 1], tmp, BLASSHIM_REPORT=tmp / "c.jsonl", BLASSHIM_REPORT_MODE="rw")
    assert shim_lines(r.stderr) == ["blasshim: BLASSHIM_REPORT_MODE=rw is not octal permission "
                                    "bits (e.g. 0640); using 0600"]
    assert stat.S_IMODE((tmp / "c.jsonl").stat().st_mode) == 0o600


def _umask():
    m = os.umask(0)
    os.umask(m)
    return m


@pytest.mark.parametrize("path,kind", [("/dev/null", "a device"), (".", "a directory")])
def test_special_files_refused(tmp, path, kind):
    r = run([LPROBE, "calls", 2], tmp, BLASSHIM_REPORT=path)
    assert r.returncode == 0 and r.stdout == "calls 2\n"
    (w,) = shim_lines(r.stderr)
    assert f"is {kind}, not a regular file" in w


def test_stdout_is_never_written(tmp):
    r = run([LPROBE, "calls", 2], tmp, BLASSHIM_REPORT="/dev/stdout")
    assert r.returncode == 0 and r.stdout == "calls 2\n"
    assert "is a symbolic link" in r.stderr
    # followed, /dev/stdout is a regular file here: still the program's stdout
    with open(tmp / "out.txt", "w") as out:
        p = subprocess.run([str(LPROBE), "calls", "2"], cwd=tmp, stdout=out,
                           stderr=subprocess.PIPE, text=True, timeout=60,
                           env=base_env(LD_PRELOAD=LIB, BLASSHIM_REPORT="/dev/stdout",
                                        BLASSHIM_REPORT_FOLLOW=1))
    assert p.returncode == 0 and (tmp / "out.txt").read_text() == "calls 2\n"
    assert "is the program's stdout, which the shim never writes" in p.stderr


def test_stderr_streams_the_report(tmp):
    r = run([LPROBE, "calls", 4], tmp, BLASSHIM_REPORT="stderr")
    assert r.returncode == 0 and r.stdout == "calls 4\n"
    recs = [json.loads(l) for l in r.stderr.splitlines()]
    assert [x["type"] for x in recs] == ["header"] + ["call"] * 4 + ["summary"]
    assert recs[0]["report"] == "stderr"


# ---- items 5 and 6: exec and _exit --------------------------------------------------------

@pytest.mark.parametrize("threads,calls", [(0, 10), (8, 5000)])
def test_lines_reach_the_disk_before_exec(tmp, threads, calls):
    r = run([LPROBE, "exec", threads, calls], tmp, BLASSHIM_REPORT=tmp / "r.jsonl")
    assert r.returncode == 0, r.stderr
    proc = Report(tmp / "r.jsonl").only()
    assert len(proc["calls"]) == max(threads, 1) * calls
    assert proc["summary"]["calls"] == max(threads, 1) * calls


def test_failed_exec_goes_on_recording(tmp):
    r = run([LPROBE, "execfail", 5], tmp)
    assert r.returncode == 0 and r.stdout == "calls 10\n", r.stderr
    first, second = reports_in(tmp)   # blasshim-PID.1.jsonl sorts before blasshim-PID.jsonl
    assert len(Report(first).calls) == 5 and len(Report(second).calls) == 5


def test_vfork_child_exec_leaves_the_parent_report_alone(tmp):
    r = run([LPROBE, "vforkexec", 5], tmp, BLASSHIM_REPORT=tmp / "r.jsonl")
    assert r.returncode == 0 and r.stdout == "calls 10\n", r.stderr
    proc = Report(tmp / "r.jsonl").only()
    assert len(proc["calls"]) == 10 and proc["summary"]["calls"] == 10


@pytest.mark.parametrize("how", ["_exit", "_Exit"])
def test_child_ending_with__exit_keeps_every_line(tmp, how):
    r = run([LPROBE, "forkexit", 100, how], tmp)
    assert r.returncode == 0 and "status 0" in r.stdout, r.stderr
    child = int(r.stdout.split()[1])
    proc = Report(tmp / f"blasshim-{child}.jsonl").only()
    assert len(proc["calls"]) == 100 and proc["summary"]["calls"] == 100


POOL = """
import multiprocessing as mp, os, sys
import numpy as np
def work(i):
    a = np.ones((8, 8))
    for _ in range(10):
        a @ a
    return os.getpid()
if __name__ == "__main__":
    ctx = mp.get_context(sys.argv[1])
    pool = ctx.Pool(3)
    pids = set(pool.map(work, range(60), chunksize=1))
    pool.close()
    pool.join()
    a = np.ones((8, 8))
    pid = os.fork()
    if pid == 0:
        for _ in range(100):
            a @ a
        os._exit(0)
    os.waitpid(pid, 0)
    print(len(pids), pid)
"""


@pytest.mark.parametrize("method", ["fork", "forkserver"])
def test_multiprocessing_workers_keep_every_call(tmp, method):
    (tmp / "pool.py").write_text(POOL)
    r = run([PYTHON, "pool.py", method], tmp, timeout=120)
    assert r.returncode == 0, r.stderr
    child = int(r.stdout.split()[1])
    gemm = {}
    for p in reports_in(tmp):
        rep = Report(p)   # every process: header, lines, summary
        for pid, proc in rep.procs.items():
            gemm[pid] = sum(1 for c in proc["calls"] if c["routine"] == "dgemm")
    assert gemm.pop(child) == 100
    assert sum(gemm.values()) == 600


# ---- item 7: fatal signals in threaded programs -------------------------------------------

SIGNALS = [("term", signal.SIGTERM, 20), ("segv", signal.SIGSEGV, 10),
           ("abrt", signal.SIGABRT, 10), ("fpe", signal.SIGFPE, 6)]


@pytest.mark.parametrize("how,sig,runs", SIGNALS, ids=[s[0] for s in SIGNALS])
def test_fatal_signal_with_threads_loses_no_line(tmp, how, sig, runs):
    threads = 4
    # under `make asan` the sanitizer would take SIGSEGV and SIGFPE itself (and the shim leaves
    # a handler it finds alone): let the default action through, so the shim's is tested
    asan = os.environ.get("ASAN_OPTIONS")
    extra = {"ASAN_OPTIONS": f"{asan}:handle_segv=0:handle_sigfpe=0"} if asan else {}
    for i in range(runs):
        rep, counts = tmp / f"r{i}.jsonl", tmp / f"c{i}"
        r = run([LPROBE, "signal", threads, how, counts], tmp, timeout=60,
                BLASSHIM_REPORT=rep, BLASSHIM_BACKTRACE=0, **extra)
        assert r.returncode == -sig, (i, r.returncode, r.stderr)
        recs = lines_of(rep)   # no cut line: every line parses
        assert recs[0]["type"] == "header"
        calls = [x for x in recs if x["type"] == "call"]
        done = sum(int.from_bytes(Path(counts).read_bytes()[8 * t:8 * t + 8], "little")
                   for t in range(threads))
        # every finished call is there; at most the calls in flight are missing or extra
        assert done <= len(calls) <= done + threads, (i, done, len(calls))
        assert len({c["seq"] for c in calls}) == len(calls)
        if recs[-1]["type"] == "summary":
            assert recs[-1]["calls"] == len(calls)
        rep.unlink()
        counts.unlink()


# ---- item 8: lines older than a second are on disk ------------------------------------------

def test_sleeping_program_has_its_lines_on_disk(tmp):
    env = base_env(LD_PRELOAD=LIB, BLASSHIM_REPORT=tmp / "r.jsonl")
    p = subprocess.Popen([str(LPROBE), "sleep", "10", "30"], cwd=tmp, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline() == "calls 10\n"
        deadline = time.monotonic() + 2.5
        n = 0
        while time.monotonic() < deadline:
            text = (tmp / "r.jsonl").read_text() if (tmp / "r.jsonl").exists() else ""
            n = text.count("\n")
            if n >= 11:
                break
            time.sleep(0.05)
        assert n == 11, f"{n} lines on disk while the program sleeps"
    finally:
        p.kill()
        p.communicate(timeout=30)
    assert p.returncode == -signal.SIGKILL
    recs = lines_of(tmp / "r.jsonl")   # SIGKILL lost nothing that was older than the flush
    assert [x["type"] for x in recs] == ["header"] + ["call"] * 10


# ---- item 9: a bound on the report --------------------------------------------------------

def test_max_report_folds_calls_into_aggregates(tmp):
    bound = 64 * 1024
    r = run([LPROBE, "calls", 5000], tmp, BLASSHIM_REPORT=tmp / "r.jsonl", BLASSHIM_MAX_REPORT="64K")
    assert r.returncode == 0 and r.stdout == "calls 5000\n"
    assert shim_lines(r.stderr) == [
        f"blasshim: report '{tmp}/r.jsonl' reached BLASSHIM_MAX_REPORT ({bound} bytes): call "
        "lines stop here; later calls are counted in aggregate lines and the summary"]
    recs = lines_of(tmp / "r.jsonl")
    tail = [x for x in recs if x["type"] in ("aggregate", "summary")]
    body = sum(len(json.dumps(x, separators=(",", ":"))) + 1 for x in recs if x not in tail)
    assert body <= bound   # the header and call lines stay within the bound
    assert (tmp / "r.jsonl").stat().st_size <= bound + 4096   # + one aggregate and the summary
    proc = Report(tmp / "r.jsonl").only()
    s = proc["summary"]
    assert s["calls"] == 5000 and s["folded"] == 5000 - len(proc["calls"]) > 0
    assert proc["header"]["max_report_bytes"] == bound
    assert tool_json(tmp / "r.jsonl")["calls"] == 5000


@pytest.mark.parametrize("value,bound", [("0", None), ("10M", 10 << 20), ("1GiB", 1 << 30),
                                         ("1048576", 1 << 20), ("2mb", 2 << 20)])
def test_max_report_values(tmp, value, bound):
    r = run([LPROBE, "calls", 50], tmp, BLASSHIM_REPORT=tmp / "r.jsonl", BLASSHIM_MAX_REPORT=value)
    assert r.returncode == 0 and shim_lines(r.stderr) == []
    proc = Report(tmp / "r.jsonl").only()
    assert proc["header"]["max_report_bytes"] == bound and len(proc["calls"]) == 50


def test_max_report_default_is_1GiB_and_bad_values_warn(tmp):
    run([LPROBE, "calls", 1], tmp, BLASSHIM_REPORT=tmp / "a.jsonl")
    assert Report(tmp / "a.jsonl").header["max_report_bytes"] == 1 << 30
    for bad in ("lots", "-1", "12Q", "99999999999T"):
        r = run([LPROBE, "calls", 1], tmp, BLASSHIM_REPORT=tmp / "b.jsonl", BLASSHIM_MAX_REPORT=bad)
        assert shim_lines(r.stderr) == [
            f"blasshim: BLASSHIM_MAX_REPORT={bad} is not a size (bytes, or with K, M, G, T; 0 for "
            "no bound); using 1G"]
        (tmp / "b.jsonl").unlink()


# ---- item 12: settings that were ignored silently -------------------------------------------

def test_real_blas_without_blas_warns(tmp):
    r = run([LPROBE, "calls", 2], tmp, BLASSHIM_REPORT="off", BLASSHIM_REAL_BLAS="libm.so.6")
    assert r.returncode == 0 and r.stdout == "calls 2\n"
    assert shim_lines(r.stderr) == [
        "blasshim: BLASSHIM_REAL_BLAS=libm.so.6 has no BLAS routines (no dgemm_, cblas_dgemm, "
        "sgemm_ or cblas_sgemm); searching the loaded libraries"]


def test_test_fault_other_than_0_or_1_warns(tmp):
    r = run([LPROBE, "calls", 2], tmp, BLASSHIM_REPORT="off", BLASSHIM_TEST_FAULT="2")
    assert r.returncode == 0 and r.stdout == "calls 2\n"
    assert shim_lines(r.stderr) == ["blasshim: BLASSHIM_TEST_FAULT=2 is not 0 or 1; results are "
                                    "left alone"]


SUID_PROG = r"""
#include <cblas.h>
#include <stdio.h>
int main(void)
{
    double a[4] = {1, 2, 3, 4}, c[4] = {0};
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1, a, 2, a, 2, 0, c, 2);
    printf("%g\n", c[0]);
    return 0;
}
"""


@pytest.mark.skipif(os.geteuid() != 0 or bool(os.environ.get("BS_TEST_PRELOAD_FIRST")),
                    reason="needs root to make a set-uid program; the sanitized shim needs its "
                           "runtime preloaded, which a set-uid program ignores")
def test_setuid_program_ignores_settings_and_writes_no_report(tmp):
    """Linked to the shim (a set-uid program ignores LD_PRELOAD paths), set-uid to nobody."""
    import tempfile
    d = Path(tempfile.mkdtemp(prefix="bs-suid-"))
    try:
        d.chmod(0o777)   # nobody could write a report here: only the shim's choice stops it
        (d / "p.c").write_text(SUID_PROG)
        subprocess.run(["gcc", "-o", d / "p", d / "p.c", f"-L{LIB.parent}", f"-l:{LIB.name}",
                        f"-Wl,-rpath,{LIB.parent}", "-lblas"], check=True, timeout=120)
        env = base_env(BLASSHIM_REPORT=d / "x.jsonl")
        r = subprocess.run([d / "p"], cwd=d, env=env, capture_output=True, text=True, timeout=60)
        assert r.stdout == "7\n" and (d / "x.jsonl").exists()   # not set-uid: the setting holds
        (d / "x.jsonl").unlink()
        os.chown(d / "p", 65534, -1)
        (d / "p").chmod(0o4755)
        r = subprocess.run([d / "p"], cwd=d, env=env, capture_output=True, text=True, timeout=60)
        assert r.returncode == 0 and r.stdout == "7\n"
        assert shim_lines(r.stderr) == ["blasshim: set-uid/set-gid program: BLASSHIM_* settings "
                                        "are ignored and no report is written"]
        assert sorted(p.name for p in d.iterdir()) == ["p", "p.c"]
    finally:
        subprocess.run(["rm", "-rf", str(d)])


# ---- item 10: calls the reference BLAS rejects are forwarded, not recorded -------------------

@pytest.mark.parametrize("what", ["gemv", "syrk", "trsm", "fgemv", "fsyrk", "ftrsm"])
def test_invalid_calls_are_forwarded_not_recorded(tmp, what):
    plain = run([LPROBE, "invalid", what], tmp, shim=False)
    r = run([LPROBE, "invalid", what], tmp, BLASSHIM_REPORT=tmp / "r.jsonl")
    # the real BLAS reports it exactly as without the shim (xerbla's message, the same status)
    assert (r.returncode, r.stdout, r.stderr) == (plain.returncode, plain.stdout, plain.stderr)
    assert "had an illegal value" in plain.stdout   # netlib xerbla writes to unit 6
    assert [c["routine"] for c in Report(tmp / "r.jsonl").calls] == ["dgemm", "dgemm"]


def test_calls_at_the_limits_are_valid_and_recorded(tmp):
    r = run([LPROBE, "invalid", "edge"], tmp, BLASSHIM_REPORT=tmp / "r.jsonl")
    assert r.returncode == 0 and r.stderr == ""
    calls = Report(tmp / "r.jsonl").calls
    assert [c["routine"] for c in calls] == ["dgemm", "dgemv", "dgemv", "dsyrk", "dtrsm", "dgemm"]
    assert calls[1]["m"] == 0 and calls[2]["incx"] == -1
    assert calls[3]["uplo"] == "L" and calls[4]["side"] == "R"


@pytest.mark.parametrize("api,seed", [("f", 1), ("f", 2), ("c", 3)])
def test_validation_agrees_with_the_reference_blas(tmp, api, seed):
    """Random level-2/3 calls with arguments that are often invalid: the real BLAS is the judge
    (xerbla's message follows the calls it rejects); the shim records exactly the others.
    Fortran names: judged by netlib's reference BLAS (the default libblas.so.3 may be OpenBLAS,
    which accepts a few extensions, e.g. trans 'R' in gemv). CBLAS names: by the default one
    (netlib's cblas_xerbla ends the program), with the standard enum values or a bad one."""
    env = {"LD_LIBRARY_PATH": NETLIB.parent} if api == "f" else {}
    r = run([LPROBE, "fuzzargs", 3000, seed, api], tmp, BLASSHIM_REPORT=tmp / "r.jsonl",
            BLASSHIM_BACKTRACE=0, GFORTRAN_UNBUFFERED_ALL="y", **env)
    assert r.returncode == 0
    calls, rejected = [], set()
    for line in r.stdout.splitlines()[:-1]:   # the last: "calls 0"
        if line.startswith("@"):
            calls.append(line.split()[1])
        else:
            assert "had an illegal value" in line or "was incorrect" in line, line
            rejected.add(len(calls) - 1)
    assert len(calls) == 3000 and len(rejected) > 300 and len(calls) - len(rejected) > 150
    expected = [name for i, name in enumerate(calls) if i not in rejected]
    assert [c["routine"] for c in Report(tmp / "r.jsonl").calls] == expected
