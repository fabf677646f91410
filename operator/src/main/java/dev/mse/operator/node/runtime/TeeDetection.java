package dev.mse.operator.node.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Which TEE this machine offers a runtime, when none is asked for. */
public final class TeeDetection {
  private TeeDetection() {}

  /** A confidential VM's configfs-tsm, else Gramine's SGX pseudo-files, else none. */
  public static Optional<String> detect() {
    if (Files.isDirectory(Path.of("/sys/kernel/config/tsm/report"))) {
      return Optional.of("tsm");
    }
    if (Files.exists(Path.of("/dev/attestation/attestation_type"))) {
      return Optional.of("gramine-sgx");
    }
    return Optional.empty();
  }
}
