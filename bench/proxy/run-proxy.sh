#!/usr/bin/env bash
# The SNI proxy against nginx's stream ssl_preread, same machine, same run: one TLS backend
# (nginx, HTTP/1.1 keep-alive, a 13-byte body) measured directly, behind nginx stream
# (ssl_preread + map on the SNI name) and behind our proxy in passthrough. wrk picks the SNI
# from the URL host, so wrk runs in a private mount namespace whose /etc/hosts maps the bench
# name to 127.0.0.1; the real /etc/hosts is never touched.
# Usage: bench/proxy/run-proxy.sh
#   env: DURATION=10s CONNECTIONS="50 200 1000" THREADS=2 TARGETS="direct nginx mse" ROUNDS=1
#        WARMUP=5s (per target and connection count, before the rounds)
#        WARMUP_CLOSE=10s (per target, before those: 50 connections, a new one per request, so
#          the proxies' new-connection path is as warm as in a proxy that has been up a while;
#          0 for none)
#        WRK_TIMEOUT=10s (wrk drops a request slower than this from its latencies and counts it
#          as a timeout; its own default, 2 s, hid the slowest requests of the 5,000-connection
#          ramp-up, where the backend makes 5,000 TLS handshakes on the 2 cores)
#        PROXY_JAVA_OPTS (JVM options for our proxy) SKIP_BUILD=1 (reuse bench/target)
#        PROXY_CLASSES (a class directory put before the jar: proxy changes without a rebuild)
#        BASELINE_JAR (another build's benchmarks.jar: adds target "base", our proxy from it,
#          for before/after in the same run; put it in TARGETS, e.g. TARGETS="nginx base mse")
#        CLOSE=1 (every request on a new connection, "Connection: close": the CPU column is then
#          the proxy's CPU per new connection)
#        STRACE=1 (after the rounds, a STRACE_DURATION=5s run per proxy target and connection
#          count under strace -c -f: the proxy's system calls per request, by name; strace slows
#          the proxy, so these runs are for the counts only)
# Raw output goes to bench/results/proxy.txt; copy the numbers to docs/benchmarks.md by hand.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$here"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-50 200 1000}"
THREADS="${THREADS:-2}"
TARGETS="${TARGETS:-direct nginx mse}"
ROUNDS="${ROUNDS:-1}"
WARMUP="${WARMUP:-5s}"
WARMUP_CLOSE="${WARMUP_CLOSE:-10s}"
WRK_TIMEOUT="${WRK_TIMEOUT:-10s}"
NAME=app.bench.localhost
# free ports chosen now: fixed ones collide with other benchmarks on a shared machine
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
DIRECT=$(free_port) NGINX=$(free_port) MSE=$(free_port) BASE=$(free_port)
case " $TARGETS " in
  *" base "*) [ -n "${BASELINE_JAR:-}" ] || { echo "target base needs BASELINE_JAR" >&2; exit 2; } ;;
esac
WRK_CLOSE=()
[ -z "${CLOSE:-}" ] || WRK_CLOSE=(-H "'Connection: close'")

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx-light)
command -v nstat >/dev/null || need+=(iproute2)
[ -z "${STRACE:-}" ] || command -v strace >/dev/null || need+=(strace)
[ -e /usr/lib/nginx/modules/ngx_stream_module.so ] || need+=(libnginx-mod-stream)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# package only (never install: ~/.m2 is shared)
[ -n "${SKIP_BUILD:-}" ] || ./mvnw -B -q -ntp -pl bench -am package -DskipTests -Djacoco.skip=true -Dspotless.check.skip=true

work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -z "${restore_somaxconn:-}" ] || sysctl -q -w net.core.somaxconn="$restore_somaxconn" || true
  rm -rf "$work"
}
trap cleanup EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -keyout "$work/key.pem" -out "$work/cert.pem" -subj "/CN=$NAME" \
  -addext "subjectAltName=DNS:$NAME" 2>/dev/null

# The backend's accept queue holds every connection a proxy opens at once: at 5,000 connections a
# queue of 4,096 (the kernel's somaxconn here) overflowed in some rounds, and each dropped SYN
# waits 1 s to be sent again; which proxy that hit was chance, and it measured the kernel. So the
# backend's queue is larger than the largest count (somaxconn raised for it when it is lower);
# the two proxies keep 4,096 each. Overflows per run are printed (ListenOverflows, all sockets).
max_c=0
for c in $CONNECTIONS; do [ "$c" -gt "$max_c" ] && max_c=$c; done
BACKEND_BACKLOG=$(( max_c * 2 > 4096 ? max_c * 2 : 4096 ))
somaxconn=$(cat /proc/sys/net/core/somaxconn)
if [ "$somaxconn" -lt "$BACKEND_BACKLOG" ]; then
  sysctl -q -w net.core.somaxconn="$BACKEND_BACKLOG" && restore_somaxconn=$somaxconn \
    || echo "cannot raise net.core.somaxconn to $BACKEND_BACKLOG: the backend's queue stays shorter" >&2
fi
mkdir -p "$work/backend" "$work/stream"
cat > "$work/backend.conf" <<CONF
daemon off;
worker_processes 1;
pid $work/backend/nginx.pid;
error_log $work/backend/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path $work/backend; proxy_temp_path $work/backend;
  fastcgi_temp_path $work/backend; uwsgi_temp_path $work/backend; scgi_temp_path $work/backend;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$DIRECT ssl backlog=$BACKEND_BACKLOG;
    ssl_certificate $work/cert.pem;
    ssl_certificate_key $work/key.pem;
    location / { default_type text/plain; return 200 "hello, world\n"; }
  }
}
CONF
cat > "$work/stream.conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
daemon off;
worker_processes auto;
pid $work/stream/nginx.pid;
error_log $work/stream/error.log warn;
events { worker_connections 8192; }
stream {
  map \$ssl_preread_server_name \$node {
    $NAME 127.0.0.1:$DIRECT;
    default 127.0.0.1:1;
  }
  server {
    listen 127.0.0.1:$NGINX backlog=4096;
    ssl_preread on;
    proxy_pass \$node;
  }
}
CONF
# 5,000 connections through a proxy hold 10,000 descriptors in it: take the hard limit
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
nginx -p "$work/backend" -c "$work/backend.conf" & pids+=($!)
backend_pid=$!
nginx -p "$work/stream" -c "$work/stream.conf" & pids+=($!)
stream_pid=$!
"$JAVA_HOME/bin/java" ${PROXY_JAVA_OPTS:-} -cp "${PROXY_CLASSES:+$PROXY_CLASSES:}bench/target/benchmarks.jar" dev.mse.bench.ProxyBench \
  "$MSE" "$NAME" "$DIRECT" > "$work/proxy.log" 2>&1 & pids+=($!)
mse_pid=$!
base_pid=
if [ -n "${BASELINE_JAR:-}" ]; then
  "$JAVA_HOME/bin/java" ${PROXY_JAVA_OPTS:-} -cp "$BASELINE_JAR" dev.mse.bench.ProxyBench \
    "$BASE" "$NAME" "$DIRECT" > "$work/base.log" 2>&1 & pids+=($!)
  base_pid=$!
fi

# CPU time (clock ticks) of a process and its children: the proxy's cost per request is the
# number that survives a machine shared with other work, where req/s alone does not
cpu_ticks() {
  local total=0 p
  for p in "$1" $(pgrep -P "$1" || true); do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$total"
}
# the whole machine's busy and idle clock ticks (user, nice, system, irq, softirq; idle, iowait)
machine_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8, $5 + $6}' /proc/stat; }
# clock ticks $1 spent over $2 requests, in µs per request
per_request() {
  awk -v t="$1" -v u="$tick_us" -v n="$2" 'BEGIN { if (t > 0 && n > 0) printf "%.1fus", t * u / n; else print "-" }'
}
for port in $DIRECT $NGINX $MSE ${base_pid:+$BASE}; do
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
done
for p in "${pids[@]}"; do
  kill -0 "$p" 2>/dev/null || { echo "a server did not start (pid $p)" >&2; exit 1; }
done

cp /etc/hosts "$work/hosts"
echo "127.0.0.1 $NAME" >> "$work/hosts"
# wrk in a mount namespace where $NAME resolves; no namespace (no privilege): fall back to
# "localhost", which always resolves but is a less realistic SNI
if unshare -m sh -c "mount --bind '$work/hosts' /etc/hosts && getent hosts $NAME" >/dev/null 2>&1; then
  run_wrk() { unshare -m sh -c "mount --bind '$work/hosts' /etc/hosts && exec wrk $*"; }
else
  echo "no mount namespace: $NAME cannot resolve here" >&2
  exit 1
fi

port_of() {
  case $1 in direct) echo "$DIRECT" ;; nginx) echo "$NGINX" ;; mse) echo "$MSE" ;; base) echo "$BASE" ;; esac
}
pid_of() {
  case $1 in nginx) echo "$stream_pid" ;; mse) echo "$mse_pid" ;; base) echo "$base_pid" ;; esac
}
# system calls per request of a proxy (all its threads; nginx: its workers) over one wrk run
strace_run() {
  local label=$1 c=$2 pid targets=() p
  pid=$(pid_of "$label")
  [ -n "$pid" ] || return 0
  if [ "$label" = nginx ]; then
    for p in $(pgrep -P "$pid"); do targets+=(-p "$p"); done
  else
    targets=(-p "$pid")
  fi
  strace -c -f -q -o "$work/strace-$label" "${targets[@]}" & local tracer=$!
  sleep 1
  local r requests
  r="$(run_wrk "-t$THREADS -c$c -d${STRACE_DURATION:-5s} ${WRK_CLOSE[*]} https://$NAME:$(port_of "$label")/")"
  kill -INT "$tracer"
  wait "$tracer" 2>/dev/null || true
  requests=$(echo "$r" | awk '/requests in/ {print $1}')
  echo "# $label, $c connections: $requests requests; system calls per request (calls, errors)"
  awk -v n="$requests" '$1 ~ /^[0-9.]+$/ && NF >= 5 {
      errors = (NF == 6) ? $5 : 0
      printf "  %-16s %8.2f %8.2f\n", $NF, $4 / n, errors / n }' "$work/strace-$label" | sort -k2 -n -r
}

mkdir -p bench/results
out=bench/results/proxy.txt
{
  echo "# $(date -u +%FT%TZ) $(uname -srm), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "# $(nginx -v 2>&1), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), $(wrk -v 2>&1 | head -1)"
  echo "# wrk -t$THREADS -c<C> -d$DURATION --timeout $WRK_TIMEOUT ${WRK_CLOSE[*]} https://$NAME:<port>/; backend backlog $BACKEND_BACKLOG (somaxconn $(cat /proc/sys/net/core/somaxconn)), proxies 4096"
  for label in $TARGETS; do
    [ "$label" = direct ] || [ "$WARMUP_CLOSE" = 0 ] || run_wrk "-t$THREADS -c50 -d$WARMUP_CLOSE -H 'Connection: close' https://$NAME:$(port_of "$label")/" >/dev/null
  done
  # warm-up, the same for every target at every connection count: the JIT for our proxy (the
  # new-connection path only runs hot at the larger counts), session caches for everyone
  for c in $CONNECTIONS; do
    for label in $TARGETS; do
      port=$(port_of "$label")
      run_wrk "-t$THREADS -c$c -d$WARMUP ${WRK_CLOSE[*]} https://$NAME:$port/" >/dev/null
    done
  done
  tick_us=$((1000000 / $(getconf CLK_TCK)))
  # with the proxies' CPU per request level, the rest of the machine says where a lower rate went:
  # the backend's CPU per request, everything else's (wrk, the kernel's threads) and the idle share
  printf '%-8s %6s %12s %10s %10s %12s %12s %12s %6s  %s\n' target conns req/s p50 p99 proxy-cpu/req \
    backend/req others/req idle 'errors (listen overflows)'
  for round in $(seq "$ROUNDS"); do
  for c in $CONNECTIONS; do
    for label in $TARGETS; do
      port=$(port_of "$label")
      cpu_pid=$(pid_of "$label")
      before=$([ -n "$cpu_pid" ] && cpu_ticks "$cpu_pid" || echo 0)
      backend_before=$(cpu_ticks "$backend_pid")
      read -r busy_before idle_before < <(machine_ticks)
      overflows=$(nstat -az TcpExtListenOverflows | awk '/ListenOverflows/ {print $2}')
      r="$(run_wrk "-t$THREADS -c$c -d$DURATION --timeout $WRK_TIMEOUT --latency ${WRK_CLOSE[*]} https://$NAME:$port/")"
      overflows=$(( $(nstat -az TcpExtListenOverflows | awk '/ListenOverflows/ {print $2}') - overflows ))
      after=$([ -n "$cpu_pid" ] && cpu_ticks "$cpu_pid" || echo 0)
      backend_after=$(cpu_ticks "$backend_pid")
      read -r busy_after idle_after < <(machine_ticks)
      requests=$(echo "$r" | awk '/requests in/ {print $1}')
      backend_per=$(per_request $((backend_after - backend_before)) "$requests")
      others_per=$(per_request $((busy_after - busy_before - (after - before) - (backend_after - backend_before))) "$requests")
      idle=$(awk -v i=$((idle_after - idle_before)) -v b=$((busy_after - busy_before)) 'BEGIN { printf "%.0f%%", 100 * i / (i + b) }')
      per=$(per_request $((after - before)) "$requests")
      rps=$(echo "$r" | awk '/Requests\/sec/ {print $2}')
      p50=$(echo "$r" | awk '$1=="50%" {print $2}')
      p99=$(echo "$r" | awk '$1=="99%" {print $2}')
      errs=$(echo "$r" | awk '/Socket errors/ {gsub(",",""); print "connect="$4",read="$6",write="$8",timeout="$10}')
      non2xx=$(echo "$r" | awk '/Non-2xx/ {print "non2xx="$4}')
      printf '%-8s %6s %12s %10s %10s %12s %12s %12s %6s  %s %s (%s)\n' "$label" "$c" "$rps" "$p50" "$p99" "$per" \
        "$backend_per" "$others_per" "$idle" "${errs:-0}" "$non2xx" "$overflows"
    done
  done
  done
  if [ -n "${STRACE:-}" ]; then
    for c in $CONNECTIONS; do
      for label in $TARGETS; do
        [ "$label" = direct ] || strace_run "$label" "$c"
      done
    done
  fi
} | tee "$out"
