package dev.mse.cli.owner;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.collateral.CollateralSource;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.ratls.AttestationClaims;
import dev.mse.attestation.ratls.AttestationClaims.State;
import dev.mse.attestation.ratls.ClaimsFormatException;
import dev.mse.attestation.ratls.RaTlsAppraisal;
import dev.mse.attestation.ratls.RaTlsExtensions;
import dev.mse.attestation.ratls.RaTlsFormatException;
import dev.mse.attestation.ratls.RaTlsOptions;
import dev.mse.attestation.ratls.RaTlsReason;
import dev.mse.attestation.ratls.RaTlsVerifier;
import dev.mse.protocol.deploy.DeploymentConfig;
import dev.mse.protocol.deploy.DeploymentConfigException;
import dev.mse.protocol.pkg.AppPackage;
import dev.mse.protocol.pkg.PackageManifest;
import dev.mse.protocol.provisioning.X25519PublicKey;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The code provider's offline check of an operator's {@code evidence.json} against the package it
 * made: the RA-TLS certificate verifies under the policy (which, by default, expects the local
 * runtime's measurement as MRENCLAVE), and its claims name this package, the deployment config in
 * the evidence, that config's app id, and a {@code waiting} enclave (or a {@code running} one whose
 * code is this package's). The config itself must run this package as its manifest says, and name
 * this owner's key. Every failed check is listed.
 */
public final class EvidenceCheck {
  private EvidenceCheck() {}

  /** The outcome: accepted when {@link #reasons()} is empty. */
  public record Result(
      List<String> reasons,
      Optional<X509Certificate> certificate,
      Optional<AttestationClaims> claims,
      Optional<RaTlsAppraisal> appraisal) {
    public boolean accepted() {
      return reasons.isEmpty();
    }
  }

  public static Result check(
      EvidenceFile evidence,
      AppPackage pkg,
      AppraisalPolicy policy,
      Optional<X25519PublicKey> owner,
      Instant now) {
    return check(evidence, pkg, policy, owner, now, Optional.empty());
  }

  /**
   * As above; collateral comes from the certificate when it is valid at {@code now}, else from
   * {@code collateral} (a PCCS or Intel PCS).
   */
  public static Result check(
      EvidenceFile evidence,
      AppPackage pkg,
      AppraisalPolicy policy,
      Optional<X25519PublicKey> owner,
      Instant now,
      Optional<CollateralSource> collateral) {
    List<String> reasons = new ArrayList<>();
    X509Certificate certificate;
    try {
      certificate =
          X509Codec.certificate(evidence.certificatePem().getBytes(StandardCharsets.US_ASCII));
    } catch (CertificateException e) {
      reasons.add("the evidence's RA-TLS certificate cannot be read: " + e.getMessage());
      return new Result(reasons, Optional.empty(), Optional.empty(), Optional.empty());
    }
    byte[] configBytes = evidence.deploymentConfigBytes();
    ByteString configSha256 = ByteString.of(configBytes).sha256();
    UUID appId = evidence.inputArgs().appId();
    try {
      DeploymentConfig config = DeploymentConfig.parse(configBytes);
      appId = config.appId();
      checkConfig(config, evidence, pkg, owner, reasons);
    } catch (DeploymentConfigException e) {
      reasons.add("the evidence's deployment config is not valid: " + e.getMessage());
    }
    RaTlsOptions options =
        RaTlsOptions.none()
            .withAppId(appId)
            .withPackageSha256(pkg.packageSha256())
            .withConfigSha256(configSha256)
            .withStates(EnumSet.of(State.WAITING, State.RUNNING));
    if (stateOf(certificate).equals(Optional.of(State.RUNNING))) {
      options = options.withCodeSha256(pkg.manifest().codeSha256());
    }
    if (collateral.isPresent()) {
      options = options.withCollateralSource(collateral.get());
    }
    RaTlsAppraisal appraisal = RaTlsVerifier.standard().verify(certificate, policy, now, options);
    for (RaTlsReason r : appraisal.reasons()) {
      reasons.add(r.check().subject() + ": " + r.message());
    }
    return new Result(
        reasons, Optional.of(certificate), appraisal.claims(), Optional.of(appraisal));
  }

  private static void checkConfig(
      DeploymentConfig config,
      EvidenceFile evidence,
      AppPackage pkg,
      Optional<X25519PublicKey> owner,
      List<String> reasons) {
    PackageManifest m = pkg.manifest();
    if (!config.packageSha256().equals(pkg.packageSha256())) {
      reasons.add(
          "the deployment config names the package "
              + config.packageSha256()
              + ", not this one ("
              + pkg.packageSha256()
              + ")");
    }
    if (!config.javaApplication().equals(m.javaApplication())) {
      reasons.add(
          "the deployment config starts "
              + config.javaApplication()
              + ", the package says "
              + m.javaApplication());
    }
    if (!config.mainJar().equals(m.mainJar())) {
      reasons.add(
          "the deployment config's main jar "
              + config.mainJar().orElse("(none)")
              + " is not the package's "
              + m.mainJar().orElse("(none)"));
    }
    if (!config.healthcheckEndpoint().equals(m.healthcheckEndpoint())) {
      reasons.add(
          "the deployment config's healthcheck "
              + config.healthcheckEndpoint()
              + " is not the package's "
              + m.healthcheckEndpoint());
    }
    if (config.tls() != m.tls()) {
      reasons.add(
          "the deployment config has tls = "
              + config.tls().wireName()
              + ", the package says "
              + m.tls().wireName());
    }
    if (owner.isPresent() && !owner.get().bytes().equals(config.ownerPublicKey())) {
      reasons.add(
          "the deployment config names the owner key "
              + config.ownerPublicKey()
              + ", not yours ("
              + owner.get().bytes()
              + "): the enclave would refuse your provisioning");
    }
    if (!config.appId().equals(evidence.inputArgs().appId())) {
      reasons.add(
          "the evidence's input_args name the app "
              + evidence.inputArgs().appId()
              + " but its deployment config "
              + config.appId());
    }
  }

  private static Optional<State> stateOf(X509Certificate certificate) {
    try {
      return Optional.of(
          AttestationClaims.decode(
                  RaTlsExtensions.read(certificate).evidence().claims().toByteArray())
              .state());
    } catch (RaTlsFormatException | ClaimsFormatException e) {
      return Optional.empty();
    }
  }
}
