package dev.mse.attestation.ratls;

import static dev.mse.attestation.ratls.RaTlsFixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.CollateralBundleReader;
import dev.mse.attestation.ratls.AttestationClaims.State;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

class RaTlsCertificateTest {
  private static final KeyPair KEY = RaTlsFixture.newKey();
  private static final X509Certificate CERT = RaTlsFixture.certificate(KEY, "app.example.com");

  @Test
  void isASelfSignedCaCertificateForTheDomainUntilTheAppExpires() throws Exception {
    assertThat(CERT.getVersion()).isEqualTo(3);
    assertThat(CERT.getSubjectX500Principal().getName()).isEqualTo("CN=app.example.com");
    assertThat(CERT.getIssuerX500Principal()).isEqualTo(CERT.getSubjectX500Principal());
    CERT.verify(KEY.getPublic());
    assertThat(CERT.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(CERT.getSubjectAlternativeNames()).containsExactly(List.of(2, "app.example.com"));
    assertThat(CERT.getBasicConstraints()).isEqualTo(Integer.MAX_VALUE);
    assertThat(CERT.getKeyUsage())
        .containsExactly(true, false, false, false, false, true, false, false, false);
    assertThat(CERT.getCriticalExtensionOIDs()).containsExactlyInAnyOrder("2.5.29.19", "2.5.29.15");
    assertThat(CERT.getNonCriticalExtensionOIDs())
        .contains(RaTlsOids.DICE_EVIDENCE, RaTlsOids.LEGACY_SGX_QUOTE, RaTlsOids.DICE_ENDORSEMENTS);
    assertThat(CERT.getNotBefore().toInstant()).isEqualTo(NOW.minus(RaTlsCertificate.BACKDATE));
    assertThat(CERT.getNotAfter().toInstant()).isEqualTo(RaTlsFixture.EXPIRES);
  }

  @Test
  void anIpAddressDomainBecomesAnIpAddressName() throws Exception {
    X509Certificate ip = RaTlsFixture.certificate(RaTlsFixture.newKey(), "127.0.0.1");
    assertThat(ip.getSubjectAlternativeNames()).containsExactly(List.of(7, "127.0.0.1"));
  }

  @Test
  void carriesTheQuoteTheClaimsAndTheCollateral() throws Exception {
    RaTlsEvidence evidence = RaTlsExtensions.read(CERT);
    AttestationClaims claims = AttestationClaims.decode(evidence.evidence().claims().toByteArray());
    assertThat(claims).isEqualTo(RaTlsFixture.claims(KEY, "app.example.com"));
    assertThat(evidence.legacyQuote()).contains(evidence.evidence().quote());
    assertThat(CollateralBundleReader.read(evidence.endorsements().orElseThrow()).collateral())
        .isNotNull();
  }

  @Test
  void theExtensionsUseTheExpectedObjectIdentifierBytes() throws Exception {
    String der = ByteString.of(CERT.getEncoded()).hex();
    // 1.2.840.113741.1337.6, the OID Cosmian's intel-sgx-ra reads
    assertThat(der).contains("06092a864886f84d8a3906");
    // 2.23.133.5.4.9 (evidence), then the OCTET STRING whose content starts with tag 60000
    assertThat(der).containsPattern("0606678105050409048[12]....d9ea6082");
    // 2.23.133.5.4.2 (endorsements), whose content is the bundle JSON
    assertThat(der).contains("0606678105050402");
  }

  @Test
  void servesAsATrustAnchorForAnyPkixClient() throws Exception {
    KeyStore anchors = KeyStore.getInstance("PKCS12");
    anchors.load(null, null);
    anchors.setCertificateEntry("app", CERT);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(anchors);
    X509TrustManager pkix = (X509TrustManager) tmf.getTrustManagers()[0];

    pkix.checkServerTrusted(new X509Certificate[] {CERT}, "ECDHE_ECDSA");
  }

  @Test
  void aSubjectGivenNamesTheCertificateAndItsIssuerWhileTheSanStaysTheDomain() throws Exception {
    AttestationClaims claims = RaTlsFixture.claims(KEY, "app.example.com");
    X509Certificate named =
        RaTlsCertificate.builder(KEY, claims, RaTlsFixture.quote(claims))
            .subject("CN=Example App,O=Example Org,C=FR")
            .build();
    assertThat(named.getSubjectX500Principal().getName())
        .isEqualTo("CN=Example App,O=Example Org,C=FR");
    assertThat(named.getIssuerX500Principal()).isEqualTo(named.getSubjectX500Principal());
    named.verify(KEY.getPublic());
    assertThat(named.getSubjectAlternativeNames()).containsExactly(List.of(2, "app.example.com"));
    assertThatThrownBy(
            () -> RaTlsCertificate.builder(KEY, claims, RaTlsFixture.quote(claims)).subject("x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesToCertifyInconsistentEvidence() {
    AttestationClaims claims = RaTlsFixture.claims(KEY, "app.example.com");
    KeyPair other = RaTlsFixture.newKey();
    assertThatThrownBy(
            () -> RaTlsCertificate.builder(other, claims, RaTlsFixture.quote(claims)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("another key");
    ByteString quoteOfOtherClaims = RaTlsFixture.quote(claims.withState(State.RUNNING));
    assertThatThrownBy(() -> RaTlsCertificate.builder(KEY, claims, quoteOfOtherClaims).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SHA-512");
    KeyPair p384 = RaTlsFixture.newKey("secp384r1");
    AttestationClaims p384Claims = RaTlsFixture.claims(p384, "app.example.com");
    assertThatThrownBy(
            () ->
                RaTlsCertificate.builder(p384, p384Claims, RaTlsFixture.quote(p384Claims)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("P-256");
    assertThatThrownBy(
            () ->
                RaTlsCertificate.builder(KEY, claims, RaTlsFixture.quote(claims))
                    .issuedAt(RaTlsFixture.EXPIRES.plusSeconds(120))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expired");
  }
}
