#!/usr/bin/env bash
# The runtime's speed and memory: start -> waiting, provisioning -> running, requests through the
# TLS front against the same app serving TLS itself (wrk, same run), RSS. Results go to
# docs/benchmarks.md by hand; the raw output is kept in bench/results/runtime.txt.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }

# package, not install: the reactor resolves the modules, and ~/.m2 stays untouched.
./mvnw -B -q -ntp -pl bench,enclave -am package -DskipTests -Djacoco.skip=true -Dspotless.check.skip=true
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/classes" bench/results
"$JAVA_HOME/bin/javac" --release 25 -d "$work/classes" bench/app/demo/App.java
printf 'Main-Class: demo.App\n' > "$work/manifest"
"$JAVA_HOME/bin/jar" --create --file "$work/app.jar" --manifest "$work/manifest" -C "$work/classes" .
"$JAVA_HOME/bin/keytool" -genkeypair -keyalg EC -groupname secp256r1 -alias app -dname CN=localhost \
  -keystore "$work/direct.p12" -storepass changeit -storetype PKCS12 -validity 2 >/dev/null 2>&1

"$JAVA_HOME/bin/java" -Ddirect.keystore="$work/direct.p12" -cp "bench/target/benchmarks.jar" \
  dev.mse.bench.RuntimeBench enclave/target/runtime "$work/app.jar" "$work/run" "${ROUNDS:-5}" | tee bench/results/runtime.txt
