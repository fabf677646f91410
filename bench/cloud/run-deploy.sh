#!/usr/bin/env bash
# `mse cloud deploy` to running, zero-trust, scaffolded app, against an operator on this machine
# (H2, local nodes, simulated TEE, SNI proxy): the wall time a user waits, JVM start included,
# ROUNDS times (default 5), each deploying a fresh app. Prints each time and the median.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$here"
rounds="${ROUNDS:-5}"
work="$(mktemp -d)"
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  pkill -f "$work/operator/nodes" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

./mse --version >/dev/null   # builds the CLI and the runtime when needed
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
api="$(free_port)"; proxy="$(free_port)"
cat > "$work/operator.toml" <<TOML
data_dir = "$work/operator"
[api]
host = "127.0.0.1"
port = $api
[proxy]
host = "127.0.0.1"
port = $proxy
[[hardware]]
name = "4g"
memory_mb = 4096
cores = 2
enclave_size_mb = 1024
default_quota = $((rounds + 2))
TOML
token="$(echo 'bench password 123' | ./mse operator account bench@mse.localhost --token --config "$work/operator.toml" | tail -1)"
./mse operator serve --config "$work/operator.toml" > "$work/operator.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$api/api/v1/defaults" >/dev/null && break; sleep 0.2; done
export MSE_CONF_PATH="$work/cli"
./mse cloud login --url "http://127.0.0.1:$api" --token "$token" >/dev/null
(cd "$work" && "$here/mse" cloud scaffold app >/dev/null)
# One warm-up deployment (first compile of the app, first node), not counted.
./mse cloud deploy --path "$work/app/mse.toml" -y --allow-simulation >/dev/null 2>&1
times=()
for i in $(seq 1 "$rounds"); do
  sed -i "s/^name = .*/name = \"app$i\"/" "$work/app/mse.toml"
  start=$(date +%s.%N)
  ./mse cloud deploy --path "$work/app/mse.toml" --allow-simulation >/dev/null 2>"$work/deploy$i.err"
  end=$(date +%s.%N)
  t=$(echo "$end - $start" | bc)
  times+=("$t")
  printf 'round %d: %.2f s (cli says: %s)\n' "$i" "$t" "$(grep -o 'done in [0-9.]* s' "$work/deploy$i.err")"
done
echo "steps of the last round:"; grep "^mse: \[" "$work/deploy$rounds.err" || true
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "median %.2f s, min %.2f s, max %.2f s over %d rounds (load %s)\n", a[int((NR+1)/2)], a[1], a[NR], NR, "'"$(cut -d' ' -f1-3 /proc/loadavg)"'"}'
