# bench/kafka_lib.sh: sourced by the Kafka benchmarks (kafka_bench.sh,
# checkpoint_bench.sh), from the repository root: their input file and the
# development broker for one run of a script.
#
#   events_file NAME N PARTS
#
# sets data to bench/data/events_N.jsonl, written by
# ../shared/bench/gen_events.py when missing; exits the script (status 2)
# when the generator is missing or N events do not fit in PARTS partitions
# of the mock broker (it keeps at most 100,000 messages and 5 MiB per
# partition and drops the oldest beyond: ~100-byte events, 40,000 each).
#
#   start_broker NAME WEIR TMPDIR [--topic T:P]...
#
# starts `WEIR broker` with the topics in the background, waits for its
# bootstrap address and sets broker_pid and bs; exits the script (status
# 1, messages prefixed with NAME) when the broker fails. stop_broker kills
# it (for the script's EXIT trap).
events_file() {
  local name=$1 n=$2 parts=$3 gen=../shared/bench/gen_events.py
  [ -f "$gen" ] || { echo "$name: $gen not found" >&2; exit 2; }
  [ "$n" -le $((parts * 40000)) ] || {
    echo "$name: at most $((parts * 40000)) events fit in the mock" \
      "broker's $parts partitions" >&2
    exit 2
  }
  mkdir -p bench/data
  data=bench/data/events_$n.jsonl
  [ -f "$data" ] || python3 "$gen" -n "$n" -o "$data"
}

broker_pid=
bs=
start_broker() {
  local name=$1 weir=$2 dir=$3
  shift 3
  "$weir" broker "$@" >"$dir/broker" 2>&1 &
  broker_pid=$!
  for _ in $(seq 100); do
    grep -q '^bootstrap: ' "$dir/broker" && break
    kill -0 "$broker_pid" 2>/dev/null || {
      echo "$name: weir broker failed:" >&2
      cat "$dir/broker" >&2
      exit 1
    }
    sleep 0.1
  done
  bs=$(sed -n 's/^bootstrap: //p' "$dir/broker")
  [ -n "$bs" ] || {
    echo "$name: weir broker printed no bootstrap address" >&2
    exit 1
  }
}
stop_broker() {
  if [ -n "$broker_pid" ]; then
    kill "$broker_pid" 2>/dev/null || true
    wait "$broker_pid" 2>/dev/null || true
  fi
}
