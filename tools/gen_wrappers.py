#!/usr/bin/python3
"""tools/gen_wrappers.py — shim/routines.tab -> the C wrappers of every BLAS routine.

    gen_wrappers.py shim/routines.tab OUT.c

Each routine gets a CBLAS and a Fortran entry point that profiles the call and forwards it
to the real routine of the same name (shim/generic.c does the work; this file only spells
the signatures). The CBLAS definitions are compiled against the system's cblas.h, so the
compiler checks every prototype. sgemm/dgemm are skipped: shim/gemm.c routes them to kernels.
"""
import re
import sys

from blas_checks import valid_expr

REAL = {"s": "float", "d": "double", "c": "float", "z": "double"}
ELEM = {"s": "float", "d": "double", "c": "float _Complex", "z": "double _Complex"}
ENUM = {"trans": "CBLAS_TRANSPOSE", "transa": "CBLAS_TRANSPOSE", "transb": "CBLAS_TRANSPOSE",
        "uplo": "CBLAS_UPLO", "diag": "CBLAS_DIAG", "side": "CBLAS_SIDE"}
SKIP = {"sgemm", "dgemm"}  # the kernel path, shim/gemm.c (every spelling)

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
            if full in SKIP:
                continue
            yield dict(name=full, t=t, order=order == "o", ret=ret,
                       args=[a.split(":") for a in args], flops=flops.strip())


def cplx(t):
    return t in "cz"


# (C name prefix, CBLAS suffix, Fortran suffix, integer types cblas/fortran, enum name)
SPELLINGS = [("", "", "_", "bs_cint", "bs_fint", "BS_LP64"),
             ("", "64_", "_64_", "bs_i64", "bs_i64", "BS_ILP64"),
             ("scipy_", "64_", "_64_", "bs_i64", "bs_i64", "BS_SCIPY64")]
INT = {}  # set per spelling: {"cblas": type, "fortran": type}


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


def fill(r, api):
    """C statements that copy the call's arguments into the bs_gcall g."""
    deref = "*" if api == "fortran" else ""
    out = []
    for kind, name in r["args"]:
        if kind == "i" and name in ("m", "n", "k", "lda", "ldb", "ldc", "incx", "incy"):
            out.append(f"g.{name} = {deref}{name};")
        elif kind == "t":
            field = {"trans": "transa"}.get(name, name)
            val = f"(int)*{name}" if api == "fortran" else f"(int){name}"
            out.append(f"g.{field} = {val};")
        elif kind in ("a", "r") and name in ("alpha", "beta"):
            if kind == "a" and cplx(r["t"]):
                out.append(f"g.{name} = ((const {REAL[r['t']]} *){name})[0];")
            else:
                out.append(f"g.{name} = {deref}{name};")
    return out


def flops_expr(r, api):
    if r["flops"] == "-":
        return "-1.0"
    deref = "*" if api == "fortran" else ""
    e = r["flops"]
    names = {n for k, n in r["args"] if k == "i"}
    e = re.sub(r"\b[a-z]+\b", lambda w: f"(double)({deref}{w.group(0)})" if w.group(0) in names
               else w.group(0), e)
    if "side_left" in e:
        side = "(*side == 'L' || *side == 'l')" if api == "fortran" else "(side == CblasLeft)"
        e = e.replace("side_left", side)
    mult = "4.0 * " if cplx(r["t"]) else ""
    return f"{mult}({e})"


def wrapper(r, api, sp):
    prefix, csuf, fsuf, cint, fint, sp_enum = sp
    INT["cblas"], INT["fortran"] = cint, fint
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
    # Fortran level-2/3 routines are column-major by definition: order 1 records "col"
    order = ("(int)layout" if api == "cblas" else "1") if r["order"] else "0"
    lines = [f"BS_EXPORT {rt} {name}({', '.join(params) or 'void'})", "{",
             f"    typedef {rt} (*fn_t)({', '.join(types) or 'void'});",
             f"    static bs_sym sym = {{.name = \"{name}\"}};",
             "    fn_t real = (fn_t)bs_sym_get(&sym);",
             f"    const int valid = {valid_expr(r, api)}; /* tools/blas_checks.py */",
             f"    bs_gcall g = BS_GCALL_INIT(\"{r['name']}\", BS_API_{api.upper()}, {sp_enum}, {order},",
             f"                               {flops_expr(r, api)});",
             "    if (!valid || !bs_gen_begin(&g, &sym, __builtin_return_address(0))) {"]
    if rt == "void":
        lines += [f"        if (real)", f"            {call};", "        return;", "    }",
                  f"    {call};"]
    else:
        lines += [f"        return real ? {call} : ({rt})0;", "    }", f"    {rt} ret = {call};"]
    lines += [f"    {s}" for s in fill(r, api)]
    lines += ["    bs_gen_end(&g);"]
    if rt != "void":
        lines += ["    return ret;"]
    lines += ["}", ""]
    return "\n".join(lines)


def main():
    table, out = sys.argv[1], sys.argv[2]
    routines = list(parse(table))
    with open(out, "w") as f:
        f.write("/* Generated by tools/gen_wrappers.py from shim/routines.tab: do not edit. */\n")
        f.write("#include <complex.h>\n#include <stddef.h>\n\n#include <cblas.h>\n\n")
        f.write('#include "shim/generic.h"\n#include "shim/validate.h"\n\n')
        for sp in SPELLINGS:
            for r in routines:
                f.write(wrapper(r, "cblas", sp))
                f.write(wrapper(r, "fortran", sp))
        f.write(f"const int bs_generated_routines = {len(routines)};\n")


if __name__ == "__main__":
    main()
