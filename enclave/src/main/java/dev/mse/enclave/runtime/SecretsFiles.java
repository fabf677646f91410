package dev.mse.enclave.runtime;

import dev.mse.attestation.codec.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

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
    if (content.isEmpty()) {
      return;
    }
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(file, content.get().toByteArray());
  }
}
