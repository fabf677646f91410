package dev.mse.attestation.trust;

import dev.mse.attestation.codec.ByteString;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;

/**
 * The AWS Nitro Enclaves root (G1), pinned by the SHA-256 of its DER as AWS publishes it. A
 * document's {@code cabundle[0]} is only ever compared with it; the chain is checked from this
 * copy.
 */
public final class NitroRoot {
  public static final ByteString SHA256 =
      ByteString.fromHex("641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b");

  private static final X509Certificate ROOT =
      PinnedCertificates.load("aws_nitro_enclaves_root_G1.pem", SHA256);

  private static final ByteString DER = der(ROOT);

  private NitroRoot() {}

  private static ByteString der(X509Certificate cert) {
    try {
      return ByteString.of(cert.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("the pinned AWS Nitro root cannot be encoded", e);
    }
  }

  public static X509Certificate certificate() {
    return ROOT;
  }

  /** Whether {@code candidate} is byte for byte the pinned root. */
  public static boolean matches(X509Certificate candidate) {
    return candidate == ROOT || PinnedCertificates.sha256(candidate).equals(SHA256);
  }

  /**
   * Whether {@code der} is byte for byte the pinned root's DER, so that the pinned copy can stand
   * for it without parsing the same bytes again.
   */
  public static boolean isRoot(ByteString der) {
    return DER.equals(der);
  }
}
