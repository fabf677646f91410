package dev.mse.operator.node.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 *
 * <p>Every operator on the host (and every test JVM) shares the ids of overlapping ranges, so an id
 * is also claimed host-wide before it is used: a lock on {@code <claims>/<id>.lock}, held while
 * this operator uses the id and dropped by the kernel when its process dies (kill -9 included).
 * Without it two operators could both find an id free before either started a runtime under it, and
 * two tenants' runtimes would then share a user (each could signal, trace or read the other, and
 * stopping one would kill the other).
 */
final class RuntimeUsers {
  /** Where operators on this host claim runtime user ids; root's only. */
  static final Path HOST_CLAIMS = Path.of("/run/mse/runtime-users");

  private final int first;
  private final int count;
  private final Path claims;
  private final Set<Integer> taken = new HashSet<>();
  // the host-wide claims this operator holds, by id
  private final Map<Integer, FileChannel> held = new HashMap<>();
  private final Set<Integer> hostIds;
  private int next;

  RuntimeUsers(int first, int count) throws IOException {
    this(first, count, HOST_CLAIMS);
  }

  RuntimeUsers(int first, int count, Path claims) throws IOException {
    this.first = first;
    this.count = count;
    this.next = first;
    this.claims = claims;
    Files.createDirectories(
        claims, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
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

  /**
   * Marks the id of a node found again after a restart as used, and claims it host-wide.
   *
   * @return false when another operator of this host holds the id, or its claim cannot be made (the
   *     node is kept, with its id)
   */
  synchronized boolean reserve(int uid) {
    taken.add(uid);
    if (held.containsKey(uid)) {
      return true;
    }
    try {
      Optional<FileChannel> claim = claim(uid);
      claim.ifPresent(c -> held.put(uid, c));
      return claim.isPresent();
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * A free id, now used. Ids are handed out in turn through the range, so an id that a stopped app
   * had comes back only after every other free one was used (since this operator started): files an
   * app left in world-writable directories stay readable to the next app of its id.
   */
  synchronized int allocate() throws IOException {
    for (int i = 0; i < count; i++) {
      int id = first + (next - first + i) % count;
      if (taken.contains(id) || hostIds.contains(id)) {
        continue;
      }
      Optional<FileChannel> claim = claim(id);
      if (claim.isEmpty()) {
        continue; // another operator's
      }
      // checked once claimed: a process that started before the claim is seen now
      if (!processesOf(id).isEmpty()) {
        closeQuietly(claim.get());
        continue;
      }
      taken.add(id);
      held.put(id, claim.get());
      next = first + (id - first + 1) % count;
      return id;
    }
    throw new IOException(
        "every runtime user id from " + first + " to " + (first + count - 1) + " is in use");
  }

  synchronized void release(int uid) {
    taken.remove(uid);
    FileChannel claim = held.remove(uid);
    if (claim != null) {
      closeQuietly(claim); // the lock goes with the channel
    }
  }

  /**
   * The host-wide claim of {@code id}: its lock file, locked; empty when another process (or
   * another operator in this JVM) holds it. The files stay: removing one could race with a claim.
   */
  private Optional<FileChannel> claim(int id) throws IOException {
    FileChannel channel =
        FileChannel.open(
            claims.resolve(id + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      if (channel.tryLock() != null) {
        return Optional.of(channel);
      }
    } catch (OverlappingFileLockException e) {
      // held by another RuntimeUsers of this JVM (tests run several operators in one)
    } catch (IOException e) {
      closeQuietly(channel);
      throw e;
    }
    closeQuietly(channel);
    return Optional.empty();
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // a closed or broken channel holds no lock either way
    }
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
