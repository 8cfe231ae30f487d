#!/usr/bin/env bash
# The coordinator benchmark of issue 7: 3 coordinator processes + no-op participants on this
# machine, in one run.
#
#   bench/coordinator.sh            # full run (~12-15 min on 2 cores)
#   bench/coordinator.sh --quick    # smoke test: short cells, a reduced matrix, 2 failovers
#                                   # (~4 min quiet; 7.5 min on a busy 2-core machine)
#   WARMUP_S=5 DURATION_S=15 HEAP_S=90 FAILOVERS=5 JFR_S=10 bench/coordinator.sh
#   BENCH_SOURCE=worktree bench/coordinator.sh   # measure uncommitted changes
#
# Builds the coordinator (from a copy of HEAD, installed into ~/.m2, tests skipped) and bench/,
# then: the floor (a 3-node ZabServerMain ensemble at window 1 + gRPC round trips to a no-op
# participant), 3 coordinator JVMs + one no-op participant JVM serving 8 ports, the matrix through
# gRPC and REST, the leader's heap over a saturated run, JFR of the leader, leader SIGKILLs;
# writes bench/results/coordinator-<date>[-quick].md. Everything listens on 127.0.0.1 only;
# every process started here is killed on exit.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
ENV_SET=""
for v in WARMUP_S DURATION_S HEAP_S FAILOVERS JFR_S PREWARM_S QUIET_WAIT_S SAT_C CELLS REST_CELLS \
  SERVER_JVM_OPTS CLIENT_JVM_OPTS BENCH_SOURCE; do
  [[ -n "${!v:-}" ]] && ENV_SET+="$v=${!v} "
done
COMMAND="${ENV_SET}bench/coordinator.sh${*:+ $*}"

QUICK=0
[[ "${1:-}" == "--quick" ]] && QUICK=1
SAT_C=${SAT_C:-256}
if (( QUICK )); then
  WARMUP_S=${WARMUP_S:-2} DURATION_S=${DURATION_S:-5} HEAP_S=${HEAP_S:-15} FAILOVERS=${FAILOVERS:-2}
  JFR_S=${JFR_S:-5} PREWARM_S=${PREWARM_S:-5} QUIET_WAIT_S=${QUIET_WAIT_S:-4}
  # the goals' cells only: B=2 at C=1/32/sat, B=8 at C=32, both protocols; REST B=2 2PC C=1/32
  CELLS=${CELLS:-"grpc:2PC:2:1,grpc:3PC:2:1,grpc:2PC:2:32,grpc:3PC:2:32,grpc:2PC:8:32,grpc:3PC:8:32,grpc:2PC:2:$SAT_C,grpc:3PC:2:$SAT_C"}
  REST_CELLS=${REST_CELLS:-"rest:2PC:2:1,rest:2PC:2:32"}
else
  WARMUP_S=${WARMUP_S:-5} DURATION_S=${DURATION_S:-15} HEAP_S=${HEAP_S:-90} FAILOVERS=${FAILOVERS:-5}
  JFR_S=${JFR_S:-10} PREWARM_S=${PREWARM_S:-30} QUIET_WAIT_S=${QUIET_WAIT_S:-120}
  CELLS=${CELLS:-$(for b in 2 8; do for c in 1 32 $SAT_C; do for p in 2PC 3PC; do printf 'grpc:%s:%s:%s,' $p $b $c; done; done; done | sed 's/,$//')}
  REST_CELLS=${REST_CELLS:-"rest:2PC:2:1,rest:3PC:2:1,rest:2PC:2:32,rest:3PC:2:32"}
fi
SERVER_JVM_OPTS=${SERVER_JVM_OPTS:-"-Xmx1g"}
CLIENT_JVM_OPTS=${CLIENT_JVM_OPTS:-"-Xmx1g"}

RUN="$BENCH/target/run-coordinator"
RESULTS="$RUN/results.properties"
LOGS="$RUN/logs"
HOST=127.0.0.1
CO_PEER=(- 27401 27402 27403)
CO_GRPC=(- 27411 27412 27413)
CO_HTTP=(- 27421 27422 27423)
PART_PORTS=(27501 27502 27503 27504 27505 27506 27507 27508)
FLOOR_PEER=(- 27601 27602 27603)
FLOOR_CLIENT=(- 27611 27612 27613)

START_TS=$(date +%s)
declare -a STARTED=()
declare -A CO_PID=() CO_LOG=()
STARTS=0

log() { printf '[%s +%3ds] %s\n' "$(date +%H:%M:%S)" "$(( $(date +%s) - START_TS ))" "$*" >&2; }

ours() { tr '\0' ' ' 2>/dev/null < "/proc/$1/cmdline" | grep -q -- "$RUN"; }

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for pid in "${STARTED[@]}"; do
    ours "$pid" && { kill -9 "$pid" 2>/dev/null || true; }
  done
  wait 2>/dev/null || true
  [[ $rc -ne 0 ]] && log "FAILED (exit $rc); logs in $LOGS"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- build
# Built from a copy, never in place (other sessions build the same working tree); the copy is the
# committed HEAD unless BENCH_SOURCE=worktree, so the report's git hash names what was measured.
BENCH_SOURCE=${BENCH_SOURCE:-head}
BUILD_SRC="$BENCH/target/build-src-coordinator"
log "building (coordinator from $BENCH_SOURCE, installed into ~/.m2 with protocol and replication; then bench/)"
B0=$(date +%s)
rm -rf "$BUILD_SRC"; mkdir -p "$BUILD_SRC"
if [[ "$BENCH_SOURCE" == "worktree" ]]; then
  (cd "$ROOT" && tar --exclude=./.git --exclude=./bench --exclude='./target' --exclude='*/target' -cf - .) \
    | tar -x -C "$BUILD_SRC"
  GIT_DESC="$(cd "$ROOT" && git rev-parse --short HEAD) + working tree$(cd "$ROOT" && git diff --quiet HEAD -- . ':!bench' || echo ' (with uncommitted changes)')"
else
  (cd "$ROOT" && git archive --format=tar HEAD) | tar -x -C "$BUILD_SRC"
  GIT_DESC="$(cd "$ROOT" && git rev-parse --short HEAD) (committed HEAD)"
fi
(cd "$BUILD_SRC" && ./mvnw -B -ntp -q -Dmaven.test.skip=true -Dspotless.check.skip=true \
  -pl coordinator -am install)
(cd "$BENCH" && ../mvnw -B -ntp -q -DskipTests package)
BUILD_S=$(( $(date +%s) - B0 ))
CP="$BENCH/target/classes:$BENCH/target/lib/*"
CP_ZAB="$BENCH/target/lib-zab/*"
JAR="$BUILD_SRC/coordinator/target/zabtx-coordinator-0.1.0-SNAPSHOT-exec.jar"
[[ -f "$JAR" ]] || { echo "no coordinator jar at $JAR" >&2; exit 1; }

rm -rf "$RUN"
mkdir -p "$LOGS" "$BENCH/results"
: > "$RESULTS"
record() { echo "$1=$2" >> "$RESULTS"; }
get() { { grep "^$1=" "$RESULTS" || true; } | tail -1 | cut -d= -f2-; }

for port in "${CO_PEER[@]:1}" "${CO_GRPC[@]:1}" "${CO_HTTP[@]:1}" "${PART_PORTS[@]}" \
  "${FLOOR_PEER[@]:1}" "${FLOOR_CLIENT[@]:1}"; do
  if ss -ltn "( sport = :$port )" | grep -q LISTEN; then
    echo "port $port is in use; stop whatever listens there first" >&2
    exit 1
  fi
done

busy_pct() {
  local a b
  a=($(head -1 /proc/stat)); sleep 2; b=($(head -1 /proc/stat))
  local busy=$(( (b[1]+b[2]+b[3]+b[6]+b[7]+b[8]) - (a[1]+a[2]+a[3]+a[6]+a[7]+a[8]) ))
  local idle=$(( (b[4]+b[5]) - (a[4]+a[5]) ))
  echo $(( 100 * busy / (busy + idle + 1) ))
}
# Other work on the machine skews every number: wait up to QUIET_WAIT_S for it to settle, then go
# on and say so in the report (which also shows the CPU others used during each cell).
wait_quiet() { # label
  local deadline=$(( $(date +%s) + QUIET_WAIT_S )) b quiet=0 said=0
  while (( quiet < 3 )) && (( $(date +%s) < deadline )); do
    b=$(busy_pct)
    if (( b <= 15 )); then quiet=$((quiet + 1)); else
      quiet=0
      (( said == 0 )) && { log "machine is ${b}% busy with other work; waiting up to ${QUIET_WAIT_S} s"; said=1; }
    fi
  done
  record "meta.busy_before_$1" "$b"
  (( b > 15 )) && log "WARNING: starting $1 with the machine ${b}% busy with other work"
  return 0
}

client() { # limit args...: the bench client; its "R key=value" lines go to the results file
  local limit=$1; shift
  timeout --kill-after=5 "$limit" java $CLIENT_JVM_OPTS \
    -Dlogback.configurationFile="$BENCH/conf/logback-client.xml" -Dbench.run="$RUN" \
    -cp "$CP" io.zabtx.bench.Main "$@" 2>>"$LOGS/client.err" | tee -a "$LOGS/client.out" \
    | sed -n 's/^R //p' >> "$RESULTS"
}

wait_for_line() { # file pattern timeout_s
  local deadline=$(( $(date +%s) + $3 ))
  until grep -q "$2" "$1" 2>/dev/null; do
    if (( $(date +%s) > deadline )); then
      echo "timed out waiting for '$2' in $1" >&2; tail -20 "$1" >&2; return 1
    fi
    sleep 0.1
  done
}

spawn() { # logfile cmd...: background, pid in SPAWNED; a wrapper subshell reaps it quietly
  local logf=$1; shift
  rm -f "$logf.pid"
  ( "$@" > "$logf" 2>&1 & echo $! > "$logf.pid"; wait $! 2>/dev/null ) 2>/dev/null &
  until [[ -s "$logf.pid" ]]; do sleep 0.01; done
  SPAWNED=$(cat "$logf.pid")
  STARTED+=("$SPAWNED")
}

stop_pids() { # SIGTERM, then SIGKILL after 5 s
  local pid
  for pid in "$@"; do ours "$pid" && { kill "$pid" 2>/dev/null || true; }; done
  for _ in $(seq 50); do
    local alive=0
    for pid in "$@"; do ours "$pid" && alive=1; done
    (( alive )) || break
    sleep 0.1
  done
  for pid in "$@"; do ours "$pid" && { kill -9 "$pid" 2>/dev/null || true; }; done
  return 0
}

# ---------------------------------------------------------------- the floor, part 1: quorum write
# A 3-node ZabServerMain ensemble (the replication module alone: fsync on, 10 ms tick), one write
# at a time (window 1), 1 KiB; as bench/replication-vs-zookeeper.sh measures it.
wait_quiet floor
log "floor: 3-node ZabServerMain ensemble, window 1"
FLOOR_PEERS="1=$HOST:${FLOOR_PEER[1]},2=$HOST:${FLOOR_PEER[2]},3=$HOST:${FLOOR_PEER[3]}"
FLOOR_NODES="1=$HOST:${FLOOR_CLIENT[1]},2=$HOST:${FLOOR_CLIENT[2]},3=$HOST:${FLOOR_CLIENT[3]}"
declare -a FLOOR_PIDS=()
for sid in 1 2 3; do
  spawn "$LOGS/floor-zab-$sid.log" java $SERVER_JVM_OPTS -cp "$CP_ZAB" \
    io.zabtx.replication.node.ZabServerMain --sid "$sid" --peers "$FLOOR_PEERS" \
    --client-port "${FLOOR_CLIENT[$sid]}" --data "$RUN/floor-zab/node-$sid"
  FLOOR_PIDS+=("$SPAWNED")
done
for sid in 1 2 3; do wait_for_line "$LOGS/floor-zab-$sid.log" "^READY sid=$sid" 60; done
client 90 zab-leader --nodes "$FLOOR_NODES" --prefix floor.zab
FL=$(get floor.zab.leader)
# a short pre-warm at window 200, then window 1
client $((PREWARM_S + 60)) zab-load --nodes "$FLOOR_NODES" --leader "$FL" --window 200 \
  --warmup-s 0 --duration-s "$PREWARM_S" --size 1024 --prefix floor.zab.prewarm
client $((WARMUP_S + DURATION_S + 60)) zab-load --nodes "$FLOOR_NODES" --leader "$FL" --window 1 \
  --warmup-s "$WARMUP_S" --duration-s "$DURATION_S" --size 1024 --prefix floor.quorum
log "  quorum write: p50 $(get floor.quorum.p50_us) µs ($(get floor.quorum.throughput) writes/s one at a time)"
stop_pids "${FLOOR_PIDS[@]}"

# ---------------------------------------------------------------- participants + floor part 2
# One JVM serves all 8 branch slots (one gRPC server per port): on 2 shared cores, eight JVMs would
# spend more on their own JIT and GC than on answering.
PARTS=$(printf "$HOST:%s," "${PART_PORTS[@]}" | sed 's/,$//')
# (logback configured: unconfigured, it logs at DEBUG and grpc's netty logs every frame)
spawn "$LOGS/participants.log" java -Xmx256m -cp "$CP" -Dbench.run="$RUN" \
  -Dlogback.configurationFile="$BENCH/conf/logback-client.xml" io.zabtx.bench.Main \
  noop-participant --host "$HOST" --ports "$(IFS=,; echo "${PART_PORTS[*]}")"
PART_PID=$SPAWNED
wait_for_line "$LOGS/participants.log" "^READY" 60
log "no-op participants up (1 JVM, ${#PART_PORTS[@]} ports, pid $PART_PID)"
log "floor: gRPC round trip to a no-op participant, 1 outstanding and 2 / 8 in parallel"
client $((3 * (WARMUP_S + DURATION_S) + 60)) co-rtt --targets "$PARTS" --parallel 1,2,8 \
  --warmup-s "$WARMUP_S" --duration-s "$DURATION_S" --prefix floor.rtt
log "  round trip p50: 1 $(get floor.rtt.par1.p50_us) µs, 2 parallel $(get floor.rtt.par2.p50_us) µs, 8 parallel $(get floor.rtt.par8.p50_us) µs"

# ---------------------------------------------------------------- coordinators
MEMBERS="1=$HOST:${CO_PEER[1]}:${CO_GRPC[1]}:${CO_HTTP[1]},2=$HOST:${CO_PEER[2]}:${CO_GRPC[2]}:${CO_HTTP[2]},3=$HOST:${CO_PEER[3]}:${CO_GRPC[3]}:${CO_HTTP[3]}"
GRPC_MAP="1=$HOST:${CO_GRPC[1]},2=$HOST:${CO_GRPC[2]},3=$HOST:${CO_GRPC[3]}"
HTTP_MAP="1=http://$HOST:${CO_HTTP[1]},2=http://$HOST:${CO_HTTP[2]},3=http://$HOST:${CO_HTTP[3]}"
start_co() { # id
  local n=$1
  STARTS=$((STARTS + 1)); CO_LOG[$n]="$LOGS/coordinator-$n.$STARTS.log"
  spawn "${CO_LOG[$n]}" java $SERVER_JVM_OPTS -jar "$JAR" --server.port="${CO_HTTP[$n]}" \
    --zabtx.cluster.node-id="$n" --zabtx.cluster.members="$MEMBERS" \
    --zabtx.cluster.data-dir="$RUN/coordinator" --zabtx.cluster.bind-host=$HOST \
    --logging.level.root=WARN
  CO_PID[$n]=$SPAWNED
}
wait_live() { # id: the node answers liveness (a follower's readiness stays 503, see the report)
  local n=$1 deadline=$(( $(date +%s) + 120 ))
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$HOST:${CO_HTTP[$n]}/actuator/health/liveness")" == 200 ]]; do
    if (( $(date +%s) > deadline )) || ! kill -0 "${CO_PID[$n]}" 2>/dev/null; then
      echo "coordinator $n did not come up" >&2; tail -30 "${CO_LOG[$n]}" >&2; return 1
    fi
    sleep 0.2
  done
}
co_leader() { client 120 co-leader --http "$HTTP_MAP" --prefix co; get co.leader; }
co_pids() { echo "1=${CO_PID[1]},2=${CO_PID[2]},3=${CO_PID[3]}"; }
cpu_pids() { # leader
  local l=$1 s out="leader=${CO_PID[$l]}" n=0
  for s in 1 2 3; do
    [[ $s == "$l" ]] && continue
    if (( n == 0 )); then out+=",followerA=${CO_PID[$s]}"; else out+=",followerB=${CO_PID[$s]}"; fi
    n=$((n + 1))
  done
  echo "$out,participants=$PART_PID"
}

wait_quiet coordinators
log "coordinators: starting 3 nodes"
C0=$(date +%s)
for n in 1 2 3; do start_co "$n"; done
for n in 1 2 3; do wait_live "$n"; done
L=$(co_leader)
record meta.coordinator_start_s "$(( $(date +%s) - C0 ))"
log "coordinators: leader is node $L (pids $(co_pids)), up after $(get meta.coordinator_start_s) s"
for n in 1 2 3; do
  record "meta.readiness.$n" "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$HOST:${CO_HTTP[$n]}/actuator/health/readiness")"
done

co_load() { # prefix cells warmup duration [args...]
  local prefix=$1 cells=$2 w=$3 d=$4 l n; shift 4
  l=$(co_leader)
  n=$(tr ',' '\n' <<< "$cells" | wc -l)
  client $(( n * (w + d + 30) + 60 )) co-load --grpc "$GRPC_MAP" --http "$HTTP_MAP" --leader "$l" \
    --participants "$PARTS" --cells "$cells" --warmup-s "$w" --duration-s "$d" \
    --cpu-pids "$(cpu_pids "$l")" --prefix "$prefix" "$@"
  record "$prefix.leader_during" "$l"
}

log "pre-warm: ${PREWARM_S} s at gRPC 2PC B=2 C=32 (JIT)"
co_load co.prewarm grpc:2PC:2:32 0 "$PREWARM_S"
log "gRPC matrix: $CELLS (${WARMUP_S}+${DURATION_S} s each)"
wait_quiet grpc
co_load co "$CELLS" "$WARMUP_S" "$DURATION_S"
log "REST: $REST_CELLS"
wait_quiet rest
co_load co "$REST_CELLS" "$WARMUP_S" "$DURATION_S"
for cell in ${CELLS//,/ } ${REST_CELLS//,/ }; do
  IFS=: read -r api p b c <<< "$cell"
  k="co.$api.${p,,}.b$b.c$c"
  log "  $cell: $(get "$k.throughput") tx/s, p50 $(get "$k.p50_us") µs, p99 $(get "$k.p99_us") µs, errors $(get "$k.errors") $(get "$k.error_kinds")"
done

log "heap: ${HEAP_S} s saturated gRPC (2PC B=2 C=$SAT_C), leader heap every second"
wait_quiet heap
co_load co.heap "grpc:2PC:2:$SAT_C" "$WARMUP_S" "$HEAP_S" --heap-sample-ms 1000
HK="co.heap.grpc.2pc.b2.c$SAT_C"
log "  $(get "$HK.throughput") tx/s; heap MiB min/max per third: $(get "$HK.heap.t1.min_mb")/$(get "$HK.heap.t1.max_mb") $(get "$HK.heap.t2.min_mb")/$(get "$HK.heap.t2.max_mb") $(get "$HK.heap.t3.min_mb")/$(get "$HK.heap.t3.max_mb")"

# JFR of the leader in its own saturated run, so no number above carries JFR's overhead.
L=$(co_leader)
JFR_FILE="$RUN/coordinator-leader.jfr"
JFR_SKIP_S=${JFR_SKIP_S:-$(( QUICK ? 3 : 8 ))}
log "JFR: leader node $L, saturated gRPC (${JFR_SKIP_S} s settle + ${JFR_S} s analysed)"
record meta.jfr_sid "$L"
# profile.jfc minus the socket/file read/write events (their instrumentation deoptimizes netty's
# hot paths; see replication-vs-zookeeper.sh), with per-thread CPU every second.
JDK_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
sed -e '/<event name="jdk.ThreadCPULoad">/,/<\/event>/ s|<setting name="period">[^<]*</setting>|<setting name="period">1 s</setting>|' \
    -e '/<event name="jdk.\(SocketRead\|SocketWrite\|FileRead\|FileWrite\)">/,/<\/event>/ s|<setting name="enabled">true</setting>|<setting name="enabled">false</setting>|' \
    "$JDK_HOME/lib/jfr/profile.jfc" > "$RUN/bench.jfc"
jcmd "${CO_PID[$L]}" JFR.start name=bench settings="$RUN/bench.jfc" filename="$JFR_FILE" \
  duration="$((JFR_SKIP_S + JFR_S + 2))s" > "$LOGS/jfr-start.txt" 2>&1 || true
co_load co.jfrrun "grpc:2PC:2:$SAT_C" "$JFR_SKIP_S" "$JFR_S"
for _ in $(seq 100); do
  [[ -s "$JFR_FILE" ]] && ! jcmd "${CO_PID[$L]}" JFR.check 2>/dev/null | grep -q 'name=bench' && break
  sleep 0.1
done

for i in $(seq 1 "$FAILOVERS"); do
  L=$(co_leader)
  wait_quiet "failover$i"
  client 60 co-failover --grpc "$GRPC_MAP" --pids "$(co_pids)" --leader "$L" --participants "$PARTS" \
    --concurrency 4 --branches 2 --pre-ms 2000 --call-timeout-ms 1000 --prefix "co.failover.$i" || true
  K=$(get "co.failover.$i.killed_sid")
  log "failover $i: killed node ${K:-?} -> first commit via node $(get "co.failover.$i.first_node") after $(get "co.failover.$i.ms") ms (errors meanwhile: $(get "co.failover.$i.error_kinds"))"
  if [[ -n "$K" ]]; then
    while kill -0 "${CO_PID[$K]}" 2>/dev/null; do sleep 0.05; done
    if (( i < FAILOVERS )); then start_co "$K"; wait_live "$K"; fi
  fi
done
log "coordinators: stopping"
stop_pids "${CO_PID[@]}" "$PART_PID"

# ---------------------------------------------------------------- report
JFR_MD="$RUN/jfr.md"
: > "$JFR_MD"
if [[ -s "$JFR_FILE" ]]; then
  timeout 120 java -cp "$CP" io.zabtx.bench.Main jfr-top --file "$JFR_FILE" --top 20 \
    --skip-s "$JFR_SKIP_S" > "$JFR_MD" || true
  cp "$JFR_FILE" "$BENCH/target/coordinator-leader-last.jfr"
fi
ENV_TXT="$RUN/env.txt"
{
  echo "\$ nproc";            nproc
  echo "\$ lscpu (model)";    lscpu | grep -E 'Model name|Thread|Core|Socket' || true
  echo "\$ free -h";          free -h
  echo "\$ java -version";    java -version 2>&1
  echo "\$ uname -a";         uname -a
  echo "\$ df -h bench/target"; df -h "$BENCH/target" | tail -1
  echo "coordinators: java $SERVER_JVM_OPTS -jar zabtx-coordinator-0.1.0-SNAPSHOT-exec.jar (defaults: 10 ms tick, fsync on)"
  echo "participants: 1 JVM (-Xmx256m), ${#PART_PORTS[@]} gRPC servers, directExecutor, no-op"
  echo "client JVM:  java $CLIENT_JVM_OPTS; warm-up ${WARMUP_S} s, measured ${DURATION_S} s per cell; heap run ${HEAP_S} s;"
  echo "  failovers $FAILOVERS; build source: $GIT_DESC"
} > "$ENV_TXT"

DATE=$(date +%Y-%m-%d)
record meta.date "$(date '+%Y-%m-%d %H:%M %Z')"
record meta.runtime_s "$(( $(date +%s) - START_TS ))"
record meta.build_s "$BUILD_S"
record meta.git "$GIT_DESC"
record meta.warmup_s "$WARMUP_S"
record meta.duration_s "$DURATION_S"
record meta.heap_s "$HEAP_S"
record meta.sat_c "$SAT_C"
record meta.quick "$QUICK"
record meta.failovers "$FAILOVERS"
record meta.cells "$CELLS,$REST_CELLS"
OUT="$BENCH/results/coordinator-$DATE$( (( QUICK )) && echo -quick || true).md"
java -cp "$CP" io.zabtx.bench.Main co-report --results "$RESULTS" --env "$ENV_TXT" --jfr "$JFR_MD" \
  --command "$COMMAND" --out "$OUT"
log "report: $OUT"
sed -n '/^## Goals/,/^## Cells/p' "$OUT"
