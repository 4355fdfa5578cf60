# bench/broker.sh: sourced by the Kafka benchmarks (kafka_bench.sh,
# checkpoint_bench.sh): the development broker for one run of a script.
#
#   start_broker NAME WEIR TMPDIR [--topic T:P]...
#
# starts `WEIR broker` with the topics in the background, waits for its
# bootstrap address and sets broker_pid and bs; exits the script (status
# 1, messages prefixed with NAME) when the broker fails. stop_broker kills
# it (for the script's EXIT trap).
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
