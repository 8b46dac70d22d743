"""tools/blas_checks.py — the argument checks of the reference BLAS, per routine family, as C
expressions for the generated wrappers (tools/gen_wrappers.py).

The reference BLAS (netlib) checks the arguments of every level-2 and level-3 routine and
calls xerbla on the first bad one; level-1 routines check nothing (n <= 0 does nothing). A
wrapper forwards an invalid call untouched, so the real BLAS reports it exactly as without
the shim, and records nothing: it did no work. The checks, by argument kind:
  order (CBLAS)        row or column major
  trans/uplo/diag/side one of the letters the routine accepts (Fortran: either case)
  m, n, k, kl, ku      >= 0
  incx, incy           != 0
  lda, ldb, ldc        >= max(1, rows), rows from LD below (column-major | row-major)
"""
import re

# CBLAS enum values: the first value of each kind and the letters in enum order
CODES = {"trans": (111, "NTC"), "transa": (111, "NTC"), "transb": (111, "NTC"),
         "uplo": (121, "UL"), "diag": (131, "NU"), "side": (141, "LR")}

# complex routines that accept fewer letters than their kind has (real syrk takes N, T, C)
NARROW = {("syrk", "trans"): "NT", ("syr2k", "trans"): "NT", ("herk", "trans"): "NC",
          ("her2k", "trans"): "NC"}

# rows of each leading dimension: (column-major, row-major); "x=='L'" tests a letter argument
SQUARE = ("n", "n")
BAND = ("k+1", "k+1")
GENERAL = ("m", "n")
SIDE = ("side=='L' ? m : n", "side=='L' ? m : n")
RANK_K = ("trans=='N' ? n : k", "trans=='N' ? k : n")
LD = {
    "gemv": {"lda": GENERAL},
    "gbmv": {"lda": ("kl+ku+1", "kl+ku+1")},
    "symv": {"lda": SQUARE}, "hemv": {"lda": SQUARE}, "trmv": {"lda": SQUARE},
    "trsv": {"lda": SQUARE}, "syr": {"lda": SQUARE}, "her": {"lda": SQUARE},
    "syr2": {"lda": SQUARE}, "her2": {"lda": SQUARE},
    "sbmv": {"lda": BAND}, "hbmv": {"lda": BAND}, "tbmv": {"lda": BAND}, "tbsv": {"lda": BAND},
    "spmv": {}, "hpmv": {}, "tpmv": {}, "tpsv": {}, "spr": {}, "hpr": {}, "spr2": {}, "hpr2": {},
    "ger": {"lda": GENERAL}, "geru": {"lda": GENERAL}, "gerc": {"lda": GENERAL},
    "gemm": {"lda": ("transa=='N' ? m : k", "transa=='N' ? k : m"),
             "ldb": ("transb=='N' ? k : n", "transb=='N' ? n : k"), "ldc": GENERAL},
    "symm": {"lda": SIDE, "ldb": GENERAL, "ldc": GENERAL},
    "hemm": {"lda": SIDE, "ldb": GENERAL, "ldc": GENERAL},
    "syrk": {"lda": RANK_K, "ldc": SQUARE}, "herk": {"lda": RANK_K, "ldc": SQUARE},
    "syr2k": {"lda": RANK_K, "ldb": RANK_K, "ldc": SQUARE},
    "her2k": {"lda": RANK_K, "ldb": RANK_K, "ldc": SQUARE},
    "trmm": {"lda": SIDE, "ldb": GENERAL}, "trsm": {"lda": SIDE, "ldb": GENERAL},
}
SIZES = {"m", "n", "k", "kl", "ku"}


def family(r):
    """The routine without its type letter ("dgemv" -> "gemv"), or None for level 1."""
    name = r["name"]
    fam = name[1:] if name[0] == r["t"] else name
    return fam if fam in LD else None


def _letter(api, name):
    base, letters = CODES[name]
    val = f"*{name}" if api == "fortran" else name
    return f"bs_v_letter({int(api == 'cblas')}, (int){val}, {base}, \"{letters}\")"


def valid_expr(r, api):
    """A C expression, true when the reference BLAS accepts the call's arguments."""
    fam = family(r)
    if fam is None:
        return "1"
    deref = "*" if api == "fortran" else ""
    row = "(layout == CblasRowMajor)" if api == "cblas" and r["order"] else "0"
    terms = []
    if api == "cblas" and r["order"]:
        terms.append("(layout == CblasRowMajor || layout == CblasColMajor)")
    names = {n for _, n in r["args"]}
    for kind, name in r["args"]:
        if kind == "t":
            allowed = NARROW.get((fam, name), CODES[name][1]) if r["t"] in "cz" else CODES[name][1]
            terms.append(f"bs_v_in({_letter(api, name)}, \"{allowed}\")")
        elif kind == "i" and name in SIZES:
            terms.append(f"{deref}{name} >= 0")
        elif kind == "i" and name in ("incx", "incy"):
            terms.append(f"{deref}{name} != 0")
        elif kind == "i" and name in LD[fam]:
            col, rowm = (_c_expr(e, api, names) for e in LD[fam][name])
            rows = col if col == rowm or row == "0" else f"{row} ? ({rowm}) : ({col})"
            terms.append(f"(int64_t){deref}{name} >= bs_v_max1({rows})")
    return " && ".join(terms) or "1"


def _c_expr(e, api, names):
    """A rows expression of LD in C: sizes as int64_t, x=='L' as a letter test."""
    deref = "*" if api == "fortran" else ""
    tests = re.findall(r"(\w+)=='(\w)'", e)
    e = re.sub(r"(\w+)=='(\w)'", "@", e)
    e = re.sub(r"\b([a-z]+)\b", lambda w: f"(int64_t){deref}{w.group(1)}" if w.group(1) in names
               else w.group(1), e)
    for name, letter in tests:
        e = e.replace("@", f"{_letter(api, name)} == '{letter}'", 1)
    return e
