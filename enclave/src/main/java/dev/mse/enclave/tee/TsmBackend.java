package dev.mse.enclave.tee;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.Collateral;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import javax.crypto.SecretKey;

/**
 * A confidential VM (Intel TDX, AMD SEV-SNP) through Linux configfs-tsm: a report entry under
 * {@code /sys/kernel/config/tsm/report}, whose {@code inblob} takes the 64 bytes of report data and
 * whose {@code outblob} gives the signed report. {@code generation} counts writes: if it moves
 * while we read, another process wrote in between, and the report is not ours.
 */
public final class TsmBackend implements TeeBackend {
  private static final Set<String> PROVIDERS = Set.of("tdx_guest", "sev_guest");
  private static final int ATTEMPTS = 3;

  private final Path entry;
  private final String provider;

  /**
   * @param reportRoot {@code /sys/kernel/config/tsm/report}, or a directory imitating it
   * @param entryName the report entry this runtime owns (made if absent)
   */
  public TsmBackend(Path reportRoot, String entryName) throws TeeException {
    this.entry = reportRoot.resolve(entryName);
    try {
      Files.createDirectories(entry);
    } catch (IOException e) {
      throw new TeeException(
          "cannot create the configfs-tsm report " + entry + ": " + e.getMessage(), e);
    }
    this.provider = readText("provider");
    if (!PROVIDERS.contains(provider)) {
      throw new TeeException(
          "unknown configfs-tsm provider '" + provider + "' (known: tdx_guest, sev_guest)");
    }
  }

  @Override
  public String name() {
    return "tsm";
  }

  /** {@code tdx_guest} or {@code sev_guest}. */
  public String provider() {
    return provider;
  }

  @Override
  public boolean simulated() {
    return false;
  }

  @Override
  public synchronized byte[] quote(ByteString reportData) throws TeeException {
    if (reportData.size() != 64) {
      throw new IllegalArgumentException("report data is 64 bytes");
    }
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        Files.write(entry.resolve("inblob"), reportData.toByteArray());
        long before = generation();
        byte[] report = Files.readAllBytes(entry.resolve("outblob"));
        if (generation() == before) {
          if (report.length == 0) {
            throw new TeeException("configfs-tsm returned an empty report");
          }
          return report;
        }
      } catch (IOException e) {
        throw new TeeException("cannot get a report from " + entry + ": " + e.getMessage(), e);
      }
    }
    throw new TeeException("another process keeps writing to " + entry + "; no consistent report");
  }

  /** Confidential VMs have no sealing key of their own: state is provisioned again on restart. */
  @Override
  public Optional<SecretKey> sealingKey() {
    return Optional.empty();
  }

  @Override
  public Optional<Collateral> collateral() {
    return Optional.empty();
  }

  private long generation() throws TeeException {
    String text = readText("generation");
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new TeeException("configfs-tsm generation is not a number: '" + text + "'", e);
    }
  }

  private String readText(String attribute) throws TeeException {
    try {
      return Files.readString(entry.resolve(attribute), StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw new TeeException(
          "cannot read configfs-tsm " + attribute + " of " + entry + ": " + e.getMessage(), e);
    }
  }
}
