#!/usr/bin/env bash
# The load benchmark (issue 8): a mock OpenAI upstream, measured alone, then direct-to-mock and
# through-the-gateway in the same run, with the gateway pinned to one core and the load generators
# and the mock on the other.
#
#   benchmarks/load/run.sh            full run, about 8 minutes on 2 cores
#   benchmarks/load/run.sh --smoke    a few seconds of each phase: checks that the script works;
#                                     never fails on numbers, only when something does not run
#
# Needs the jars (built when missing: ./mvnw -B -pl gateway-server,benchmarks -am package -DskipTests),
# taskset, curl, and wrk (installed from Debian's packages when missing; root). Everything it starts
# listens on and sends to 127.0.0.1 only, every load phase is bounded in requests and time, and every
# process it started is stopped by PID when it exits (trap EXIT).
#
# Environment (all optional):
#   GATEWAY_JAVA_OPTS  JVM flags of the gateway (default: the documented defaults below)
#   GATEWAY_CPU / LOAD_CPU   cores for the gateway / for wrk, the client and the mock (default 0 / 1)
#   MOCK_PORT / GATEWAY_PORT / GOV_PORT   ports (default 19100 / 19180 / 19190, or the next free ones)
#   OUT                output directory (default benchmarks/target/load/<UTC time>-<mode>)
#   GATEWAY_JAR / BENCH_JAR   jars to use
#
# Phases: the mock alone; closed loop (wrk, 50 connections) direct and through the gateway for JSON,
# SSE and cache hits; open loop at a fixed rate (JSON, SSE, cache hits); many concurrent slow
# streams; and "governance off / on": gateways from benchmarks/load/governance-off.yaml and
# governance.yaml (master key, a virtual key made with POST /admin/keys, limits, budgets), which
# differ in governance only, under the closed loop one after the other.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOAD="$ROOT/benchmarks/load"
MODE=full
for arg in "$@"; do
  case "$arg" in
    --smoke) MODE=smoke ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "run.sh: unknown argument '$arg' (expected --smoke or nothing)" >&2; exit 2 ;;
  esac
done

# The documented default JVM flags of the gateway (README, benchmarks/RESULTS.md).
DEFAULT_GATEWAY_JAVA_OPTS="-Xms256m -Xmx512m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError"
GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS:-$DEFAULT_GATEWAY_JAVA_OPTS}
BENCH_JAR=${BENCH_JAR:-$ROOT/benchmarks/target/benchmarks.jar}
GATEWAY_JAR=${GATEWAY_JAR:-$ROOT/gateway-server/target/switchboard-gateway.jar}
# Ports: the defaults move up to a free one when taken; a port set here must be free.
[[ -n ${MOCK_PORT:-} ]] && MOCK_PORT_SET=1
[[ -n ${GATEWAY_PORT:-} ]] && GATEWAY_PORT_SET=1
[[ -n ${GOV_PORT:-} ]] && GOV_PORT_SET=1
MOCK_PORT=${MOCK_PORT:-19100}
GATEWAY_PORT=${GATEWAY_PORT:-19180}
GOV_PORT=${GOV_PORT:-19190}
GATEWAY_CPU=${GATEWAY_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
OUT=${OUT:-$ROOT/benchmarks/target/load/$(date -u +%Y%m%dT%H%M%SZ)-$MODE}
CONNECTIONS=50

if [[ $MODE == full ]]; then
  MOCK_WARM=3; MOCK_D=10          # the mock alone
  WARM=30; D=15                   # closed loop: gateway warm-up (C2 on one shared core needs ~30 s), then each measurement
  OPEN_RATE=200; OPEN_WARM=5; OPEN_D=20
  OPEN_CHUNKS=10; OPEN_CHUNK_DELAY=5
  STREAMS=5000; STREAM_CHUNKS=20; STREAM_DELAY=100; STREAM_RAMP=2; STREAM_TIMEOUT=60
else
  MOCK_WARM=1; MOCK_D=1
  WARM=2; D=2
  OPEN_RATE=50; OPEN_WARM=0.5; OPEN_D=1
  OPEN_CHUNKS=5; OPEN_CHUNK_DELAY=5
  STREAMS=100; STREAM_CHUNKS=5; STREAM_DELAY=20; STREAM_RAMP=0.5; STREAM_TIMEOUT=20
fi

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

# ---------------------------------------------------------------- processes we start, stopped by PID
PIDS=()
stop_pid() {
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  log "process $pid did not stop in 15 s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  local i
  for (( i=${#PIDS[@]}-1; i>=0; i-- )); do stop_pid "${PIDS[$i]}"; done
  PIDS=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- prerequisites
mkdir -p "$OUT"
command -v taskset >/dev/null || die "taskset is missing (Debian package util-linux)"
command -v curl >/dev/null || die "curl is missing"
command -v java >/dev/null || die "java is missing"
CORES=$(nproc)
if (( CORES < 2 )); then
  log "only $CORES core: gateway and load share core 0; numbers are not comparable to a 2-core run"
  GATEWAY_CPU=0; LOAD_CPU=0
fi
HAVE_WRK=1
if ! command -v wrk >/dev/null; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    log "installing wrk from Debian's packages"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; } >"$OUT/apt.log" 2>&1; then
      HAVE_WRK=0
    fi
  else
    HAVE_WRK=0
  fi
fi
if (( ! HAVE_WRK )); then
  [[ $MODE == smoke ]] || die "wrk is missing and could not be installed (apt-get install wrk; see $OUT/apt.log)"
  log "wrk is not available: the smoke run skips the closed-loop phases"
fi
if [[ ! -f $BENCH_JAR || ! -f $GATEWAY_JAR ]]; then
  log "building the jars"
  (cd "$ROOT" && ./mvnw -B -q -pl gateway-server,benchmarks -am package -DskipTests) || die "the build failed"
fi
in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# free_port NAME DEFAULT [TAKEN]: the default, or (when the variable was not set) the next free port above it
free_port() {
  local name=$1 port=$2 taken=${3:-} tries=0
  while in_use "$port" || [[ $port == "$taken" ]]; do
    [[ -z ${!name+x} ]] || die "port $port ($name) is in use on 127.0.0.1"
    (( ++tries < 100 )) || die "no free port near $2 for $name"
    port=$(( port + 1 ))
  done
  echo "$port"
}
MOCK_PORT=$(free_port MOCK_PORT_SET "$MOCK_PORT")
GATEWAY_PORT=$(free_port GATEWAY_PORT_SET "$GATEWAY_PORT" "$MOCK_PORT")
GOV_PORT=$(free_port GOV_PORT_SET "$GOV_PORT" "$GATEWAY_PORT")

RESULTS="$OUT/results.txt"
: > "$RESULTS"
record() { echo "$*" >> "$RESULTS"; }
# field LINE KEY: the value of KEY=value in LINE, or empty
field() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1==k {print substr($0, length(k)+2); exit}'; }
get() { { grep "^$1 " "$RESULTS" || true; } | tr ' ' '\n' | awk -F= -v k="$2" '$1==k {print substr($0, length(k)+2); exit}'; }

MOCK_URL="http://127.0.0.1:$MOCK_PORT/v1/chat/completions"
GATEWAY_URL="http://127.0.0.1:$GATEWAY_PORT/v1/chat/completions"
BODY_JSON="$LOAD/bodies/chat.json"
BODY_STREAM="$LOAD/bodies/chat-stream.json"
BODY_CACHED="$LOAD/bodies/chat-cached.json"

wait_http() { # URL SECONDS [PID]: waits until URL answers 200 (gives up at once when PID has exited)
  local url=$1 deadline=$(( $(date +%s) + $2 )) pid=${3:-}
  until curl -sf -o /dev/null "$url"; do
    (( $(date +%s) < deadline )) || return 1
    [[ -z $pid ]] || kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.02
  done
}

mock_shape() { # CHUNKS FIRST_BYTE_DELAY_MS CHUNK_DELAY_MS
  curl -sf -X POST "http://127.0.0.1:$MOCK_PORT/mock/config?chunks=$1&first-byte-delay-ms=$2&chunk-delay-ms=$3" \
    -o /dev/null || die "cannot configure the mock"
}
mock_requests() { curl -sf "http://127.0.0.1:$MOCK_PORT/mock/stats" | sed 's/.*"requests":\([0-9]*\).*/\1/'; }

# wrk_run LABEL CPU LUA BODY SECONDS URL [AUTHORIZATION]: closed loop, 50 connections; records "LABEL WRK …".
# Numbers never fail the run (a loaded machine may complete nothing in a 1 s smoke phase); the
# functional checks before the phases do.
wrk_run() {
  local label=$1 cpu=$2 lua=$3 body=$4 secs=$5 url=$6 auth=${7:-} line
  BODY_FILE=$body AUTHORIZATION=$auth taskset -c "$cpu" wrk -t1 -c"$CONNECTIONS" -d"${secs}s" --timeout 10s \
    -s "$LOAD/$lua" "$url" > "$OUT/$label.wrk.txt" 2>&1 || die "wrk failed for $label (see $OUT/$label.wrk.txt)"
  line=$(grep -m1 '^WRK ' "$OUT/$label.wrk.txt") || die "wrk printed no result for $label"
  record "$label $line"
  (( $(field "$line" requests) > 0 )) || log "WARNING: $label: no request completed within ${secs} s"
  log "$label: $(field "$line" rps) req/s, p50 $(field "$line" p50_ms) ms, p99 $(field "$line" p99_ms) ms," \
    "non-2xx $(field "$line" non2xx), bad $(field "$line" bad_responses)"
}

# client LABEL ARGS...: the Java open-loop / streams client on the load core; records "LABEL RESULT …".
client() {
  local label=$1 line; shift
  taskset -c "$LOAD_CPU" java -Xms256m -Xmx1g -cp "$BENCH_JAR" dev.switchboard.benchmarks.load.LoadClient "$@" \
    --label "$label" > "$OUT/$label.client.txt" 2>&1 || die "the load client failed for $label (see $OUT/$label.client.txt)"
  line=$(grep -m1 '^RESULT ' "$OUT/$label.client.txt") || die "the load client printed no result for $label"
  record "$label $line"
  (( $(field "$line" ok) > 0 )) || log "WARNING: $label: no request succeeded"
  log "$label: ok $(field "$line" ok)/$(field "$line" sent), errors $(field "$line" errors)," \
    "p50 $(field "$line" lat_p50_ms) ms, p99 $(field "$line" lat_p99_ms) ms, ttfb p50 $(field "$line" ttfb_p50_ms) ms"
}

# ---------------------------------------------------------------- gateway sampling from /proc and jstat
sampler() { # PID FILE: "epoch cpu_ticks rss_kb threads" every 0.25 s while PID lives
  local pid=$1 file=$2 st rss threads key value rest
  while [[ -r /proc/$pid/stat ]]; do
    read -r -a st < "/proc/$pid/stat" 2>/dev/null || break
    rss=0; threads=0
    while read -r key value rest; do
      case "$key" in VmRSS:) rss=$value ;; Threads:) threads=$value ;; esac
    done < "/proc/$pid/status" 2>/dev/null || break
    echo "$EPOCHREALTIME $(( st[13] + st[14] )) $rss $threads" >> "$file"
    sleep 0.25
  done
}
CLK_TCK=$(getconf CLK_TCK)
GW_PID=""; GW_LAUNCH=""; GW_SAMPLES=""; GW_JSTAT=""
WIN_START=""; WIN_TICKS=""
ticks() { local st; read -r -a st < "/proc/$GW_PID/stat"; echo $(( st[13] + st[14] )); }
window_begin() { WIN_START=$EPOCHREALTIME; WIN_TICKS=$(ticks); }
# window_end LABEL: records "LABEL GW cpu_pct=… rss_max_mb=… threads_max=… heap_used_max_mb=… heap_committed_max_mb=…"
window_end() {
  local label=$1 end=$EPOCHREALTIME end_ticks cpu rss_threads heap
  end_ticks=$(ticks)
  cpu=$(awk -v t="$(( end_ticks - WIN_TICKS ))" -v s="$WIN_START" -v e="$end" -v hz="$CLK_TCK" \
    'BEGIN { printf "%.0f", 100 * t / hz / (e - s) }')
  rss_threads=$(awk -v s="$WIN_START" -v e="$end" '$1 >= s && $1 <= e { if ($3 > r) r = $3; if ($4 > t) t = $4 }
    END { printf "rss_max_mb=%.0f threads_max=%d", r / 1024, t }' "$GW_SAMPLES")
  heap="heap_used_max_mb=n/a heap_committed_max_mb=n/a"
  if [[ -s $GW_JSTAT ]]; then
    heap=$(awk -v s="$WIN_START" -v e="$end" -v l="$GW_LAUNCH" '
      NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
      $1 ~ /^[0-9.]+$/ { t = l + $1; if (t < s - 1 || t > e + 1) next
        u = $c["S0U"] + $c["S1U"] + $c["EU"] + $c["OU"]; k = $c["S0C"] + $c["S1C"] + $c["EC"] + $c["OC"]
        if (u > mu) mu = u; if (k > mk) mk = k; n++ }
      END { if (n) printf "heap_used_max_mb=%.0f heap_committed_max_mb=%.0f", mu / 1024, mk / 1024
            else printf "heap_used_max_mb=n/a heap_committed_max_mb=n/a" }' "$GW_JSTAT")
  fi
  record "$label GW cpu_pct=$cpu $rss_threads $heap"
  log "$label gateway: CPU ${cpu}% of one core, $rss_threads $heap"
}

# start_gateway PORT LOGNAME [ARGS...]: launches the gateway on GATEWAY_CPU with the mock as its OpenAI upstream
start_gateway() {
  local port=$1 name=$2; shift 2
  GW_LAUNCH=$EPOCHREALTIME
  # shellcheck disable=SC2086  # GATEWAY_JAVA_OPTS is a list of flags
  PORT=$port OPENAI_API_KEY=sk-bench-not-a-key SWITCHBOARD_OPENAI_BASE_URL="http://127.0.0.1:$MOCK_PORT/v1" \
    taskset -c "$GATEWAY_CPU" java $GATEWAY_JAVA_OPTS -jar "$GATEWAY_JAR" "$@" > "$OUT/$name.log" 2>&1 &
  GW_PID=$!
  PIDS+=("$GW_PID")
  wait_http "http://127.0.0.1:$port/health/ready" 60 "$GW_PID" || die "the gateway did not get ready (see $OUT/$name.log)"
  GW_READY_MS=$(awk -v a="$GW_LAUNCH" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
  GW_SAMPLES="$OUT/$name.proc.txt"; : > "$GW_SAMPLES"
  sampler "$GW_PID" "$GW_SAMPLES" &
  PIDS+=("$!")
  GW_JSTAT="$OUT/$name.jstat.txt"; : > "$GW_JSTAT"
  if command -v jstat >/dev/null; then
    taskset -c "$LOAD_CPU" jstat -gc -t "$GW_PID" 1000 > "$GW_JSTAT" 2>/dev/null &
    PIDS+=("$!")
  fi
}

# ---------------------------------------------------------------- machine
{
  echo "date_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ) mode=$MODE"
  echo "cores=$CORES memory=$(free -g | awk '/^Mem:/ {print $2 " GiB"}') cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo "java=$(java -version 2>&1 | head -1)"
  echo "gateway_java_opts=$GATEWAY_JAVA_OPTS gateway_cpu=$GATEWAY_CPU load_cpu=$LOAD_CPU"
  echo "wrk=$( { wrk -v 2>&1 || true; } | head -1)"
  echo "loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.txt"
log "mode $MODE, output in $OUT"
cat "$OUT/machine.txt" >&2

# ---------------------------------------------------------------- the mock, alone
taskset -c "$LOAD_CPU" java -Xms128m -Xmx512m -cp "$BENCH_JAR" dev.switchboard.benchmarks.load.MockUpstream \
  --port "$MOCK_PORT" --event-loops 1 > "$OUT/mock.log" 2>&1 &
MOCK_PID=$!
PIDS+=("$MOCK_PID")
wait_http "http://127.0.0.1:$MOCK_PORT/health" 30 || die "the mock did not start (see $OUT/mock.log)"
mock_shape 20 0 0

if (( HAVE_WRK )); then
  # wrk on the gateway's core (idle: the gateway is not started yet), the mock alone on the load core
  log "phase: the mock alone (wrk on core $GATEWAY_CPU, mock on core $LOAD_CPU)"
  BODY_FILE=$BODY_JSON taskset -c "$GATEWAY_CPU" wrk -t1 -c"$CONNECTIONS" -d"${MOCK_WARM}s" -s "$LOAD/post.lua" \
    "$MOCK_URL" > /dev/null 2>&1 || true
  wrk_run mock-alone-json "$GATEWAY_CPU" post.lua "$BODY_JSON" "$MOCK_D" "$MOCK_URL"
  wrk_run mock-alone-sse "$GATEWAY_CPU" sse.lua "$BODY_STREAM" "$MOCK_D" "$MOCK_URL"
fi

# ---------------------------------------------------------------- the gateway
log "starting the gateway on core $GATEWAY_CPU: java $GATEWAY_JAVA_OPTS -jar $(basename "$GATEWAY_JAR")"
start_gateway "$GATEWAY_PORT" gateway
record "start GW ready_ms=$GW_READY_MS"
log "gateway ready in $GW_READY_MS ms (launch to /health/ready 200)"
# Functional checks, independent of timing: what fails here is broken, not slow.
check() { # LABEL BODY_FILE EXPECTED_TEXT
  curl -sf --max-time 60 "$GATEWAY_URL" -H 'Content-Type: application/json' -d @"$2" -o "$OUT/check-$1.txt" \
    -D "$OUT/check-$1.headers" || die "the gateway does not answer the $1 request (see $OUT/gateway.log)"
  grep -q -- "$3" "$OUT/check-$1.txt" || die "the gateway's $1 answer lacks '$3' (see $OUT/check-$1.txt)"
}
check json "$BODY_JSON" '"finish_reason":"stop"'
check stream "$BODY_STREAM" 'data: \[DONE\]'
check cached "$BODY_CACHED" '"finish_reason":"stop"'
check cached-again "$BODY_CACHED" '"finish_reason":"stop"'
grep -qi '^x-switchboard-cache: hit-l1' "$OUT/check-cached-again.headers" \
  || die "a repeated deterministic request was not a cache hit (see $OUT/check-cached-again.headers)"

if (( HAVE_WRK )); then
  log "phase: closed loop, non-streaming"
  wrk_run closed-json-gateway-warmup "$LOAD_CPU" post.lua "$BODY_JSON" "$WARM" "$GATEWAY_URL"
  wrk_run closed-json-direct "$LOAD_CPU" post.lua "$BODY_JSON" "$D" "$MOCK_URL"
  window_begin
  wrk_run closed-json-gateway "$LOAD_CPU" post.lua "$BODY_JSON" "$D" "$GATEWAY_URL"
  window_end closed-json-gateway

  log "phase: closed loop, streaming (20 chunks, no delay)"
  wrk_run closed-sse-gateway-warmup "$LOAD_CPU" sse.lua "$BODY_STREAM" "$WARM" "$GATEWAY_URL"
  wrk_run closed-sse-direct "$LOAD_CPU" sse.lua "$BODY_STREAM" "$D" "$MOCK_URL"
  window_begin
  wrk_run closed-sse-gateway "$LOAD_CPU" sse.lua "$BODY_STREAM" "$D" "$GATEWAY_URL"
  window_end closed-sse-gateway

  log "phase: closed loop, cache hits (temperature 0: cached by default)"
  before=$(mock_requests)
  wrk_run closed-cached-gateway-warmup "$LOAD_CPU" post.lua "$BODY_CACHED" "$WARM" "$GATEWAY_URL"
  window_begin
  wrk_run closed-cached-gateway "$LOAD_CPU" post.lua "$BODY_CACHED" "$D" "$GATEWAY_URL"
  window_end closed-cached-gateway
  record "closed-cached-gateway UPSTREAM calls=$(( $(mock_requests) - before ))"
fi

log "phase: open loop at $OPEN_RATE req/s, non-streaming"
OPEN_ARGS=(--rate "$OPEN_RATE" --duration-s "$OPEN_D" --warmup-s "$OPEN_WARM")
client open-json-direct open --url "$MOCK_URL" --body "$BODY_JSON" "${OPEN_ARGS[@]}"
window_begin
client open-json-gateway open --url "$GATEWAY_URL" --body "$BODY_JSON" "${OPEN_ARGS[@]}"
window_end open-json-gateway

log "phase: open loop at $OPEN_RATE req/s, streaming ($OPEN_CHUNKS chunks $OPEN_CHUNK_DELAY ms apart)"
mock_shape "$OPEN_CHUNKS" 0 "$OPEN_CHUNK_DELAY"
client open-sse-direct open --stream --url "$MOCK_URL" --body "$BODY_STREAM" "${OPEN_ARGS[@]}"
window_begin
client open-sse-gateway open --stream --url "$GATEWAY_URL" --body "$BODY_STREAM" "${OPEN_ARGS[@]}"
window_end open-sse-gateway

log "phase: open loop at $OPEN_RATE req/s, cache hits"
mock_shape 20 0 0
client open-cached-gateway open --url "$GATEWAY_URL" --body "$BODY_CACHED" "${OPEN_ARGS[@]}"

log "phase: $STREAMS concurrent streams ($STREAM_CHUNKS chunks $STREAM_DELAY ms apart)"
mock_shape "$STREAM_CHUNKS" 0 "$STREAM_DELAY"
STREAM_ARGS=(--concurrency "$STREAMS" --ramp-s "$STREAM_RAMP" --warmup-s 1 --timeout-s "$STREAM_TIMEOUT")
client streams-direct streams --url "$MOCK_URL" --body "$BODY_STREAM" "${STREAM_ARGS[@]}"
window_begin
client streams-gateway streams --url "$GATEWAY_URL" --body "$BODY_STREAM" "${STREAM_ARGS[@]}"
window_end streams-gateway
mock_shape 20 0 0
stop_pid "$GW_PID"

# ---------------------------------------------------------------- governance off, then on
# Both gateways run from a config file that differs in governance only (governance-off.yaml is
# governance.yaml without keys, limits and budgets), one after the other.
GOV_NOTE=""
if (( ! HAVE_WRK )); then
  GOV_NOTE="SKIPPED: wrk is not available"
else
  GOV_URL="http://127.0.0.1:$GOV_PORT/v1/chat/completions"
  export MOCK_PORT GOV_PORT
  log "phase: governance off (the same config file without keys, limits and budgets)"
  unset SWITCHBOARD_MASTER_KEY
  start_gateway "$GOV_PORT" gateway-governance-off --config "$LOAD/governance-off.yaml"
  wrk_run closed-json-governance-off-warmup "$LOAD_CPU" post.lua "$BODY_JSON" "$WARM" "$GOV_URL"
  window_begin
  wrk_run closed-json-governance-off "$LOAD_CPU" post.lua "$BODY_JSON" "$D" "$GOV_URL"
  window_end closed-json-governance-off
  stop_pid "$GW_PID"

  log "phase: governance on (virtual key auth + rate limit + budget + usage recording)"
  export SWITCHBOARD_MASTER_KEY=sk-bench-master-key-0001
  start_gateway "$GOV_PORT" gateway-governance --config "$LOAD/governance.yaml"
  key=$(curl -sf "http://127.0.0.1:$GOV_PORT/admin/keys" -H "Authorization: Bearer $SWITCHBOARD_MASTER_KEY" \
    -H 'Content-Type: application/json' -d @"$LOAD/bodies/admin-key.json" | sed -n 's/.*"key" *: *"\([^"]*\)".*/\1/p')
  [[ -n $key ]] || die "POST /admin/keys returned no key (see $OUT/gateway-governance.log)"
  wrk_run closed-json-governance-warmup "$LOAD_CPU" post.lua "$BODY_JSON" "$WARM" "$GOV_URL" "Bearer $key"
  window_begin
  wrk_run closed-json-governance "$LOAD_CPU" post.lua "$BODY_JSON" "$D" "$GOV_URL" "Bearer $key"
  window_end closed-json-governance
  stop_pid "$GW_PID"
fi
echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
cleanup

# ---------------------------------------------------------------- summary
verdict() { # VALUE OP TARGET -> PASS / MISS (n/a in smoke mode or without a value)
  if [[ $MODE == smoke ]]; then echo "n/a (smoke)"; return; fi
  if [[ -z $1 || $1 == n/a || $1 == NaN ]]; then echo "n/a"; return; fi
  awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { ok = (op == "<=") ? (v <= t) : (v >= t); print ok ? "PASS" : "MISS" }'
}
ratio() { [[ -n $1 && -n $2 ]] && awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }' || echo n/a; }
minus() { [[ -n $1 && -n $2 ]] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }' || echo n/a; }

SUMMARY="$OUT/summary.md"
{
  echo "# Load benchmark ($MODE), $(head -1 "$OUT/machine.txt" | cut -d' ' -f1 | cut -d= -f2)"
  echo
  sed 's/^/    /' "$OUT/machine.txt"
  echo
  echo "Gateway start to ready: $(get start ready_ms) ms (target <= 2000: $(verdict "$(get start ready_ms)" '<=' 2000))"
  echo
  if (( HAVE_WRK )); then
    echo "## Closed loop (wrk, 1 thread, $CONNECTIONS connections, ${D} s)"
    echo
    echo "| variant | mock alone (wrk on its own core) | direct req/s | gateway req/s | gateway / direct | target | |"
    echo "|---|---|---|---|---|---|---|"
    for v in json sse; do
      d=$(get "closed-$v-direct" rps); g=$(get "closed-$v-gateway" rps); r=$(ratio "$g" "$d")
      echo "| $([[ $v == json ]] && echo non-streaming || echo 'streaming, 20 chunks') | $(get "mock-alone-$v" rps) | $d | $g | $r | >= 0.50 | $(verdict "$r" '>=' 0.5) |"
    done
    d=$(get closed-json-direct rps); g=$(get closed-cached-gateway rps)
    echo "| cache hit (gateway; upstream calls: $(get closed-cached-gateway calls)) | | $d (non-streaming) | $g | $(ratio "$g" "$d") | | |"
    if [[ -n $(get closed-json-governance rps) ]]; then
      off=$(get closed-json-governance-off rps); on=$(get closed-json-governance rps)
      r=$(ratio "$on" "$off")
      echo "| governance on vs off (same config file but for governance) | | $off (off) | $on (on) | $r | >= 0.85 | $(verdict "$r" '>=' 0.85) |"
    fi
    echo
    echo "wrk's closed-loop latency (p50 / p99 ms): direct $(get closed-json-direct p50_ms) / $(get closed-json-direct p99_ms)," \
      "gateway $(get closed-json-gateway p50_ms) / $(get closed-json-gateway p99_ms); streams: direct" \
      "$(get closed-sse-direct p50_ms) / $(get closed-sse-direct p99_ms), gateway $(get closed-sse-gateway p50_ms) /" \
      "$(get closed-sse-gateway p99_ms). Errors (non-2xx / bad streams): gateway" \
      "$(get closed-json-gateway non2xx) / $(get closed-sse-gateway bad_responses)."
    echo
  fi
  echo "## Open loop at $OPEN_RATE req/s (${OPEN_D} s after ${OPEN_WARM} s warm-up; from each request's intended send time)"
  echo
  echo "| measure | direct p50 / p90 / p99 / p99.9 ms | gateway p50 / p90 / p99 / p99.9 ms | added p50 | added p99 | target | |"
  echo "|---|---|---|---|---|---|---|"
  row() { # LABEL PREFIX DIRECT GATEWAY TARGET50 TARGET99
    local d=$3 g=$4 a50 a99
    a50=$(minus "$(get "$g" "${2}_p50_ms")" "$(get "$d" "${2}_p50_ms")")
    a99=$(minus "$(get "$g" "${2}_p99_ms")" "$(get "$d" "${2}_p99_ms")")
    local t="" v=""
    if [[ -n $5 ]]; then t="p50 <= $5"; v="$(verdict "$a50" '<=' "$5")"; fi
    if [[ -n $6 ]]; then t="$t, p99 <= $6"; v="$v $(verdict "$a99" '<=' "$6")"; fi
    echo "| $1 | $(get "$d" "${2}_p50_ms") / $(get "$d" "${2}_p90_ms") / $(get "$d" "${2}_p99_ms") / $(get "$d" "${2}_p999_ms") |" \
      "$(get "$g" "${2}_p50_ms") / $(get "$g" "${2}_p90_ms") / $(get "$g" "${2}_p99_ms") / $(get "$g" "${2}_p999_ms") |" \
      "$a50 | $a99 | $t | $v |"
  }
  row "non-streaming latency" lat open-json-direct open-json-gateway 0.2 1
  row "streaming: time to first byte" ttfb open-sse-direct open-sse-gateway 0.3 ""
  row "streaming: gap between reads (chunks ${OPEN_CHUNK_DELAY} ms apart)" gap open-sse-direct open-sse-gateway "" ""
  row "streaming: whole stream" lat open-sse-direct open-sse-gateway "" ""
  row "cache hit latency (vs direct non-streaming)" lat open-json-direct open-cached-gateway "" ""
  echo
  echo "Events per network read (1.00 = every chunk forwarded on its own; the mock sends finish, usage and [DONE]" \
    "together): direct $(get open-sse-direct events_per_read), gateway $(get open-sse-gateway events_per_read)." \
    "Errors: $(for l in open-json-direct open-json-gateway open-sse-direct open-sse-gateway open-cached-gateway; do printf '%s %s; ' "$l" "$(get $l errors)"; done)"
  echo
  echo "## $STREAMS concurrent streams ($STREAM_CHUNKS chunks $STREAM_DELAY ms apart, started over ${STREAM_RAMP} s)"
  echo
  echo "| | completed | errors | time to first byte p50 / p99 ms | whole stream p50 / p99 ms | peak open |"
  echo "|---|---|---|---|---|---|"
  for l in streams-direct streams-gateway; do
    echo "| $l | $(get $l ok) / $(get $l sent) | $(get $l errors) $(get $l error_kinds) | $(get $l ttfb_p50_ms) / $(get $l ttfb_p99_ms) |" \
      "$(get $l lat_p50_ms) / $(get $l lat_p99_ms) | $(get $l peak_open) |"
  done
  echo
  echo "Gateway during the streams: heap used max $(get streams-gateway heap_used_max_mb) MB (target <= 512:" \
    "$(verdict "$(get streams-gateway heap_used_max_mb)" '<=' 512)), threads max $(get streams-gateway threads_max)" \
    "(idle: $(get closed-json-gateway threads_max) under closed-loop load; must not grow with concurrency), RSS max" \
    "$(get streams-gateway rss_max_mb) MB. All completed: $(verdict "$(get streams-gateway ok)" '>=' "$STREAMS")."
  echo
  echo "## Gateway resources per phase (sampled from /proc/<pid> every 0.25 s, heap from jstat every 1 s)"
  echo
  echo "| phase | CPU % of one core | RSS max MB | threads max | heap used max MB | heap committed max MB |"
  echo "|---|---|---|---|---|---|"
  grep ' GW cpu_pct=' "$RESULTS" | while read -r label rest; do
    echo "| $label | $(field "$rest" cpu_pct) | $(field "$rest" rss_max_mb) | $(field "$rest" threads_max) |" \
      "$(field "$rest" heap_used_max_mb) | $(field "$rest" heap_committed_max_mb) |"
  done
  echo
  echo "RSS at closed-loop load: $(get closed-json-gateway rss_max_mb) MB (target <= 350 with the default flags:" \
    "$(verdict "$(get closed-json-gateway rss_max_mb)" '<=' 350))."
  echo
  echo "Governance on: ${GOV_NOTE:-measured above}"
} > "$SUMMARY"
cat "$SUMMARY"
log "done: $SUMMARY (raw: $RESULTS)"
