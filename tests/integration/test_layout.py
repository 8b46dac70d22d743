"""The rooms of the tree (README "Layout", shared/DESIGN.md): every #include of a project file
goes only the way of "the shim calls the kernels and the profiler; the report tool reads what
the profiler wrote"."""
import re

from conftest import ROOT

# room -> the rooms (or single files) its sources may include
ALLOWED = {
    "common": {"common"},
    "kernels": {"kernels", "common"},
    "profiler": {"profiler", "common"},
    "shim": {"shim", "kernels", "profiler", "common", "include"},
    "report": {"report", "common", "profiler/schema.h", "profiler/fields.def",
               "include/blasshim.h"},   # its version
    "include": set(),
    "launcher": {"launcher", "include", "common", "report/peak.h"},   # a program of its own
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def includes(path, root=ROOT):
    """The project files a source includes, as root-relative paths."""
    room = path.parent
    for name in INCLUDE.findall(path.read_text()):
        target = (room / name) if (room / name).exists() else (root / name)
        yield name, target.resolve().relative_to(root.resolve()).as_posix()


def test_every_include_goes_the_right_way():
    bad = []
    for room, allowed in ALLOWED.items():
        for src in sorted((ROOT / room).glob("*.[ch]")) + sorted((ROOT / room).glob("*.def")):
            for name, target in includes(src):
                ok = target.split("/")[0] in allowed or target in allowed
                if not ok:
                    bad.append(f"{src.relative_to(ROOT)} includes {name} ({target})")
    assert not bad, "includes against the rooms' direction:\n" + "\n".join(bad)


def test_no_parent_relative_includes():
    """One include style: the file's own room ("gemm.h") or root-relative ("kernels/gemm.h")."""
    bad = [f"{p.relative_to(ROOT)}: {n}" for room in list(ALLOWED) + ["tests", "bench"]
           for p in (ROOT / room).rglob("*.[ch]") for n in INCLUDE.findall(p.read_text())
           if n.startswith("../")]
    assert not bad, bad


def test_the_checker_sees_a_wrong_way_include(tmp_path):
    """The rule itself bites: a kernels file including the profiler is caught."""
    (tmp_path / "kernels").mkdir()
    (tmp_path / "profiler").mkdir()
    (tmp_path / "profiler" / "sink.h").write_text("")
    fake = tmp_path / "kernels" / "peek.h"
    fake.write_text('#include "profiler/sink.h"\n')
    found = [t for _, t in includes(fake, tmp_path)]
    assert found == ["profiler/sink.h"]
    assert found[0].split("/")[0] not in ALLOWED["kernels"]
