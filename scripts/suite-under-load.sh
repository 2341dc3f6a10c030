#!/usr/bin/env bash
# The whole suite N times in a row (default 5) while two CPU-burning processes (Debian's stress-ng, installed when
# missing) run beside it, as on a loaded CI machine. Builds once, then one line per run and a summary; exits non-zero
# when any run had a failure. docs/PERFORMANCE.md ("Test suite under load") has the last result.
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
scripts/ensure-debian-package.sh /usr/bin/stress-ng stress-ng
dotnet build BacklogPortal.sln -nologo -v quiet || exit 1
log_dir=artifacts/under-load
mkdir -p "$log_dir"
failed_runs=0
for run in $(seq 1 "$runs"); do
  stress-ng --cpu 2 --timeout 3600 --quiet &
  stress=$!
  started=$SECONDS
  scripts/test.sh --no-build >"$log_dir/run-$run.log" 2>&1
  status=$?
  kill "$stress" 2>/dev/null
  wait "$stress" 2>/dev/null
  summary=$(grep -aE '^(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+' "$log_dir/run-$run.log" |
    sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\1 \2 \3/' |
    awk '{ f += $1; p += $2; s += $3; n++ } END { printf "%d passed, %d failed, %d skipped (%d assemblies)", p, f, s, n }')
  echo "run $run: $summary in $((SECONDS - started)) s, exit $status"
  if [ "$status" -ne 0 ]; then failed_runs=$((failed_runs + 1)); fi
done
echo "$((runs - failed_runs)) of $runs runs passed beside stress-ng --cpu 2"
[ "$failed_runs" -eq 0 ]
