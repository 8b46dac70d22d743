#!/bin/sh
# tests/run.sh — run every suite (cmocka unit tests, then pytest integration tests) and end
# with one line "N passed, N failed" over all of them. Exit status 1 if anything failed.
# Usage: tests/run.sh UNIT_TEST_BINARY...   (BUILD and PYTHON come from the Makefile)
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# a unit binary that hangs (a lost wake-up in the pool, say) is stopped and counted as failed
UNIT_TIMEOUT=${UNIT_TIMEOUT:-1200}
for t in "$@"; do
    echo "== $t"
    timeout "$UNIT_TIMEOUT" "$t" >"$log" 2>&1
    rc=$?
    [ "$rc" -eq 124 ] && echo "$t: stopped after $UNIT_TIMEOUT s" >>"$log"
    cat "$log"
    # one binary may run several groups: add up every group's closing lines
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s += $1} END {print s + 0}')
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s += $1} END {print s + 0}')
    # a crash or an exit without cmocka's closing lines counts as a failure
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    passed=$((passed + p))
    failed=$((failed + f))
done

echo "== pytest tests/integration"
BUILD=$BUILD "$PYTHON" -m pytest -p no:cacheprovider -q -rfE tests/integration >"$log" 2>&1
rc=$?
cat "$log"
summary=$(tail -n 1 "$log")
count() { echo "$summary" | grep -o "[0-9][0-9]* $1" | cut -d' ' -f1; }
p=$(count passed)
f=$(count failed)
e=$(count error)
p=${p:-0}
f=$(( ${f:-0} + ${e:-0} ))
if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # pytest itself failed (or ran nothing)
passed=$((passed + p))
failed=$((failed + f))

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
