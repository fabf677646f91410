package dev.mse.enclave.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.collateral.CollateralBundleReader;
import dev.mse.attestation.collateral.CollateralCache;
import dev.mse.attestation.collateral.PcsClient;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.ratls.RaTlsAppraisal;
import dev.mse.attestation.ratls.RaTlsExtensions;
import dev.mse.attestation.ratls.RaTlsOptions;
import dev.mse.attestation.ratls.RaTlsReason;
import dev.mse.attestation.ratls.RaTlsVerifier;
import dev.mse.attestation.sim.SimulatedPccs;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime gets the collateral of its own quotes from the PCCS of its config, as on hardware,
 * and embeds it in its RA-TLS certificate; a PCCS that is down is not fatal.
 */
class RuntimeCollateralTest {
  private static final AppraisalPolicy SIMULATION =
      AppraisalPolicy.defaults().withAllowSimulation(true);

  private static SimulatedPccs pccs() throws Exception {
    return SimulatedPccs.start(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        Clock.systemUTC(),
        SimulatedPccs.DEFAULT_VALIDITY);
  }

  private static RuntimeOptions withPccs(RuntimeOptions o, URI pccs) {
    return new RuntimeOptions(
        o.host(),
        o.port(),
        o.appPort(),
        o.stateDir(),
        o.secretsDir(),
        o.runtimeVersion(),
        o.provisioningTimeout(),
        o.healthTimeout(),
        Optional.of(pccs));
  }

  private static RaTlsAppraisal verify(X509Certificate certificate, RaTlsOptions options) {
    return RaTlsVerifier.standard().verify(certificate, SIMULATION, Instant.now(), options);
  }

  @Test
  void theCertificateCarriesWhatThePccsServesSoItsRevocationShows(@TempDir Path work)
      throws Exception {
    RuntimeFixture f = new RuntimeFixture(work);
    X509Certificate certificate;
    try (SimulatedPccs pccs = pccs()) {
      pccs.revokePck();
      try (EnclaveRuntime runtime =
          EnclaveRuntime.start(
              withPccs(f.options(work), pccs.url()),
              RuntimeFixture.simulation(work),
              f.config,
              f.appPackage)) {
        certificate = runtime.attested().chain().getFirst();
        assertThat(pccs.served()).as("the runtime asked the PCCS").isEqualTo(4);
      }
    }
    var bundle =
        CollateralBundleReader.read(RaTlsExtensions.read(certificate).endorsements().orElseThrow());
    assertThat(bundle.source().orElseThrow()).startsWith("http://127.0.0.1:");

    RaTlsAppraisal a = verify(certificate, RaTlsOptions.none());
    assertThat(a.accepted()).isFalse();
    assertThat(a.reasons())
        .extracting(RaTlsReason::message)
        .anySatisfy(m -> assertThat(m).containsIgnoringCase("revoked"));
  }

  @Test
  void aPccsThatIsDownIsNotFatalAndVerifiersFetchTheirOwn(@TempDir Path work) throws Exception {
    RuntimeFixture f = new RuntimeFixture(work);
    URI down;
    try (SimulatedPccs gone = pccs()) {
      down = gone.url();
    }
    X509Certificate certificate;
    try (EnclaveRuntime runtime =
        EnclaveRuntime.start(
            withPccs(f.options(work), down),
            RuntimeFixture.simulation(work),
            f.config,
            f.appPackage)) {
      certificate = runtime.attested().chain().getFirst();
      assertThat(runtime.status().state())
          .isEqualTo(dev.mse.attestation.ratls.AttestationClaims.State.WAITING);
    }
    assertThat(RaTlsExtensions.read(certificate).endorsements()).isEmpty();
    assertThat(verify(certificate, RaTlsOptions.none()).reasons())
        .extracting(RaTlsReason::message)
        .anySatisfy(m -> assertThat(m).startsWith("no collateral"));

    try (SimulatedPccs pccs = pccs();
        PcsClient client =
            PcsClient.builder(
                    new CollateralCache(work.resolve("verifier-cache"), Clock.systemUTC()))
                .baseUrl(pccs.url())
                .build()) {
      RaTlsAppraisal a =
          verify(certificate, RaTlsOptions.none().withCollateralSource(client::fetchFor));
      assertThat(a.reasons()).isEmpty();
      assertThat(pccs.served()).isEqualTo(4);
    }
  }
}
