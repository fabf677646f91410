package dev.mse.cli.home;

import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.ratls.RaTlsCertificate;
import dev.mse.attestation.ratls.RaTlsOptions;
import dev.mse.attestation.ratls.RaTlsSslContexts;
import dev.mse.attestation.ratls.RaTlsTrustManager;
import dev.mse.cli.enclave.EnclaveClient;
import dev.mse.cli.quote.CollateralOptions;
import dev.mse.cli.quote.PccsOption;
import dev.mse.protocol.deploy.DeploymentConfig;
import java.io.PrintWriter;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * HTTPS to a local runtime, on its enclave port (status, evidence, provisioning). TLS is always
 * verified: the runtime's RA-TLS certificate must carry the app id, package and deployment config
 * this machine started it with (simulated evidence accepted only for a simulated app), and, when
 * pinned, be exactly the given certificate. Collateral the certificate lacks, or holds out of date,
 * comes from the app's PCCS ({@code --pccs}), else {@code $MSE_PCCS_URL}, else Intel PCS. MSE's
 * home commands turned verification off here.
 */
final class NodeClient {
  private NodeClient() {}

  /** Trusts the runtime whose evidence matches {@code app} and {@code config}. */
  static EnclaveClient verifying(HomeApp app, DeploymentConfig config) {
    return client(app, trust(app, config).build());
  }

  /** As {@link #verifying}, and only the certificate {@code pinned}. */
  static EnclaveClient pinned(HomeApp app, DeploymentConfig config, X509Certificate pinned) {
    return client(app, trust(app, config).pin(RaTlsCertificate.fingerprint(pinned)).build());
  }

  private static EnclaveClient client(HomeApp app, RaTlsTrustManager trust) {
    return new EnclaveClient(
        "the runtime of '" + app.name() + "'",
        app.connectHost(),
        app.enclavePort(),
        Optional.empty(),
        RaTlsSslContexts.client(trust));
  }

  private static RaTlsTrustManager.Builder trust(HomeApp app, DeploymentConfig config) {
    return RaTlsTrustManager.builder(
            AppraisalPolicy.defaults().withAllowSimulation(app.simulated()))
        .options(
            RaTlsOptions.none()
                .withAppId(app.appId())
                .withPackageSha256(app.packageSha256())
                .withConfigSha256(config.sha256())
                .withCollateralSource(
                    CollateralOptions.source(
                        app.pccs().or(PccsOption::fromEnvironment),
                        new PrintWriter(System.err, true))))
        .serverName(app.san());
  }
}
