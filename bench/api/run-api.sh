#!/usr/bin/env bash
# Operator API latency: `list` and `status` (the CLI's requests) over HTTP against the real server,
# one request at a time, with 1,000 apps in the database, on H2 and on PostgreSQL
# (127.0.0.1:5432, database test, user postgres; a fresh schema per run). Prints a markdown table;
# docs/benchmarks.md keeps the results.
#
#   bench/api/run-api.sh                 # 1,000 apps, 2,000 measured requests of each kind
#   QUICK=1 bench/api/run-api.sh         # fewer requests, for trying the script
#   APPS=5000 bench/api/run-api.sh
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$here"

export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
apps="${APPS:-1000}"
if [ "${QUICK:-0}" = 1 ]; then iterations=300; else iterations=2000; fi
cp="$here/operator/target/api-bench.classpath"

echo "== building (operator and its test classes, no install)" >&2
./mvnw -B -q -ntp -pl operator -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$cp" -Dmdep.includeScope=test -Djacoco.skip=true -Dspotless.check.skip=true

run() {
  "$JAVA_HOME/bin/java" -Xmx512m \
    -cp "$here/operator/target/test-classes:$here/operator/target/classes:$(cat "$cp")" \
    dev.mse.operator.bench.ApiBenchmark "$1" "$apps" "$iterations"
}

echo "| database | apps | request | p50 ms | p99 ms | max ms | mean ms | CPU ms/request |"
echo "|---|---|---|---|---|---|---|---|"
run h2
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  run postgres
else
  echo "(PostgreSQL at 127.0.0.1:5432 is not running: skipped)" >&2
fi
