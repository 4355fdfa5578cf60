#!/usr/bin/env bash
# bench/kafka_bench.sh: weir over Kafka against raw librdkafka consumption.
#
# Starts the development broker (`weir broker`, librdkafka's mock cluster
# on loopback) with a 64-partition topic `events`, produces EVENTS events
# of ../shared/bench/gen_events.py into it (cached in bench/data/; key =
# user, timestamp = ts), then, RUNS times in alternation:
#   (a) raw: build/bench/kafka_bench consume, librdkafka alone reading the
#       whole topic from the beginning (consumer queue, each message
#       counted, touched and freed; no query);
#   (b) weir run --until-caught-up of window_bench's query
#         SELECT page, COUNT(*) AS n, AVG(latency_ms) AS a FROM events
#         WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY page EMIT FINAL
#       over the same topic, with 1 and then 2 threads, each run with a
#       fresh consumer group (committed offsets would make it skip data);
#   (a') raw again in weir's access pattern (each partition's own queue
#       read in turn, every message held until the end), which shows what
#       the source's way of fetching costs before any query work.
# A run's rate is EVENTS / the wall time of the whole process (start,
# connection, metadata and close included, for both). weir's batch log
# lines give the batches' processing time (plan + fetch + query + commit);
# the records they count must add up to EVENTS. Reports the medians and
# the ratio b/a (target >= 0.80).
#
# usage: bench/kafka_bench.sh [EVENTS (1000000)] [RUNS (3)]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
runs=${2:-3}
parts=64
source bench/kafka_lib.sh
events_file kafka_bench "$n" "$parts"
make -s build >/dev/null
kb=build/bench/kafka_bench
weir=build/weir
tmp=$(mktemp -d)
cleanup() {
  stop_broker
  rm -rf "$tmp"
}
trap cleanup EXIT

start_broker kafka_bench "$weir" "$tmp" --topic events:$parts --topic out:1

cat >"$tmp/q.sql" <<EOF
SET 'kafka.bootstrap.servers' = '$bs';
CREATE STREAM events (ts BIGINT, \`user\` STRING, page STRING, latency_ms INT,
  bytes INT, country STRING)
  WITH (KAFKA_TOPIC='events', VALUE_FORMAT='JSON', TIMESTAMP='ts',
        PARTITIONS=$parts);
CREATE TABLE out WITH (KAFKA_TOPIC='out', PARTITIONS=1) AS
  SELECT page, COUNT(*) AS n, AVG(latency_ms) AS a FROM events
  WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY page EMIT FINAL;
EOF
$weir check "$tmp/q.sql" >/dev/null

echo "== kafka_bench: $n events, $parts partitions, mock broker at $bs" \
  "($(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ))"
$kb produce "$bs" events "$data" | sed 's/^/  /'

# now_s: seconds since the epoch, microseconds (bash 5's EPOCHREALTIME).
now_s() { echo "${EPOCHREALTIME/,/.}"; }

# raw [FLAGS]: one raw consumption; sets wall (s) and prints its line.
raw() {
  local t0
  t0=$(now_s)
  $kb consume "$bs" events "$n" "$@" >"$tmp/raw"
  wall=$(echo "$(now_s) - $t0" | bc -l)
}

# weir_run THREADS TAG: one weir run; sets wall (s), proc (s, the sum of
# the batches' processing times) and batches.
weir_run() {
  local t0 got
  t0=$(now_s)
  $weir run --threads "$1" --until-caught-up -c "kafka.group.id=kb$$-$2" \
    "$tmp/q.sql" >"$tmp/out" 2>"$tmp/log" || {
    echo "kafka_bench: weir run failed:" >&2
    cat "$tmp/log" >&2
    exit 1
  }
  wall=$(echo "$(now_s) - $t0" | bc -l)
  read -r got proc batches < <(awk '
    / batch [0-9]+: / {
      for (i = 1; i <= NF; i++) {
        if ($i == "records" && $(i + 1) == "in") r += $(i - 1)
        if ($i == "processing") p += $(i + 1)
      }
      b++
    }
    END { printf "%d %.3f %d\n", r, p / 1000, b }' "$tmp/log")
  if [ "$got" != "$n" ]; then
    echo "kafka_bench: weir read $got records, not $n:" >&2
    cat "$tmp/log" >&2
    exit 1
  fi
}

m() { echo "scale=3; $n / $1 / 1000000" | bc -l; }
walls_a=() walls_p=() walls_1=() walls_2=() procs_1=() procs_2=()
for r in $(seq "$runs"); do
  raw
  walls_a+=("$wall")
  ra=$(sed -E 's/.* \(([0-9]+) records\/s\).*/\1/' "$tmp/raw")
  printf "  round %d: (a) raw: %.3f M/s (%.3f s; %.3f M/s by its own" \
    "$r" "$(m "$wall")" "$wall" "$(echo "$ra / 1000000" | bc -l)"
  echo " clock)"
  for t in 1 2; do
    weir_run $t "$r-$t"
    eval "walls_$t+=(\"\$wall\") procs_$t+=(\"\$proc\")"
    printf "           (b) weir, --threads %d: %.3f M/s (%.3f s; %d" \
      "$t" "$(m "$wall")" "$wall" "$batches"
    printf " batch(es), processing %.3f s = %.3f M/s)\n" "$proc" "$(m "$proc")"
  done
  # weir's consumer settings (kafka_conf.c, kafka_source.c) for (a').
  raw --partition-queues --hold -X fetch.wait.max.ms=50 \
    -X enable.partition.eof=true
  walls_p+=("$wall")
  printf "           (a') raw, partition queues + held: %.3f M/s (%.3f s)\n" \
    "$(m "$wall")" "$wall"
done

python3 - "$n" "${walls_a[*]}" "${walls_1[*]}" "${walls_2[*]}" \
  "${procs_1[*]}" "${procs_2[*]}" "${walls_p[*]}" <<'PY'
import statistics, sys
n = int(sys.argv[1])
a, w1, w2, p1, p2, ap = ([float(x) for x in s.split()] for s in sys.argv[2:])
med = statistics.median
def rate(s):
    return n / s / 1e6
print("(a)  raw librdkafka consumption: %.3f M records/s (median of %d; %s)"
      % (rate(med(a)), len(a), ", ".join("%.3f" % rate(x) for x in a)))
for t, w, p in ((1, w1, p1), (2, w2, p2)):
    ratios = [x / y for x, y in zip(a, w)]
    print("(b)  weir run --threads %d: %.3f M records/s (%s); batches' "
          "processing %.3f M records/s" % (t, rate(med(w)),
          ", ".join("%.3f" % rate(x) for x in w), rate(med(p))))
    print("     ratio b/a %.2f (medians; per round %s) - target >= 0.80: %s"
          % (med(a) / med(w), ", ".join("%.2f" % x for x in ratios),
             "met" if med(a) / med(w) >= 0.80 else "NOT met"))
print("(a') raw, weir's access pattern (partition queues read in turn, "
      "messages held): %.3f M records/s" % rate(med(ap)))
PY
