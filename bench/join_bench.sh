#!/usr/bin/env bash
# bench/join_bench.sh: the stream-stream join benchmark.
#
# Generates two event streams with ../shared/bench/gen_events.py (seeds 1
# and 2, cached in bench/data/; the generator is prefix-stable, so the
# shorter run reads the first EVENTS lines of the LONG files), then runs
#   SELECT a.`user`, a.page, b.page, a.latency_ms, b.latency_ms
#   FROM a JOIN b WITHIN 10 SECONDS GRACE PERIOD 1 SECOND
#   ON a.`user` = b.`user` EMIT CHANGES
# into a null sink, with EVENTS and then LONG events per stream, under
# /usr/bin/time -v, checking the output row count against a reference
# computed here (pairs of the same user at most 10 s apart). Both streams
# have the same rate, so the join window holds as many rows in both runs:
# the peak RSS must not grow with the length of the stream. join_bench
# streams the files (it never holds more than a slice of input), so RSS is
# the engine's state and not the data. A decode-and-filter run of the same
# two files is the baseline that shows what the join costs. Last, a short
# run without GRACE PERIOD shows the legacy 24-hour grace (ksqlDB's default)
# keeping every row.
#
# usage: bench/join_bench.sh [EVENTS (1000000)] [LONG (4000000)] [RUNS (3)]
# env:   RATE (events/s of event time per stream, 1000), USERS (5000)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
long=${2:-4000000}
runs=${3:-3}
rate=${RATE:-1000}
users=${USERS:-5000}
within_ms=10000
[ "$long" -ge "$n" ] || { echo "join_bench: LONG < EVENTS" >&2; exit 2; }
gen=../shared/bench/gen_events.py
[ -f "$gen" ] || { echo "join_bench: $gen not found" >&2; exit 2; }
make -s build >/dev/null
mkdir -p bench/data
tag=${long}_r${rate}_u${users}
fa=bench/data/join_a_$tag.jsonl
fb=bench/data/join_b_$tag.jsonl
[ -f "$fa" ] || python3 "$gen" -n "$long" --seed 1 --rate "$rate" \
  --users "$users" -o "$fa"
[ -f "$fb" ] || python3 "$gen" -n "$long" --seed 2 --rate "$rate" \
  --users "$users" -o "$fb"

# The reference: pairs (x in a, y in b) of the same user with
# |x.ts - y.ts| <= 10 s among the first $1 events of each file (cached).
expected() {
  local f=bench/data/join_expect_${1}_r${rate}_u${users}_w$within_ms.txt
  [ -f "$f" ] || python3 - "$fa" "$fb" "$1" "$within_ms" >"$f" <<'PY'
import bisect, json, sys
from collections import defaultdict
fa, fb, n, w = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
def load(path):
    by_user = defaultdict(list)
    with open(path) as f:
        for i, line in enumerate(f):
            if i >= n:
                break
            o = json.loads(line)
            by_user[o["user"]].append(o["ts"])
    return by_user
a, b = load(fa), load(fb)
pairs = 0
for user, tas in a.items():
    tbs = sorted(b.get(user, ()))
    for t in tas:
        pairs += bisect.bisect_right(tbs, t + w) - bisect.bisect_left(tbs, t - w)
print(pairs)
PY
  cat "$f"
}

stream() {
  echo "CREATE STREAM $1 (ts BIGINT, \`user\` STRING, page STRING, latency_ms INT, bytes INT, country STRING) WITH (FILE='$2', VALUE_FORMAT='JSON', TIMESTAMP='ts');"
}
schema="$(stream a "$fa") $(stream b "$fb")"
join_q() {
  echo "$schema SELECT a.\`user\`, a.page, b.page, a.latency_ms, b.latency_ms FROM a JOIN b WITHIN 10 SECONDS $1 ON a.\`user\` = b.\`user\` EMIT CHANGES;"
}
jq_grace=$(join_q "GRACE PERIOD 1 SECOND")
jb=build/bench/join_bench
have_time=1
[ -x /usr/bin/time ] || {
  have_time=0
  echo "note: /usr/bin/time missing (Debian package 'time'); peak RSS is" \
    "join_bench's own getrusage figure" >&2
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run_join EVENTS: the join over the first EVENTS events of each file,
# RUNS times, under /usr/bin/time -v; prints join_bench's lines and sets
# rss_mb (Maximum resident set size), rate_m, state_mb.
run_join() {
  local exp
  exp=$(expected "$1")
  if [ $have_time = 1 ]; then
    /usr/bin/time -v -o "$tmp/time" $jb --runs "$runs" --limit "$1" \
      --expect "$exp" "$fa" "$fb" "$jq_grace" >"$tmp/out"
    rss_mb=$(awk -F': ' '/Maximum resident set size/ {
      printf "%.1f", $2 / 1024 }' "$tmp/time")
  else
    $jb --runs "$runs" --limit "$1" --expect "$exp" "$fa" "$fb" \
      "$jq_grace" >"$tmp/out"
    rss_mb=$(sed -nE 's/^peak RSS ([0-9.]+) MB.*/\1/p' "$tmp/out")
  fi
  sed 's/^/  /' "$tmp/out"
  echo "  expected output rows $exp (reference); Maximum resident set size" \
    "$rss_mb MB"
  rate_m=$(sed -nE 's/.*median ([0-9.]+) M records.*/\1/p' "$tmp/out")
  state_mb=$(sed -nE 's/^state: .* peak ([0-9.]+) MB.*/\1/p' "$tmp/out")
}

echo "== join_bench: $n and $long events per stream, $rate events/s," \
  "$users users ($(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ))"
# Baseline measured in the same run: decoding the same columns of both
# files and filtering every row out (no join, no output).
echo "baseline decode+filter, $n events per stream:"
$jb --runs "$runs" --limit "$n" "$fa" "$fb" \
  "$schema SELECT \`user\`, page, latency_ms FROM a WHERE latency_ms < 0 EMIT CHANGES;" \
  >"$tmp/base"
sed 's/^/  /' "$tmp/base"
base_m=$(sed -nE 's/.*median ([0-9.]+) M records.*/\1/p' "$tmp/base")

echo "JOIN WITHIN 10 SECONDS GRACE PERIOD 1 SECOND, $n events per stream:"
run_join "$n"
rss1=$rss_mb rate1=$rate_m state1=$state_mb
echo "same, $long events per stream:"
run_join "$long"
rss2=$rss_mb rate2=$rate_m state2=$state_mb

# Without GRACE PERIOD a stream-stream join keeps its rows for 24 hours of
# event time (ksqlDB's legacy default): a short prefix shows the state
# growing with the stream, where the run above stays flat.
legacy=$((n / 5))
echo "without GRACE PERIOD (legacy 24 h grace), $legacy events per stream," \
  "one run:"
$jb --runs 1 --limit "$legacy" --expect "$(expected "$legacy")" "$fa" "$fb" \
  "$(join_q "")" | sed 's/^/  /'

python3 - "$n" "$long" "$base_m" "$rate1" "$rate2" "$rss1" "$rss2" \
  "$state1" "$state2" <<'PY'
import sys
n, long_ = int(sys.argv[1]), int(sys.argv[2])
base, r1, r2, rss1, rss2, s1, s2 = map(float, sys.argv[3:])
def ev(k):
    return "%gM" % (k / 1e6) if k >= 1000000 else "%gk" % (k / 1e3)
print("join: %.3f M records/s (%s per stream), %.3f M records/s (%s); "
      "baseline decode+filter %.2f M records/s: the join takes %.1fx its "
      "time per record" % (r1, ev(n), r2, ev(long_), base, base / r1))
ok = rss2 <= rss1 * 1.25 + 8
print("state %s: RSS %s=%.1f MB, %s=%.1f MB (x%.2f for %.0fx the stream); "
      "join state (heap) peak %.1f MB and %.1f MB"
      % ("bounded" if ok else "NOT bounded", ev(n), rss1, ev(long_), rss2,
         rss2 / rss1, long_ / n, s1, s2))
PY
