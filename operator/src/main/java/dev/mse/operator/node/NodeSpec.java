package dev.mse.operator.node;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * What a node provider needs to start the runtime of one app. The config bytes are the canonical
 * deployment config exactly as the owner sent them (the enclave hashes them into its claims); the
 * package file is the encrypted app package. Neither holds a secret.
 *
 * @param appId the app
 * @param deploymentConfig canonical JSON of the app's {@code DeploymentConfig}
 * @param packageFile the encrypted app package on the operator's disk
 * @param enclaveSizeMb the hardware offer's enclave size
 * @param cores the hardware offer's cores
 * @param expires when the node must stop
 * @param projectId the app's project (a label on what a provider makes for it); empty: unknown
 * @param hardware the hardware offer's name (a provider may place offers differently); empty:
 *     unknown
 */
public record NodeSpec(
    UUID appId,
    byte[] deploymentConfig,
    Path packageFile,
    int enclaveSizeMb,
    int cores,
    Instant expires,
    Optional<UUID> projectId,
    Optional<String> hardware) {
  public NodeSpec {
    deploymentConfig = deploymentConfig.clone();
  }

  /** A spec that names neither project nor offer. */
  public NodeSpec(
      UUID appId,
      byte[] deploymentConfig,
      Path packageFile,
      int enclaveSizeMb,
      int cores,
      Instant expires) {
    this(
        appId,
        deploymentConfig,
        packageFile,
        enclaveSizeMb,
        cores,
        expires,
        Optional.empty(),
        Optional.empty());
  }

  @Override
  public byte[] deploymentConfig() {
    return deploymentConfig.clone();
  }
}
