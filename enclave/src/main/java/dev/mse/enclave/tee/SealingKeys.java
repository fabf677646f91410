package dev.mse.enclave.tee;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.KDF;
import javax.crypto.SecretKey;
import javax.crypto.spec.HKDFParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** Derives the runtime's AES sealing key from a TEE's raw key material with HKDF-SHA256. */
final class SealingKeys {
  private SealingKeys() {}

  static SecretKey derive(byte[] material, String context) throws TeeException {
    try {
      KDF hkdf = KDF.getInstance("HKDF-SHA256");
      return hkdf.deriveKey(
          "AES",
          HKDFParameterSpec.ofExtract()
              .addIKM(new SecretKeySpec(material, "HKDF"))
              .addSalt("mse sealing v1".getBytes(StandardCharsets.US_ASCII))
              .thenExpand(context.getBytes(StandardCharsets.UTF_8), 32));
    } catch (GeneralSecurityException e) {
      throw new TeeException("cannot derive the sealing key: " + e.getMessage(), e);
    }
  }
}
