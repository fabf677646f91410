package dev.mse.operator.node;

import java.nio.file.Path;
import java.time.Instant;
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
 */
public record NodeSpec(
    UUID appId,
    byte[] deploymentConfig,
    Path packageFile,
    int enclaveSizeMb,
    int cores,
    Instant expires) {
  public NodeSpec {
    deploymentConfig = deploymentConfig.clone();
  }

  @Override
  public byte[] deploymentConfig() {
    return deploymentConfig.clone();
  }
}
