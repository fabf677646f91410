package dev.mse.operator.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.ratls.SslOrigin;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The verify command an app's page shows is the one {@code mse cloud deploy} prints. */
class VerifyAdviceTest {
  private static final String CODE = "ab".repeat(32);
  private static final String DOMAIN = "1b4e28ba-2fa1-11d2-883f-0016d3cca427.mse.localhost";
  private static final String ENCLAVE =
      "1b4e28ba-2fa1-11d2-883f-0016d3cca427.enclave.mse.localhost";

  @Test
  void zeroTrustAppsGetTheExactCommandWithThePortWhenItIsNot443() {
    VerifyAdvice a =
        VerifyAdvice.of(true, SslOrigin.SELF, DOMAIN, ENCLAVE, 8443, Optional.of(CODE), false);
    assertThat(a.command()).contains("mse cloud verify " + DOMAIN + ":8443 --fingerprint " + CODE);
    assertThat(
            VerifyAdvice.of(true, SslOrigin.SELF, DOMAIN, ENCLAVE, 443, Optional.of(CODE), false)
                .command())
        .contains("mse cloud verify " + DOMAIN + " --fingerprint " + CODE);
  }

  @Test
  void aSimulatedTeeMustBeAcceptedOnPurpose() {
    VerifyAdvice a =
        VerifyAdvice.of(true, SslOrigin.SELF, DOMAIN, ENCLAVE, 443, Optional.of(CODE), true);
    assertThat(a.command().orElseThrow()).endsWith(" --allow-simulation");
    assertThat(a.note()).contains("simulated TEE");
  }

  @Test
  void aCustomDomainNamesTheEnclave() {
    VerifyAdvice a =
        VerifyAdvice.of(
            true, SslOrigin.OWNER, "app.example.com", ENCLAVE, 443, Optional.of(CODE), false);
    assertThat(a.command())
        .contains(
            "mse cloud verify app.example.com --fingerprint " + CODE + " --enclave " + ENCLAVE);
  }

  @Test
  void aStoppedAppHasNothingToVerify() {
    VerifyAdvice a =
        VerifyAdvice.of(false, SslOrigin.SELF, DOMAIN, ENCLAVE, 443, Optional.of(CODE), false);
    assertThat(a.command()).isEmpty();
    assertThat(a.note()).contains("no longer runs");
  }

  @Test
  void noCommandBeforeProvisioningNorWhenTlsEndsAtTheOperator() {
    assertThat(
            VerifyAdvice.of(true, SslOrigin.SELF, DOMAIN, ENCLAVE, 443, Optional.empty(), false)
                .command())
        .isEmpty();
    VerifyAdvice operator =
        VerifyAdvice.of(true, SslOrigin.OPERATOR, DOMAIN, ENCLAVE, 443, Optional.of(CODE), false);
    assertThat(operator.command()).isEmpty();
    assertThat(operator.note()).contains("--untrusted-ssl");
  }
}
