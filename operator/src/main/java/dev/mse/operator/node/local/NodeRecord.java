package dev.mse.operator.node.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the provider remembers about a node on disk ({@code node.json}), so that a restarted
 * operator finds its running runtimes again.
 *
 * @param port the TLS front's loopback port
 * @param appPort the app's loopback port
 * @param pid the runtime's process id, or -1 before it started
 * @param tee simulation, gramine-sgx or tsm
 * @param sizeMb the enclave size
 */
record NodeRecord(int port, int appPort, long pid, String tee, int sizeMb) {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  NodeRecord withPid(long value) {
    return new NodeRecord(port, appPort, value, tee, sizeMb);
  }

  NodeRecord withPorts(int newPort, int newAppPort) {
    return new NodeRecord(newPort, newAppPort, pid, tee, sizeMb);
  }

  void write(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
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
