#!/bin/sh
# bench/overhead.sh — make bench-overhead: the time the shim adds to one 4x4x4 dgemm
# (system kernel), measured in one run: the same program without the shim and with it in
# each logging mode, round-robin, best of 5 rounds each.
build=${1:-build}
prog="$build/overhead"
lib="$(pwd)/$build/libblasshim.so"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
calls=200000
run() { # name, then environment assignments
    name=$1; shift
    v=$(cd "$out" && env "$@" "$OLDPWD/$prog" $calls | sed -n 's/^ns_per_call //p')
    echo "$name $v" >> "$out/times"
    rm -f "$out"/*.jsonl
}
runpy() { # name (dot_*: the products go through np.dot), then environment assignments
    name=$1; shift
    case $name in dot_*) product=dot ;; *) product=matmul ;; esac
    v=$(cd "$out" && env "$@" /usr/bin/python3 "$OLDPWD/bench/overhead_py.py" 50000 $product |
        sed -n 's/^ns_per_call //p')
    echo "$name $v" >> "$out/times"
    rm -f "$out"/*.jsonl
}
for round in 1 2 3 4 5; do
    run none
    run off LD_PRELOAD="$lib" BLASSHIM_REPORT=off
    run summary LD_PRELOAD="$lib" BLASSHIM_LOG=summary BLASSHIM_REPORT=r.jsonl
    run summary_nobt LD_PRELOAD="$lib" BLASSHIM_LOG=summary BLASSHIM_BACKTRACE=0 BLASSHIM_REPORT=r.jsonl
    run calls LD_PRELOAD="$lib" BLASSHIM_REPORT=r.jsonl
    run calls_nobt LD_PRELOAD="$lib" BLASSHIM_BACKTRACE=0 BLASSHIM_REPORT=r.jsonl
done
for round in 1 2 3; do
    runpy py_none
    runpy py_off LD_PRELOAD="$lib" BLASSHIM_LOG=summary BLASSHIM_PYTHON=0 BLASSHIM_REPORT=r.jsonl
    runpy py_on LD_PRELOAD="$lib" BLASSHIM_LOG=summary BLASSHIM_REPORT=r.jsonl
    runpy dot_inner LD_PRELOAD="$lib" BLASSHIM_LOG=summary BLASSHIM_PYCALLER=innermost BLASSHIM_REPORT=r.jsonl
    runpy dot_user LD_PRELOAD="$lib" BLASSHIM_LOG=summary BLASSHIM_REPORT=r.jsonl
done
awk '
    { if (!($1 in best) || $2 < best[$1]) best[$1] = $2 }
    END {
        base = best["none"]
        printf "4x4x4 dgemm through cblas_dgemm, system kernel, %s calls x 5 rounds, best round:\n", "'$calls'"
        printf "%-34s %10s %12s %8s\n", "configuration", "ns/call", "added ns", "target"
        n = split("none off summary summary_nobt calls calls_nobt", order, " ")
        split("no shim|BLASSHIM_REPORT=off|BLASSHIM_LOG=summary (backtrace 1)|BLASSHIM_LOG=summary, BACKTRACE=0|call lines (backtrace 1)|call lines, BACKTRACE=0", label, "|")
        split("-|5|150|-|1500|-", target, "|")
        for (i = 1; i <= n; i++)
            printf "%-34s %10.1f %12.1f %8s\n", label[i], best[order[i]], best[order[i]] - base, target[i]
        printf "\n8x8 float64 matmul in a Python loop (NumPy -> cblas_dgemm), summary mode, best round:\n"
        printf "%-34s %10.1f\n", "no shim", best["py_none"]
        printf "%-34s %10.1f %12.1f\n", "BLASSHIM_PYTHON=0", best["py_off"], best["py_off"] - best["py_none"]
        printf "%-34s %10.1f %12.1f\n", "Python call sites (default)", best["py_on"], best["py_on"] - best["py_none"]
        printf "%-34s %23.1f\n", "cost of py_caller per call", best["py_on"] - best["py_off"]
        printf "\nthe same through np.dot (one library frame, NumPy'"'"'s, before the user'"'"'s line):\n"
        printf "%-34s %10.1f\n", "BLASSHIM_PYCALLER=innermost", best["dot_inner"]
        printf "%-34s %10.1f\n", "BLASSHIM_PYCALLER=user (default)", best["dot_user"]
        printf "%-34s %23.1f\n", "cost of skipping it per call", best["dot_user"] - best["dot_inner"]
    }' "$out/times"
