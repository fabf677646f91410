package dev.mse.enclave.runtime;

import dev.mse.attestation.codec.ByteString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals the runtime's state with AES-256-GCM under the TEE's sealing key, bound (as associated
 * data) to the deployment config's digest: a runtime of another measurement cannot derive the key,
 * and a runtime given another config cannot use the state. The file is written atomically.
 */
final class StateSealer {
  private static final byte[] LABEL = "mse sealed state v1".getBytes(StandardCharsets.US_ASCII);
  private static final int NONCE = 12;

  private final SecretKey key;
  private final Path file;
  private final ByteString configSha256;

  StateSealer(SecretKey key, Path file, ByteString configSha256) {
    this.key = key;
    this.file = file;
    this.configSha256 = configSha256;
  }

  void seal(SealedState state) throws IOException {
    byte[] nonce = new byte[NONCE];
    new SecureRandom().nextBytes(nonce);
    byte[] plain = state.encode();
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
      c.updateAAD(aad());
      byte[] sealed = c.doFinal(plain);
      byte[] out = new byte[NONCE + sealed.length];
      System.arraycopy(nonce, 0, out, 0, NONCE);
      System.arraycopy(sealed, 0, out, NONCE, sealed.length);
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.write(tmp, out);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot seal the runtime state: " + e.getMessage(), e);
    } finally {
      Arrays.fill(plain, (byte) 0);
    }
  }

  /**
   * The state sealed earlier, if a file exists; fails when it exists but cannot be opened (another
   * measurement, another config, damage): a runtime must then not pretend to be provisioned.
   */
  Optional<SealedState> unseal() throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    byte[] in = Files.readAllBytes(file);
    if (in.length < NONCE + 16) {
      throw new IOException("the sealed state " + file + " is damaged");
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, NONCE));
      c.updateAAD(aad());
      byte[] plain = c.doFinal(in, NONCE, in.length - NONCE);
      try {
        return Optional.of(SealedState.decode(plain));
      } finally {
        Arrays.fill(plain, (byte) 0);
      }
    } catch (GeneralSecurityException e) {
      throw new IOException(
          "the sealed state "
              + file
              + " cannot be unsealed by this runtime (another measurement or config)",
          e);
    }
  }

  private byte[] aad() {
    byte[] digest = configSha256.toByteArray();
    byte[] aad = Arrays.copyOf(LABEL, LABEL.length + digest.length);
    System.arraycopy(digest, 0, aad, LABEL.length, digest.length);
    return aad;
  }
}
