#!/usr/bin/env bash
# Builds the self-contained mse distribution, deploy/target/mse-<version>-linux-x64.tar.gz:
#
#   mse-<version>/bin/mse              the launcher: runs the CLI on the bundled Java runtime
#   mse-<version>/jre/                 a jlink'd Java runtime (no JDK needed on the machine)
#   mse-<version>/lib/mse-cli-all.jar  the CLI, and lib/operator-lib/ (the operator's database
#                                      drivers, which the jar's manifest names)
#   mse-<version>/runtime/             the enclave runtime distribution, byte for byte the one in
#                                      enclave/target/runtime, so its measurement is the same
#   mse-<version>/runtime-cds/         the runtime's class-data sharing archive, made for the bundled
#                                      Java runtime (outside runtime/: not measured)
#
# Usage: deploy/dist.sh [--no-build] [--output DIR]
#   --no-build  assemble from cli/target and enclave/target as they are (the deploy module's build
#               does this after building them); without it, builds both first with the wrapper.
# Needs a JDK 25 (JAVA_HOME, or the one ./mse would find) for jdeps and jlink; the result does not.
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
build=1
out="$here/deploy/target"
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --output) out="$2"; shift ;;
    *) echo "dist.sh: unknown option $1 (usage: deploy/dist.sh [--no-build] [--output DIR])" >&2; exit 2 ;;
  esac
  shift
done

jdk="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
if [ ! -x "$jdk/bin/jlink" ]; then
  echo "dist.sh: no jlink in $jdk (set JAVA_HOME to a JDK 25)" >&2
  exit 1
fi
export JAVA_HOME="$jdk"

version="$(sed -n 's:^  <version>\(.*\)</version>.*:\1:p' "$here/pom.xml" | head -1)"
name="mse-$version"
cli="$here/cli/target"
runtime="$here/enclave/target/runtime"

if [ "$build" = 1 ]; then
  (cd "$here" && ./mvnw -B -q -ntp -pl cli,enclave -am package -DskipTests -Djacoco.skip=true -Dspotless.check.skip=true)
fi
for f in "$cli/mse-cli-all.jar" "$cli/operator-lib" "$runtime/mse-enclave.jar"; do
  [ -e "$f" ] || { echo "dist.sh: $f is missing (run without --no-build)" >&2; exit 1; }
done

stage="$out/stage"
rm -rf "$stage" "$out/$name-linux-x64.tar.gz"
mkdir -p "$stage/$name/bin" "$stage/$name/lib"
dist="$stage/$name"

# The modules: what jdeps finds in the CLI and in the runtime, plus what apps commonly use, since
# the same Java runtime runs the apps inside the runtime (java.se: every standard API; httpserver:
# the scaffolded app; unsupported: sun.misc.Unsafe for Netty and others; crypto and naming
# providers, zipfs, management extensions) and the CLI compiles plain projects in process
# (jdk.compiler, through javax.tools).
found="$("$jdk/bin/jdeps" --multi-release 25 --ignore-missing-deps --print-module-deps \
  "$cli/mse-cli-all.jar" "$cli"/operator-lib/*.jar "$runtime/mse-enclave.jar" "$runtime"/lib/*.jar)"
modules="$found,java.se,jdk.compiler,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.httpserver,jdk.unsupported,jdk.zipfs,jdk.management,jdk.net,jdk.naming.dns,jdk.charsets,jdk.localedata"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress=zip-6 --generate-cds-archive --output "$dist/jre"

cp "$cli/mse-cli-all.jar" "$dist/lib/"
cp -r "$cli/operator-lib" "$dist/lib/operator-lib"
cp -r "$runtime" "$dist/runtime"

# The runtime's CDS archive is tied to the JVM that made it: made again with the bundled one, by the
# build's training run (enclave test classes), when they are there; a runtime without it starts
# a little slower.
training="$here/enclave/target/test-classes"
if [ -f "$training/dev/mse/enclave/runtime/RuntimeTraining.class" ]; then
  "$dist/jre/bin/java" -cp "$training:$runtime/mse-enclave.jar:$runtime/lib/*" \
    dev.mse.enclave.runtime.RuntimeTraining "$dist/runtime" "$dist/runtime-cds/runtime.jsa" >/dev/null
else
  echo "dist.sh: no enclave test classes: the runtime's CDS archive is left out" >&2
fi

cat >"$dist/bin/mse" <<'LAUNCHER'
#!/bin/sh
# mse, on the Java runtime bundled beside it: no JDK needed. Works through a symlink on PATH.
set -eu
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
# Runtimes that mse home and the operator start use this Java runtime too (the CLI's java.home).
MSE_RUNTIME_DIR="${MSE_RUNTIME_DIR:-$root/runtime}"
export MSE_RUNTIME_DIR
# shellcheck disable=SC2086
exec "$root/jre/bin/java" ${MSE_JAVA_OPTS:-} -jar "$root/lib/mse-cli-all.jar" "$@"
LAUNCHER
chmod 755 "$dist/bin/mse"

# Reproducible entries (owner, order, times); gzip without a name or time stamp.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='2026-01-01 00:00:00Z' \
  -C "$stage" -cf - "$name" | gzip -n -6 >"$out/$name-linux-x64.tar.gz"
rm -rf "$stage"
size="$(du -m "$out/$name-linux-x64.tar.gz" | cut -f1)"
echo "$out/$name-linux-x64.tar.gz ($size MB)"
