package dev.mse.attestation.trust;

import dev.mse.attestation.codec.ByteString;
import java.security.cert.X509Certificate;

/**
 * The simulated SEV-SNP signer's ARK and ASK (mse's own, never AMD's), pinned by the SHA-256 of
 * their DER like AMD's. The ASK's private key ships in the jar so that anyone can make simulated
 * VCEKs: that is why a verifier only ever classifies a report under this ASK as SIMULATED.
 */
public final class SimulatedAmdRoots {
  private static final X509Certificate ARK =
      PinnedCertificates.load(
          "mse_simulation_amd_ark.pem",
          ByteString.fromHex("b9725ef6c67b7d23c6def3643e490168da3ea49fc574f5283e2369da9b8ee2fd"));
  private static final X509Certificate ASK =
      PinnedCertificates.load(
          "mse_simulation_amd_ask.pem",
          ByteString.fromHex("f928d0506c8c11abd327ca96b5182fa9dd6bf2632c1c316c9dfc6082e1934c2d"));

  private SimulatedAmdRoots() {}

  public static X509Certificate ark() {
    return ARK;
  }

  public static X509Certificate ask() {
    return ASK;
  }

  /**
   * Whether {@code vcek} names the simulated ASK as its issuer (its signature is checked apart).
   */
  public static boolean issued(X509Certificate vcek) {
    return ASK.getSubjectX500Principal().equals(vcek.getIssuerX500Principal());
  }
}
