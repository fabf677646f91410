package dev.mse.enclave.runtime;

import dev.mse.attestation.codec.ByteString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Writes the secrets for the app to read at {@code MSE_SECRETS_PATH} and {@code
 * MSE_SEALED_SECRETS_PATH}: files of mode 0600 in the runtime's secrets directory, which is a tmpfs
 * (inside the enclave's memory under Gramine; {@code /dev/shm} in simulation), never a disk.
 */
final class SecretsFiles {
  private SecretsFiles() {}

  static void write(RuntimeOptions options, Provisioned provisioned) throws IOException {
    Files.createDirectories(
        options.secretsDir(),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    write(options.secretsFile(), provisioned.operatorSecrets());
    write(options.sealedSecretsFile(), provisioned.ownerSecrets());
  }

  private static void write(Path file, Optional<ByteString> content) throws IOException {
    Files.deleteIfExists(file);
    if (content.isPresent()) {
      writeOwnerOnly(file, content.get().toByteArray());
    }
  }

  static Path writeOwnerOnly(Path file, String content) throws IOException {
    return writeOwnerOnly(file, content.getBytes(StandardCharsets.US_ASCII));
  }

  /** A new file of mode 0600 from its first byte. */
  static Path writeOwnerOnly(Path file, byte[] content) throws IOException {
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    return Files.write(file, content);
  }

  /** Deletes {@code dir} and everything under it, when it exists. */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    List<Path> all;
    try (Stream<Path> files = Files.walk(dir)) {
      all = files.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path p : all) {
      Files.deleteIfExists(p);
    }
  }
}
