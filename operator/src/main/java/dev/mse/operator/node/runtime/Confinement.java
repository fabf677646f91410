package dev.mse.operator.node.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What keeps one runtime process apart from the operator and from other tenants: the user it runs
 * as, its CPU count, its cgroup (when cgroup v2 is usable) and its private temporary directory. A
 * confined runtime gets a minimal environment: none of the operator's variables reach it.
 *
 * @param uid the user and group id to run as (no supplementary groups, no capabilities); empty: the
 *     operator's own user
 * @param cores the CPUs the JVM sizes itself for ({@code -XX:ActiveProcessorCount})
 * @param cgroup the cgroup v2 directory the process joins before it starts; empty: none
 * @param tmpDir {@code java.io.tmpdir} and {@code TMPDIR}
 * @param home {@code HOME}
 */
public record Confinement(
    OptionalInt uid, int cores, Optional<Path> cgroup, Path tmpDir, Path home) {
  private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
  private static final Path SH = Path.of("/bin/sh");

  public Confinement {
    if (cores < 1) {
      throw new IllegalArgumentException("a runtime needs at least one core");
    }
    if (uid.isPresent() && uid.getAsInt() <= 0) {
      throw new IllegalArgumentException("a runtime never runs as root");
    }
  }

  /** What runs before {@code java}: joining the cgroup, then dropping to the runtime's user. */
  List<String> prefix() {
    List<String> prefix = new java.util.ArrayList<>();
    if (cgroup.isPresent()) {
      // The shell joins the cgroup before it becomes the runtime, so no allocation escapes it.
      prefix.addAll(
          List.of(
              SH.toString(),
              "-c",
              "echo $$ > \"$0\" && exec \"$@\"",
              cgroup.get().resolve("cgroup.procs").toString()));
    }
    if (uid.isPresent()) {
      String id = Integer.toString(uid.getAsInt());
      prefix.addAll(
          List.of(
              SETPRIV.toString(),
              "--reuid=" + id,
              "--regid=" + id,
              "--clear-groups",
              "--inh-caps=-all",
              "--bounding-set=-all",
              "--no-new-privs"));
    }
    return prefix;
  }

  /** The JVM options this confinement adds. */
  List<String> jvmOptions() {
    return List.of("-XX:ActiveProcessorCount=" + cores, "-Djava.io.tmpdir=" + tmpDir);
  }

  /** True when {@code setpriv} is there to drop privileges. */
  public static boolean canDropPrivileges() {
    return java.nio.file.Files.isExecutable(SETPRIV);
  }
}
