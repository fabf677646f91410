package dev.mse.cli.home;

import dev.mse.cli.PrivateFiles;
import dev.mse.cli.UserError;
import dev.mse.cli.UserFiles;
import dev.mse.cli.owner.OwnerKey;
import dev.mse.protocol.pkg.PackageCipher;
import dev.mse.protocol.pkg.PackageIntegrityException;
import dev.mse.protocol.pkg.PackageKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The symmetric encryption of {@code mse home encrypt} and {@code decrypt} (MSE's Fernet files):
 * the package cipher (AES-256-GCM segments, key from HKDF, {@link PackageCipher}) with its own
 * associated data, so that a data file can never pass for a package nor a package for data. An app
 * that holds the key (sealed to it in its secrets) reads and writes such files with {@code
 * PackageCipher.encrypt/decrypt(bytes, key, "mse home data v1")} from mse-protocol.
 */
final class DataCipher {
  static final byte[] ASSOCIATED_DATA = "mse home data v1".getBytes(StandardCharsets.US_ASCII);

  private DataCipher() {}

  static byte[] encrypt(byte[] plaintext, PackageKey key) {
    return PackageCipher.encrypt(plaintext, key, ASSOCIATED_DATA);
  }

  static byte[] decrypt(byte[] ciphertext, PackageKey key, Path file) {
    try {
      return PackageCipher.decrypt(ciphertext, key, ASSOCIATED_DATA);
    } catch (PackageIntegrityException e) {
      throw new UserError(
          file
              + " does not decrypt with this key: another key, not made by 'mse home encrypt',"
              + " or altered",
          e);
    }
  }

  /** The key in {@code file}: 32 raw bytes or 64 hex digits. */
  static PackageKey read(Path file) {
    return PackageKey.of(OwnerKey.key32(UserFiles.read(file, "key"), file));
  }

  /** Makes a fresh key in {@code file} (64 hex digits, mode 0600), which must not exist. */
  static PackageKey create(Path file) {
    if (Files.exists(file)) {
      throw new UserError(file + " exists: give another file for the new key");
    }
    PackageKey key = PackageKey.generate();
    PrivateFiles.write(file, (key.toHex() + "\n").getBytes(StandardCharsets.US_ASCII));
    return key;
  }
}
