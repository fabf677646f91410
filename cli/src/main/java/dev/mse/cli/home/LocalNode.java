package dev.mse.cli.home;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.ratls.AttestationClaims;
import dev.mse.attestation.ratls.ClaimsFormatException;
import dev.mse.attestation.ratls.RaTlsCertificate;
import dev.mse.cli.UserError;
import dev.mse.cli.UserFiles;
import dev.mse.cli.runtime.RuntimeDistribution;
import dev.mse.protocol.deploy.DeploymentConfig;
import dev.mse.protocol.deploy.DeploymentConfigException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Operator-side work on a spawned app: its deployment config, waiting for its runtime to reach a
 * state, and fetching its evidence into {@code evidence.json} and {@code ratls.pem}.
 */
final class LocalNode {
  private static final SecureRandom RANDOM = new SecureRandom();
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
    NodeClient client = NodeClient.verifying(app, config(app));
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
      } catch (NodeClient.Unreachable e) {
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
    byte[] nonceBytes = new byte[32];
    RANDOM.nextBytes(nonceBytes);
    ByteString nonce = ByteString.of(nonceBytes);
    NodeClient.Reply reply;
    try {
      reply = NodeClient.verifying(app, config).evidence(nonce);
    } catch (NodeClient.Unreachable e) {
      throw new UserError(e.getMessage(), e);
    }
    if (reply.status() != 200) {
      throw new UserError(
          "the runtime refused to give evidence (HTTP " + reply.status() + "): " + reply.body());
    }
    JsonNode n = reply.json();
    String pem = n.path("certificate").asString("");
    X509Certificate certificate;
    AttestationClaims claims;
    ByteString claimBytes;
    try {
      certificate = X509Codec.certificate(pem.getBytes(StandardCharsets.US_ASCII));
      claimBytes = ByteString.of(Base64.getDecoder().decode(n.path("claims").asString("")));
      claims = AttestationClaims.decode(claimBytes.toByteArray());
    } catch (CertificateException | ClaimsFormatException | IllegalArgumentException e) {
      throw new UserError("the runtime's evidence cannot be read: " + e.getMessage(), e);
    }
    try {
      if (!Arrays.equals(certificate.getEncoded(), reply.peer().getEncoded())) {
        throw new UserError(
            "the runtime's evidence names another certificate than the one it serves");
      }
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new UserError("the runtime's certificate cannot be encoded", e);
    }
    if (!claims.nonce().equals(Optional.of(nonce))) {
      throw new UserError("the runtime's evidence does not carry the nonce this command sent");
    }
    if (!claims.pubkeyHash().equals(RaTlsCertificate.pubkeyHash(certificate.getPublicKey()))) {
      throw new UserError("the runtime's fresh claims name another TLS key than its certificate");
    }
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
            pem,
            claimBytes,
            ByteString.of(Base64.getDecoder().decode(n.path("quote").asString(""))),
            n.path("collateral").isString()
                ? Optional.of(n.path("collateral").asString())
                : Optional.empty(),
            new String(config.toCanonicalJson(), StandardCharsets.UTF_8),
            RuntimeDistribution.at(app.runtime(), "the app's record").measurement().hex());
    evidence.write(directory.resolve(app.evidenceFile().getFileName()));
    PrivateFiles.writePublic(
        directory.resolve(app.certificateFile().getFileName()),
        pem.getBytes(StandardCharsets.US_ASCII));
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
