package dev.mse.operator.node.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.OptionalInt;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the provider remembers about a node on disk ({@code node.json}), so that a restarted
 * operator finds its running runtimes again.
 *
 * @param port the enclave port: the runtime's own TLS server (status, evidence, provisioning)
 * @param appPort the app port: the app's own TLS server, on the same host
 * @param pid the runtime's process id, or -1 before it started
 * @param tee simulation, gramine-sgx or tsm
 * @param sizeMb the enclave size
 * @param uid the user id the runtime runs as, or {@value #SHARED_USER}: the operator's own user
 */
record NodeRecord(int port, int appPort, long pid, String tee, int sizeMb, int uid) {
  /** The runtime runs as the operator's user (no per-app users). */
  static final int SHARED_USER = -1;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  NodeRecord withPid(long value) {
    return new NodeRecord(port, appPort, value, tee, sizeMb, uid);
  }

  NodeRecord withUid(int value) {
    return new NodeRecord(port, appPort, pid, tee, sizeMb, value);
  }

  NodeRecord withPorts(int newPort, int newAppPort) {
    return new NodeRecord(newPort, newAppPort, pid, tee, sizeMb, uid);
  }

  /** The user to run as; never root (a record without a user id runs as the operator's). */
  OptionalInt runAs() {
    return uid > 0 ? OptionalInt.of(uid) : OptionalInt.empty();
  }

  void write(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(
        tmp,
        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, JSON.writeValueAsString(this), StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static NodeRecord read(Path file) throws IOException {
    try {
      return JSON.readValue(Files.readString(file, StandardCharsets.UTF_8), NodeRecord.class);
    } catch (JacksonException e) {
      throw new IOException(file + " cannot be read: " + e.getOriginalMessage(), e);
    }
  }
}
