#!/bin/sh
# examples/demo.sh — make demo: the MLP example under the shim, with the system BLAS and with
# the naive kernel, and what each report says.
build=${1:-build}
out="$build/demo"
mkdir -p "$out"
rm -f "$out"/*.jsonl
lib="$(pwd)/$build/libblasshim.so"
for kernel in system naive; do
    echo "== examples/mlp.py with BLASSHIM_KERNEL=$kernel"
    LD_PRELOAD="$lib" BLASSHIM_KERNEL=$kernel BLASSHIM_REPORT="$out/$kernel.jsonl" \
        /usr/bin/python3 examples/mlp.py || exit 1
done
echo
for kernel in system naive; do
    /usr/bin/python3 examples/show_report.py "$out/$kernel.jsonl" || exit 1
    echo
done
echo "reports: $out/system.jsonl $out/naive.jsonl"
