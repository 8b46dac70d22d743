"""blasshim-report's command line: every command's own --help (usage, every option, an
example) against the options the code accepts, --version, --opt=VALUE and --opt VALUE,
--top N / --top 0."""
import json
import re
import subprocess

import pytest

from conftest import BUILD, PYTHON, ROOT, run

TOOL = BUILD / "blasshim-report"
COMMANDS = ["summary", "compare", "csv", "trace", "folded", "plot", "html"]
PEAK = "200,100"
SHAPES = """
import numpy as np
for n in range(8, 20):   # 12 shapes
    a = np.ones((n, n + 1), np.float32) @ np.ones((n + 1, 3), np.float32)
"""


@pytest.fixture(scope="module")
def rep(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    r = run([PYTHON, "-c", SHAPES], d, BLASSHIM_REPORT=d / "r.jsonl")
    assert r.returncode == 0, r.stderr
    return d / "r.jsonl"


def tool(*args, cwd=None):
    return subprocess.run([str(TOOL), *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def help_options(cmd):
    """{option: its value placeholder or None} listed by `blasshim-report CMD --help`."""
    r = tool(cmd, "--help")
    assert r.returncode == 0 and r.stderr == ""
    opts = dict(re.findall(r"^  (?:-\w, |    )(--[a-z-]+)(?: (\S+))?", r.stdout, re.M))
    return {k: v or None for k, v in opts.items()}, r.stdout


def code_options():
    """{option: set of commands} from the option table of report/main.c."""
    src = (ROOT / "report" / "main.c").read_text()
    rows = re.findall(r'^\s*\[O_\w+\] = \{"(--[a-z-]+)", (?:\'\w\'|0), (?:"[^"]*"|NULL), '
                      r"([A-Z_ |]+),", src, re.M)
    assert len(rows) >= 8, "the option table was not found"
    bits = {"C_SUMMARY": {"summary"}, "C_COMPARE": {"compare"}, "C_CSV": {"csv"},
            "C_TRACE": {"trace"}, "C_FOLDED": {"folded"}, "C_PLOT": {"plot"}, "C_HTML": {"html"},
            "C_ALL": set(COMMANDS)}
    out = {}
    for opt, cmds in rows:   # a name may have a row per command (--by)
        out.setdefault(opt, set()).update(*(bits[b.strip()] for b in cmds.split("|")))
    return out


def test_every_command_has_its_own_help():
    texts = {}
    for cmd in COMMANDS:
        _, text = help_options(cmd)
        assert re.match(rf"usage: blasshim-report \[?{cmd}\]? ", text), text
        assert "\nexample:\n  blasshim-report " in text and "%%" not in text
        texts[cmd] = text
    main = tool("--help").stdout
    assert main.startswith("usage: blasshim-report [COMMAND]") and "%%" not in main
    assert len(set(texts.values()) | {main}) == len(COMMANDS) + 1
    assert tool("-h").stdout == tool("help").stdout == main


@pytest.mark.parametrize("cmd", COMMANDS)
def test_help_lists_exactly_the_options_the_command_accepts(cmd, rep, tmp):
    listed, _ = help_options(cmd)
    table = code_options()
    assert set(listed) == {o for o, cmds in table.items() if cmd in cmds}
    # plot and html write only their own kind of file
    output = {"plot": tmp / "p.svg", "html": tmp / "p.html"}.get(cmd, tmp / "out")
    values = {"--top": "2", "--peak": PEAK, "--by": "line", "--output": output,
              "--bandwidth": "20"}
    files = [rep, rep] if cmd == "compare" else [rep]
    for opt in listed:
        if opt in ("--help", "--version"):
            continue
        extra = ["-o", output] if cmd in ("plot", "html") and opt != "--output" else []
        for form in ([opt, values[opt]], [f"{opt}={values[opt]}"]) if listed[opt] else ([opt],):
            args = [*form, *extra, "--peak=1,1" if cmd in ("plot", "html") and opt != "--peak"
                    else "--json" if cmd == "summary" and opt != "--json" else "--", *files]
            if opt in ("--base", "--new"):   # the sides of compare (and html): both or neither
                args = [*extra, "--base", rep, "--new", rep]
            r = tool(cmd, *args)
            assert r.returncode == 0, (cmd, form, r.stderr)
    for opt in set(table) - set(listed):   # another command's option is refused
        r = tool(cmd, opt, "1", *files)
        assert r.returncode == 2 and f"unknown option {opt}" in r.stderr, (cmd, opt)


@pytest.mark.parametrize("args", [["--version"]] + [[c, "--version"] for c in COMMANDS])
def test_version_everywhere(args):
    version = re.search(r'#define BLASSHIM_VERSION "(.*)"',
                        (ROOT / "include" / "blasshim.h").read_text()).group(1)
    r = tool(*args)
    assert r.returncode == 0 and r.stdout == f"blasshim-report {version}\n"


def test_top_forms_and_zero_for_all(rep):
    def shapes(*top):
        r = tool("summary", "--json", "--peak", PEAK, *top, rep)
        assert r.returncode == 0, r.stderr
        return json.loads(r.stdout)["top_shapes"]
    every = shapes("--top", "0")
    assert len(every) == 13   # 12 sgemm shapes and NumPy's sdot
    assert shapes("--top=3") == shapes("--top", "3") == every[:3]
    assert shapes() == every[:10]
    text = tool("summary", "--top=3", "--peak", PEAK, rep).stdout
    assert "(10 more shapes)" in text
    assert "more shapes" not in tool("summary", "--top", "0", "--peak", PEAK, rep).stdout
    for bad in ("-1", "x", "3x", ""):
        r = tool("summary", f"--top={bad}", rep)
        assert r.returncode == 2 and len(r.stderr.splitlines()) == 1, bad


def test_attached_values_and_double_dash(rep, tmp):
    a = tool("csv", "-o", tmp / "a.csv", rep)
    b = tool("csv", f"-o{tmp / 'b.csv'}", rep)
    c = tool("csv", f"--output={tmp / 'c.csv'}", rep)
    assert a.returncode == b.returncode == c.returncode == 0
    assert (tmp / "a.csv").read_text() == (tmp / "b.csv").read_text() == (tmp / "c.csv").read_text()
    (tmp / "-odd.jsonl").write_bytes(rep.read_bytes())
    assert tool("csv", "--", "-odd.jsonl", cwd=tmp).stdout == tool("csv", rep).stdout.replace(
        str(rep), "-odd.jsonl")
    r = tool("csv", "--json", rep)
    assert r.returncode == 2 and "unknown option --json" in r.stderr
    r = tool("summary", "--json=yes", rep)
    assert r.returncode == 2 and "takes no value" in r.stderr
    r = tool("plot", rep, "-o")
    assert r.returncode == 2 and "missing after --output" in r.stderr
