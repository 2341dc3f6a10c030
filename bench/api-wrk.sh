#!/usr/bin/env bash
# ERP API benchmark with wrk (Debian's package, a C load client) instead of the .NET one in bench/BacklogPortal.ApiBenchmarks:
# that client runs inside the portal's process and takes a large share of the 2 cores, so even /health tops out near
# 1,300 req/s there. Here the portal runs as its own published process (Production, fresh SQLite file) and wrk, with a
# few Lua lines per request, loads it over loopback. Phases of equal duration, each after a short warm-up:
#   (a) GET /health                                         framework floor
#   (b) GET /api/v1/events?after=9000000000&limit=1 + key   API pipeline floor (key check, rate limiter, one read)
#   (c) PUT /api/v1/orders/BENCH-ORDER/lines/{n}/eta        single-line ETA updates, each a real change
# Then it checks in the database that every PUT answered 2xx wrote its audit row and outbox row (a benchmark that does
# not check its own work can measure a fast failure). Exit code 1 when anything failed; the SPEC bar (≥ 1,000
# updates/s, p95 ≤ 20 ms) is reported, not enforced, since the machine is shared. docs/PERFORMANCE.md, "ERP API".
#
#   bench/api-wrk.sh [--threads 2] [--connections 8] [--duration 10] [--warmup 3] [--lines 2000]
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

threads=2
connections=8
duration=10
warmup=3
lines=2000
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads=$2 ;;
    --connections) connections=$2 ;;
    --duration) duration=$2 ;;
    --warmup) warmup=$2 ;;
    --lines) lines=$2 ;;
    *) echo "Unknown option $1 (see the header of $0)." >&2; exit 2 ;;
  esac
  shift 2
done
for value in "$threads" "$connections" "$duration" "$warmup" "$lines"; do
  [[ "$value" =~ ^[1-9][0-9]*$ ]] || { echo "Options take whole numbers above 0 (got '$value')." >&2; exit 2; }
done
# Each wrk thread owns lines/threads lines and walks them round robin with connections/threads requests in flight:
# with fewer lines than that, one line could be in flight twice, and the second PUT would be a 409, not a measurement.
if [ $((lines / threads)) -le $(((connections + threads - 1) / threads)) ]; then
  echo "--lines must give each wrk thread more lines than it has connections." >&2
  exit 2
fi

# The same install step as scripts/test.sh uses for chromium: a fresh machine needs nothing installed by hand.
scripts/ensure-debian-package.sh /usr/bin/wrk wrk
command -v curl >/dev/null || scripts/ensure-debian-package.sh /usr/bin/curl curl

work=$(mktemp -d /tmp/api-wrk.XXXXXX)
app_pid=""
stop_app() {
  # Only the process this script started; wait so that SQLite's files are closed before anyone reads them.
  if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then
    kill "$app_pid"
    wait "$app_pid" 2>/dev/null || true
  fi
  app_pid=""
}
on_exit() {
  local status=$?
  stop_app
  if [ "$status" -eq 0 ]; then
    rm -rf "$work"
  else
    echo "FAILED (exit $status); the app's log and database are kept in $work" >&2
    [ -f "$work/app.log" ] && tail -n 30 "$work/app.log" >&2
  fi
}
trap on_exit EXIT

echo "Publishing the portal (Release) to $work/app ..."
dotnet publish BacklogPortal.csproj -c Release -o "$work/app" -nologo -v quiet >"$work/publish.log" 2>&1 \
  || { cat "$work/publish.log" >&2; exit 1; }

# A free loopback port: the kernel picks one for a socket that is closed right away (another helper may hold 5000).
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base=http://127.0.0.1:$port
key=demo-erp-key-0000000000000000

# Production, a fresh data directory, the demo seed for the demo ERP key, no background email loops (only the API
# writes), a rate limit far above what wrk can send (the default 200/s per key would answer 429s), logs at Warning.
# The working directory is the published folder: it is the content root.
(
  cd "$work/app"
  exec env ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_URLS="$base" \
    Portal__PublicBaseUrl="$base" \
    Portal__DataDirectory="$work/data" \
    Demo__Seed=true \
    Notifications__BackgroundProcessing=false \
    Integration__RequestsPerSecond=1000000 \
    Integration__Burst=1000000 \
    Logging__LogLevel__Default=Warning \
    dotnet BacklogPortal.dll
) >"$work/app.log" 2>&1 &
app_pid=$!

# Migrations and the demo seed run before the app listens: allow two minutes on a loaded machine, then fail clearly.
echo "Waiting for $base/health ..."
for attempt in $(seq 1 240); do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/health" || true)" = 200 ]; then
    break
  fi
  if ! kill -0 "$app_pid" 2>/dev/null; then
    echo "The portal exited before answering /health." >&2
    exit 1
  fi
  if [ "$attempt" -eq 240 ]; then
    echo "The portal did not answer 200 on /health within 120 s." >&2
    exit 1
  fi
  sleep 0.5
done

# Sends one API call and fails with its answer unless it is 2xx.
api() {
  local method=$1 path=$2 body=$3 status
  status=$(curl -s -o "$work/answer.json" -w '%{http_code}' -X "$method" "$base/api/v1$path" \
    -H "X-Api-Key: $key" -H 'Content-Type: application/json' --data-binary "$body")
  if [[ "$status" != 2?? ]]; then
    echo "$method $path answered $status: $(head -c 500 "$work/answer.json")" >&2
    exit 1
  fi
}

day() { date -u -d "today + $1 days" +%F; }
today=$(day 0)
echo "Creating BENCH-1, BENCH-SKU and BENCH-ORDER with $lines backorder lines ..."
api PUT /customers/BENCH-1 '{"name":"Bench customer","notificationEmail":"bench@example.com"}'
api PUT /products/BENCH-SKU '{"name":"Bench product","unitPrice":10}'
python3 - "$lines" "$today" "$(day 10)" >"$work/order.json" <<'EOF'
import json, sys
lines, today, eta = int(sys.argv[1]), sys.argv[2], sys.argv[3]
json.dump({"customerNumber": "BENCH-1", "orderDate": today, "lines": [
    {"lineNumber": n, "sku": "BENCH-SKU", "kind": "backorder", "quantity": 5, "promisedDate": eta, "eta": eta}
    for n in range(1, lines + 1)]}, sys.stdout)
EOF
api PUT /orders/BENCH-ORDER "@$work/order.json"

export API_WRK_DIR="$repo/bench/api-wrk" API_WRK_KEY="$key" API_WRK_LINES="$lines" API_WRK_THREADS="$threads"

# Runs wrk once; the Lua scripts print one RESULT line (report.lua), kept in $work/<phase>.out.
run_wrk() {
  local phase=$1 seconds=$2 script=$3 url=$4 portal_before portal_after
  # CPU seconds of each side: the point of a separate C client is that it leaves the cores to the portal, so say
  # how much each one took (the portal from /proc, wrk from bash's `time`, user + system).
  portal_before=$(cpu_seconds "$app_pid")
  { time API_WRK_PHASE=$phase wrk -t"$threads" -c"$connections" -d"${seconds}s" --timeout 10s --latency \
      -s "$API_WRK_DIR/$script" "$url" >"$work/$phase.out"; } 2>"$work/$phase.time"
  portal_after=$(cpu_seconds "$app_pid")
  grep -q '^RESULT ' "$work/$phase.out" || { cat "$work/$phase.out" "$work/$phase.time" >&2; echo "wrk printed no RESULT for $phase." >&2; exit 1; }
  python3 -c 'import sys; print(f"CPU wrk_s={sum(map(float, sys.argv[1].split())):.1f} portal_s={float(sys.argv[3]) - float(sys.argv[2]):.1f}")' \
    "$(tail -n 1 "$work/$phase.time")" "$portal_before" "$portal_after" >>"$work/$phase.out"
}
# A process's user + system CPU seconds so far (fields 14 and 15 of /proc/<pid>/stat, in clock ticks).
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
TIMEFORMAT='%U %S'
# One field of a phase's RESULT line, e.g. field put rps.
field() { grep '^RESULT \|^CPU ' "$work/$1.out" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# Every PUT must move its line's ETA. The warm-up alternates between other dates than the measured phase (+13/+14
# vs +11/+12): each wrk run starts its count afresh, so with the same two dates the measured phase's first PUT of a
# line could repeat the date the warm-up left there (200, "changed": false, nothing written).
phases=(health events put)
echo "Waiting for /tmp/bench.lock (benchmarks take turns on this machine) ..."
exec 9>/tmp/bench.lock
flock 9
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%H:%M:%S)
echo "Measuring from $started UTC: ${duration} s per phase after a ${warmup} s warm-up, wrk -t$threads -c$connections"
run_wrk health-warmup "$warmup" get.lua "$base/health"
run_wrk health "$duration" get.lua "$base/health"
run_wrk events-warmup "$warmup" get.lua "$base/api/v1/events?after=9000000000&limit=1"
run_wrk events "$duration" get.lua "$base/api/v1/events?after=9000000000&limit=1"
API_WRK_ETA_A=$(day 13) API_WRK_ETA_B=$(day 14) run_wrk put-warmup "$warmup" put-eta.lua "$base"
API_WRK_ETA_A=$(day 11) API_WRK_ETA_B=$(day 12) run_wrk put "$duration" put-eta.lua "$base"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
flock -u 9
exec 9>&-

stop_app

echo
echo "wrk -t$threads -c$connections, ${duration} s per phase, $lines lines; $(nproc) cores; load average $load_before before, $load_after after"
printf '%-40s %9s %8s %8s %8s %8s %7s %11s %11s\n' phase requests req/s p50_ms p95_ms p99_ms non-2xx "wrk CPU s" "portal CPU s"
label() { case "$1" in health) echo "GET /health (framework floor)" ;; events) echo "GET /api/v1/events, empty (API floor)" ;; put) echo "PUT .../lines/{n}/eta" ;; esac; }
failed=0
for phase in "${phases[@]}"; do
  printf '%-40s %9s %8s %8s %8s %8s %7s %11s %11s\n' "$(label "$phase")" "$(field "$phase" requests)" "$(field "$phase" rps)" \
    "$(field "$phase" p50_ms)" "$(field "$phase" p95_ms)" "$(field "$phase" p99_ms)" "$(field "$phase" not_ok)" \
    "$(field "$phase" wrk_s)" "$(field "$phase" portal_s)"
done
for phase in "${phases[@]/%/-warmup}" "${phases[@]}"; do
  if [ "$(field "$phase" not_ok)" != 0 ] || [ "$(field "$phase" socket_errors)" != 0 ]; then
    echo "FAIL: $phase had $(field "$phase" not_ok) non-2xx answers and $(field "$phase" socket_errors) socket errors:" >&2
    grep -v '^RESULT ' "$work/$phase.out" | grep -i 'failure\|error\|timeout' >&2 || true
    failed=1
  fi
done
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$1" "$2"; }
echo "PUT ÷ /health: $(ratio "$(field put rps)" "$(field health rps)")× the throughput, p95 $(ratio "$(field put p95_ms)" "$(field health p95_ms)")× the latency"
echo "PUT ÷ events:  $(ratio "$(field put rps)" "$(field events rps)")× the throughput, p95 $(ratio "$(field put p95_ms)" "$(field events p95_ms)")× the latency"

# The database's word on what the PUTs did: one audit row (source Api = 2, reason supplierDelay = 1) and one outbox
# row (kind EtaChanged = 0) per PUT, warm-up included. The order upsert's initial estimates are reason
# initialEstimate and write no outbox row, so they are not counted. wrk stops a phase with up to one request per
# connection still in flight: the portal commits those, wrk never counts their answers. So the rows are at least the
# PUTs answered 2xx (fewer: a 2xx that wrote nothing, e.g. "changed": false) and at most that plus one per connection
# per PUT phase (more: writes nobody asked for).
answered=$(($(field put-warmup ok) + $(field put ok)))
python3 - "$work/data/portal.db" "$answered" "$((2 * connections))" <<'EOF' || failed=1
import sqlite3, sys
path, answered, in_flight = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
lines = "SELECT l.Id FROM OrderLines l JOIN Orders o ON o.Id = l.OrderId WHERE o.OrderNumber = 'BENCH-ORDER'"
audit, = db.execute(f"SELECT COUNT(*) FROM EtaChanges WHERE Source = 2 AND ReasonCode = 1 AND OrderLineId IN ({lines})").fetchone()
outbox, = db.execute(f"SELECT COUNT(*) FROM NotificationOutbox WHERE Kind = 0 AND OrderLineId IN ({lines})").fetchone()
print(f"database: {audit} audit rows, {outbox} outbox rows for {answered} PUTs answered 2xx (warm-up + measured)"
      f" and at most {in_flight} cut off in flight")
if not (audit == outbox and answered <= audit <= answered + in_flight and audit > 0):
    print("FAIL: the database does not hold one audit row and one outbox row per PUT", file=sys.stderr)
    sys.exit(1)
EOF

put_rps=$(field put rps)
put_p95=$(field put p95_ms)
if python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) >= 1000 and float(sys.argv[2]) <= 20 else 1)" "$put_rps" "$put_p95"; then
  echo "SPEC bar met (≥ 1,000 updates/s, p95 ≤ 20 ms)"
else
  echo "SPEC bar not met (≥ 1,000 updates/s, p95 ≤ 20 ms): $put_rps/s, p95 $put_p95 ms"
fi
exit "$failed"
