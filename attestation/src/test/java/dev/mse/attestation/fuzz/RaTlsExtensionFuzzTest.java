package dev.mse.attestation.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.ratls.DiceEvidence;
import dev.mse.attestation.ratls.RaTlsExtensions;
import dev.mse.attestation.ratls.RaTlsFormatException;
import dev.mse.attestation.ratls.RaTlsOids;
import dev.mse.attestation.ratls.RaTlsOptions;
import dev.mse.attestation.ratls.RaTlsVerifier;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Feeds hostile input to everything that reads an RA-TLS certificate: random DER as a certificate,
 * random values of the DICE evidence extension, and well-signed certificates whose RA-TLS
 * extensions hold random bytes (so the fuzzer reaches the extension parsers behind a valid
 * signature). Only the typed exceptions may come out, and the verifier must not throw at all.
 *
 * <p>Fuzz one method at a time, e.g. {@code JAZZER_FUZZ=1 JAZZER_MAX_DURATION=1m ./mvnw -pl
 * attestation test -Dtest='RaTlsExtensionFuzzTest#certificate'}.
 */
class RaTlsExtensionFuzzTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final KeyPair KEY = key();
  private static final RaTlsVerifier VERIFIER = RaTlsVerifier.standard();
  private static final AppraisalPolicy POLICY =
      AppraisalPolicy.defaults().withAllowSimulation(true);

  @FuzzTest
  void certificate(byte[] der) {
    X509Certificate certificate;
    try {
      certificate = X509Codec.certificate(der);
    } catch (CertificateException rejected) {
      return;
    }
    read(certificate);
    VERIFIER.verify(certificate, POLICY, NOW, RaTlsOptions.none());
  }

  @FuzzTest
  void evidenceValue(byte[] value) {
    try {
      DiceEvidence.decode(value);
    } catch (RaTlsFormatException rejected) {
      // the documented outcome
    }
  }

  @FuzzTest
  void extensionValues(byte[] data) {
    // two bytes of evidence length (big-endian), the evidence value, then the endorsements value
    int length = data.length < 2 ? 0 : ((data[0] & 0xff) << 8) | (data[1] & 0xff);
    int start = Math.min(2, data.length);
    int split = Math.min(start + length, data.length);
    byte[] evidence = Arrays.copyOfRange(data, start, split);
    byte[] endorsements = Arrays.copyOfRange(data, split, data.length);
    X509Certificate certificate = signed(evidence, endorsements);
    read(certificate);
    VERIFIER.verify(certificate, POLICY, NOW, RaTlsOptions.none());
  }

  private static void read(X509Certificate certificate) {
    try {
      RaTlsExtensions.read(certificate);
    } catch (RaTlsFormatException rejected) {
      // the documented outcome
    }
  }

  private static X509Certificate signed(byte[] evidence, byte[] endorsements) {
    try {
      X500Name name = new X500Name("CN=fuzz.example");
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              name,
              BigInteger.ONE,
              Date.from(NOW.minusSeconds(60)),
              Date.from(NOW.plusSeconds(3600)),
              name,
              KEY.getPublic());
      b.addExtension(new ASN1ObjectIdentifier(RaTlsOids.DICE_EVIDENCE), false, evidence);
      b.addExtension(new ASN1ObjectIdentifier(RaTlsOids.DICE_ENDORSEMENTS), false, endorsements);
      return new JcaX509CertificateConverter()
          .getCertificate(
              b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(KEY.getPrivate())));
    } catch (Exception e) {
      throw new IllegalStateException("cannot build the fuzzing certificate", e);
    }
  }

  private static KeyPair key() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
