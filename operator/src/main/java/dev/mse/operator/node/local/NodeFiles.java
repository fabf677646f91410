package dev.mse.operator.node.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Files and directories of a node with the owner and mode they must have: the operator's own files
 * 0600, a runtime's directories 0700 and owned by its user. Nothing here follows a symbolic link a
 * runtime could have planted.
 */
final class NodeFiles {
  private static final Set<PosixFilePermission> PRIVATE_DIR =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> TRAVERSE_ONLY =
      PosixFilePermissions.fromString("rwx--x--x");
  private static final Set<PosixFilePermission> PRIVATE_FILE =
      PosixFilePermissions.fromString("rw-------");

  private NodeFiles() {}

  /**
   * A directory owned by {@code uid} (the operator's user when empty) with mode 0700. Whatever else
   * stands at that path (a link, a file, a directory of a third user: someone preparing a trap in a
   * world-writable directory) is refused, never followed, changed or removed.
   */
  static Path privateDir(Path dir, OptionalInt uid) throws IOException {
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
    } catch (FileAlreadyExistsException e) {
      long owner = owner(dir);
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
          || (owner != operatorUid() && owner != uid.orElse(-1))) {
        throw new IOException(dir + " exists and is not this node's: refusing to use it", e);
      }
    }
    Files.getFileAttributeView(dir, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .setPermissions(PRIVATE_DIR);
    if (uid.isPresent()) {
      Files.setAttribute(dir, "unix:gid", uid.getAsInt(), LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(dir, "unix:uid", uid.getAsInt(), LinkOption.NOFOLLOW_LINKS);
    }
    return dir;
  }

  /**
   * Gives the operator's files under {@code root} (left by a node of before the runtime users) to
   * {@code uid}; links, and files with more than one name (a hard link the runtime made to a file
   * of someone else), are left alone.
   */
  static void giveTree(Path root, int uid) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.toList()) {
        if (Files.isSymbolicLink(p)
            || owner(p) != operatorUid()
            || (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                && (Integer) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS) > 1)) {
          continue;
        }
        Files.setAttribute(p, "unix:gid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
      }
    }
  }

  /**
   * A copy of the tree {@code source} that every user can read, in {@code parent}, named for the
   * digest of its files: {@code runtime-<digest>}. An existing copy of the same content is reused;
   * a copy is made aside and moved into place, so a reader never sees half of one.
   */
  static Path publishedCopy(Path source, Path parent) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(source)) {
      files = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
    }
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (Path f : files) {
      sha256.update(source.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
      sha256.update((byte) 0);
      try (InputStream in = Files.newInputStream(f)) {
        sha256.update(in.readAllBytes());
      }
    }
    String name = "runtime-" + HexFormat.of().formatHex(sha256.digest(), 0, 8);
    Files.createDirectories(parent);
    Path target = parent.resolve(name);
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS) && owner(target) == operatorUid()) {
      return target;
    }
    Path staging = Files.createTempDirectory(parent, name + ".");
    for (Path f : files) {
      Path copy = staging.resolve(source.relativize(f).toString());
      Files.createDirectories(copy.getParent());
      Files.copy(f, copy);
      Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
    }
    try (Stream<Path> walk = Files.walk(staging)) {
      for (Path d : walk.filter(Files::isDirectory).toList()) {
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    return target;
  }

  /** A directory of the operator that other users may cross but not list (0711). */
  static Path traversableDir(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, TRAVERSE_ONLY);
    return dir;
  }

  /** A file of the operator, created empty if absent, with mode 0600. */
  static Path privateFile(Path file) throws IOException {
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PRIVATE_FILE));
    } catch (FileAlreadyExistsException e) {
      if (Files.isSymbolicLink(file)) {
        throw new IOException(file + " is a symbolic link", e);
      }
    }
    Files.setPosixFilePermissions(file, PRIVATE_FILE);
    return file;
  }

  /**
   * Makes {@code target} a new name for {@code source} (a hard link, or a copy on another file
   * system) that {@code uid} owns; nothing that stood at {@code target} is followed.
   */
  static void readableCopy(Path source, Path target, OptionalInt uid) throws IOException {
    Files.deleteIfExists(target);
    try {
      Files.createLink(target, source);
    } catch (IOException | UnsupportedOperationException e) {
      Files.copy(source, target);
    }
    if (uid.isPresent()) {
      // the runtime's own (the name in packages/ is in a directory only the operator crosses)
      Files.setAttribute(target, "unix:uid", uid.getAsInt(), LinkOption.NOFOLLOW_LINKS);
    }
  }

  /**
   * Why a user other than the operator's cannot reach {@code path} (a directory on its way, or the
   * path itself, is not traversable by others; with {@code read}, the path is not readable), or
   * empty when it can.
   */
  static Optional<String> unreachableByOthers(Path path, boolean read) {
    Path p = path.toAbsolutePath().normalize();
    try {
      for (Path up = read ? p.getParent() : p; up != null; up = up.getParent()) {
        if (!Files.getPosixFilePermissions(up).contains(PosixFilePermission.OTHERS_EXECUTE)) {
          return Optional.of(up + " is not traversable by other users");
        }
      }
      Set<PosixFilePermission> own = Files.getPosixFilePermissions(p);
      if (read && !own.contains(PosixFilePermission.OTHERS_READ)
          || (Files.isDirectory(p) && !own.contains(PosixFilePermission.OTHERS_EXECUTE))) {
        return Optional.of(p + " is not readable by other users");
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(p + " cannot be checked: " + e.getMessage());
    }
  }

  /** Removes a tree without following links. */
  static void deleteTree(Path root) {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + root + ": " + e.getMessage(), e);
    }
  }

  private static long owner(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
  }

  private static long operatorUid() {
    return new com.sun.security.auth.module.UnixSystem().getUid();
  }
}
