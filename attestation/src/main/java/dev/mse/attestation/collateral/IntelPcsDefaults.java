package dev.mse.attestation.collateral;

import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.trust.TrustAnchors;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Intel's public endpoints and the certificates that mse ships for collateral that arrives without
 * its issuer chain. The certificates are resources next to a {@code LICENSE-NOTE.md} that says
 * where they come from; shipping them adds no trust, since the verifier pins the root by
 * fingerprint and checks the signing certificate against it.
 */
public final class IntelPcsDefaults {
  /** Intel's Provisioning Certification Service. */
  public static final URI PCS_BASE_URL = URI.create("https://api.trustedservices.intel.com");

  /**
   * Where Intel publishes the root CA CRL: the CRL distribution point of the Intel SGX Root CA. PCS
   * has no {@code /rootcacrl} endpoint (a PCCS does).
   */
  public static final URI ROOT_CA_CRL_URL =
      URI.create("https://certificates.trustedservices.intel.com/IntelSGXRootCA.der");

  private static final String TRUST = "/dev/mse/attestation/trust/";

  private IntelPcsDefaults() {}

  /** The Intel SGX Root CA, as pinned by {@link TrustAnchors}. */
  public static X509Certificate rootCa() {
    return TrustAnchors.standard().intel().certificate();
  }

  /** The Intel SGX TCB Signing certificate (2025–2032 edition). */
  public static X509Certificate tcbSigningCertificate() {
    return Holder.TCB_SIGNING;
  }

  /** The issuer chain of TCB Info and QE identity: TCB Signing, then the root. */
  public static List<X509Certificate> tcbSigningChain() {
    return List.of(Holder.TCB_SIGNING, rootCa());
  }

  /** Loads the certificates on first use only. */
  private static final class Holder {
    static final X509Certificate TCB_SIGNING = load("intel_sgx_tcb_signing.pem");

    private static X509Certificate load(String name) {
      try (InputStream in = IntelPcsDefaults.class.getResourceAsStream(TRUST + name)) {
        if (in == null) {
          throw new IllegalStateException("missing resource " + TRUST + name);
        }
        return X509Codec.certificate(in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (CertificateException e) {
        throw new IllegalStateException("bad resource " + TRUST + name, e);
      }
    }
  }
}
