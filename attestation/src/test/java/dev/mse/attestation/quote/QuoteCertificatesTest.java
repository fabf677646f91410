package dev.mse.attestation.quote;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.testing.TestVectors;
import java.io.ByteArrayOutputStream;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

class QuoteCertificatesTest {

  static List<DcapVector> vectors() {
    return DcapVector.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void readsTheLeafIntermediateAndRootOfEveryRealQuote(DcapVector v) throws Exception {
    List<X509Certificate> chain = QuoteCertificates.pckChain(v.quote());
    X509Certificate root =
        X509Codec.certificate(TestVectors.bytes("roots/intel/Intel_SGX_Root_CA.der"));

    assertThat(chain).hasSize(3);
    assertThat(chain.get(0).getSubjectX500Principal().getName())
        .contains("CN=Intel SGX PCK Certificate");
    assertThat(chain.get(2)).isEqualTo(root);
    JsonNode pck = v.expected().get("pck");
    if (pck != null) {
      assertThat(chain.get(0).getIssuerX500Principal().getName())
          .contains("CN=" + pck.get("issuer").asString());
      assertThat(chain.get(0).getNotBefore().toInstant())
          .isEqualTo(Instant.parse(pck.get("leaf_validity").get(0).asString()));
      assertThat(chain.get(0).getNotAfter().toInstant())
          .isEqualTo(Instant.parse(pck.get("leaf_validity").get(1).asString()));
    }
    JsonNode leaf = v.expected().get("pck_leaf");
    if (leaf != null) {
      assertThat(chain.get(0).getSubjectX500Principal())
          .isEqualTo(new X500Principal(leaf.get("subject").asString()));
      assertThat(chain.get(0).getIssuerX500Principal())
          .isEqualTo(new X500Principal(leaf.get("issuer").asString()));
      assertThat(chain.get(0).getSerialNumber().toString(16))
          .isEqualTo(leaf.get("serial").asString());
      assertThat(chain.get(0).getNotAfter().toInstant())
          .isEqualTo(Instant.parse(leaf.get("not_after").asString()));
    }
  }

  @Test
  void matchesTheLeafCertificatePublishedBesideTheMobilecoinQuote() throws Exception {
    assertThat(leafOf("sgx/mobilecoin/hw_quote.dat"))
        .isEqualTo(X509Codec.certificate(TestVectors.bytes("sgx/mobilecoin/leaf_cert.der")));
  }

  @Test
  void acceptsPemChainsEndingInNulsAndWhitespace() throws Exception {
    byte[] pem = pemOf(leafOf("sgx/mobilecoin/hw_quote.dat"));
    ByteArrayOutputStream padded = new ByteArrayOutputStream();
    padded.write(pem);
    padded.write(new byte[] {0, '\n', ' ', '\r', '\t', 0, 0});

    List<X509Certificate> chain =
        QuoteCertificates.pckChain(new CertificationData(5, ByteString.of(padded.toByteArray())));

    assertThat(chain).hasSize(1);
  }

  @Test
  void rejectsCertificationDataOfOtherTypes() {
    assertThatThrownBy(
            () -> QuoteCertificates.pckChain(new CertificationData(4, ByteString.of(new byte[8]))))
        .isInstanceOf(QuoteFormatException.class)
        .hasMessageContaining("type 4");
  }

  @Test
  void rejectsEmptyOrGarbledChains() {
    for (String data :
        List.of("", "\0\0\n", "not a certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n")) {
      assertThatThrownBy(
              () ->
                  QuoteCertificates.pckChain(
                      new CertificationData(5, ByteString.of(data.getBytes(US_ASCII)))))
          .as(data)
          .isInstanceOf(QuoteFormatException.class);
    }
  }

  private static X509Certificate leafOf(String file) throws Exception {
    return QuoteCertificates.pckChain(QuoteParser.parse(TestVectors.bytes(file))).getFirst();
  }

  private static byte[] pemOf(X509Certificate certificate) throws Exception {
    String body =
        Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded());
    return ("-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n")
        .getBytes(US_ASCII);
  }
}
