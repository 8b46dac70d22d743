"""LAPACKE in the report: a C program calling LAPACK's C interface (liblapacke), under the
reference LAPACK and OpenBLAS's; each LAPACKE call recorded once with api "lapacke", its order,
info and flops, the Fortran routine liblapacke calls to do the work not recorded again, the calls
made inside nested under the LAPACKE call, results unchanged; every exported LAPACKE_ function
declared as lapacke.h declares it."""
import re
from pathlib import Path

import pytest

from conftest import BUILD, ROOT
from test_lapack import SETUPS, flops, geqrf, getrf, getrs, potrf, run_probe

LAPACKEPROBE = BUILD / "tests" / "integration" / "lapackeprobe"
LAPACKE_H = Path("/usr/include/lapacke.h")
N, NRHS = 60, 2
EXPECTED = [  # the probe's calls: (routine, fields, flops)
    ("dgesv", dict(order="col", n=N, nrhs=NRHS, lda=N, ldb=N, info=0),
     flops(getrf(N, N), getrs(N, NRHS))),
    ("dgesv", dict(order="row", n=N, nrhs=NRHS, lda=N, ldb=NRHS, info=0),
     flops(getrf(N, N), getrs(N, NRHS))),
    ("dgetrf", dict(order="row", m=N, n=N - 10, lda=N - 10, info=0), flops(getrf(N, N - 10))),
    ("dpotrf", dict(order="col", uplo="L", n=N, info=0), flops(potrf(N))),
    ("dgeqrf", dict(order="col", m=N, n=N - 20, info=0), flops(geqrf(N, N - 20))),
    ("dsyevd", dict(order="row", uplo="U", job="V", n=N, info=0), None),
    ("zgesv", dict(order="col", n=N, nrhs=1, info=0),
     flops(getrf(N, N), getrs(N, 1), complex_=True)),
    ("dgesv", dict(order="col", n=N, nrhs=NRHS, info=6), flops(getrf(N, N), getrs(N, NRHS))),
]


@pytest.mark.skipif(not LAPACKE_H.exists(), reason="liblapacke-dev not installed")
@pytest.mark.parametrize("setup", list(SETUPS))
def test_c_program_calling_lapacke(tmp, setup):
    proc, top = run_probe(LAPACKEPROBE, tmp, SETUPS[setup], EXPECTED, "lapacke")
    calls = proc["calls"]
    by_seq = {c["seq"]: c for c in calls}
    # liblapacke's own call of the Fortran routine (dgesv_ for LAPACKE_dgesv, twice for the
    # workspace query and the work in dgeqrf and dsyevd) is not a second record
    for c in calls:
        if c["depth"] > 0:
            assert c["routine"] != by_seq[c["parent"]]["routine"], c
            assert c["api"] != "lapacke"
    # the work done inside nests under the LAPACKE call
    kids = {c["seq"]: [k["routine"] for k in calls if k["parent"] == c["seq"]] for c in top}
    assert {"dnrm2", "dgemv"} <= set(kids[top[4]["seq"]])     # dgeqrf's Householder steps
    if setup == "reference":
        # the reference dgesv_ calls dgetrf_ and dgetrs_: the LAPACKE call's children now
        assert kids[top[0]["seq"]] == kids[top[1]["seq"]] == ["dgetrf", "dgetrs"]
        assert kids[top[6]["seq"]] == ["zgetrf", "zgetrs"]
        assert kids[top[7]["seq"]] == ["dgetrf"]   # singular: no solve
        assert {"dtrsm", "dsyrk"} <= set(kids[top[3]["seq"]])


def c_params(text):
    """[(type, name)] of a C parameter list, types without spaces, lapacke.h's names for the
    integer and complex types replaced by what they are (int, float/double _Complex)."""
    out = []
    for p in text.split(","):
        name = re.search(r"(\w+)\s*$", p).group(1)
        t = re.sub(r"\s+", "", p[: p.rfind(name)])
        t = t.replace("lapack_int", "int").replace("lapack_complex_double", "double_Complex")
        out.append((t.replace("lapack_complex_float", "float_Complex"), name.lower()))
    return out


@pytest.mark.skipif(not LAPACKE_H.exists(), reason="liblapacke-dev not installed")
def test_lapacke_functions_match_lapacke_h():
    """Every LAPACKE_ function the shim exports has the parameters lapacke.h declares (names,
    order, types, constness) and returns lapack_int; they are those of the routines marked "fl"
    in shim/lapack.tab; the one left out, ?gesvd, differs (its superb array)."""
    header = {m.group(1): c_params(m.group(2)) for m in re.finditer(
        r"lapack_int\s+(LAPACKE_\w+)\s*\(([^;]*)\);", LAPACKE_H.read_text())}
    gen = (BUILD / "gen" / "wrappers.c").read_text()
    ours = {m.group(1): c_params(m.group(2)) for m in re.finditer(
        r"^BS_EXPORT int (LAPACKE_\w+)\(([^)]*)\)", gen, re.M)}
    marked = set()
    for line in (ROOT / "shim" / "lapack.tab").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#") and line.split()[2] == "fl":
            marked |= {"LAPACKE_" + line.split()[0].replace("?", t) for t in line.split()[1]}
    assert set(ours) == marked and len(ours) >= 110
    for name, params in ours.items():
        assert header[name] == params, name
    assert [n for _, n in header["LAPACKE_dgesvd"]][-1] == "superb"
