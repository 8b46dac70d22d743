#!/usr/bin/python3
"""tools/gen_wrappers.py — shim/routines.tab -> the exported entry points of every BLAS routine.

    gen_wrappers.py shim/routines.tab shim/lapack.tab OUT.c

Each routine gets a CBLAS and a Fortran entry point in every spelling of shim/spellings.def;
the LAPACK routines marked "fl" also their LAPACKE C name (LAPACKE_dgesv) in the spellings
with an api lapacke.
An entry point only describes the call (a bs_call, shim/call.h) and hands it on: the routines
with kernels (BS_ROUTINES in shim/call.h: sgemm, dgemm) to bs_gemm_call (shim/gemm.c), every
other one to the real routine of the same name, profiled by shim/generic.c. Both first take the
quiet path when nothing is recorded: straight to the real routine. The LP64 CBLAS definitions
are compiled against the system's cblas.h, so the compiler checks every prototype.
"""
import functools
import os
import re
import sys

from blas_checks import valid_expr

REAL = {"s": "float", "d": "double", "c": "float", "z": "double"}
ELEM = {"s": "float", "d": "double", "c": "float _Complex", "z": "double _Complex"}
ENUM = {"trans": "CBLAS_TRANSPOSE", "transa": "CBLAS_TRANSPOSE", "transb": "CBLAS_TRANSPOSE",
        "uplo": "CBLAS_UPLO", "diag": "CBLAS_DIAG", "side": "CBLAS_SIDE"}
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@functools.lru_cache(None)
def kernel_routines():
    """The routines with kernels: BS_ROUTINES(X) X(sgemm, s, float) ... in shim/call.h."""
    text = open(os.path.join(ROOT, "shim", "call.h")).read()
    line = re.search(r"#define BS_ROUTINES\(X\)(.*)", text).group(1)
    return re.findall(r"X\((\w+),", line)


def kernel_types():
    """(routine, prefix, element type) of the routines with kernels, from BS_ROUTINES: the
    quiet kernel path of routine is bs_<prefix>gemm_quick (shim/gemm_quick.h)."""
    text = open(os.path.join(ROOT, "shim", "call.h")).read()
    line = re.search(r"#define BS_ROUTINES\(X\)(.*)", text).group(1)
    return re.findall(r"X\((\w+),\s*(\w+),\s*(\w+)\)", line)


def spellings():
    """shim/spellings.def: (enum, prefix, CBLAS suffix, Fortran suffix, integer bits)."""
    text = open(os.path.join(ROOT, "shim", "spellings.def")).read()
    rows = re.findall(r'^BS_SPELLING\((\w+),\s*"(\w*)",\s*"(\w*)",\s*"(\w*)",\s*(\d+),', text, re.M)
    assert rows and rows[0][0] == "BS_LP64", "spellings.def: BS_LP64 first"
    return rows

def lapacke_spellings():
    """The spellings (enum ids) whose api lapacke is named: those with LAPACKE entry points."""
    text = open(os.path.join(ROOT, "shim", "spellings.def")).read()
    rows = re.findall(r'^BS_SPELLING\((\w+),(?:[^,]*,){6}\s*"(\w*)"\)', text, re.M)
    assert rows, "spellings.def: no api lapacke column"
    return [enum for enum, name in rows if name]

# Where a cblas.h in use declares a parameter differently: OpenBLAS's header (0.3.21) has
# cblas_csrot/cblas_zdrot take a const x (which they write). BS_HDR_CONST (shim/generic.h)
# is const under that header and empty under netlib's, so either one compiles.
HEADER_QUIRKS = {("cblas_csrot", "x"): "BS_HDR_CONST void *x", ("cblas_zdrot", "x"): "BS_HDR_CONST void *x"}


def parse(path):
    for raw in open(path):
        line = raw.split("#", 1)[0].strip() if raw.lstrip().startswith("#") else raw.strip()
        if not line:
            continue
        spec, flops = line.split("|")
        name, types, order, ret, *args = spec.split()
        for t in types:
            full = name.replace("?", t)
            yield dict(name=full, t=t, order=order == "o", fortran_only=order.startswith("f"),
                       lapacke=order == "fl", ret=ret, args=[a.split(":") for a in args],
                       flops=flops.strip())


def cplx(t):
    return t in "cz"


INT = {}  # set per spelling: {"cblas": type, "fortran": type}


def int_types(sp):
    """The integer types of a spelling: LP64 as the system's cblas.h declares them."""
    enum, _, _, _, bits = sp
    if enum == "BS_LP64":
        return "bs_cint", "bs_fint"
    return (f"bs_i{bits}",) * 2


def cblas_param(kind, name, t):
    T, R = REAL[t], REAL[t]
    if kind == "i":
        return f"const {INT['cblas']} {name}"
    if kind == "t":
        return f"{ENUM[name]} {name}"
    if kind == "a":
        return f"const void *{name}" if cplx(t) else f"const {T} {name}"
    if kind == "r":
        return f"const {R} {name}"
    if kind == "v":
        return f"const void *{name}" if cplx(t) else f"const {T} *{name}"
    if kind == "w":
        return f"void *{name}" if cplx(t) else f"{T} *{name}"
    if kind == "rw":
        return f"{R} *{name}"
    raise ValueError(kind)


def f77_param(kind, name, t):
    if kind == "i":
        return f"const {INT['fortran']} *{name}"
    if kind in ("o", "iw"):
        return f"{INT['fortran']} *{name}"
    if kind == "iv":
        return f"const {INT['fortran']} *{name}"
    if kind == "t":
        return f"const char *{name}"
    if kind in ("a", "v"):
        return f"const {ELEM[t]} *{name}"
    if kind == "r":
        return f"const {REAL[t]} *{name}"
    if kind == "w":
        return f"{ELEM[t]} *{name}"
    if kind == "rw":
        return f"{REAL[t]} *{name}"
    raise ValueError(kind)


def ret_type(ret, t, api):
    if ret == "-" or (ret == "C" and api == "cblas"):
        return "void"
    if ret == "T":
        return REAL[t]
    if ret == "R":
        return REAL[t]
    if ret == "D":
        return "double"
    if ret == "I":
        return "CBLAS_INDEX" if api == "cblas" else INT["fortran"]
    if ret == "C":
        return ELEM[t]
    raise ValueError(ret)


def fields(r, api, sp_enum):
    """The bs_call that describes a call: every field, those the routine lacks absent."""
    deref = "*" if api == "fortran" else ""
    f = {"routine": f'"{r["name"]}"', "api": f"BS_API_{api.upper()}", "spelling": sp_enum,
         # Fortran level-2/3 routines are column-major by definition: order 1 records "col"
         "order_raw": ("(int)layout" if api == "cblas" else "1") if r["order"] else "0"}
    if api == "lapacke":
        f["order_raw"] = "matrix_layout"  # LAPACK_ROW_MAJOR 101, LAPACK_COL_MAJOR 102
    for x in ("transa", "transb", "uplo", "side", "diag"):
        f[x + "_raw"] = "0"
    for x in ("m", "n", "k", "nrhs", "lda", "ldb", "ldc"):
        f[x] = "-1"
    f["incx"] = f["incy"] = "BS_NULL_I64"
    f["alpha"] = f["beta"] = "NAN"
    jobs = []
    for kind, name in r["args"]:
        if kind == "i" and name in f:
            f[name] = f"{deref}{name}"
        elif kind == "t" and name not in ("trans", "transa", "transb", "uplo", "side", "diag"):
            jobs.append(f"(char){deref}{name}")  # LAPACK's jobz, jobu, range, norm, ...
        elif kind == "t":
            field = {"trans": "transa"}.get(name, name) + "_raw"
            f[field] = f"(int)*{name}" if api == "fortran" else f"(int){name}"
        elif kind in ("a", "r") and name in ("alpha", "beta"):
            if kind == "a" and cplx(r["t"]):
                f[name] = f"((const {REAL[r['t']]} *){name})[0]"
            else:
                f[name] = f"{deref}{name}"
    f["flops"] = flops_expr(r, api)
    if jobs:
        f["job"] = "{" + ", ".join(jobs) + "}"
    f["info"] = "BS_NULL_I64"
    f["nests"] = "1" if r["fortran_only"] else "0"
    f["elem"] = "0"
    f["caller_ip"] = "__builtin_return_address(0)"
    return [f".{k} = {v}" for k, v in f.items()]


def packed(head, items, tail, width=100):
    """head item, item, ... tail, in lines of at most width columns, aligned after head."""
    lines, line = [], head
    for i, item in enumerate(items):
        item += "," if i + 1 < len(items) else tail
        if len(line) + 1 + len(item) > width and line.strip() != head.strip():
            lines.append(line)
            line = " " * len(head) + item
        else:
            line += ("" if line == head else " ") + item
    return "\n".join(lines + [line])


def flops_expr(r, api):
    if r["flops"] == "-":
        return "-1.0"
    deref = "*" if api == "fortran" else ""
    e = r["flops"]
    names = {n for k, n in r["args"] if k == "i"}
    e = re.sub(r"\b[a-z]+\b", lambda w: f"(double)({deref}{w.group(0)})" if w.group(0) in names
               else w.group(0), e)
    if "side_left" in e:
        side = {"fortran": "(*side == 'L' || *side == 'l')",
                "lapacke": "(side == 'L' || side == 'l')", "cblas": "(side == CblasLeft)"}[api]
        e = e.replace("side_left", side)
    if r["fortran_only"]:
        # LAPACK: LAWN 41 counts (shim/lawn41.h) per type; none for a workspace query
        kind = int(cplx(r["t"]))
        e = re.sub(r"\b([A-Z]+[0-9]*)\(", lambda w: f"bs_lawn41_{w.group(1).lower()}({kind}, ", e)
        if any(n == "lwork" for _, n in r["args"]):
            return f"(*lwork == -1 ? -1.0 : {e})"
        return f"({e})"
    mult = "4.0 * " if cplx(r["t"]) else ""
    return f"{mult}({e})"


def quick_call(r, api, sp_enum):
    """The quiet kernel path (shim/gemm_quick.h) on the call's own arguments, as in bs_call."""
    f = dict(x[1:].split(" = ", 1) for x in fields(r, api, sp_enum))
    args = [f"BS_R_{r['name']}", f["api"], f["order_raw"], f["transa_raw"], f["transb_raw"],
            f["m"], f["n"], f["k"], f["alpha"], "a", f["lda"], "b", f["ldb"], f["beta"], "c",
            f["ldc"]]
    prefix = {name: p for name, p, _ in kernel_types()}[r["name"]]
    head = f"    if (bs_{prefix}gemm_quick("
    return packed(head, args, "))") + "\n        return;"


def wrapper(r, api, sp):
    enum, prefix, csuf, fsuf, _ = sp
    INT["cblas"], INT["fortran"] = int_types(sp)
    if api == "cblas":
        name = f"{prefix}cblas_{r['name']}" + ("_sub" if r["ret"] == "C" else "") + csuf
    else:
        name = f"{prefix}{r['name']}{fsuf}"
    rt = ret_type(r["ret"], r["t"], api)
    params = []
    if api == "cblas" and r["order"]:
        params.append("CBLAS_LAYOUT layout")
    mk = cblas_param if api == "cblas" else f77_param
    params += [HEADER_QUIRKS.get((name, n), mk(k, n, r["t"])) for k, n in r["args"]]
    args = (["layout"] if api == "cblas" and r["order"] else []) + [n for _, n in r["args"]]
    if api == "cblas" and r["ret"] == "C":
        params.append("void *result")
        args.append("result")
    nchar = sum(1 for k, _ in r["args"] if k == "t")
    types = [p[: p.rfind(n)].strip() for p, n in zip(params, args)]
    if api == "fortran" and nchar:
        params += [f"size_t len{i}" for i in range(nchar)]
        types += ["size_t"] * nchar
        args += [f"len{i}" for i in range(nchar)]
    call = f"real({', '.join(args)})"
    desc = packed("    bs_call g = {", fields(r, api, enum), "};")
    lines = [f"BS_EXPORT {rt} {name}({', '.join(params) or 'void'})", "{",
             f"    typedef {rt} (*fn_t)({', '.join(types) or 'void'});"]
    if r["name"] in kernel_routines():
        # quiet: the real routine at once; else the kernel routines' call path
        assert rt == "void"
        where = f"BS_R_{r['name']}, {enum}, BS_API_{api.upper()}"
        lines += [f"    fn_t real = (fn_t)bs_direct_get({where});",
                  "    if (real) {", f"        {call};", "        return;", "    }",
                  quick_call(r, api, enum), desc,
                  f"    bs_gemm_call(BS_R_{r['name']}, &g, a, b, c);", "}", ""]
        return "\n".join(lines)
    lines += [f"    static bs_sym sym = {{.name = \"{name}\"}};",
              "    fn_t real = (fn_t)bs_sym_get(&sym);"]
    # a call the reference BLAS rejects is forwarded for it to report, and not recorded
    valid = f"    const int valid = {valid_expr(r, api)}; /* tools/blas_checks.py */"
    if rt == "void":
        lines += ["    if (real && bs_quiet()) {", f"        {call};", "        return;", "    }",
                  desc, valid, "    if (!valid || !bs_gen_begin(&g, &sym)) {", "        if (real)",
                  f"            {call};", "        return;", "    }", f"    {call};"]
    else:
        lines += ["    if (real && bs_quiet())", f"        return {call};", desc, valid,
                  "    if (!valid || !bs_gen_begin(&g, &sym))", f"        return real ? {call} : ({rt})0;",
                  f"    {rt} ret = {call};"]
    if any(k == "o" and n == "info" for k, n in r["args"]):
        lines += ["    g.info = *info;"]
    lines += ["    bs_gen_end(&g);"]
    if rt != "void":
        lines += ["    return ret;"]
    lines += ["}", ""]
    return "\n".join(lines)


# LAPACKE's high-level functions allocate the workspace and return info: these arguments go
LAPACKE_DROPS = {"work", "lwork", "iwork", "liwork", "rwork", "lrwork", "info"}
LAPACKE_C = {"s": "float", "d": "double", "c": "float _Complex", "z": "double _Complex"}


def lapacke_param(kind, name, t):
    """A parameter of LAPACKE_<routine> as lapacke.h declares it (lapack_int: int)."""
    T = LAPACKE_C[t]
    return {"i": f"int {name}", "t": f"char {name}", "r": f"{REAL[t]} {name}",
            "v": f"const {T} *{name}", "w": f"{T} *{name}", "rw": f"{REAL[t]} *{name}",
            "iw": f"int *{name}", "iv": f"const int *{name}", "o": f"int *{name}"}[kind]


def lapacke_wrapper(r, sp_enum):
    """LAPACKE_<routine>: profiled, forwarded to liblapacke's; the Fortran routine it calls to do
    the work is not recorded again (bs_nest.same, shim/generic.c)."""
    name = f"LAPACKE_{r['name']}"
    r = dict(r, args=[(k, n) for k, n in r["args"] if n not in LAPACKE_DROPS])
    params = ["int matrix_layout"] + [lapacke_param(k, n, r["t"]) for k, n in r["args"]]
    args = ["matrix_layout"] + [n for _, n in r["args"]]
    types = [p[: p.rfind(n)].strip() for p, n in zip(params, args)]
    call = f"real({', '.join(args)})"
    return "\n".join([
        f"BS_EXPORT int {name}({', '.join(params)})", "{",
        f"    typedef int (*fn_t)({', '.join(types)});",
        f"    static bs_sym sym = {{.name = \"{name}\"}};",
        "    fn_t real = (fn_t)bs_sym_get(&sym);",
        "    if (real && bs_quiet())", f"        return {call};",
        packed("    bs_call g = {", fields(r, "lapacke", sp_enum), "};"),
        "    if (!bs_gen_begin(&g, &sym))",
        f"        return real ? {call} : -1; /* none: as for a bad first argument */",
        f"    const int info = {call};", "    g.info = info;", "    bs_gen_end(&g);",
        "    return info;", "}", ""])


def main():
    *tables, out = sys.argv[1:]
    routines = [r for table in tables for r in parse(table)]
    with open(out, "w") as f:
        f.write(f"/* Generated by tools/gen_wrappers.py from {' and '.join(tables)}: "
                "do not edit. */\n")
        f.write("#include <complex.h>\n#include <stddef.h>\n\n#include <cblas.h>\n\n")
        f.write('#include "shim/generic.h"\n#include "shim/lawn41.h"\n#include "shim/validate.h"\n\n')
        # the quiet kernel path of the kernel routines, once per element type
        f.write('#define BS_TEMPLATE "shim/gemm_quick.h"\n#include "kernels/each_type.h"\n\n')
        for sp in spellings():
            for r in routines:
                if not r["fortran_only"]:
                    f.write(wrapper(r, "cblas", sp))
                f.write(wrapper(r, "fortran", sp))
                if r.get("lapacke") and sp[0] in lapacke_spellings():
                    f.write(lapacke_wrapper(r, sp[0]))


if __name__ == "__main__":
    main()
