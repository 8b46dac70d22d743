#!/usr/bin/python3
"""examples/show_report.py — what a user looks at first in a blasshim report.

    /usr/bin/python3 examples/show_report.py blasshim-1234.jsonl [more.jsonl ...]

Reads the JSON Lines report(s) and prints, per report: the program, the kernels, the real
BLAS, the number of gemm calls, the total time spent in them (and its share of the
process's lifetime), the overall GFLOP/s, and the shapes that took the most time.
"""
import json
import sys
from collections import defaultdict


def show(path):
    header, summary, calls = None, None, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            kind = rec.get("type")
            if kind == "header":
                header = rec
            elif kind == "summary":
                summary = rec
            elif kind == "call":
                calls.append(rec)
    if header is None:
        print(f"{path}: no header line; not a blasshim report", file=sys.stderr)
        return 1
    wall = sum(c["wall_ns"] for c in calls)
    flops = sum(c["flops"] for c in calls)
    kernels = ", ".join(f"{r}={k}" for r, k in header["kernels"].items())
    print(f"{path}")
    print(f"  program   : {' '.join(header['argv'])}")
    print(f"  kernels   : {kernels}    real BLAS: {header.get('real_blas')}")
    share = ""
    if summary and summary.get("elapsed_ns"):
        share = f" ({100.0 * wall / summary['elapsed_ns']:.1f}% of the process's lifetime)"
    print(f"  gemm calls: {len(calls)}, total {wall / 1e6:.1f} ms{share}, "
          f"{flops / wall if wall else 0:.2f} GFLOP/s")
    shapes = defaultdict(lambda: [0, 0, 0])
    for c in calls:
        key = (c["routine"], c["m"], c["n"], c["k"], c["transa"] + c["transb"], c["kernel"])
        s = shapes[key]
        s[0] += 1
        s[1] += c["wall_ns"]
        s[2] += c["flops"]
    print(f"  {'routine':8} {'m x n x k':>18} {'op':>3} {'kernel':>8} {'calls':>6} "
          f"{'total ms':>9} {'mean us':>9} {'GFLOP/s':>8}")
    for key, (n, ns, fl) in sorted(shapes.items(), key=lambda kv: -kv[1][1])[:6]:
        routine, m, nn, k, op, kern = key
        print(f"  {routine:8} {f'{m} x {nn} x {k}':>18} {op:>3} {kern:>8} {n:6d} "
              f"{ns / 1e6:9.2f} {ns / n / 1e3:9.1f} {fl / ns if ns else 0:8.2f}")
    return 0


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip().splitlines()[2].strip())
        return 0 if len(argv) >= 2 else 2
    rc = 0
    for path in argv[1:]:
        try:
            rc |= show(path)
        except (OSError, ValueError, KeyError) as e:
            print(f"{path}: {e}", file=sys.stderr)
            rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
