"""The README is the user's manual: every report field and every variable is in it."""
import re

from conftest import FIELDS, ROOT

README = (ROOT / "README.md").read_text()


def test_every_report_field_is_documented():
    for name, _ in FIELDS:
        assert re.search(rf"^\| `{name}` \|", README, re.M), f"field {name} not in README"


def test_every_environment_variable_is_documented():
    used = set()
    for src in list(ROOT.glob("shim/*.[ch]")) + list(ROOT.glob("profiler/*.[ch]")):
        used |= set(re.findall(r'"(BLASSHIM_[A-Z0-9_]+)', src.read_text()))
    used.discard("BLASSHIM_KERNEL_")  # the per-routine variables are built from the table
    assert "BLASSHIM_KERNEL" in used
    for var in sorted(used) + ["BLASSHIM_KERNEL_SGEMM", "BLASSHIM_KERNEL_DGEMM"]:
        assert f"`{var}" in README, f"{var} not in README"
