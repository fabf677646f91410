package dev.mse.attestation.ratls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.CborWriter;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.ratls.GramineRaTlsVerifier.Binding;
import dev.mse.attestation.ratls.GramineRaTlsVerifier.Result;
import dev.mse.attestation.verify.QuoteVerifier;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/**
 * RA-TLS interoperability with Gramine, both ways, on the simulated TEE.
 *
 * <p>Gramine's certificates are built here the way {@code tools/sgx/ra-tls/ra_tls_attest.c} builds
 * them (Gramine master, read for this test): an ECDSA P-384 key, self-signed with ECDSA-SHA256,
 * subject and issuer {@code CN=RATLS,O=GramineDevelopers,C=US}, serial 1, validity 2001-01-01 to
 * 2030-12-31, basicConstraints CA=false, subject and authority key identifiers; the legacy quote
 * extension written with the OID bytes {@code 06 09 2a 86 48 86 f8 4d 8a 39 06} handed to mbedTLS
 * as if they were the OID's content (so the certificate carries OID 0.6.9.42.840.113741.1337.6),
 * its quote's report data SHA-256 of the DER public key then zeros; and, since Gramine 1.8, the TCG
 * DICE evidence {@code 60000([quote2, claims])} with claims {@code {"pubkey-hash": bstr([1,
 * sha256(spki)])}} and quote2's report data SHA-256 of the claims then zeros.
 *
 * <p>The other way, {@link GramineRaTlsVerifier} applies Gramine's own rules ({@code
 * ra_tls_verify_common.c}): run on an mse certificate it shows what a Gramine or CCC verifier does
 * with one, documented in docs/ratls.md.
 */
class GramineRaTlsInteropTest {
  private static final Instant AT = RaTlsFixture.NOW;
  private static final GramineRaTlsVerifier VERIFIER =
      new GramineRaTlsVerifier(QuoteVerifier.full());
  private static final AppraisalPolicy SIMULATION = RaTlsFixture.simulationAllowed();
  private static final ASN1ObjectIdentifier GRAMINE_LEGACY_OID =
      new ASN1ObjectIdentifier(GramineRaTlsVerifier.GRAMINE_MALFORMED_LEGACY_OID);

  private static byte[] sha256(byte[] data) {
    return ByteString.of(data).sha256().toByteArray();
  }

  private static ByteString paddedReportData(byte[] first32) {
    return ByteString.of(Arrays.copyOf(first32, 64));
  }

  private static byte[] quoteBinding(byte[] first32) {
    return RaTlsFixture.TEE.quote(RaTlsFixture.ENCLAVE, paddedReportData(first32));
  }

  /** Gramine's claims: {"pubkey-hash": bstr(CBOR [1, sha256(spki)])}. */
  private static byte[] gramineClaims(KeyPair key) {
    byte[] hashEntry =
        new CborWriter()
            .array(2)
            .unsigned(1)
            .bytes(sha256(key.getPublic().getEncoded()))
            .toByteArray();
    return new CborWriter().map(1).text("pubkey-hash").bytes(hashEntry).toByteArray();
  }

  private static byte[] evidence(byte[] quote, byte[] claims) {
    return new CborWriter().tag(60000).array(2).bytes(quote).bytes(claims).toByteArray();
  }

  private static X509Certificate gramineCertificate(
      KeyPair key, ASN1ObjectIdentifier legacyOid, byte[] legacyQuote, byte[] diceEvidence)
      throws Exception {
    X500Name name = new X500Name("CN=RATLS,O=GramineDevelopers,C=US");
    var utils = new JcaX509ExtensionUtils();
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
                name,
                BigInteger.ONE,
                Date.from(Instant.parse("2001-01-01T00:00:00Z")),
                Date.from(Instant.parse("2030-12-31T23:59:59Z")),
                name,
                key.getPublic())
            .addExtension(Extension.basicConstraints, false, new BasicConstraints(false))
            .addExtension(
                Extension.subjectKeyIdentifier,
                false,
                utils.createSubjectKeyIdentifier(key.getPublic()))
            .addExtension(
                Extension.authorityKeyIdentifier,
                false,
                utils.createAuthorityKeyIdentifier(key.getPublic()));
    if (legacyQuote != null) {
      builder.addExtension(legacyOid, false, legacyQuote);
    }
    if (diceEvidence != null) {
      builder.addExtension(new ASN1ObjectIdentifier(RaTlsOids.DICE_EVIDENCE), false, diceEvidence);
    }
    return new JcaX509CertificateConverter()
        .getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
  }

  private static KeyPair p384() {
    return RaTlsFixture.newKey("secp384r1");
  }

  @Test
  void gramineWritesTheLegacyOidWithItsOwnTagAndLength() throws Exception {
    // What Gramine's mbedTLS call puts in the certificate is this OID's encoding.
    assertThat(HexFormat.of().formatHex(GRAMINE_LEGACY_OID.getEncoded()))
        .isEqualTo("060b" + "06092a864886f84d8a3906");
  }

  @Test
  void acceptsAGramineLegacyCertificate() throws Exception {
    KeyPair key = p384();
    byte[] quote = quoteBinding(sha256(key.getPublic().getEncoded()));
    X509Certificate cert = gramineCertificate(key, GRAMINE_LEGACY_OID, quote, null);

    Result r = VERIFIER.verify(cert, RaTlsFixture.TEE.collateral(), SIMULATION, AT);

    assertThat(r.reasons()).isEmpty();
    assertThat(r.accepted()).isTrue();
    assertThat(r.binding()).contains(Binding.LEGACY_QUOTE);
  }

  @Test
  void acceptsTheLegacyQuoteUnderTheCorrectlyEncodedOidToo() throws Exception {
    KeyPair key = p384();
    byte[] quote = quoteBinding(sha256(key.getPublic().getEncoded()));
    X509Certificate cert =
        gramineCertificate(key, new ASN1ObjectIdentifier(RaTlsOids.LEGACY_SGX_QUOTE), quote, null);

    assertThat(VERIFIER.verify(cert, RaTlsFixture.TEE.collateral(), SIMULATION, AT).reasons())
        .isEmpty();
  }

  @Test
  void acceptsAGramine18CertificateByItsDiceEvidence() throws Exception {
    KeyPair key = p384();
    byte[] claims = gramineClaims(key);
    X509Certificate cert =
        gramineCertificate(
            key,
            GRAMINE_LEGACY_OID,
            quoteBinding(sha256(key.getPublic().getEncoded())),
            evidence(quoteBinding(sha256(claims)), claims));

    Result r = VERIFIER.verify(cert, RaTlsFixture.TEE.collateral(), SIMULATION, AT);

    assertThat(r.reasons()).isEmpty();
    assertThat(r.accepted()).isTrue();
    assertThat(r.binding()).contains(Binding.DICE_EVIDENCE);
  }

  @Test
  void refusesALegacyQuoteMadeForAnotherKey() throws Exception {
    KeyPair key = p384();
    byte[] otherKeysQuote = quoteBinding(sha256(p384().getPublic().getEncoded()));
    X509Certificate cert = gramineCertificate(key, GRAMINE_LEGACY_OID, otherKeysQuote, null);

    assertThat(VERIFIER.verify(cert, RaTlsFixture.TEE.collateral(), SIMULATION, AT).reasons())
        .extracting(RaTlsReason::check)
        .containsExactly(RaTlsCheck.REPORT_DATA_BINDING);
  }

  @Test
  void refusesReportDataWhoseSecondHalfIsNotZero() throws Exception {
    KeyPair key = p384();
    byte[] data = Arrays.copyOf(sha256(key.getPublic().getEncoded()), 64);
    data[63] = 1;
    byte[] quote = RaTlsFixture.TEE.quote(RaTlsFixture.ENCLAVE, ByteString.of(data));
    X509Certificate cert = gramineCertificate(key, GRAMINE_LEGACY_OID, quote, null);

    assertThat(VERIFIER.verify(cert, RaTlsFixture.TEE.collateral(), SIMULATION, AT).reasons())
        .extracting(RaTlsReason::check)
        .containsExactly(RaTlsCheck.REPORT_DATA_BINDING);
  }

  @Test
  void refusesDiceClaimsThatNameAnotherKey() throws Exception {
    KeyPair key = p384();
    byte[] claims = gramineClaims(p384());
    X509Certificate cert =
        gramineCertificate(
            key, GRAMINE_LEGACY_OID, null, evidence(quoteBinding(sha256(claims)), claims));

    assertThat(VERIFIER.verify(cert, RaTlsFixture.TEE.collateral(), SIMULATION, AT).reasons())
        .extracting(RaTlsReason::check)
        .containsExactly(RaTlsCheck.PUBKEY_BINDING);
  }

  @Test
  void simulatedQuotesAreRefusedUnlessThePolicyAllowsThem() throws Exception {
    KeyPair key = p384();
    X509Certificate cert =
        gramineCertificate(
            key, GRAMINE_LEGACY_OID, quoteBinding(sha256(key.getPublic().getEncoded())), null);

    assertThat(
            VERIFIER
                .verify(cert, RaTlsFixture.TEE.collateral(), AppraisalPolicy.defaults(), AT)
                .reasons())
        .extracting(RaTlsReason::check)
        .containsOnly(RaTlsCheck.QUOTE);
  }

  /**
   * What a Gramine (or CCC) verifier does with an mse certificate: it finds the DICE evidence and
   * reads it (tag 60000, two byte strings, a claims map with pubkey-hash), then refuses it twice:
   * mse's pubkey-hash is the raw 32-byte hash, not a CBOR hash-entry, and mse's report data is
   * SHA-512 of the claims, not SHA-256 of them then zeros. Gramine does not fall back to the legacy
   * quote once the DICE extension is found, so the legacy copy does not help.
   */
  @Test
  void aGramineVerifierRefusesAnMseCertificateAtTheBinding() {
    KeyPair key = RaTlsFixture.newKey();
    X509Certificate mse = RaTlsFixture.certificate(key, "app.example.com");

    Result r = VERIFIER.verify(mse, RaTlsFixture.TEE.collateral(), SIMULATION, AT);

    assertThat(r.binding()).contains(Binding.DICE_EVIDENCE);
    assertThat(r.reasons())
        .extracting(RaTlsReason::check)
        .containsExactlyInAnyOrder(RaTlsCheck.CLAIMS_FORMAT, RaTlsCheck.REPORT_DATA_BINDING);
    // The quote itself verifies: only the binding differs.
    assertThat(r.quote()).hasValueSatisfying(a -> assertThat(a.reasons()).isEmpty());
  }
}
