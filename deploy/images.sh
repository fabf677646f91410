#!/usr/bin/env bash
# Builds the runtime and the operator as OCI image tarballs, without a Docker daemon or a registry:
#   deploy/target/images/mse-runtime.tar   the enclave runtime (simulation or tsm)
#   deploy/target/images/mse-operator.tar  the operator (mse operator serve), with the runtime for
#                                          its local node provider
# Load one with `docker load`, `podman load`, or push it with `skopeo copy oci-archive:FILE ...`.
#
# 1. The base image is assembled here from Debian's packages (the only registry reachable): the
#    few that the bundled Java runtime needs (libc6, libgcc-s1, zlib1g, and netbase, base-files
#    for /etc), extracted with dpkg-deb (no maintainer scripts run, no shell, no package manager
#    in the image: distroless-like), plus /etc/passwd with the user mse (10001) and the
#    directories it may write. It becomes a `docker save` style tarball that Jib takes as base
#    (tar://).
# 2. Jib (jib-maven-plugin, profile `images` of the deploy module) adds the jlink'd Java runtime
#    and the mse files of the distribution (deploy/dist.sh) as layers, with the entrypoints,
#    user, environment and labels of deploy/pom.xml, and writes OCI image tarballs.
#
# Usage: deploy/images.sh [--no-build]   (--no-build: use deploy/target's tarball as it is)
# Needs apt-get (with its package lists: run apt-get update once) and dpkg-deb; runs as any user.
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
target="$here/deploy/target"
build=1
[ "${1:-}" = "--no-build" ] && build=0
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"

version="$(sed -n 's:^  <version>\(.*\)</version>.*:\1:p' "$here/pom.xml" | head -1)"
tarball="$target/mse-$version-linux-x64.tar.gz"
if [ "$build" = 1 ] || [ ! -f "$tarball" ]; then
  "$here/deploy/dist.sh"
fi

work="$target/image-build"
rm -rf "$work"
mkdir -p "$work/debs" "$work/rootfs" "$work/dist" "$target/images"

# The distribution, unpacked: Jib copies its directories into the images.
tar -xzf "$tarball" -C "$work/dist" --strip-components=1

# The base root file system.
debs=(libc6 libgcc-s1 gcc-12-base zlib1g netbase base-files)
download() { (cd "$work/debs" && apt-get -q -o APT::Sandbox::User="$(id -un)" download "${debs[@]}" >/dev/null); }
# A new machine may have no package lists yet: as root, fetch them once and try again.
if ! download; then
  [ "$(id -u)" = 0 ] || { echo "images.sh: apt-get download failed (run apt-get update)" >&2; exit 1; }
  apt-get update -qq && download
fi
for deb in "$work"/debs/*.deb; do
  dpkg-deb -x "$deb" "$work/rootfs"
done
rootfs="$work/rootfs"
rm -rf "$rootfs/usr/share/doc" "$rootfs/usr/share/man" "$rootfs/usr/share/info" "$rootfs/usr/share/lintian"
mkdir -p "$rootfs/etc" "$rootfs/tmp" "$rootfs/root"
chmod 1777 "$rootfs/tmp"
printf 'root:x:0:0:root:/root:/sbin/nologin\nmse:x:10001:10001:mse:/home/mse:/sbin/nologin\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\nmse:x:10001:\n' >"$rootfs/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
# The directories the user mse writes, owned by it (appended below with its ids): its home, the
# operator's data, and the runtime's state, data, secrets (a memory volume in a pod) and input.
owned=(home/mse var/lib/mse state data secrets input)

layer="$work/base/layer.tar"
mkdir -p "$work/base"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='2026-01-01 00:00:00Z' \
  -C "$rootfs" -cf "$layer" .
mkdir -p "$work/owned"
for d in "${owned[@]}"; do mkdir -p "$work/owned/$d"; done
chmod 0700 "$work/owned/secrets" "$work/owned/state"
# parents (home, var/lib) are in the layer already; add only the owned leaves
tar --owner=10001 --group=10001 --numeric-owner --mtime='2026-01-01 00:00:00Z' --no-recursion \
  -C "$work/owned" -rf "$layer" "${owned[@]/#/./}"

diff_id="sha256:$(sha256sum "$layer" | cut -d' ' -f1)"
cat >"$work/base/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"2026-01-01T00:00:00Z","config":{"Env":["PATH=/usr/local/bin:/usr/bin:/bin","LANG=C.UTF-8"],"User":"10001:10001","WorkingDir":"/home/mse"},"rootfs":{"type":"layers","diff_ids":["$diff_id"]},"history":[{"created":"2026-01-01T00:00:00Z","created_by":"deploy/images.sh: libc6 libgcc-s1 zlib1g netbase base-files from Debian bookworm"}]}
JSON
echo '[{"Config":"config.json","RepoTags":["mse-base:local"],"Layers":["layer.tar"]}]' >"$work/base/manifest.json"
tar --owner=0 --group=0 --numeric-owner -C "$work/base" -cf "$work/base.tar" manifest.json config.json layer.tar

# Jib: both images, from that base. (Jib wants the module's class directory even when, as here,
# the images take no class from it.)
mkdir -p "$target/classes"
(cd "$here" && ./mvnw -B -q -ntp -pl deploy -P images jib:buildTar@runtime jib:buildTar@operator \
  -Dimages.base="$work/base.tar" -Dimages.dist="$work/dist" -Dimages.output="$target/images")

for image in "$target"/images/*.tar; do
  echo "$image ($(du -m "$image" | cut -f1) MB)"
done

# A smoke run, as root only (chroot): the operator image's files, layer over layer, run its Java
# runtime and the CLI as the image's user. Shows that the Debian base holds what the JVM links.
if [ "$(id -u)" = 0 ] && command -v chroot >/dev/null && command -v jq >/dev/null; then
  smoke="$work/smoke"
  mkdir -p "$smoke/oci" "$smoke/root"
  tar -xf "$target/images/mse-operator.tar" -C "$smoke/oci"
  manifest="$(jq -r '.manifests[0].digest' "$smoke/oci/index.json" | cut -d: -f2)"
  for layer in $(jq -r '.layers[].digest' "$smoke/oci/blobs/sha256/$manifest" | cut -d: -f2); do
    tar -xzf "$smoke/oci/blobs/sha256/$layer" -C "$smoke/root" 2>/dev/null \
      || tar -xf "$smoke/oci/blobs/sha256/$layer" -C "$smoke/root"
  done
  # the dynamic linker finds the JVM's libraries through /proc/self/exe ($ORIGIN), as in a container
  mount -t proc proc "$smoke/root/proc"
  trap 'umount "$smoke/root/proc" 2>/dev/null || true' EXIT
  chroot --userspec=10001:10001 "$smoke/root" /opt/mse/jre/bin/java -jar /opt/mse/lib/mse-cli-all.jar --version
  usage="$(chroot --userspec=10001:10001 "$smoke/root" /opt/mse/jre/bin/java @/opt/mse/runtime/jvm.args \
    -jar /opt/mse/runtime/mse-enclave-launcher.jar --help 2>&1 || true)"
  grep -q 'mse-runtime: usage' <<<"$usage" || { echo "images.sh: the runtime jar does not start: $usage" >&2; exit 1; }
  umount "$smoke/root/proc"
  trap - EXIT
  echo "smoke run: the operator image's Java runtime, CLI and runtime jar run as user 10001"
  rm -rf "$smoke"
fi
