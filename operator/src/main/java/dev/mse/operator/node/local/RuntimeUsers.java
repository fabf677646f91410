package dev.mse.operator.node.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The user ids runtimes run under, one per live node, from a configured range. An id is used only
 * when no account of this host ({@code /etc/passwd}, {@code /etc/group}) has it and no process runs
 * as it, so a runtime never shares a user with anything else; the runtime users need no entry of
 * their own ({@code setpriv} takes numbers).
 */
final class RuntimeUsers {
  private final int first;
  private final int count;
  private final Set<Integer> taken = new HashSet<>();
  private final Set<Integer> hostIds;
  private int next;

  RuntimeUsers(int first, int count) throws IOException {
    this.first = first;
    this.count = count;
    this.next = first;
    this.hostIds = new HashSet<>();
    for (Path db : List.of(Path.of("/etc/passwd"), Path.of("/etc/group"))) {
      if (Files.isReadable(db)) {
        for (String line : Files.readAllLines(db, StandardCharsets.UTF_8)) {
          String[] f = line.split(":", -1);
          if (f.length > 2 && f[2].matches("[0-9]{1,10}")) {
            hostIds.add((int) Math.min(Integer.MAX_VALUE, Long.parseLong(f[2])));
          }
        }
      }
    }
  }

  /** True when this operator runs as root, so it can give each runtime a user of its own. */
  static boolean operatorIsRoot() {
    return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
  }

  /** Marks the id of a node found again after a restart as used. */
  synchronized void reserve(int uid) {
    taken.add(uid);
  }

  /**
   * A free id, now used. Ids are handed out in turn through the range, so an id that a stopped app
   * had comes back only after every other free one was used (since this operator started): files an
   * app left in world-writable directories stay readable to the next app of its id.
   */
  synchronized int allocate() throws IOException {
    for (int i = 0; i < count; i++) {
      int id = first + (next - first + i) % count;
      if (!taken.contains(id) && !hostIds.contains(id) && processesOf(id).isEmpty()) {
        taken.add(id);
        next = first + (id - first + 1) % count;
        return id;
      }
    }
    throw new IOException(
        "every runtime user id from " + first + " to " + (first + count - 1) + " is in use");
  }

  synchronized void release(int uid) {
    taken.remove(uid);
  }

  /** The processes whose real or effective user is {@code uid} (from {@code /proc}). */
  static List<ProcessHandle> processesOf(int uid) {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs
          .filter(p -> p.getFileName().toString().matches("[0-9]+"))
          .filter(p -> ownersOf(p).contains(uid))
          .flatMap(p -> ProcessHandle.of(Long.parseLong(p.getFileName().toString())).stream())
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Kills every process of {@code uid}: what a runtime started must not outlive it. */
  static void killAll(int uid) {
    for (int round = 0; round < 3; round++) {
      List<ProcessHandle> left = processesOf(uid);
      if (left.isEmpty()) {
        return;
      }
      left.forEach(ProcessHandle::destroyForcibly);
      for (ProcessHandle h : left) {
        try {
          h.onExit().get(2, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
          // checked again in the next round
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** The real and effective user of a process, or nothing when it is gone. */
  private static List<Integer> ownersOf(Path proc) {
    try {
      for (String line : Files.readAllLines(proc.resolve("status"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("Uid:")) {
          String[] f = line.substring(4).trim().split("\\s+");
          return List.of(Integer.parseInt(f[0]), Integer.parseInt(f[1]));
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone meanwhile
    }
    return List.of();
  }
}
