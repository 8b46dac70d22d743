"""The committed .clang-format is the style of every C file in the tree (`make format` applies
it), as jansson checks its own in CI."""
import shutil
import subprocess

from conftest import ROOT

CLANG_FORMAT = shutil.which("clang-format") or "/usr/bin/clang-format"   # make deps installs it


def c_files():
    out = subprocess.run(["git", "ls-files", "*.c", "*.h"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.split()
    return out or [p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*.[ch]")
                   if "build" not in p.parts]


def test_every_c_file_is_formatted():
    files = c_files()
    assert len(files) > 50
    r = subprocess.run([CLANG_FORMAT, "--style=file", "--dry-run", "--Werror", *files], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    bad = sorted({line.split(":")[0] for line in r.stderr.splitlines() if ": error:" in line})
    assert r.returncode == 0, "not formatted (run `make format`): " + " ".join(bad)


def test_the_check_sees_a_misformatted_file(tmp_path):
    (tmp_path / ".clang-format").write_text((ROOT / ".clang-format").read_text())
    (tmp_path / "x.c").write_text("int  f( void ){return 1;}\n")
    r = subprocess.run([CLANG_FORMAT, "--style=file", "--dry-run", "--Werror", "x.c"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
