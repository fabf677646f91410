package dev.mse.cli.owner;

import dev.mse.cli.ConfigDirectory;
import dev.mse.cli.PrivateFiles;
import dev.mse.cli.UserError;
import dev.mse.cli.UserFiles;
import dev.mse.protocol.provisioning.X25519KeyPair;
import dev.mse.protocol.provisioning.X25519PublicKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * The app owner's X25519 key pair, in {@code $MSE_CONF_PATH/owner.key} (private, mode 0600, 64 hex
 * digits) and {@code owner.pub} (public, 64 hex digits). The deployment config names the public key
 * as the only sender an enclave accepts provisioning from; the private key never leaves this
 * machine.
 */
public final class OwnerKey {
  public static final String PRIVATE_FILE = "owner.key";
  public static final String PUBLIC_FILE = "owner.pub";

  private OwnerKey() {}

  public static Path privateFile() {
    return ConfigDirectory.path().resolve(PRIVATE_FILE);
  }

  public static Path publicFile() {
    return ConfigDirectory.path().resolve(PUBLIC_FILE);
  }

  /** The owner's key pair; made (and reported on {@code notes}) on first use. */
  public static X25519KeyPair loadOrCreate(java.io.PrintWriter notes) {
    if (java.nio.file.Files.exists(privateFile())) {
      return load();
    }
    X25519KeyPair pair = X25519KeyPair.generate();
    PrivateFiles.directory(ConfigDirectory.path());
    PrivateFiles.write(privateFile(), hexLine(pair.privateKey()));
    PrivateFiles.writePublic(publicFile(), hexLine(pair.publicKey().toByteArray()));
    notes.println(
        "made the owner key pair " + privateFile() + " (public key " + publicFile() + ")");
    return pair;
  }

  /** The owner's existing key pair. */
  public static X25519KeyPair load() {
    Path file = privateFile();
    if (!java.nio.file.Files.exists(file)) {
      throw new UserError(
          "no owner key "
              + file
              + ": 'mse home package' makes one (or set MSE_CONF_PATH to the directory that holds"
              + " it)");
    }
    return X25519KeyPair.fromPrivateKey(key32(UserFiles.read(file, "owner key"), file));
  }

  /** A public key file: 64 hex digits (as {@code owner.pub}) or 32 raw bytes. */
  public static X25519PublicKey readPublic(Path file) {
    return X25519PublicKey.of(key32(UserFiles.read(file, "owner public key"), file));
  }

  /** 32 key bytes from a file holding them raw or as 64 hex digits. */
  public static byte[] key32(byte[] content, Path file) {
    if (content.length == 32) {
      return content;
    }
    String text = new String(content, StandardCharsets.US_ASCII).strip();
    if (text.length() == 64) {
      try {
        return HexFormat.of().parseHex(text);
      } catch (IllegalArgumentException e) {
        // Falls through to the error below.
      }
    }
    throw new UserError(file + " is not a 32-byte key (raw, or 64 hex digits)");
  }

  private static byte[] hexLine(byte[] key) {
    return (HexFormat.of().formatHex(key) + "\n").getBytes(StandardCharsets.US_ASCII);
  }
}
