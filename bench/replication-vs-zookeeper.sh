#!/usr/bin/env bash
# ZabTX replication vs ZooKeeper 3.9.5, side by side on this machine, in one run.
#
#   bench/replication-vs-zookeeper.sh            # full run (~5-7 min on 2 cores)
#   bench/replication-vs-zookeeper.sh --quick    # smoke test: short loads, 2 failovers
#   WARMUP_S=5 DURATION_S=15 FAILOVERS=5 JFR_S=10 bench/replication-vs-zookeeper.sh
#   BENCH_SOURCE=worktree bench/replication-vs-zookeeper.sh   # measure uncommitted changes
#
# Builds the replication module (from a copy of HEAD, installed into ~/.m2, tests skipped) and
# bench/ (its own Maven project, not part of the root build), then: 3 ZabTX nodes (fsync on) + load at window 1 and 1000
# + leader heap + JFR of the leader under saturation + 5 leader SIGKILLs; the same for a 3-node
# ZooKeeper ensemble; writes bench/results/replication-vs-zookeeper-<date>.md.
# Everything listens on 127.0.0.1 only; every process started here is killed on exit.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
# The settings given through the environment belong to the command the report names.
ENV_SET=""
for v in WARMUP_S DURATION_S FAILOVERS JFR_S JFR_SKIP_S PREWARM_MIN_S PREWARM_MAX_S QUIET_WAIT_S \
  SERVER_JVM_OPTS CLIENT_JVM_OPTS BENCH_SOURCE; do
  [[ -n "${!v:-}" ]] && ENV_SET+="$v=${!v} "
done
COMMAND="${ENV_SET}bench/replication-vs-zookeeper.sh${*:+ $*}"

WARMUP_S=${WARMUP_S:-5}
DURATION_S=${DURATION_S:-15}
FAILOVERS=${FAILOVERS:-5}
JFR_S=${JFR_S:-10}
PREWARM_MIN_S=${PREWARM_MIN_S:-20}
PREWARM_MAX_S=${PREWARM_MAX_S:-80}
if [[ "${1:-}" == "--quick" ]]; then
  WARMUP_S=2 DURATION_S=4 FAILOVERS=2 JFR_S=6 JFR_SKIP_S=6 PREWARM_MIN_S=10 PREWARM_MAX_S=10
fi
SERVER_JVM_OPTS=${SERVER_JVM_OPTS:-"-Xmx1g"}
CLIENT_JVM_OPTS=${CLIENT_JVM_OPTS:-"-Xmx1g"}

RUN="$BENCH/target/run"
RESULTS="$RUN/results.properties"
LOGS="$RUN/logs"
HOST=127.0.0.1
ZAB_PEER=(- 27101 27102 27103)
ZAB_CLIENT=(- 27201 27202 27203)
ZK_CLIENT=(- 27301 27302 27303)
ZK_QUORUM=(- 28881 28882 28883)   # server.N=127.0.0.1:2888N:3888N
ZK_ELECT=(- 38881 38882 38883)

START_TS=$(date +%s)
declare -a STARTED=()            # every pid this script started
declare -A ZAB_PID=() ZK_PID=()
STARTS=0

log() { printf '[%s +%3ds] %s\n' "$(date +%H:%M:%S)" "$(( $(date +%s) - START_TS ))" "$*" >&2; }

ours() { # pid: alive and started by this run (its command line names this run's directory)
  tr '\0' ' ' 2>/dev/null < "/proc/$1/cmdline" | grep -q -- "$RUN"
}

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
# The replication module is built from a copy, never in place: other sessions build and test in the
# same working tree, and two Maven runs sharing replication/target break each other. By default the
# copy is the committed HEAD (what the report's git hash names); BENCH_SOURCE=worktree copies the
# working tree instead, to measure uncommitted changes.
BENCH_SOURCE=${BENCH_SOURCE:-head}
BUILD_SRC="$BENCH/target/build-src"
log "building (replication from $BENCH_SOURCE, installed into ~/.m2; then bench/)"
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
  -pl replication -am install)
(cd "$BENCH" && ../mvnw -B -ntp -q -DskipTests package)
BUILD_S=$(( $(date +%s) - B0 ))
CP="$BENCH/target/classes:$BENCH/target/lib/*"   # load client, report
CP_ZAB="$BENCH/target/lib-zab/*"                  # ZabTX nodes: the replication module's jars only
CP_ZK="$BENCH/target/lib-zk/*"                    # ZooKeeper 3.9.5 servers
if ls "$BENCH/target/lib-zab" | grep -Eq '^(logback|slf4j)'; then
  echo "lib-zab must not hold SLF4J/logback (grpc's netty would log every frame at DEBUG)" >&2
  exit 1
fi

rm -rf "$RUN"
mkdir -p "$LOGS" "$BENCH/results"
: > "$RESULTS"
record() { echo "$1=$2" >> "$RESULTS"; }
get() { { grep "^$1=" "$RESULTS" || true; } | tail -1 | cut -d= -f2-; }

for port in "${ZAB_PEER[@]:1}" "${ZAB_CLIENT[@]:1}" "${ZK_CLIENT[@]:1}" "${ZK_QUORUM[@]:1}" "${ZK_ELECT[@]:1}"; do
  if ss -ltn "( sport = :$port )" | grep -q LISTEN; then
    echo "port $port is in use; stop whatever listens there first" >&2
    exit 1
  fi
done

busy_pct() { # CPU busy % of the whole machine over 2 s
  local a b
  a=($(head -1 /proc/stat)); sleep 2; b=($(head -1 /proc/stat))
  local busy=$(( (b[1]+b[2]+b[3]+b[6]+b[7]+b[8]) - (a[1]+a[2]+a[3]+a[6]+a[7]+a[8]) ))
  local idle=$(( (b[4]+b[5]) - (a[4]+a[5]) ))
  echo $(( 100 * busy / (busy + idle + 1) ))
}
# Other work on this machine (a concurrent build, say) skews every number: wait for it to end,
# up to QUIET_WAIT_S, then go on and say so in the report.
QUIET_WAIT_S=${QUIET_WAIT_S:-300}
wait_quiet() { # label: wait for 3 quiet samples in a row (6 s)
  local deadline=$(( $(date +%s) + QUIET_WAIT_S )) b quiet=0 said=0
  while (( quiet < 3 )) && (( $(date +%s) < deadline )); do
    b=$(busy_pct)
    if (( b <= 15 )); then
      quiet=$((quiet + 1))
    else
      quiet=0
      if (( said == 0 )); then
        log "machine is ${b}% busy with other work; waiting for it to settle (up to ${QUIET_WAIT_S} s)"
        said=1
      fi
    fi
  done
  record "meta.busy_before_$1" "$b"
  (( b > 15 )) && log "WARNING: starting $1 with the machine ${b}% busy with other work"
  return 0
}

# Runs the bench client; its "R key=value" lines go to the results file, the rest to the logs.
client() {
  local limit=$1; shift
  timeout --kill-after=5 "$limit" java $CLIENT_JVM_OPTS \
    -Dlogback.configurationFile="$BENCH/conf/logback-client.xml" \
    -cp "$CP" io.zabtx.bench.Main "$@" 2>>"$LOGS/client.err" | tee -a "$LOGS/client.out" \
    | sed -n 's/^R //p' >> "$RESULTS"
}

# A load run whose measured window saw more than 0.3 cores of other work is repeated once after
# the machine is quiet again; the report keeps the last attempt. fn finds the leader itself.
load_run() { # prefix fn args...: runs "fn prefix args..."
  local prefix=$1 fn=$2; shift 2
  "$fn" "$prefix" "$@"
  local others; others=$(get "$prefix.cpu.others")
  if awk -v o="${others:-0}" 'BEGIN { exit !(o > 0.3) }'; then
    log "  $prefix: ${others} cores of other work during the window; repeating it once when quiet"
    record "$prefix.repeated_others" "$others"
    wait_quiet "$prefix"
    "$fn" "$prefix" "$@"
  fi
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

# Starts "$@" in the background with its output in $1 and sets SPAWNED to its pid. A wrapper
# subshell reaps it, so a SIGKILLed server does not make bash print a "Killed" job notice.
spawn() { # logfile cmd...
  local logf=$1; shift
  rm -f "$logf.pid"
  ( "$@" > "$logf" 2>&1 & echo $! > "$logf.pid"; wait $! 2>/dev/null ) 2>/dev/null &
  until [[ -s "$logf.pid" ]]; do sleep 0.01; done
  SPAWNED=$(cat "$logf.pid")
  STARTED+=("$SPAWNED")
}

stop_pids() { # pids...: SIGTERM, then SIGKILL after 5 s
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

live_heap_mb() { # pid: full GC, then the used heap in MiB
  jcmd "$1" GC.run >/dev/null 2>&1 || true
  jcmd "$1" GC.heap_info 2>/dev/null | grep -o 'used [0-9]*K' | head -1 \
    | awk '{ sub("K", "", $2); printf "%.1f", $2 / 1024 }'
}

cpu_pids() { # leader_sid, name of the pid array: leader=..,followerA=..,followerB=..
  local leader=$1; local -n pids=$2; local s out="leader=${pids[$leader]}" n=0
  for s in 1 2 3; do
    [[ $s == "$leader" ]] && continue
    if (( n == 0 )); then out+=",followerA=${pids[$s]}"; else out+=",followerB=${pids[$s]}"; fi
    n=$((n + 1))
  done
  echo "$out"
}

# ---------------------------------------------------------------- ZabTX
ZAB_PEERS="1=$HOST:${ZAB_PEER[1]},2=$HOST:${ZAB_PEER[2]},3=$HOST:${ZAB_PEER[3]}"
ZAB_NODES="1=$HOST:${ZAB_CLIENT[1]},2=$HOST:${ZAB_CLIENT[2]},3=$HOST:${ZAB_CLIENT[3]}"

declare -A ZAB_LOG=()
start_zab() { # sid: launches the node (wait_zab waits for its READY line)
  local sid=$1
  STARTS=$((STARTS + 1)); ZAB_LOG[$sid]="$LOGS/zab-$sid.$STARTS.log"
  spawn "${ZAB_LOG[$sid]}" java $SERVER_JVM_OPTS -cp "$CP_ZAB" \
    io.zabtx.replication.node.ZabServerMain --sid "$sid" --peers "$ZAB_PEERS" \
    --client-port "${ZAB_CLIENT[$sid]}" --data "$RUN/zab/node-$sid"
  ZAB_PID[$sid]=$SPAWNED
}
wait_zab() { wait_for_line "${ZAB_LOG[$1]}" "^READY sid=$1" 60; }

zab_pids() { echo "1=${ZAB_PID[1]},2=${ZAB_PID[2]},3=${ZAB_PID[3]}"; }

zab_leader() { client 90 zab-leader --nodes "$ZAB_NODES" --prefix zab; get zab.leader; }

# A freshly started JVM JIT-compiles for a long time on 2 cores: ZabTX's leader still spent
# ~0.25 cores in the C2 compiler thread after 40 s of load in early tries (ZooKeeper's ~0.05).
# Pre-warm each cluster in 10 s chunks at window 200 until the leader's C2 thread uses < 0.05
# cores (at least PREWARM_MIN_S, at most PREWARM_MAX_S); nothing of it is reported but the time.
prewarm() { # system chunk-fn
  local sys=$1 fn=$2 start c2 i=0
  start=$(date +%s)
  while :; do
    i=$((i + 1))
    "$fn" "$sys.prewarm" 200 --warmup-s 0 --duration-s 10
    c2=$(get "$sys.prewarm.leader_threads" | tr ';' '\n' | awk -F: '/^C2 CompilerThre/ { print $NF }')
    log "  pre-warm $i: $(get "$sys.prewarm.throughput") writes/s, leader's C2 compiler ${c2:-0} cores"
    if (( $(date +%s) - start >= PREWARM_MAX_S )); then break; fi
    if (( $(date +%s) - start >= PREWARM_MIN_S )) && awk -v c="${c2:-0}" 'BEGIN { exit !(c < 0.05) }'; then
      break
    fi
  done
  record "meta.prewarm_s_$sys" "$(( $(date +%s) - start ))"
  record "meta.prewarm_c2_$sys" "${c2:-0}"
}

wait_quiet zab
log "ZabTX: starting 3 nodes"
for sid in 1 2 3; do start_zab "$sid"; done
for sid in 1 2 3; do wait_zab "$sid"; done
L=$(zab_leader)
log "ZabTX: leader is node $L (pids $(zab_pids))"
LOAD_ARGS=(--warmup-s "$WARMUP_S" --duration-s "$DURATION_S" --size 1024)

zab_load() { # prefix window [client args...]: load on the current leader
  local prefix=$1 window=$2 l; shift 2
  l=$(zab_leader)
  client $((WARMUP_S + DURATION_S + 60)) zab-load --nodes "$ZAB_NODES" --leader "$l" --window "$window" "${LOAD_ARGS[@]}" \
    --cpu-pids "$(cpu_pids "$l" ZAB_PID)" --prefix "$prefix" "$@"
}

log "ZabTX: pre-warm (${PREWARM_MIN_S}-${PREWARM_MAX_S} s, until the JIT settles)"
prewarm zab zab_load

log "ZabTX: window 1, ${WARMUP_S}+${DURATION_S} s"
load_run zab.w1 zab_load 1
log "  $(get zab.w1.throughput) writes/s, p50 $(get zab.w1.p50_us) µs, p99 $(get zab.w1.p99_us) µs"

zab_load_sat() { # prefix: the saturated run, with the leader's live heap before and after
  local l
  l=$(zab_leader)
  record zab.live.before_mb "$(live_heap_mb "${ZAB_PID[$l]}")"
  record zab.live.before_sid "$l"
  zab_load "$1" 1000 --heap-sample-ms 200
  l=$(get "$1.final_leader")
  record zab.live.after_mb "$(live_heap_mb "${ZAB_PID[$l]}")"
  record zab.live.after_sid "$l"
}
log "ZabTX: window 1000, ${WARMUP_S}+${DURATION_S} s (leader heap sampled via Status)"
load_run zab.w1000 zab_load_sat
log "  $(get zab.w1000.throughput) writes/s, p50 $(get zab.w1000.p50_us) µs, p99 $(get zab.w1000.p99_us) µs;" \
  "heap $(get zab.w1000.heap.min_mb)/$(get zab.w1000.heap.median_mb)/$(get zab.w1000.heap.max_mb) MiB;" \
  "live $(get zab.live.before_mb) -> $(get zab.live.after_mb) MiB;" \
  "elections $(get zab.w1000.elections), leader switches $(get zab.w1000.leader_switches)"

# JFR of the leader in a separate saturated run (so the numbers above carry no JFR overhead).
# profile.jfc, plus every fsync (jdk.FileForce threshold 0) and per-thread CPU every second, minus
# the socket and file read/write events: those instrument the JDK's I/O classes, which deoptimizes
# netty's hot paths (the first tries ran at a third of the throughput with the C2 compiler busy).
JDK_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
sed -e '/<event name="jdk.FileForce">/,/<\/event>/ s|<setting name="threshold"[^>]*>[^<]*</setting>|<setting name="threshold">0 ms</setting>|' \
    -e '/<event name="jdk.FileForce">/,/<\/event>/ s|<setting name="stackTrace">true</setting>|<setting name="stackTrace">false</setting>|' \
    -e '/<event name="jdk.ThreadCPULoad">/,/<\/event>/ s|<setting name="period">[^<]*</setting>|<setting name="period">1 s</setting>|' \
    -e '/<event name="jdk.\(SocketRead\|SocketWrite\|FileRead\|FileWrite\)">/,/<\/event>/ s|<setting name="enabled">true</setting>|<setting name="enabled">false</setting>|' \
    "$JDK_HOME/lib/jfr/profile.jfc" > "$RUN/bench.jfc"
L=$(zab_leader)
JFR_FILE="$RUN/zab-leader.jfr"
# Starting a recording makes the JVM set JFR up and recompile what the instrumentation touched: the
# first JFR_SKIP_S seconds (client start + a long warm-up) are recorded but left out of the summary,
# and the leader's C2 thread is measured over the analysed window to show whether it settled.
JFR_SKIP_S=${JFR_SKIP_S:-21}
log "ZabTX: window 1000 under JFR (leader node $L; ${JFR_SKIP_S} s settle + ${JFR_S} s analysed)"
record meta.jfr_sid "$L"
jcmd "${ZAB_PID[$L]}" JFR.start name=bench settings="$RUN/bench.jfc" filename="$JFR_FILE" \
  duration="$((JFR_SKIP_S + JFR_S + 1))s" > "$LOGS/jfr-start.txt" 2>&1
client 120 zab-load --nodes "$ZAB_NODES" --leader "$L" --window 1000 \
  --warmup-s $((JFR_SKIP_S - 1)) --duration-s "$JFR_S" --size 1024 --prefix zab.jfrrun \
  --cpu-pids "$(cpu_pids "$L" ZAB_PID)"
for _ in $(seq 200); do
  [[ -s "$JFR_FILE" ]] && ! jcmd "${ZAB_PID[$L]}" JFR.check 2>/dev/null | grep -q 'name=bench' && break
  sleep 0.1
done
log "  under JFR: $(get zab.jfrrun.throughput) writes/s"

for i in $(seq 1 "$FAILOVERS"); do
  L=$(zab_leader)
  client 60 zab-failover --nodes "$ZAB_NODES" --pids "$(zab_pids)" --pre-ms 1500 --interval-ms 5 \
    --prefix "zab.failover.$i" || true
  K=$(get "zab.failover.$i.killed_sid")
  log "ZabTX failover $i: killed node ${K:-?} (leader seen just before: $L) -> first commit on node $(get "zab.failover.$i.new_leader") after $(get "zab.failover.$i.ms") ms"
  if [[ -n "$K" ]]; then
    while kill -0 "${ZAB_PID[$K]}" 2>/dev/null; do sleep 0.05; done
    start_zab "$K"
    wait_zab "$K"
  fi
done
zab_leader > /dev/null
log "ZabTX: stopping"
stop_pids "${ZAB_PID[@]}"

# ---------------------------------------------------------------- ZooKeeper
ZK_SERVERS="1=$HOST:${ZK_CLIENT[1]},2=$HOST:${ZK_CLIENT[2]},3=$HOST:${ZK_CLIENT[3]}"
for n in 1 2 3; do
  mkdir -p "$RUN/zk/node-$n/data"
  echo "$n" > "$RUN/zk/node-$n/data/myid"
  {
    echo "tickTime=2000"
    echo "initLimit=10"
    echo "syncLimit=5"
    echo "dataDir=$RUN/zk/node-$n/data"
    echo "clientPort=${ZK_CLIENT[$n]}"
    echo "clientPortAddress=$HOST"
    echo "admin.enableServer=false"
    echo "4lw.commands.whitelist=srvr,mntr"
    echo "forceSync=yes"
    for m in 1 2 3; do echo "server.$m=$HOST:${ZK_QUORUM[$m]}:${ZK_ELECT[$m]}"; done
  } > "$RUN/zk/zoo$n.cfg"
done

start_zk() { # n
  local n=$1
  STARTS=$((STARTS + 1))
  spawn "$LOGS/zk-$n.$STARTS.log" java $SERVER_JVM_OPTS \
    -Dlogback.configurationFile="$BENCH/conf/logback-zk-server.xml" \
    -Dzookeeper.admin.enableServer=false -cp "$CP_ZK" \
    org.apache.zookeeper.server.quorum.QuorumPeerMain "$RUN/zk/zoo$n.cfg"
  ZK_PID[$n]=$SPAWNED
}
zk_pids() { echo "1=${ZK_PID[1]},2=${ZK_PID[2]},3=${ZK_PID[3]}"; }
zk_leader() { client 90 zk-leader --servers "$ZK_SERVERS" --prefix zk; get zk.leader; }

wait_quiet zk
log "ZooKeeper: starting 3 servers"
for n in 1 2 3; do start_zk "$n"; done
L=$(zk_leader)
log "ZooKeeper: leader is server $L (pids $(zk_pids))"
client 60 zk-setup --connect "$HOST:${ZK_CLIENT[$L]}" --size 1024
zk_load() { # prefix window [client args...]: load on the current leader
  local prefix=$1 window=$2 l; shift 2
  l=$(zk_leader)
  client $((WARMUP_S + DURATION_S + 60)) zk-load --connect "$HOST:${ZK_CLIENT[$l]}" --window "$window" "${LOAD_ARGS[@]}" \
    --cpu-pids "$(cpu_pids "$l" ZK_PID)" --prefix "$prefix" "$@"
}
log "ZooKeeper: pre-warm (${PREWARM_MIN_S}-${PREWARM_MAX_S} s, until the JIT settles)"
prewarm zk zk_load

log "ZooKeeper: window 1, ${WARMUP_S}+${DURATION_S} s"
load_run zk.w1 zk_load 1
log "  $(get zk.w1.throughput) writes/s, p50 $(get zk.w1.p50_us) µs, p99 $(get zk.w1.p99_us) µs"

zk_load_sat() { # prefix
  local l
  l=$(zk_leader)
  record zk.live.before_mb "$(live_heap_mb "${ZK_PID[$l]}")"
  zk_load "$1" 1000
  l=$(zk_leader)
  record zk.live.after_mb "$(live_heap_mb "${ZK_PID[$l]}")"
}
log "ZooKeeper: window 1000, ${WARMUP_S}+${DURATION_S} s"
load_run zk.w1000 zk_load_sat
log "  $(get zk.w1000.throughput) writes/s, p50 $(get zk.w1000.p50_us) µs, p99 $(get zk.w1000.p99_us) µs"

for i in $(seq 1 "$FAILOVERS"); do
  L=$(zk_leader)
  client 60 zk-failover --servers "$ZK_SERVERS" --pids "$(zk_pids)" --pre-ms 1500 --interval-ms 5 \
    --prefix "zk.failover.$i" || true
  K=$(get "zk.failover.$i.killed_sid")
  log "ZooKeeper failover $i: killed server ${K:-?} -> probe $(get "zk.failover.$i.probe_ms") ms, session $(get "zk.failover.$i.session_ms") ms"
  if [[ -n "$K" ]]; then
    while kill -0 "${ZK_PID[$K]}" 2>/dev/null; do sleep 0.05; done
    start_zk "$K"
  fi
done
zk_leader > /dev/null
log "ZooKeeper: stopping"
stop_pids "${ZK_PID[@]}"

# ---------------------------------------------------------------- report
log "summarizing the JFR recording"
JFR_MD="$RUN/jfr.md"
if [[ -s "$JFR_FILE" ]]; then
  timeout 120 java -cp "$CP" io.zabtx.bench.Main jfr-top --file "$JFR_FILE" --top 20 \
    --skip-s "$JFR_SKIP_S" > "$JFR_MD"
  {
    echo
    echo '<details><summary><code>jfr summary</code> of the recording (event counts)</summary>'
    echo
    echo '```'
    jfr summary "$JFR_FILE" > "$RUN/jfr-summary.txt"
    sed -n '/Event Type/,$p' "$RUN/jfr-summary.txt" | sort -k2 -n -r | sed -n '1,30p'
    echo '```'
    echo '</details>'
    echo
  } >> "$JFR_MD"
  cp "$JFR_FILE" "$BENCH/target/zab-leader-last.jfr"
fi

ENV_TXT="$RUN/env.txt"
{
  echo "\$ nproc";            nproc
  echo "\$ lscpu (model)";    lscpu | grep -E 'Model name|Thread|Core|Socket' || true
  echo "\$ free -h";          free -h
  echo "\$ java -version";    java -version 2>&1
  echo "\$ uname -a";         uname -a
  echo "\$ df -h bench/target"; df -h "$BENCH/target" | tail -1
  echo "server JVMs: java $SERVER_JVM_OPTS (ZabTX: ZabServerMain defaults, 10 ms tick, fsync on;"
  echo "  ZooKeeper 3.9.5: QuorumPeerMain, tickTime=2000, forceSync=yes, NIO connection factory)"
  echo "client JVM:  java $CLIENT_JVM_OPTS; pre-warm ${PREWARM_MIN_S}-${PREWARM_MAX_S} s at window 200 per system, then per run"
  echo "  warm-up ${WARMUP_S} s, measured ${DURATION_S} s; failovers $FAILOVERS; build source: $GIT_DESC"
} > "$ENV_TXT"

DATE=$(date +%Y-%m-%d)
record meta.date "$(date '+%Y-%m-%d %H:%M %Z')"
record meta.runtime_s "$(( $(date +%s) - START_TS ))"
record meta.build_s "$BUILD_S"
record meta.git "$GIT_DESC"
record meta.warmup_s "$WARMUP_S"
record meta.duration_s "$DURATION_S"
record meta.nproc "$(nproc)"
record meta.server_jvm_opts "$SERVER_JVM_OPTS"
OUT="$BENCH/results/replication-vs-zookeeper-$DATE.md"
java -cp "$CP" io.zabtx.bench.Main report --results "$RESULTS" --env "$ENV_TXT" --jfr "$JFR_MD" \
  --command "$COMMAND" --out "$OUT"
log "report: $OUT"
sed -n '/^## Results/,/^Ratios/p' "$OUT"
