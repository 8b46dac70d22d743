"""The `blasshim` launcher end to end: run (exit status, signals, stdin/stdout untouched,
LD_PRELOAD kept, the reports of a process tree named, -q, every option reaching its variable),
info, report, the help texts against the options the code accepts."""
import json
import os
import re
import signal
import subprocess
import time

import pytest

from conftest import BUILD, LIB, PYTHON, ROOT, Report, base_env, run

BLASSHIM = BUILD / "blasshim"
TOOL = BUILD / "blasshim-report"
NCPU = len(os.sched_getaffinity(0))

GEMMS = """
import numpy as np
a = np.arange(64 * 64, dtype=np.float64).reshape(64, 64) / 4096
b = np.eye(64) + 1 / 64
def step(a):
    return a @ b / 64
for _ in range(6):
    a = step(a)
print(repr(float(a.sum())))
"""


def launcher_env(**extra):
    """The environment the launcher is started with: no BLASSHIM_*; under `make asan` the
    sanitizer runtime in LD_PRELOAD, which the launcher must keep in front of the shim."""
    env = base_env(**extra)
    pre = os.environ.get("BS_TEST_PRELOAD_FIRST", "")
    if pre and "LD_PRELOAD" not in extra:
        env["LD_PRELOAD"] = pre
    return env


def launch(args, cwd, stdin=None, launcher=BLASSHIM, timeout=300, **env):
    return subprocess.run([str(launcher)] + [str(a) for a in args], cwd=cwd,
                          env=launcher_env(**env), input=stdin, capture_output=True,
                          timeout=timeout)


def written(stderr):
    """The report files the launcher named on stderr."""
    text = stderr.decode() if isinstance(stderr, bytes) else stderr
    m = re.search(r"^blasshim: reports? written:(.*?)(?=^\S|\Z)", text, re.M | re.S)
    assert m, text
    return m.group(1).split()


# ---- exit status, signals, stdin/stdout -------------------------------------------------

@pytest.mark.parametrize("code", [0, 1, 7, 255])
def test_exit_status_is_the_commands(tmp, code):
    r = launch(["run", "-q", "--", "sh", "-c", f"exit {code}"], tmp)
    assert r.returncode == code


def test_own_failures_are_125_126_127(tmp):
    assert launch(["run", "--no-such-option", "--", "true"], tmp).returncode == 125
    assert launch(["run"], tmp).returncode == 125
    r = launch(["run", "-q", "--", "no-such-command-here"], tmp)
    assert r.returncode == 127 and b"cannot run 'no-such-command-here'" in r.stderr
    (tmp / "not-exec").write_text("x")
    assert launch(["run", "-q", "--", tmp / "not-exec"], tmp).returncode == 126


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL, signal.SIGSEGV])
def test_command_killed_by_a_signal_kills_the_launcher_alike(tmp, sig):
    code = GEMMS + f"import os; os.kill(os.getpid(), {int(sig)})"
    # the signal the command dies of under the shim (under ASan a SIGSEGV becomes its abort)
    alone = run([PYTHON, "-c", code], tmp, BLASSHIM_REPORT="off")
    assert alone.returncode in (-sig, -signal.SIGABRT)
    r = launch(["run", "--", PYTHON, "-c", code], tmp)
    assert r.returncode == alone.returncode
    # the report of the killed process is still named (the shim flushes on SIGTERM/SIGSEGV)
    if sig != signal.SIGKILL:
        (name,) = written(r.stderr)
        assert (tmp / name).exists()


def _started(tmp, code, **popen):
    p = subprocess.Popen([str(BLASSHIM), "run", "-q", "--", PYTHON, "-c", code], cwd=tmp,
                         env=launcher_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         **popen)
    for line in p.stdout:   # the command is running (and past its BLAS calls)
        if line == b"ready\n":
            return p
    p.kill()
    raise AssertionError(p.stderr.read())


def test_signals_sent_to_the_launcher_reach_the_command(tmp):
    code = ("import signal, sys, time\n"
            "signal.signal(signal.SIGUSR1, lambda s, f: (print('got usr1', flush=True), "
            "sys.exit(5)))\n"
            "print('ready', flush=True)\n"
            "time.sleep(60)\n")
    p = _started(tmp, code)
    p.send_signal(signal.SIGUSR1)
    out, _ = p.communicate(timeout=60)
    assert out == b"got usr1\n" and p.returncode == 5

    p = _started(tmp, "import time; print('ready', flush=True); time.sleep(60)")
    p.send_signal(signal.SIGTERM)
    p.communicate(timeout=60)
    assert p.returncode == -signal.SIGTERM


def test_ctrl_c_goes_to_the_command_and_the_launcher_reports_first(tmp):
    """^C reaches the whole process group: the command dies of it (Python: KeyboardInterrupt,
    then SIGINT), the launcher waits for it, names the report, then dies of SIGINT too."""
    code = GEMMS + "print('ready', flush=True)\nimport time; time.sleep(60)\n"
    p = _started(tmp, code, start_new_session=True)
    os.killpg(p.pid, signal.SIGINT)
    _, err = p.communicate(timeout=60)
    assert p.returncode == -signal.SIGINT
    (name,) = written(err)
    assert (tmp / name).exists()


def test_stdout_and_stdin_are_the_commands_byte_for_byte(tmp):
    code = ("import sys, numpy as np\n"
            "data = sys.stdin.buffer.read()\n"
            "a = np.frombuffer(data, dtype=np.uint8).astype(np.float64).reshape(32, 32)\n"
            "sys.stdout.buffer.write(bytes(range(256)) + (a @ a).tobytes() + b'\\r\\n\\x00end')\n")
    data = bytes((i * 37) % 256 for i in range(1024))
    plain = subprocess.run([PYTHON, "-c", code], cwd=tmp, env=base_env(), input=data,
                           capture_output=True, timeout=120)
    shimmed = launch(["run", "--", PYTHON, "-c", code], tmp, stdin=data)
    assert plain.returncode == shimmed.returncode == 0
    assert shimmed.stdout == plain.stdout and len(plain.stdout) > 8000
    assert written(shimmed.stderr)   # the run was profiled: its output went to stderr only


def test_existing_ld_preload_is_kept_and_the_library_appended(tmp):
    other = "/lib/x86_64-linux-gnu/libz.so.1"
    pre = os.environ.get("BS_TEST_PRELOAD_FIRST", "")
    first = f"{pre}:{other}" if pre else other   # base_env puts the sanitizer first
    code = ("import os, numpy as np\n"
            "maps = open('/proc/self/maps').read()\n"
            "print(os.environ['LD_PRELOAD']); print('libz.so.1' in maps, "
            "'libblasshim.so' in maps)\n")
    r = launch(["run", "-q", "--", PYTHON, "-c", code], tmp, LD_PRELOAD=other)
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode().splitlines() == [f"{first}:{LIB.resolve()}", "True True"]


# ---- the reports of a run ------------------------------------------------------------------

def test_default_report_name_and_the_summary(tmp):
    r = launch(["run", "-k", "naive", "--", PYTHON, "-c", GEMMS], tmp)
    assert r.returncode == 0, r.stderr
    (name,) = written(r.stderr)
    assert re.fullmatch(r"blasshim-naive-\d+\.jsonl", name)
    rep = Report(tmp / name)
    assert [c["kernel"] for c in rep.calls if c["routine"] == "dgemm"] == ["naive"] * 6
    err = r.stderr.decode()
    assert err.index("report written") < err.index("1 process, ")   # then the summary
    assert "top shapes by total time" in err and "dgemm  64x64x64" in err


def test_quiet_names_the_report_only(tmp):
    r = launch(["run", "-q", "--", PYTHON, "-c", GEMMS], tmp)
    assert r.returncode == 0
    (name,) = written(r.stderr)
    assert r.stderr.decode() == f"blasshim: report written: {name}\n"


def test_a_process_tree_lists_every_report_and_skips_others(tmp):
    (tmp / "sub").mkdir()
    (tmp / "blasshim-system-1.jsonl").write_text("an earlier run's file, not this run's\n")
    (tmp / "gemms.py").write_text(GEMMS)
    script = f"cd sub && {PYTHON} ../gemms.py && cd / && {PYTHON} {tmp}/gemms.py"
    r = launch(["run", "--", "sh", "-c", script], tmp)
    assert r.returncode == 0, r.stderr
    names = written(r.stderr)
    assert len(names) == 2 and all(not n.startswith("/") for n in names)
    shell = None
    for n in names:   # relative to where blasshim ran, though the processes moved away
        (proc,) = Report(tmp / n).procs.values()
        assert len([c for c in proc["calls"] if c["routine"] == "dgemm"]) == 6
        shell = shell or proc["header"]["ppid"]
        assert proc["header"]["ppid"] == shell   # both children of the one shell
    assert not list((tmp / "sub").iterdir())
    assert "2 processes" in r.stderr.decode()


def test_a_fixed_name_is_replaced_and_a_run_without_blas_says_so(tmp):
    for _ in range(2):
        r = launch(["run", "-q", "-o", "same.jsonl", "--", PYTHON, "-c", GEMMS], tmp)
        assert written(r.stderr) == ["same.jsonl"]
    assert len(Report(tmp / "same.jsonl").procs) == 1
    r = launch(["run", "-q", "--", "true"], tmp)
    assert r.returncode == 0 and r.stderr.startswith(b"blasshim: no report written")
    r = launch(["run", "-o", "off", "--", PYTHON, "-c", GEMMS], tmp)
    assert r.returncode == 0 and r.stderr == b"" and list(tmp.iterdir()) == [tmp / "same.jsonl"]


def test_only_a_regular_file_is_replaced(tmp):
    """-o /dev/null must not delete the device (blasshim may run as root), nor -o a symlink
    the link; the shim then refuses both (a device; a link unless BLASSHIM_REPORT_FOLLOW=1)."""
    import stat
    r = launch(["run", "-q", "-o", "/dev/null", "--", PYTHON, "-c", GEMMS], tmp)
    assert r.returncode == 0 and stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert b"blasshim: no report written as /dev/null" in r.stderr
    (tmp / "target.jsonl").write_text("")
    (tmp / "link.jsonl").symlink_to("target.jsonl")
    r = launch(["run", "-q", "-o", "link.jsonl", "--", PYTHON, "-c", GEMMS], tmp)
    assert r.returncode == 0 and (tmp / "link.jsonl").is_symlink()
    assert (tmp / "target.jsonl").read_text() == ""
    r = launch(["run", "-q", "-o", "link.jsonl", "--", PYTHON, "-c", GEMMS], tmp,
               BLASSHIM_REPORT_FOLLOW="1")
    assert written(r.stderr) == ["link.jsonl"] and Report(tmp / "target.jsonl").calls


def test_report_streamed_to_stderr(tmp):
    r = launch(["run", "-o", "stderr", "--", PYTHON, "-c", GEMMS], tmp)
    assert r.returncode == 0 and not list(tmp.iterdir())
    lines = [json.loads(l) for l in r.stderr.splitlines() if l.startswith(b"{")]
    assert lines[0]["type"] == "header" and lines[0]["report"] == "stderr"
    assert b"report written" not in r.stderr and b"no report" not in r.stderr


# ---- every option reaches its variable ------------------------------------------------------

REGIONS = GEMMS + """
import ctypes
me = ctypes.CDLL(None)
me.blasshim_resume()
b = np.ones((8, 8)) @ np.ones((8, 8))
"""


def _header(rep):
    return rep.header


def _calls(rep):
    return [c for c in rep.calls if c["routine"] == "dgemm"]


# option, value, program, check(report) — one row per option of `run --help` that sets a variable
OPTION_CHECKS = {
    "--kernel": ("blocked", GEMMS, lambda rep: rep.header["kernels"] == {"sgemm": "blocked",
                                                                          "dgemm": "blocked"}),
    "--output": ("named-%p.jsonl", GEMMS, lambda rep: re.fullmatch(
        r".*/named-\d+\.jsonl", rep.header["report"])),
    "--summary": (None, GEMMS, lambda rep: rep.header["log"] == "summary"),
    "--threads": ("3", GEMMS, lambda rep: (rep.header["num_threads"],
                                           rep.header["num_threads_from"]) ==
                  (3, "BLASSHIM_NUM_THREADS")),
    "--verify": ("2", GEMMS, lambda rep: [c["max_rel_err"] is not None for c in _calls(rep)] in
                 ([False, True] * 3, [True, False] * 3)),   # every 2nd call
    "--backtrace": ("3", GEMMS, lambda rep: all(len(c["frames"]) == 3 for c in _calls(rep))),
    "--pystack": ("2", GEMMS, lambda rep: all(c["py_stack"][1].endswith(" in <module>") and
                                              len(c["py_stack"]) == 2 for c in _calls(rep))),
    "--no-python": (None, GEMMS, lambda rep: all("py_caller" not in c for c in rep.calls)),
    "--paused": (None, REGIONS, lambda rep: [c["m"] for c in _calls(rep)] == [8]),
    "--isa": ("sse2", GEMMS, lambda rep: rep.header["isa"] == "sse2"),
    "--block": ("64,128,256", GEMMS, lambda rep: "MC,KC,NC=64,128,256" in rep.header["blocking"]),
    "--real-blas": ("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3", GEMMS,
                    lambda rep: rep.header["real_blas"].endswith("blas/libblas.so.3")),
}


def help_options(cmd):
    """{option: takes a value} from `blasshim CMD --help`."""
    text = subprocess.run([str(BLASSHIM), cmd, "--help"], capture_output=True, text=True,
                          env=launcher_env(), check=True).stdout
    opts = {}
    for m in re.finditer(r"^  (?:-\w, )?[ ]*(--[a-z-]+)(\[?[= ]\S+)?", text, re.M):
        opts[m.group(1)] = m.group(2)
    return opts, text


def test_every_run_option_has_a_check_here():
    opts, text = help_options("run")
    own = {"--quiet", "--help", "--version"}
    assert set(opts) - own == set(OPTION_CHECKS), "an option of `run --help` is not tested"
    for var in re.findall(r"\[(BLASSHIM_\w+)\]", text):
        assert f"`{var}`" in (ROOT / "README.md").read_text()


def test_readme_lists_the_run_options_of_the_help():
    opts, _ = help_options("run")
    readme = (ROOT / "README.md").read_text()
    section = readme.split("| `blasshim run` option")[1].split("\n\n")[0]
    table = re.findall(r"^\| (?:`-\w`, )?`(--[a-z-]+)[^|]*` \|", section, re.M)
    assert set(table) == set(opts) - {"--help", "--version"}


@pytest.mark.parametrize("form", ["separate", "equals"])
@pytest.mark.parametrize("opt", sorted(OPTION_CHECKS))
def test_option_reaches_its_variable(tmp, opt, form):
    value, program, check = OPTION_CHECKS[opt]
    extra = ["-k", "vectorized"] if opt in ("--verify", "--isa", "--block") else []
    if value is None:
        args = [opt]
    elif form == "equals" or opt == "--verify":   # an optional value goes with '='
        args = [f"{opt}={value}"]
    else:
        args = [opt, value]
    r = launch(["run", "-q"] + extra + args + ["--", PYTHON, "-c", program], tmp)
    assert r.returncode == 0, r.stderr
    assert b"blasshim: " in r.stderr and b"is not" not in r.stderr, r.stderr
    (name,) = written(r.stderr)
    assert check(Report(tmp / name)), name


def test_short_options_and_the_verify_default(tmp):
    r = launch(["run", "-q", "-kvectorized", "-t", "1", "--verify", "--", PYTHON, "-c", GEMMS],
               tmp)
    (name,) = written(r.stderr)
    rep = Report(tmp / name)
    assert rep.header["num_threads"] == 1
    assert all(c["max_rel_err"] is not None and c["kernel"] == "vectorized" for c in _calls(rep))


def test_options_override_inherited_variables_and_the_rest_pass(tmp):
    r = launch(["run", "-q", "-k", "naive", "--", PYTHON, "-c", GEMMS], tmp,
               BLASSHIM_KERNEL="blocked", BLASSHIM_BACKTRACE="2")
    (name,) = written(r.stderr)
    assert name.startswith("blasshim-naive-")
    rep = Report(tmp / name)
    assert rep.header["kernels"]["dgemm"] == "naive"
    assert all(len(c["frames"]) == 2 for c in _calls(rep))


# ---- info, report ---------------------------------------------------------------------------

def test_info_says_what_a_run_uses(tmp):
    args = ["-k", "parallel", "--threads", "3", "--isa", "sse2", "-o", "x-%p.jsonl"]
    info = launch(["info", "--json"] + args, tmp)
    assert info.returncode == 0, info.stderr
    j = json.loads(info.stdout)
    r = launch(["run", "-q"] + args + ["--", PYTHON, "-c", GEMMS], tmp)
    (name,) = written(r.stderr)
    h = Report(tmp / name).header
    for key in ("blasshim", "kernels", "real_blas", "blas", "isa", "isas_supported", "blocking",
                "num_threads", "num_threads_from", "cpu_model", "ncpus", "log"):
        assert j[key] == h[key], key
    assert j["report"] == str(tmp / "x-%p.jsonl")
    assert j["library"] == str(LIB.resolve())
    assert j["kernels_available"] == ["system", "naive", "blocked", "vectorized", "parallel",
                                      "auto"]
    assert all(j["cache_bytes"][c] >= 0 for c in ("l1d", "l2", "l3"))
    assert j["peak_gflops_per_core"]["fp64"] >= 0
    # the peak is the one blasshim-report caches for this CPU model, when there is one
    cache = tmp / "cache"
    (cache / "blasshim").mkdir(parents=True)
    (cache / "blasshim" / "machines.json").write_text(json.dumps({j["cpu_model"]: {
        "fp32_gflops": 123.5, "fp64_gflops": 61.75, "measured": "2026-01-02T03:04:05Z"}}))
    cached = json.loads(launch(["info", "--json"], tmp, XDG_CACHE_HOME=cache).stdout)
    assert cached["peak_gflops_per_core"] == {
        "fp32": 123.5, "fp64": 61.75,
        "source": f"cached 2026-01-02T03:04:05Z in {cache}/blasshim/machines.json"}
    text = launch(["info"] + args, tmp, OMP_NUM_THREADS="2").stdout.decode()
    for label in ("library", "real BLAS", "BLAS env", "CPU", "caches", "ISA", "tiles",
                  "kernels", "threads", "report", "peak"):
        assert re.search(rf"^{label} +\S", text, re.M), label
    blas = j["blas"]
    assert f"real BLAS    {blas['vendor']} {blas['version']} ({blas['parallel']}" in text
    assert "threads      3 (from BLASSHIM_NUM_THREADS)" in text
    text = launch(["info"], tmp, OMP_NUM_THREADS="1", OPENBLAS_CORETYPE="Haswell").stdout.decode()
    assert "threads      1 (from OMP_NUM_THREADS)" in text and not list(tmp.glob("*system*"))
    assert re.search(r"^BLAS env +OMP_NUM_THREADS=1 OPENBLAS_CORETYPE=Haswell$", text, re.M)


def test_report_is_blasshim_report(tmp):
    r = launch(["run", "-q", "-o", "r.jsonl", "--", PYTHON, "-c", GEMMS], tmp)
    assert r.returncode == 0
    via = launch(["report", "csv", "r.jsonl"], tmp)
    direct = subprocess.run([str(TOOL), "csv", "r.jsonl"], cwd=tmp, capture_output=True)
    assert via.returncode == direct.returncode == 0 and via.stdout == direct.stdout
    assert launch(["report", "compare", "r.jsonl"], tmp).returncode == 2


# ---- help and version -----------------------------------------------------------------------

HELP_CALLS = [["--help"], ["run", "--help"], ["info", "--help"], ["bench", "--help"],
              ["run", "-h"]]


def test_every_help_is_its_own_with_usage_options_and_example(tmp):
    texts = {}
    for args in HELP_CALLS:
        r = launch(args, tmp)
        assert r.returncode == 0 and r.stderr == b"", args
        t = r.stdout.decode()
        assert t.startswith("usage: blasshim") and "example" in t and "%%" not in t, args
        texts[" ".join(args[:-1])] = t
    assert len(set(texts.values())) == 4   # -h is --help
    assert texts["run"].startswith("usage: blasshim run ")
    assert texts["info"].startswith("usage: blasshim info ")


@pytest.mark.parametrize("cmd", ["run", "info"])
def test_help_lists_exactly_what_the_code_accepts(tmp, cmd):
    opts, _ = help_options(cmd)
    source = (ROOT / "launcher" / "main.c").read_text()
    field = r'\s*(?:"[^"]*"|NULL),'
    table = re.findall(r'^\s*\{"(--[a-z-]+)",\s*(\'\w\'|0),\s*ARG_\w+,' + field * 3 +
                       r"\s*([A-Z_ |]+),", source, re.M)
    assert table, "the option table was not found"
    listed = {name for name, _, cmds in table if f"CMD_{cmd.upper()}" in cmds}
    assert set(opts) == listed
    for opt, value in opts.items():
        if opt in ("--help", "--version"):
            continue
        arg = [opt] if not value else [f"{opt}=1"] if value.startswith("[") else [opt, "1"]
        tail = ["--", "true"] if cmd == "run" else []
        r = launch([cmd] + arg + tail, tmp, BLASSHIM_REPORT="off")
        assert b"unknown option" not in r.stderr, (opt, r.stderr)
    other = "--json" if cmd == "run" else "--quiet"
    r = launch([cmd, other, "--", "true"], tmp)
    assert r.returncode == 125 and f"unknown option {other}".encode() in r.stderr


def test_bench_help_lists_the_benchmarks_options(tmp):
    text = launch(["bench", "--help"], tmp).stdout.decode()
    listed = set(re.findall(r"^  (--[a-z-]+)", text, re.M)) - {"--help", "--version"}
    src = (ROOT / "bench" / "gemm_bench.c").read_text()
    accepted = set(re.findall(r'!strcmp\(argv\[i\], "(--[a-z-]+)"\)', src)) - {"--sweep-child"}
    assert listed == accepted


@pytest.mark.parametrize("args", [["--version"], ["run", "--version"], ["info", "--version"],
                                  ["bench", "--version"]])
def test_version_everywhere(tmp, args):
    r = launch(args, tmp)
    header = (ROOT / "include" / "blasshim.h").read_text()
    version = re.search(r'#define BLASSHIM_VERSION "(.*)"', header).group(1)
    assert r.returncode == 0 and r.stdout.decode() == f"blasshim {version}\n"


def test_bad_usage_is_one_line_and_125(tmp):
    for args in (["frobnicate"], ["run", "--kernel"], ["run", "--summary=yes", "--", "true"],
                 ["run", "--threads=", "--", "true"], ["info", "extra"]):
        r = launch(args, tmp)
        assert r.returncode == 125 and len(r.stderr.splitlines()) == 1, (args, r.stderr)
        assert r.stderr.startswith(b"blasshim: ") and r.stdout == b""
