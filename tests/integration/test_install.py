"""make install / make uninstall into a temporary prefix, the installed launcher profiling a
program in another directory, and pkg-config building a program that uses the region API."""
import os
import re
import shutil
import subprocess

import pytest

from conftest import BUILD, PYTHON, ROOT, Report
from test_launcher import GEMMS, launcher_env, written

VERSION = re.search(r'#define BLASSHIM_VERSION "(.*)"',
                    (ROOT / "include" / "blasshim.h").read_text()).group(1)
FILES = ["bin/blasshim", "bin/blasshim-report", "lib/libblasshim.so", "include/blasshim.h",
         "lib/pkgconfig/blasshim.pc", "libexec/blasshim/gemm_bench",
         "share/doc/blasshim/README.md", "share/doc/blasshim/examples/mlp.py",
         "share/doc/blasshim/examples/regions.py", "share/doc/blasshim/examples/dgemm_example.c"]

REGIONS_C = r"""
#include <blasshim.h>
#include <cblas.h>
#include <stdio.h>

int main(void)
{
    double a[16], b[16], c[16] = {0};
    for (int i = 0; i < 16; i++) a[i] = i, b[i] = 16 - i;
    blasshim_pause();
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, 4, 4, 4, 1, a, 4, b, 4, 0, c, 4);
    blasshim_resume();
    blasshim_mark("phase 2");
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, 2, 4, 4, 1, a, 4, b, 4, 0, c, 4);
    printf("%g %.40s\n", c[0], blasshim_info_json());
    return 0;
}
"""


def make(*args):
    """The project's make, with the outer make's settings (MAKEFLAGS: BUILD, SAN, CFLAGS)."""
    build = os.path.relpath(BUILD, ROOT)
    r = subprocess.run(["make", "--no-print-directory", f"BUILD={build}", *args], cwd=ROOT,
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr
    return r


def files_under(d):
    return sorted(str(p.relative_to(d)) for p in d.rglob("*") if not p.is_dir())


def test_install_then_profile_elsewhere_with_the_installed_files_only(tmp):
    prefix = tmp / "prefix"
    make("install", f"PREFIX={prefix}")
    assert all((prefix / f).is_file() for f in FILES), files_under(prefix)
    assert os.access(prefix / "bin" / "blasshim", os.X_OK)

    work = tmp / "elsewhere"
    work.mkdir()
    (work / "app.py").write_text(GEMMS)
    path = f"{prefix}/bin:/usr/bin:/bin"   # the build tree is nowhere on the way
    env = dict(PATH=path)
    r = subprocess.run(["blasshim", "run", "-k", "blocked", "-o", "app.jsonl", "--", PYTHON,
                        "app.py"], cwd=work, env=launcher_env(**env), capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert written(r.stderr) == ["app.jsonl"] and "top shapes by total time" in r.stderr
    rep = Report(work / "app.jsonl")
    assert {c["kernel"] for c in rep.calls if c["routine"] == "dgemm"} == {"blocked"}

    r = subprocess.run(["blasshim", "run", "-q", "--", "sh", "-c", 'echo "$LD_PRELOAD"'],
                       cwd=work, env=launcher_env(**env), capture_output=True, text=True)
    assert r.stdout.strip().split(":")[-1] == str(prefix / "lib" / "libblasshim.so")
    r = subprocess.run(["blasshim", "info", "--json"], cwd=work, env=launcher_env(**env),
                       capture_output=True, text=True, timeout=120)
    assert f'"library": "{prefix}/lib/libblasshim.so"' in r.stdout, r.stderr
    r = subprocess.run(["blasshim", "report", "csv", "app.jsonl"], cwd=work,
                       env=launcher_env(**env), capture_output=True, text=True)
    assert r.returncode == 0 and len(r.stdout.splitlines()) == len(rep.calls) + 1
    r = subprocess.run(["blasshim", "bench", "--quick", "--only", "d", "--shape", "32x32x32"],
                       cwd=work, env=launcher_env(OPENBLAS_CORETYPE="Haswell", **env),
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and re.search(r"^dgemm 32x32x32 ", r.stdout, re.M), r.stderr
    # --sweep preloads the installed library into children of the installed benchmark (which
    # set LD_PRELOAD to the library alone: under `make asan` the sanitized library then lacks
    # its runtime in front, so the sweep is only checked in the plain build)
    if not os.environ.get("BS_TEST_PRELOAD_FIRST"):
        sweep = ["blasshim", "bench", "--sweep", "--passes", "1", "--shape", "16x16x16"]
        r = subprocess.run(sweep, cwd=work, env=launcher_env(**env), capture_output=True,
                           text=True, timeout=300)
        assert r.returncode == 0 and "failed" not in r.stderr, r.stderr
        assert re.search(r"^dgemm 16x16x16 +\d", r.stdout, re.M), r.stdout

    make("uninstall", f"PREFIX={prefix}")
    assert files_under(prefix) == []


@pytest.mark.skipif(not shutil.which("pkg-config"), reason="needs pkg-config")
def test_pkg_config_builds_a_program_using_the_region_api(tmp):
    prefix = tmp / "prefix"
    make("install", f"PREFIX={prefix}")
    env = launcher_env(PKG_CONFIG_PATH=str(prefix / "lib" / "pkgconfig"))
    pc = lambda *a: subprocess.run(["pkg-config", *a, "blasshim"], env=env,
                                   capture_output=True, text=True)
    assert pc("--exists").returncode == 0
    assert pc("--modversion").stdout.strip() == VERSION
    flags = pc("--cflags", "--libs").stdout.split()
    assert f"-I{prefix}/include" in flags and "-lblasshim" in flags

    (tmp / "regions.c").write_text(REGIONS_C)
    cc = subprocess.run(["gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-o", "regions",
                         "regions.c", *flags, "-lblas"], cwd=tmp, capture_output=True, text=True)
    assert cc.returncode == 0, cc.stderr
    # through the installed launcher (the library is preloaded by path: its soname matches)
    r = subprocess.run([str(prefix / "bin" / "blasshim"), "run", "-q", "-o", "r.jsonl", "--",
                        "./regions"], cwd=tmp, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith('328 {"blasshim":"' + VERSION + '",')   # 0*16+4*15+8*14+12*13
    rep = Report(tmp / "r.jsonl")
    assert [(c["m"], c["n"]) for c in rep.calls] == [(2, 4)]   # the paused call is not recorded
    assert [m["name"] for m in rep.procs[rep.header["pid"]]["marks"]] == ["phase 2"]
    # and linked as a plain shared library, found by the dynamic loader
    env["LD_LIBRARY_PATH"] = str(prefix / "lib")
    env["BLASSHIM_REPORT"] = str(tmp / "linked.jsonl")
    pre = os.environ.get("BS_TEST_PRELOAD_FIRST")
    if pre:
        env["LD_PRELOAD"] = pre
    r = subprocess.run(["./regions"], cwd=tmp, env=env, capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("328 "), r.stderr
    assert [(c["m"], c["n"]) for c in Report(tmp / "linked.jsonl").calls] == [(2, 4)]
    make("uninstall", f"PREFIX={prefix}")


def test_destdir_stages_the_prefix(tmp):
    stage = tmp / "stage"
    make("install", "PREFIX=/opt/blasshim-test", f"DESTDIR={stage}")
    root = stage / "opt" / "blasshim-test"
    assert all((root / f).is_file() for f in FILES)
    assert "prefix=/opt/blasshim-test\n" in (root / "lib/pkgconfig/blasshim.pc").read_text()
    make("uninstall", "PREFIX=/opt/blasshim-test", f"DESTDIR={stage}")
    assert files_under(stage) == []


def test_make_help_lists_the_targets():
    r = make("help")
    targets = re.findall(r"^make(?: (\S+))?", r.stdout, re.M)
    for t in ("", "test", "check", "asan", "demo", "bench", "bench-overhead", "install",
              "uninstall", "deps", "clean", "help"):
        assert t in targets, t
    mk = (ROOT / "Makefile").read_text()
    phony = set(" ".join(re.findall(r"^\.PHONY: (.*)$", mk, re.M)).split()) - {"all"}
    assert phony <= set(targets), phony - set(targets)
