package dev.mse.cli.home;

import dev.mse.attestation.codec.X509Codec;
import dev.mse.cli.LogTail;
import dev.mse.cli.PrivateFiles;
import dev.mse.cli.UserError;
import dev.mse.cli.UserFiles;
import dev.mse.cli.WaitProgress;
import dev.mse.cli.enclave.EnclaveClient;
import dev.mse.cli.enclave.FreshEvidence;
import dev.mse.cli.owner.EvidenceFile;
import dev.mse.cli.runtime.RuntimeDistribution;
import dev.mse.protocol.deploy.DeploymentConfig;
import dev.mse.protocol.deploy.DeploymentConfigException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Operator-side work on a spawned app: its deployment config, waiting for its runtime to reach a
 * state, and fetching its evidence into {@code evidence.json} and {@code ratls.pem}.
 */
final class LocalNode {
  private static final Duration POLL = Duration.ofMillis(200);

  private LocalNode() {}

  static DeploymentConfig config(HomeApp app) {
    try {
      return DeploymentConfig.parse(UserFiles.read(app.configFile(), "deployment config"));
    } catch (DeploymentConfigException e) {
      throw new UserError(app.configFile() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Polls the runtime's status until its state is one of {@code wanted}; fails with the reason when
   * it fails, and with the end of its log when its process ends.
   *
   * @param process the process when this command started it (its exit is then seen at once)
   */
  static JsonNode awaitState(
      HomeApp app, Optional<Process> process, Set<String> wanted, Duration timeout) {
    return awaitState(app, process, wanted, timeout, Optional.empty());
  }

  /**
   * As above, reporting state changes and the time waited every ten seconds to {@code progress}.
   */
  static JsonNode awaitState(
      HomeApp app,
      Optional<Process> process,
      Set<String> wanted,
      Duration timeout,
      Optional<WaitProgress> progress) {
    EnclaveClient client = NodeClient.verifying(app, config(app));
    Instant deadline = Instant.now().plus(timeout);
    String last = "not answering";
    while (Instant.now().isBefore(deadline)) {
      boolean alive =
          process.map(Process::isAlive).orElseGet(() -> RuntimeProcess.find(app).isPresent());
      if (!alive) {
        String exit =
            process.filter(p -> !p.isAlive()).map(p -> " (exit " + p.exitValue() + ")").orElse("");
        throw new UserError(
            "the runtime of '"
                + app.name()
                + "' stopped"
                + exit
                + "; the end of "
                + app.logFile()
                + ":\n"
                + LogTail.of(app.logFile(), 15));
      }
      try {
        JsonNode status = client.status().json();
        last = status.path("state").asString("unknown");
        String state = last;
        progress.ifPresent(p -> p.observe(state));
        if (wanted.contains(last)) {
          return status;
        }
        if (last.equals("failed")) {
          throw new UserError(
              "the runtime of '"
                  + app.name()
                  + "' failed: "
                  + status.path("failure").asString("no reason given"));
        }
      } catch (EnclaveClient.Unreachable e) {
        last = e.getMessage();
      }
      sleep(POLL);
    }
    throw new UserError(
        "the runtime of '"
            + app.name()
            + "' is not "
            + String.join(" or ", wanted)
            + " after "
            + timeout.toSeconds()
            + " s ("
            + last
            + ")");
  }

  /**
   * Fetches fresh evidence (with a random nonce) over verified TLS, checks that it describes the
   * certificate served on that connection, and writes {@code evidence.json} and {@code ratls.pem}
   * into {@code directory}.
   */
  static EvidenceFile collectEvidence(HomeApp app, java.nio.file.Path directory) {
    DeploymentConfig config = config(app);
    FreshEvidence fresh = FreshEvidence.fetch(NodeClient.verifying(app, config));
    EvidenceFile evidence =
        new EvidenceFile(
            new EvidenceFile.InputArgs(
                app.san(),
                app.expires().getEpochSecond(),
                app.sizeMb(),
                app.appId(),
                config.javaApplication(),
                app.host(),
                app.port(),
                app.tee()),
            fresh.certificatePem(),
            fresh.claimBytes(),
            fresh.quote(),
            fresh.collateral(),
            new String(config.toCanonicalJson(), StandardCharsets.UTF_8),
            RuntimeDistribution.at(app.runtime(), "the app's record").measurement().hex());
    evidence.write(directory.resolve(app.evidenceFile().getFileName()));
    PrivateFiles.writePublic(
        directory.resolve(app.certificateFile().getFileName()),
        fresh.certificatePem().getBytes(StandardCharsets.US_ASCII));
    return evidence;
  }

  /** The certificate in {@code ratls.pem} of the app's output directory. */
  static X509Certificate recordedCertificate(HomeApp app) {
    try {
      return X509Codec.certificate(UserFiles.read(app.certificateFile(), "certificate"));
    } catch (CertificateException e) {
      throw new UserError(app.certificateFile() + " is not a certificate: " + e.getMessage(), e);
    }
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted", e);
    }
  }
}
