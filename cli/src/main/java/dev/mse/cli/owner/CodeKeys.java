package dev.mse.cli.owner;

import dev.mse.attestation.codec.ByteString;
import dev.mse.cli.ConfigDirectory;
import dev.mse.cli.PrivateFiles;
import dev.mse.cli.UserFiles;
import dev.mse.protocol.pkg.PackageKey;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The owner's code keys, kept by package digest in {@code $MSE_CONF_PATH/packages/<package
 * sha256>.key} (32 raw bytes, mode 0600), so that {@code mse home seal} finds the key of the
 * package an enclave attests without {@code --code-key}.
 */
public final class CodeKeys {
  private CodeKeys() {}

  public static Path file(ByteString packageSha256) {
    return ConfigDirectory.path().resolve("packages").resolve(packageSha256.hex() + ".key");
  }

  public static void remember(ByteString packageSha256, PackageKey key) {
    PrivateFiles.directory(ConfigDirectory.path());
    PrivateFiles.directory(file(packageSha256).getParent());
    PrivateFiles.write(file(packageSha256), key.toByteArray());
  }

  public static Optional<PackageKey> find(ByteString packageSha256) {
    Path file = file(packageSha256);
    if (!java.nio.file.Files.isRegularFile(file)) {
      return Optional.empty();
    }
    return Optional.of(read(file));
  }

  /** A code key file: 32 raw bytes (as {@code package} writes it) or 64 hex digits. */
  public static PackageKey read(Path file) {
    return PackageKey.of(OwnerKey.key32(UserFiles.read(file, "code key"), file));
  }
}
