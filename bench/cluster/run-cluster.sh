#!/usr/bin/env bash
# Several operator instances on one PostgreSQL, at scale: 10,000 apps in PostgreSQL
# (127.0.0.1:5432, database test, user postgres; a fresh schema per run).
#  1. the API's list and status, one request at a time (ApiBenchmark, as bench/api/run-api.sh);
#  2. the proxy's routes: one full reload from the database (what every instance does on a
#     NOTIFY) and one lookup at 200, 2,000 and 10,000 routes (RouteBenchmark);
#  3. with FAILOVER=N: the leader's failover, N rounds of LeaderFailoverTest (two real operator
#     processes; kill -9 of the leader; takeover time per round).
# Prints markdown; docs/benchmarks.md keeps the results.
#
#   bench/cluster/run-cluster.sh
#   APPS=1000 QUICK=1 bench/cluster/run-cluster.sh
#   FAILOVER=20 bench/cluster/run-cluster.sh
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$here"

export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
apps="${APPS:-10000}"
if [ "${QUICK:-0}" = 1 ]; then iterations=300; else iterations=2000; fi
cp="$here/operator/target/cluster-bench.classpath"

echo "== building (operator and its test classes, no install)" >&2
./mvnw -B -q -ntp -pl operator -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$cp" -Dmdep.includeScope=test -Djacoco.skip=true -Dspotless.check.skip=true
classpath="$here/operator/target/test-classes:$here/operator/target/classes:$(cat "$cp")"

echo "| database | apps | request | p50 ms | p99 ms | max ms | mean ms | CPU ms/request |"
echo "|---|---|---|---|---|---|---|---|"
"$JAVA_HOME/bin/java" -Xmx1g -cp "$classpath" \
  dev.mse.operator.bench.ApiBenchmark postgres "$apps" "$iterations"
echo
echo "| routes | size | cost |"
echo "|---|---|---|"
"$JAVA_HOME/bin/java" -Xmx1g -cp "$classpath" dev.mse.operator.apps.RouteBenchmark "$apps"

if [ -n "${FAILOVER:-}" ]; then
  echo
  echo "== leader failover: $FAILOVER rounds of LeaderFailoverTest (needs enclave/target/runtime)" >&2
  ./mvnw -B -q -ntp -pl cli -am test -Dtest=LeaderFailoverTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Djacoco.skip=true -Dmse.failoverTest.rounds="$FAILOVER" 2>&1 | grep 'LeaderFailoverTest'
fi
