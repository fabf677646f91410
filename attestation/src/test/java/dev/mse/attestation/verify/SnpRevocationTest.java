package dev.mse.attestation.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.policy.PolicyParser;
import dev.mse.attestation.testing.SnpVectors;
import dev.mse.attestation.testing.SnpVectors.Vector;
import dev.mse.attestation.trust.AmdRoots;
import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.cert.X509CRL;
import java.util.Date;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/**
 * AMD publishes no CRL in the test vectors, so a real revocation cannot be shown here; what can be
 * shown is that a CRL is only believed when AMD's ARK signed it, and that a CRL naming the ASK in
 * the ARK's name but signed by anyone else rejects rather than passes.
 */
class SnpRevocationTest {
  private final Vector vector = SnpVectors.all().get(1);

  private X509CRL forgedCrlRevokingTheAsk() throws Exception {
    var keys = KeyPairGenerator.getInstance("RSA");
    keys.initialize(2048);
    var pair = keys.generateKeyPair();
    var ark = AmdRoots.Product.MILAN.ark();
    var ask = AmdRoots.Product.MILAN.ask();
    Date now = Date.from(vector.at());
    var builder =
        new X509v2CRLBuilder(X500Name.getInstance(ark.getSubjectX500Principal().getEncoded()), now);
    builder.setNextUpdate(Date.from(vector.at().plusSeconds(86_400)));
    builder.addCRLEntry(ask.getSerialNumber(), now, 0);
    builder.addCRLEntry(BigInteger.ZERO, now, 0);
    return new JcaX509CRLConverter()
        .getCRL(
            builder.build(new JcaContentSignerBuilder("SHA384withRSA").build(pair.getPrivate())));
  }

  @Test
  void aCrlNotSignedByTheArkIsRefusedAndRevocationCountsAsChecked() throws Exception {
    Appraisal a =
        SnpVerifier.verify(
            vector.report(),
            new SnpEndorsements(vector.vek(), Optional.of(forgedCrlRevokingTheAsk())),
            PolicyParser.parse("[snp]\nrequire_crl = true\n"),
            vector.at(),
            Optional.empty());

    assertThat(a.reasons()).extracting(Reason::check).containsExactly(Check.VEK_REVOKED);
    assertThat(a.reasons().getFirst().message())
        .contains("not issued and signed by AMD's ARK-Milan");
    assertThat(a.measurements()).containsEntry("revocation", "checked");
  }

  @Test
  void withoutACrlTheResultSaysRevocationWasNotChecked() throws Exception {
    Appraisal a =
        SnpVerifier.verify(
            vector.report(),
            new SnpEndorsements(vector.vek(), Optional.empty()),
            PolicyParser.parse(""),
            vector.at(),
            Optional.empty());

    assertThat(a.accepted()).isTrue();
    assertThat(a.measurements()).containsEntry("revocation", "not checked");
  }
}
