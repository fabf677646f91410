#!/usr/bin/env bash
# Builds the self-contained mse distribution, deploy/target/mse-<version>-linux-x64.tar.gz:
#
#   mse-<version>/bin/mse              the launcher: runs the CLI on the bundled Java runtime
#   mse-<version>/jre/                 a jlink'd Java runtime (no JDK needed on the machine)
#   mse-<version>/lib/mse-cli-all.jar  the CLI, and lib/operator-lib/ (the operator's database
#                                      drivers, which the jar's manifest names)
#   mse-<version>/runtime/             the enclave runtime distribution, byte for byte the one in
#                                      enclave/target/runtime, so its measurement is the same
#   mse-<version>/runtime-aot/         the runtime's ahead-of-time cache, made for the bundled Java
#                                      runtime (outside runtime/: not measured)
#
# Usage: deploy/dist.sh [--no-build] [--check-modules] [--output DIR]
#   --no-build  assemble from cli/target and enclave/target as they are (the deploy module's build
#               does this after building them); without it, builds both first with the wrapper
#               and checks the module list with jdeps (--check-modules alone does that too).
# Needs a JDK 25 (JAVA_HOME, default /usr/lib/jvm/temurin-25-jdk-amd64) for jlink; the result does not.
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
build=1
check_modules=0
out="$here/deploy/target"
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --check-modules) check_modules=1 ;;
    --output) out="$2"; shift ;;
    *) echo "dist.sh: unknown option $1 (usage: deploy/dist.sh [--no-build] [--check-modules] [--output DIR])" >&2; exit 2 ;;
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
  check_modules=1
  (cd "$here" && ./mvnw -B -q -ntp -pl cli,enclave -am package -DskipTests -Djacoco.skip=true -Dspotless.check.skip=true)
fi
for f in "$cli/mse-cli-all.jar" "$cli/operator-lib" "$runtime/mse-enclave.jar" "$runtime/mse-enclave-launcher.jar"; do
  [ -e "$f" ] || { echo "dist.sh: $f is missing (run without --no-build)" >&2; exit 1; }
done

stage="$out/stage"
rm -rf "$stage" "$out/$name-linux-x64.tar.gz"
mkdir -p "$stage/$name/bin" "$stage/$name/lib"
dist="$stage/$name"

# The modules. What jdeps finds in the CLI and in the runtime (recorded here: jdeps takes about a
# minute on this machine, too long for every build; --check-modules runs it and fails when it
# finds one that is not listed), plus what apps commonly use, since the same Java runtime runs the
# apps inside the runtime: java.se (every standard API), jdk.httpserver (the scaffolded app),
# jdk.unsupported (sun.misc.Unsafe: Netty and others), crypto and naming providers, zipfs,
# management extensions; and jdk.compiler, with which the CLI compiles plain projects in process
# (javax.tools). Left out: jdk.localedata (formats for locales other than English, 10 MB), tools.
jdeps_modules="java.base,java.compiler,java.desktop,java.instrument,java.management,java.naming,java.net.http,java.security.jgss,java.sql,jdk.httpserver,jdk.net,jdk.security.auth"
modules="$jdeps_modules,java.se,jdk.compiler,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.unsupported,jdk.zipfs,jdk.management,jdk.naming.dns,jdk.charsets"
if [ "$check_modules" = 1 ]; then
  found="$( ("$jdk/bin/jdeps" --multi-release 25 --ignore-missing-deps --print-module-deps "$cli/mse-cli-all.jar";
    "$jdk/bin/jdeps" --multi-release 25 --ignore-missing-deps --print-module-deps \
      --class-path "$runtime/lib/*" "$runtime/mse-enclave.jar" "$runtime/mse-enclave-launcher.jar") | tr ',' '\n' | sort -u)"
  missing="$(comm -23 <(echo "$found") <(echo "$jdeps_modules" | tr ',' '\n' | sort -u))"
  if [ -n "$missing" ]; then
    echo "dist.sh: jdeps finds modules that are not in jdeps_modules: $missing" >&2
    exit 1
  fi
fi
strip=(--strip-debug)
# Native debug symbols too (libjvm.so's take 10 MB) when objcopy (binutils) is there to strip them.
if command -v objcopy >/dev/null; then
  strip=(--strip-java-debug-attributes --strip-native-debug-symbols=exclude-debuginfo-files)
fi
"$jdk/bin/jlink" --add-modules "$modules" "${strip[@]}" --no-header-files \
  --no-man-pages --compress=zip-6 --generate-cds-archive --output "$dist/jre" >/dev/null
# The archive for heaps over 32 GB (no compressed oops): 14 MB that an mse JVM never maps.
rm -f "$dist/jre/lib/server/classes_nocoops.jsa"

cp "$cli/mse-cli-all.jar" "$dist/lib/"
cp -r "$cli/operator-lib" "$dist/lib/operator-lib"
cp -r "$runtime" "$dist/runtime"

# The runtime's ahead-of-time cache is tied to the JVM that made it: made again with the bundled one, by the
# build's training run (enclave test classes), when they are there; a runtime without it starts
# a little slower.
training="$here/enclave/target/test-classes"
if [ -f "$training/dev/mse/enclave/runtime/RuntimeTraining.class" ]; then
  "$dist/jre/bin/java" -cp "$training:$runtime/mse-enclave.jar:$runtime/lib/*" \
    dev.mse.enclave.runtime.RuntimeTraining "$dist/runtime" "$dist/runtime-aot/runtime.aot" >/dev/null
else
  echo "dist.sh: no enclave test classes: the runtime's ahead-of-time cache is left out" >&2
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
exec "$root/jre/bin/java" ${MSE_JAVA_OPTS:-} -Dmse.invokedAs="$0" -jar "$root/lib/mse-cli-all.jar" "$@"
LAUNCHER
chmod 755 "$dist/bin/mse"

# Reproducible entries (owner, order, times); gzip without a name or time stamp.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='2026-01-01 00:00:00Z' \
  -C "$stage" -cf - "$name" | gzip -n -6 >"$out/$name-linux-x64.tar.gz"
rm -rf "$stage"
size="$(du -m "$out/$name-linux-x64.tar.gz" | cut -f1)"
echo "$out/$name-linux-x64.tar.gz ($size MB)"
