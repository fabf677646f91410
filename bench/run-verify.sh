#!/usr/bin/env bash
# Verification speed: mse (JMH, full and warm/cached: DCAP, SEV-SNP, Nitro), the CPU time per
# verification (VerifyCpuTime, the figure that survives a busy machine) and the dcap-qvl peers from
# npm (JS and WASM), on the same real vectors, pinned to one core, in one run. Prints every table;
# docs/benchmarks.md keeps the results. (No npm peer verifies SNP reports or Nitro documents at a
# given time; see docs/benchmarks.md.)
#
#   bench/run-verify.sh            # default: 5 warmups x 5 s, 5 iterations x 5 s
#   QUICK=1 bench/run-verify.sh    # a shorter run for trying the script
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"

export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
vectors="${MSE_TESTVECTORS:-$here/../shared/testvectors}"
out="$here/bench/results"
mkdir -p "$out"
core="${BENCH_CORE:-0}"

if [ "${QUICK:-0}" = 1 ]; then jmh_args=(-wi 3 -w 2s -i 3 -r 2s); iterations=500; else jmh_args=(-wi 5 -w 3s -i 5 -r 3s); iterations=2000; fi

echo "== building" >&2
# package, not install: the reactor resolves the modules, and ~/.m2 stays untouched.
./mvnw -B -q -ntp -pl bench -am package -DskipTests -Djacoco.skip=true -Dspotless.check.skip=true

echo "== mse (JMH, one core)" >&2
# The forked JMH JVM is started as "java" from PATH: make it the JDK the benchmark was built for.
export PATH="$JAVA_HOME/bin:$PATH"
taskset -c "$core" "$JAVA_HOME/bin/java" -Dmse.testvectors="$vectors" -jar bench/target/benchmarks.jar \
  'VerifyBenchmark|SnpNitroVerifyBenchmark' -f 1 "${jmh_args[@]}" -tu us -bm avgt -rf json \
  -rff "$out/mse-verify.json" | grep -E '^(Benchmark|VerifyBenchmark|SnpNitroVerifyBenchmark)'

echo "== mse (CPU time per verification, one core)" >&2
if [ "${QUICK:-0}" = 1 ]; then cpu_seconds=2; else cpu_seconds=5; fi
taskset -c "$core" "$JAVA_HOME/bin/java" -Dmse.testvectors="$vectors" -cp bench/target/benchmarks.jar \
  dev.mse.bench.VerifyCpuTime "$cpu_seconds" | tee "$out/mse-verify-cpu.tsv"

if [ -f bench/peers/package-lock.json ] && command -v node >/dev/null; then
  echo "== peers (@phala/dcap-qvl JS and WASM, one core)" >&2
  npm ci --prefix bench/peers --no-audit --no-fund --loglevel=error >/dev/null
  MSE_TESTVECTORS="$vectors" taskset -c "$core" node bench/peers/bench.mjs --iterations "$iterations" --json-out "$out/peers-verify.json"
fi
echo "results in $out" >&2
