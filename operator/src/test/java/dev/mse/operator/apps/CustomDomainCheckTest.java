package dev.mse.operator.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.operator.OperatorException;
import dev.mse.operator.testing.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CustomDomainCheckTest {
  private static final TestCa CA = new TestCa("CN=check test CA");
  private static final Instant NOW = Instant.now();

  @TempDir Path dir;

  private CustomDomainCheck trusting(TestCa ca) throws Exception {
    Path pem = Files.writeString(dir.resolve("cas.pem"), ca.certificatePem());
    return CustomDomainCheck.load(Optional.of(pem));
  }

  @Test
  void acceptsAChainFromATrustedCaThatNamesTheDomain() throws Exception {
    String chain = CA.issue("shop.example.com", NOW.plus(10, ChronoUnit.DAYS));
    trusting(CA).check("shop.example.com", chain, NOW);
    trusting(CA).check("SHOP.example.com", chain, NOW);
  }

  @Test
  void theJdkTrustStoreByDefaultDoesNotTrustATestCa() {
    String chain = CA.issue("shop.example.com", NOW.plus(10, ChronoUnit.DAYS));
    assertThatThrownBy(
            () -> CustomDomainCheck.load(Optional.empty()).check("shop.example.com", chain, NOW))
        .isInstanceOf(OperatorException.class)
        .hasMessageContaining("does not verify");
  }

  @Test
  void refusesAnExpiredCertificate() throws Exception {
    String chain = CA.issue("shop.example.com", NOW.plus(1, ChronoUnit.DAYS));
    CustomDomainCheck check = trusting(CA);
    assertThatThrownBy(() -> check.check("shop.example.com", chain, NOW.plus(2, ChronoUnit.DAYS)))
        .isInstanceOf(OperatorException.class)
        .hasMessageContaining("does not verify");
  }

  @Test
  void aWildcardCoversExactlyOneLabel() throws Exception {
    String chain = CA.issue("*.example.com", NOW.plus(10, ChronoUnit.DAYS));
    CustomDomainCheck check = trusting(CA);
    check.check("shop.example.com", chain, NOW);
    for (String notCovered :
        new String[] {"example.com", "a.shop.example.com", "shop.example.org"}) {
      assertThatThrownBy(() -> check.check(notCovered, chain, NOW))
          .as(notCovered)
          .isInstanceOf(OperatorException.class)
          .hasMessageContaining("subject alternative names");
    }
  }

  @Test
  void refusesGarbageWithoutEchoingIt() throws Exception {
    CustomDomainCheck check = trusting(CA);
    String longDomain = "a".repeat(60) + ".example.com";
    assertThatThrownBy(() -> check.check(longDomain, "not a certificate " + "x".repeat(5000), NOW))
        .isInstanceOf(OperatorException.class)
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300).doesNotContain("xxxx"));
  }
}
