#!/usr/bin/env bash
# The runtime against the same app standalone, in one run (RuntimeBench): the JDK app of
# bench/app/demo and the Spring Boot example, each inside the runtime (simulated TEE, where it
# serves its own TLS on the app port) and standalone with the same certificate, key, system
# properties and memory options; wrk on loopback, alternating pairs; the JDK app also through the
# operator's SNI proxy in passthrough; start and provisioning times; RSS.
# Usage: bench/run-runtime.sh
#   env: ROUNDS=5 WARMUP=3 PAIRS=3 PACED_PAIRS=$PAIRS PACE_MS=3 DURATION=10s APPS="jdk spring"
#        SIZE_MB=1024 PROXY=1 PROXY_JAVA_OPTS= SKIP_BUILD=1 (reuse the built jars) KEEP_WORK=1
#        STARTS_ONLY=1 (the start and provisioning rounds only, no load pairs)
#        BASELINE_RUNTIME=<dir> (another runtime distribution, its runtime-aot/ beside it, in place
#          of the standalone app on the pairs' other side: a before/after of the runtime in one run)
#        BOOT_LAYOUT=extracted|executable: the Spring Boot app as Boot's extracted layout (the thin
#        app.jar and lib/, `java -Djarmode=tools -jar ... extract`) or as its executable jar
# Raw output goes to bench/results/runtime.txt; the numbers go to docs/benchmarks.md by hand.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

if [ -z "${SKIP_BUILD:-}" ]; then
  # package, not install: the reactor resolves the modules, and ~/.m2 stays untouched.
  ./mvnw -B -q -ntp -pl bench,enclave -am package -DskipTests -Djacoco.skip=true -Dspotless.check.skip=true
  # The Spring Boot example, built as its README says (its own wrapper, a standalone project).
  (cd examples/spring-boot && env -u MAVEN_PROJECTBASEDIR ./mvnw -B -q -ntp package -DskipTests)
fi
boot_jar="$(ls examples/spring-boot/target/hello-spring-boot-*.jar | grep -v '\.original$' | head -1)"

work="$(mktemp -d)"
trap 'status=$?; if [ $status -ne 0 ] || [ -n "${KEEP_WORK:-}" ]; then echo "work dir kept: $work" >&2; else rm -rf "$work"; fi' EXIT
# The JDK app with MseTls compiled in, as a scaffolded app carries it.
mkdir -p "$work/classes" "$work/jdk" "$work/spring" bench/results
javac --release 25 -d "$work/classes" bench/app/demo/App.java app-tls/src/main/java/dev/mse/app/MseTls.java
printf 'Main-Class: demo.App\n' > "$work/manifest"
jar --create --file "$work/jdk/app.jar" --manifest "$work/manifest" -C "$work/classes" .
case "${BOOT_LAYOUT:-extracted}" in
  extracted)
    java -Djarmode=tools -jar "$boot_jar" extract --destination "$work/spring"
    mv "$work/spring/$(basename "$boot_jar")" "$work/spring/app.jar" ;;
  executable) cp "$boot_jar" "$work/spring/app.jar" ;;
  *) echo "BOOT_LAYOUT is extracted or executable" >&2; exit 2 ;;
esac

{
  echo "# $(date -u +%FT%TZ) $(uname -srm), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB"
  echo "# $(java -version 2>&1 | sed -n 2p), $(wrk -v 2>&1 | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# ROUNDS=${ROUNDS:-5} WARMUP=${WARMUP:-3} PAIRS=${PAIRS:-3} PACED_PAIRS=${PACED_PAIRS:-${PAIRS:-3}} PACE_MS=${PACE_MS:-3} DURATION=${DURATION:-10s} SIZE_MB=${SIZE_MB:-1024} BOOT_LAYOUT=${BOOT_LAYOUT:-extracted}"
  java -cp bench/target/benchmarks.jar dev.mse.bench.RuntimeBench \
    enclave/target/runtime "$work/run" "$work/jdk" "$work/spring"
  echo "# done $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee bench/results/runtime.txt
