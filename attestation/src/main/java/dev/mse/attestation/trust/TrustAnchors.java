package dev.mse.attestation.trust;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.X509Codec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * The roots a quote's PCK chain may end at. The Intel SGX Root CA is pinned by the SHA-256 of its
 * DER encoding; the copy shipped in the jar is checked against that pin when loaded, and the root a
 * quote carries is only ever compared with it, never trusted for itself.
 *
 * <p>The mse simulation root is a second, separate anchor: chains that end there are classified as
 * {@link Anchor.Kind#SIMULATION}, so simulated evidence can be verified end to end but never passes
 * for hardware.
 */
public final class TrustAnchors {
  /** SHA-256 of the DER encoding of the Intel SGX Root CA certificate. */
  public static final ByteString INTEL_SGX_ROOT_CA_SHA256 =
      ByteString.fromHex("44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3");

  private static final String INTEL_ROOT_RESOURCE = "Intel_SGX_Root_CA.pem";
  private static final String SIMULATION_ROOT_RESOURCE = "mse_simulation_root_ca.pem";

  /** A trust anchor: its certificate and what a chain ending there means. */
  public record Anchor(Kind kind, X509Certificate certificate, ByteString sha256) {
    public enum Kind {
      INTEL,
      SIMULATION
    }
  }

  private final Anchor intel;
  private final Anchor simulation;

  private TrustAnchors(Anchor intel, Anchor simulation) {
    this.intel = intel;
    this.simulation = simulation;
  }

  private static final TrustAnchors STANDARD = loadStandard();

  /** The Intel SGX Root CA (pinned) and the mse simulation root. */
  public static TrustAnchors standard() {
    return STANDARD;
  }

  private static TrustAnchors loadStandard() {
    Anchor intel = anchor(Anchor.Kind.INTEL, load(INTEL_ROOT_RESOURCE));
    if (!intel.sha256().equals(INTEL_SGX_ROOT_CA_SHA256)) {
      throw new IllegalStateException(
          "the bundled Intel SGX Root CA does not match its pinned fingerprint");
    }
    return new TrustAnchors(intel, anchor(Anchor.Kind.SIMULATION, load(SIMULATION_ROOT_RESOURCE)));
  }

  public Anchor intel() {
    return intel;
  }

  public Anchor simulation() {
    return simulation;
  }

  /** The anchor whose certificate is byte-for-byte {@code candidate}, if any. */
  public Optional<Anchor> match(X509Certificate candidate) {
    ByteString digest;
    try {
      digest = ByteString.of(candidate.getEncoded()).sha256();
    } catch (CertificateEncodingException e) {
      return Optional.empty();
    }
    if (digest.equals(intel.sha256())) {
      return Optional.of(intel);
    }
    if (digest.equals(simulation.sha256())) {
      return Optional.of(simulation);
    }
    return Optional.empty();
  }

  private static Anchor anchor(Anchor.Kind kind, X509Certificate cert) {
    try {
      return new Anchor(kind, cert, ByteString.of(cert.getEncoded()).sha256());
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("cannot encode a bundled root certificate", e);
    }
  }

  private static X509Certificate load(String resource) {
    try (InputStream in = TrustAnchors.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing bundled root certificate " + resource);
      }
      return X509Codec.certificate(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (CertificateException e) {
      throw new IllegalStateException("unreadable bundled root certificate " + resource, e);
    }
  }
}
