package dev.mse.attestation.crypto;

import dev.mse.attestation.codec.ByteString;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;

/**
 * ECDSA over P-384 with SHA-384 (COSE ES384, AMD SEV-SNP reports), through the JDK's provider.
 * Signatures are raw r||s, 48 bytes each, big-endian (the JDK's P1363 format), so nothing has to be
 * re-encoded as DER. Anything malformed verifies as false.
 */
public final class EcdsaP384 {
  public static final int COMPONENT = 48;

  private EcdsaP384() {}

  /** Whether {@code key} is an EC key on P-384. */
  public static boolean isP384(PublicKey key) {
    return key instanceof ECPublicKey ec
        && ec.getParams().getCurve().getField().getFieldSize() == 384;
  }

  public static boolean verifyRaw(PublicKey key, byte[] data, ByteString rs) {
    if (!isP384(key) || rs.size() != 2 * COMPONENT) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance("SHA384withECDSAinP1363Format");
      verifier.initVerify(key);
      verifier.update(data);
      return verifier.verify(rs.toByteArray());
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }
}
