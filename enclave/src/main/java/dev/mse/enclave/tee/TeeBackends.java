package dev.mse.enclave.tee;

import dev.mse.attestation.codec.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;

/** Chooses the TEE backend: the one asked for, or the hardware found, else simulation. */
public final class TeeBackends {
  public static final Path GRAMINE_ROOT = Path.of("/dev/attestation");

  /**
   * configfs-tsm's report directory; {@code -Dmse.tsm.root} names another (a stand-in served by a
   * simulated signer). Safe to let the host choose: a report is worth only what its signer's chain
   * up to AMD's (or Intel's) pinned root proves.
   */
  public static final Path TSM_ROOT =
      Path.of(System.getProperty("mse.tsm.root", "/sys/kernel/config/tsm/report"));

  private TeeBackends() {}

  /** What this machine offers: {@code gramine-sgx}, {@code tsm} or {@code simulation}. */
  public static String detect() {
    if (Files.exists(GRAMINE_ROOT.resolve("attestation_type"))) {
      return "gramine-sgx";
    }
    if (Files.isDirectory(TSM_ROOT)) {
      return "tsm";
    }
    return "simulation";
  }

  /**
   * Opens the backend {@code name} ({@code simulation}, {@code gramine-sgx}, {@code tsm}).
   *
   * @param measurement the runtime's measurement, used by the simulation only
   * @param simulationKey the simulation's host key file
   */
  public static TeeBackend open(
      String name, ByteString measurement, Path simulationKey, String tsmEntry)
      throws TeeException {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "simulation" -> new SimulationBackend(measurement, simulationKey, Clock.systemUTC());
      case "gramine-sgx" -> new GramineSgxBackend(GRAMINE_ROOT);
      case "tsm" -> new TsmBackend(TSM_ROOT, tsmEntry);
      default ->
          throw new TeeException("unknown TEE '" + name + "' (simulation, gramine-sgx or tsm)");
    };
  }
}
