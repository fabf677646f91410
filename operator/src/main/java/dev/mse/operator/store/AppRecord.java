package dev.mse.operator.store;

import dev.mse.attestation.ratls.SslOrigin;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * An app as stored. {@code deploymentConfig} holds exactly the bytes the owner sent (the enclave
 * hashes them), {@code packagePath} the encrypted package on the operator's disk.
 */
public record AppRecord(
    UUID id,
    String name,
    UUID projectId,
    String hardware,
    AppStatus status,
    SslOrigin sslOrigin,
    String domain,
    byte[] deploymentConfig,
    String packageSha256,
    Path packagePath,
    String javaApplication,
    String healthcheckEndpoint,
    Instant createdAt,
    Optional<Instant> readyAt,
    Optional<Instant> stoppedAt,
    Instant expiresAt,
    Optional<String> failure) {
  public AppRecord {
    deploymentConfig = deploymentConfig.clone();
  }

  @Override
  public byte[] deploymentConfig() {
    return deploymentConfig.clone();
  }

  @Override
  public String toString() {
    return "AppRecord[" + id + " " + name + " " + status.wireName() + "]";
  }
}
