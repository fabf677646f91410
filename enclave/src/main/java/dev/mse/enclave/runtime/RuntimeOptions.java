package dev.mse.enclave.runtime;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How a runtime is run.
 *
 * @param host the address both ports are bound to
 * @param port the enclave port: the runtime's own TLS (evidence, provisioning, status; 0: any)
 * @param appPort the app port, where the app serves its TLS ({@code PORT}, {@code MSE_APP_PORT})
 * @param stateDir where the sealed state lives (an encrypted mount under Gramine)
 * @param secretsDir where the secrets files are written for the app: a tmpfs ({@code /dev/shm}
 *     outside a TEE), so they never reach persistent storage in plaintext
 * @param pccs the PCCS (or Intel PCS) the runtime gets its own quotes' collateral from
 */
public record RuntimeOptions(
    String host,
    int port,
    int appPort,
    Path stateDir,
    Path secretsDir,
    String runtimeVersion,
    Duration provisioningTimeout,
    Duration healthTimeout,
    Optional<URI> pccs) {

  public static final Duration DEFAULT_PROVISIONING_TIMEOUT = Duration.ofDays(1);
  public static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofMinutes(2);

  /** {@code MSE_SECRETS_PATH}: the plain secrets of the provisioning message. */
  public Path secretsFile() {
    return secretsDir.resolve("secrets.json");
  }

  /** {@code MSE_SEALED_SECRETS_PATH}: the secrets sealed by the owner to this enclave. */
  public Path sealedSecretsFile() {
    return secretsDir.resolve("sealed_secrets.json");
  }
}
