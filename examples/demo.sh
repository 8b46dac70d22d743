#!/bin/sh
# examples/demo.sh — make demo: the MLP example under the shim, with the system BLAS and with
# the vectorized kernel, then what blasshim-report makes of the two reports.
build=${1:-build}
out="$build/demo"
mkdir -p "$out"
rm -f "$out"/*.jsonl
report="$build/blasshim-report"
for kernel in system vectorized; do
    echo "== $build/blasshim run -q -k $kernel --pystack 8 -o $out/$kernel.jsonl -- /usr/bin/python3 examples/mlp.py"
    "$build/blasshim" run -q -k $kernel --pystack 8 -o "$out/$kernel.jsonl" -- \
        /usr/bin/python3 examples/mlp.py \
        || exit 1
done
for kernel in system vectorized; do
    echo
    echo "== $report summary $out/$kernel.jsonl"
    "$report" summary --top 6 "$out/$kernel.jsonl" || exit 1
done
echo
echo "== $report compare $out/system.jsonl $out/vectorized.jsonl"
"$report" compare "$out/system.jsonl" "$out/vectorized.jsonl" || exit 1
echo
"$report" trace "$out/system.jsonl" "$out/vectorized.jsonl" -o "$out/trace.json" || exit 1
"$report" plot "$out/system.jsonl" "$out/vectorized.jsonl" -o "$out/roofline.svg" || exit 1
"$report" html "$out/system.jsonl" "$out/vectorized.jsonl" -o "$out/report.html" || exit 1
echo
echo "reports:  $out/system.jsonl $out/vectorized.jsonl"
echo "timeline: $out/trace.json (open it in https://ui.perfetto.dev or chrome://tracing)"
echo "roofline: $out/roofline.svg (open it in a browser)"
echo "page:     $out/report.html (all of it in one file: open it in a browser)"
