#!/usr/bin/env bash
# bench/checkpoint_bench.sh: what checkpointing costs (issue 6).
#
# Starts the development broker (`weir broker`, librdkafka's mock cluster
# on loopback) with a 64-partition topic `events`, loads EVENTS events of
# ../shared/bench/gen_events.py (cached in bench/data/) with
# build/bench/kafka_bench produce, then RUNS rounds of two runs of
# window_bench's query into a SQLite sink,
#   SELECT page, COUNT(*) AS n, AVG(latency_ms) AS a FROM events
#   WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 600 SECONDS)
#   GROUP BY page EMIT FINAL
# with `weir run --until-caught-up --batch-interval 1s`:
#   plain: no checkpoint (the SQLite sink still commits each batch with its
#          offsets, in one transaction);
#   ckpt:  the same with --checkpoint DIR (planned slices and completion
#          of every batch in DIR/weir.ckpt) and a state snapshot, which
#          compacts it, after every batch (--checkpoint-interval
#          CKPT_INTERVAL, default 0: the worst case; weir's default is 10s,
#          a snapshot every tenth batch here).
# The two alternate (which one goes first alternates too), each run with a
# fresh consumer group, sink database and checkpoint directory.
#
# "Throughput at a 1-second batch interval" when the data is already there:
# every batch is capped with kafka.max.rate.per.partition so that a run
# takes about BATCHES (15) batches of ~EVENTS/BATCHES records, as a live
# stream at that rate would give; a run's wall time is then mostly the
# wait for the next tick, so the throughput is EVENTS / the sum of the
# batches' processing times (weir's per-batch log line: `processing P ms`,
# from the plan of the batch to its commit). The cost of checkpointing is
# 1 - plain/ckpt of that time, per round, median of the rounds (target
# < 10%). The same figure from the CPU time (user + sys) of each run is a
# cross-check: it leaves out waiting (fsync, the broker), which the
# processing time includes.
#
# GRACE PERIOD 600 SECONDS: the cap is per partition and the 64 partitions
# hold different numbers of events (keys are users, murmur2-partitioned),
# so their event times drift apart batch after batch, by minutes (1M
# events cover ~1000 s); with 120 s, 38% of the records were late. With
# 600 s none is (the script prints the late count), windows close and are
# written to SQLite (~40,000 rows for 1M), and the state holds ~60 windows
# x 1000 pages.
#
# usage: bench/checkpoint_bench.sh [EVENTS (1000000)] [RUNS (3)]
# environment: BATCHES (15), THREADS (1), CKPT_INTERVAL (0), BUILD (build: `make build` first;
#              another build tree is used as it is)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
runs=${2:-3}
batches=${BATCHES:-15}
threads=${THREADS:-1}
ckint=${CKPT_INTERVAL:-0}
build=${BUILD:-build}
parts=64
source bench/kafka_lib.sh
events_file checkpoint_bench "$n" "$parts"
[ "$build" = build ] && make -s build >/dev/null
kb=$(readlink -f "$build/bench/kafka_bench")
weir=$(readlink -f "$build/weir")
tmp=$(mktemp -d)
cleanup() {
  stop_broker
  rm -rf "$tmp"
}
trap cleanup EXIT

start_broker checkpoint_bench "$weir" "$tmp" --topic events:$parts

# Records per partition and batch: the fullest partition in ~BATCHES.
rate=$(((n + parts * batches - 1) / (parts * batches)))
cat >"$tmp/q.sql" <<EOF
SET 'kafka.bootstrap.servers' = '$bs';
CREATE STREAM events (ts BIGINT, \`user\` STRING, page STRING, latency_ms INT,
  bytes INT, country STRING)
  WITH (KAFKA_TOPIC='events', VALUE_FORMAT='JSON', TIMESTAMP='ts',
        PARTITIONS=$parts);
CREATE TABLE out WITH (SQLITE='out.db', SQLITE_TABLE='out') AS
  SELECT page, COUNT(*) AS n, AVG(latency_ms) AS a FROM events
  WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 600 SECONDS)
  GROUP BY page EMIT FINAL;
EOF
$weir check "$tmp/q.sql" >/dev/null

echo "== checkpoint_bench: $n events, $parts partitions, mock broker at $bs," \
  "--batch-interval 1s, $rate records per partition and batch," \
  "--threads $threads, state snapshot every ${ckint} (0: every batch)" \
  "($(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ))"
$kb produce "$bs" events "$data" | sed 's/^/  /'

# one_run MODE TAG: one weir run (MODE plain or ckpt) in a fresh directory;
# sets proc (s, sum of the batches' processing), nb (batches), cpu (s),
# wall (s), rows (in the sink table), late, ck (checkpoint size, KiB).
one_run() {
  local dir="$tmp/$2" t0 ckargs=() got
  mkdir "$dir"
  cp "$tmp/q.sql" "$dir/q.sql"
  [ "$1" = ckpt ] && ckargs=(--checkpoint "$dir/ckpt"
    --checkpoint-interval "$ckint")
  t0=${EPOCHREALTIME/,/.}
  if ! { TIMEFORMAT='%U %S'; time (cd "$dir" && "$weir" run \
      --until-caught-up --batch-interval 1s --threads "$threads" \
      "${ckargs[@]}" -c "kafka.group.id=cb$$-$2" \
      -c "kafka.max.rate.per.partition=$rate" q.sql >/dev/null 2>"$dir/log"); } \
      2>"$dir/time"; then
    echo "checkpoint_bench: weir run ($1) failed:" >&2
    tail -20 "$dir/log" >&2
    exit 1
  fi
  wall=$(echo "${EPOCHREALTIME/,/.} - $t0" | bc -l)
  cpu=$(awk '{ printf "%.3f", $1 + $2 }' "$dir/time")
  read -r got proc nb late < <(awk '
    / batch [0-9]+: / {
      for (i = 1; i <= NF; i++) {
        if ($i == "records" && $(i + 1) == "in") r += $(i - 1)
        if ($i == "processing") p += $(i + 1)
        if ($i == "late") l = $(i - 1)
      }
      b++
    }
    END { printf "%d %.3f %d %d\n", r, p / 1000, b, l }' "$dir/log")
  if [ "$got" != "$n" ]; then
    echo "checkpoint_bench: weir ($1) read $got records, not $n:" >&2
    tail -20 "$dir/log" >&2
    exit 1
  fi
  rows=$(python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM out").fetchone()[0])' \
    "$dir/out.db")
  ck=0
  [ "$1" = ckpt ] && ck=$( (du -sk "$dir/ckpt" 2>/dev/null || echo 0) | cut -f1)
  [ -n "${KEEP_LOGS:-}" ] && cp "$dir/log" "$KEEP_LOGS/$2.log"
  rm -rf "$dir"
}

m() { echo "scale=3; $n / $1 / 1000000" | bc -l; }
procs_p=() procs_c=() cpus_p=() cpus_c=()
for r in $(seq "$runs"); do
  order="plain ckpt"
  [ $((r % 2)) = 0 ] && order="ckpt plain"
  for mode in $order; do
    one_run "$mode" "$r-$mode"
    printf "  round %d %-5s: %.3f M records/s (processing %.3f s in %d" \
      "$r" "$mode" "$(m "$proc")" "$proc" "$nb"
    printf " batches; cpu %.2f s, wall %.1f s; %d rows, %d late" "$cpu" \
      "$wall" "$rows" "$late"
    [ "$mode" = ckpt ] && printf "; checkpoint %d KiB" "$ck"
    echo ")"
    if [ "$mode" = plain ]; then
      procs_p+=("$proc") cpus_p+=("$cpu")
    else
      procs_c+=("$proc") cpus_c+=("$cpu")
    fi
  done
done

python3 - "$n" "${procs_p[*]}" "${procs_c[*]}" "${cpus_p[*]}" \
  "${cpus_c[*]}" <<'PY'
import statistics, sys
n = int(sys.argv[1])
pp, pc, cp, cc = ([float(x) for x in s.split()] for s in sys.argv[2:])
med = statistics.median
def rate(s):
    return n / s / 1e6
print("plain (SQLite sink, no checkpoint): %.3f M records/s (median of %d; %s)"
      % (rate(med(pp)), len(pp), ", ".join("%.3f" % rate(x) for x in pp)))
print("ckpt  (SQLite sink + --checkpoint): %.3f M records/s (median of %d; %s)"
      % (rate(med(pc)), len(pc), ", ".join("%.3f" % rate(x) for x in pc)))
cost = [100 * (1 - p / c) for p, c in zip(pp, pc)]
c = med(cost)
print("checkpoint cost: %.1f%% of throughput (median of the rounds' %s) "
      "- target < 10%%: %s" % (c, ", ".join("%.1f%%" % x for x in cost),
                               "met" if c < 10 else "NOT met"))
ccost = [100 * (1 - p / c) for p, c in zip(cp, cc)]
print("by cpu time: plain %.2f s, ckpt %.2f s per run (medians); checkpoint "
      "cost %.1f%% (rounds %s)" % (med(cp), med(cc), med(ccost),
                                  ", ".join("%.1f%%" % x for x in ccost)))
PY
