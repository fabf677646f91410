package dev.mse.cli.quote;

import dev.mse.attestation.collateral.CollateralSource;
import java.io.PrintWriter;
import java.net.URI;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --pccs URL} for commands that verify an enclave: where to fetch collateral when the
 * enclave's evidence carries none that is valid now (default Intel PCS), cached on disk.
 */
public final class PccsOption {
  @Option(
      names = "--pccs",
      paramLabel = "URL",
      defaultValue = "${env:MSE_PCCS_URL}",
      description =
          "PCCS or Intel PCS (v4 API) to fetch collateral from when the enclave's is missing or out"
              + " of date (default: $MSE_PCCS_URL, else Intel PCS), cached on disk")
  URI pccs;

  public Optional<URI> url() {
    return Optional.ofNullable(pccs);
  }

  /** {@code $MSE_PCCS_URL}, for what has no {@code --pccs} of its own (the runtimes it spawns). */
  public static Optional<URI> fromEnvironment() {
    String value = System.getenv("MSE_PCCS_URL");
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(URI.create(value));
  }

  public CollateralSource source(PrintWriter err) {
    return CollateralOptions.source(url(), err);
  }
}
