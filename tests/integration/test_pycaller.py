"""py_caller names the user's own code: library frames (the interpreter's installation,
BLASSHIM_PYLIB, synthetic files) are skipped, the innermost frame is kept as py_frame.
Real frameworks (Debian's scikit-learn and PyTorch) and small packages made by the tests."""
import math
import re
from collections import Counter, defaultdict

import pytest

from conftest import PYTHON, Report, run, shim_lines

SKLEARN = '''
import warnings
from sklearn.datasets import load_digits
from sklearn.neural_network import MLPClassifier
X, y = load_digits(return_X_y=True)
clf = MLPClassifier(hidden_layer_sizes=(64,), max_iter=15, random_state=0)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    clf.fit(X, y)  # @@ fit
print(round(clf.score(X, y), 6))  # @@ score
'''

TORCH = '''
import torch
torch.manual_seed(0)
torch.set_num_threads(1)
X = torch.randn(512, 32)
y = torch.randn(512, 1)
model = torch.nn.Sequential(torch.nn.Linear(32, 64), torch.nn.ReLU(), torch.nn.Linear(64, 1))
opt = torch.optim.SGD(model.parameters(), lr=0.01)
for epoch in range(4):
    for i in range(0, 512, 64):
        opt.zero_grad()
        out = model(X[i:i + 64])  # @@ forward
        loss = ((out - y[i:i + 64]) ** 2).mean()
        loss.backward()  # @@ backward
        opt.step()
print(" ".join(f"{p.detach().double().sum().item():.9e}" for p in model.parameters()))
'''


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def line_of(path, tag):
    for no, text in enumerate(path.read_text().splitlines(), 1):
        if text.rstrip().endswith(f"# @@ {tag}"):
            return no
    raise AssertionError(f"no line tagged {tag} in {path}")


def test_sklearn_fit_is_the_hot_line(tmp):
    script = write(tmp / "digits.py", SKLEARN)
    r = run([PYTHON, script], tmp, BLASSHIM_REPORT=tmp / "r.jsonl", timeout=300)
    assert r.returncode == 0 and shim_lines(r.stderr) == [], r.stderr
    calls = Report(tmp / "r.jsonl").gemm
    assert len(calls) > 50
    fit = f"{script}:{line_of(script, 'fit')} in <module>"
    # hot by the work done (flops), not by time: timings are no test's business
    by_line = Counter()
    for c in calls:
        by_line[c["py_caller"]] += c["flops"]
    assert by_line.most_common(1)[0][0] == fit
    assert by_line[fit] > 0.8 * sum(by_line.values())
    for c in calls:
        assert c["py_caller"].startswith(f"{script}:"), c["py_caller"]
        # sklearn (through NumPy) made the product: the innermost frame is the library's
        assert re.match(r"(/usr/lib/python3/dist-packages/(sklearn|numpy)/.*\.py|<__array_function__ internals>):\d+ in \w+",
                        c["py_frame"]), c["py_frame"]
    fit_frames = Counter(c["py_frame"] for c in calls if c["py_caller"] == fit)
    top = fit_frames.most_common(1)[0][0]
    assert re.fullmatch(r"/usr/lib/python3/dist-packages/sklearn/[\w/]+\.py:\d+ in \w+", top), top


def torch_run(tmp, kernel):
    script = write(tmp / "train.py", TORCH)
    r = run([PYTHON, script], tmp, BLASSHIM_KERNEL=kernel, BLASSHIM_REPORT=tmp / f"{kernel}.jsonl",
            timeout=300)
    assert r.returncode == 0 and shim_lines(r.stderr) == [], r.stderr
    return script, Report(tmp / f"{kernel}.jsonl").gemm, [float(v) for v in r.stdout.split()]


def test_torch_forward_and_backward_are_the_hot_lines(tmp):
    script = tmp / "train.py"
    results = {}
    for kernel in ("system", "vectorized"):
        script, calls, results[kernel] = torch_run(tmp, kernel)
        assert {c["kernel"] for c in calls} == {kernel} and {c["routine"] for c in calls} == {"sgemm"}
        forward = f"{script}:{line_of(script, 'forward')} in <module>"
        backward = f"{script}:{line_of(script, 'backward')} in <module>"
        assert {c["py_caller"] for c in calls} == {forward, backward}
        # 4 epochs x 8 batches: 2 products forward, 3 backward (no gradient of X)
        counts = Counter(c["py_caller"] for c in calls)
        assert counts == {forward: 64, backward: 96}, counts
        for c in calls:
            if c["py_caller"] == forward:
                assert re.fullmatch(r"/usr/lib/python3/dist-packages/torch/nn/modules/linear\.py:\d+ in forward",
                                    c["py_frame"]), c["py_frame"]
            else:
                assert re.fullmatch(r"/usr/lib/python3/dist-packages/torch/(autograd/__init__|_tensor)\.py:\d+ in backward",
                                    c["py_frame"]), c["py_frame"]
    # the same training on both kernels: the parameters agree to fp32 rounding
    assert len(results["system"]) == 4
    for a, b in zip(results["system"], results["vectorized"]):
        assert math.isclose(a, b, rel_tol=1e-4, abs_tol=1e-4), (results["system"], results["vectorized"])


MYLIB = '''
def mm(a, b):
    return a @ b  # @@ mm


def apply(f, x):
    return f(x)  # @@ apply
'''

MAIN = '''
import sys
import numpy as np
from mylib import ops
a = np.ones((20, 30))
b = np.ones((30, 10))
def cb(x):
    return x @ b  # @@ cb
r1 = ops.mm(a, b)  # @@ via-lib
r2 = ops.apply(cb, a)  # @@ via-apply
r3 = np.dot(a, b)  # @@ dot
print(r1.sum() + r2.sum() + r3.sum())
'''


def project(root):
    """root/app/main.py using root/app/mylib/ops.py (a package of the user's own)."""
    main = write(root / "app" / "main.py", MAIN)
    ops = write(root / "app" / "mylib" / "ops.py", MYLIB)
    write(root / "app" / "mylib" / "__init__.py", "")
    return main, ops


def gemm_sites(report):
    return [(c["py_caller"], c.get("py_frame"), c.get("py_stack")) for c in Report(report).gemm]


def site(path, tag, func):
    return f"{path}:{line_of(path, tag)} in {func}"


def test_own_package_is_user_code_until_pylib_says_otherwise(tmp):
    main, ops = project(tmp)
    dot_frame = re.compile(r"<__array_function__ internals>:\d+ in dot")
    # run from elsewhere: the package is the user's own code, NumPy's dot wrapper is not
    r = run([PYTHON, main], tmp / "app" / "mylib", BLASSHIM_REPORT=tmp / "a.jsonl")
    assert r.returncode == 0 and r.stderr == ""
    got = gemm_sites(tmp / "a.jsonl")
    assert [g[:1] for g in got] == [(site(ops, "mm", "mm"),), (site(main, "cb", "cb"),),
                                    (site(main, "dot", "<module>"),)]
    assert got[0][1] is None and got[1][1] is None and dot_frame.fullmatch(got[2][1])
    # BLASSHIM_PYLIB (relative to the working directory): the package is library code
    r = run([PYTHON, main], tmp, BLASSHIM_PYLIB="app/mylib", BLASSHIM_REPORT=tmp / "b.jsonl")
    assert r.returncode == 0 and r.stderr == ""
    got = gemm_sites(tmp / "b.jsonl")
    assert got[0][:2] == (site(main, "via-lib", "<module>"), site(ops, "mm", "mm"))
    assert got[1][:2] == (site(main, "cb", "cb"), None)   # the callback is the user's again
    assert got[2][0] == site(main, "dot", "<module>")
    # several directories, absolute; one that is not a directory is named once and ignored
    r = run([PYTHON, main], tmp, BLASSHIM_PYLIB=f"{tmp}/nothing-here:{tmp}/app/mylib",
            BLASSHIM_REPORT=tmp / "c.jsonl")
    assert r.returncode == 0
    assert shim_lines(r.stderr) == [f"blasshim: BLASSHIM_PYLIB: {tmp}/nothing-here is not a directory; ignored"]
    assert gemm_sites(tmp / "c.jsonl")[:2] == got[:2]


def test_innermost(tmp):
    main, ops = project(tmp)
    r = run([PYTHON, main], tmp, BLASSHIM_PYLIB="app/mylib", BLASSHIM_PYCALLER="innermost",
            BLASSHIM_REPORT=tmp / "r.jsonl")
    assert r.returncode == 0 and r.stderr == ""
    got = gemm_sites(tmp / "r.jsonl")
    assert [g[0] for g in got[:2]] == [site(ops, "mm", "mm"), site(main, "cb", "cb")]
    assert re.fullmatch(r"<__array_function__ internals>:\d+ in dot", got[2][0])
    assert all(g[1] is None for g in got)   # never a py_frame: nothing was skipped
    r = run([PYTHON, main], tmp, BLASSHIM_PYCALLER="outermost", BLASSHIM_REPORT=tmp / "bad.jsonl")
    assert r.returncode == 0
    assert shim_lines(r.stderr) == ["blasshim: BLASSHIM_PYCALLER=outermost is not innermost or user; "
                                    "naming the user's own code"]
    assert gemm_sites(tmp / "bad.jsonl")[0][0] == site(ops, "mm", "mm")


def test_stack_keeps_the_user_frames(tmp):
    main, ops = project(tmp)
    run([PYTHON, main], tmp, BLASSHIM_PYLIB="app/mylib", BLASSHIM_PYSTACK=4,
        BLASSHIM_REPORT=tmp / "u.jsonl")
    got = gemm_sites(tmp / "u.jsonl")
    # ops.mm from <module>: the stack starts at py_caller, library frames left out
    assert got[0][2] == [site(main, "via-lib", "<module>")]
    # <module> -> ops.apply (library) -> cb: the user's frames only
    assert got[1][2] == [site(main, "cb", "cb"), site(main, "via-apply", "<module>")]
    run([PYTHON, main], tmp, BLASSHIM_PYLIB="app/mylib", BLASSHIM_PYSTACK=4,
        BLASSHIM_PYCALLER="innermost", BLASSHIM_REPORT=tmp / "i.jsonl")
    got = gemm_sites(tmp / "i.jsonl")
    assert got[1][2] == [site(main, "cb", "cb"), site(ops, "apply", "apply"),
                         site(main, "via-apply", "<module>")]


def test_every_frame_library_names_the_innermost(tmp):
    """A script that is itself in a library directory (python -m pytest of a library)."""
    main, ops = project(tmp)
    r = run([PYTHON, main], tmp, BLASSHIM_PYLIB="app", BLASSHIM_PYSTACK=3,
            BLASSHIM_REPORT=tmp / "r.jsonl")
    assert r.returncode == 0 and r.stderr == ""
    got = gemm_sites(tmp / "r.jsonl")
    assert got[0][:2] == (site(ops, "mm", "mm"), None)
    assert got[0][2] == [site(ops, "mm", "mm"), site(main, "via-lib", "<module>")]
    assert got[1][:2] == (site(main, "cb", "cb"), None)
    assert re.fullmatch(r"<__array_function__ internals>:\d+ in dot", got[2][0]) and got[2][1] is None


@pytest.mark.parametrize("where", ["inside", "outside"])
def test_a_directory_that_looks_like_site_packages(tmp, where):
    """The interpreter's own directories count, not the names: a project inside
    .../lib/python3.11/site-packages of no interpreter is the user's code."""
    root = tmp / "env" / "lib" / "python3.11" / "site-packages"
    main, ops = project(root)
    cwd = root / "app" if where == "inside" else tmp
    r = run([PYTHON, main], cwd, BLASSHIM_REPORT=tmp / "r.jsonl")
    assert r.returncode == 0 and r.stderr == ""
    got = gemm_sites(tmp / "r.jsonl")
    assert got[0][:2] == (site(ops, "mm", "mm"), None)
    assert got[2][0] == site(main, "dot", "<module>")


def test_venv_inside_the_project_is_library_code(tmp):
    """The deepest directory decides: a library directory inside the working directory."""
    main, ops = project(tmp)
    r = run([PYTHON, main], tmp / "app", BLASSHIM_PYLIB=str(tmp / "app" / "mylib"),
            BLASSHIM_REPORT=tmp / "r.jsonl")
    assert r.returncode == 0 and r.stderr == ""
    assert gemm_sites(tmp / "r.jsonl")[0][:2] == (site(main, "via-lib", "<module>"), site(ops, "mm", "mm"))
