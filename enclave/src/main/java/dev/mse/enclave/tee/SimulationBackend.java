package dev.mse.enclave.tee;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.Collateral;
import dev.mse.attestation.sim.SimulatedEnclave;
import dev.mse.attestation.sim.SimulatedTee;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import javax.crypto.SecretKey;

/**
 * The simulated TEE, for machines without TEE hardware. Its quotes carry the runtime's measurement
 * as MRENCLAVE, so "is the right code running" is checked as on hardware, but they are signed under
 * the mse simulation root, which every verifier classifies as SIMULATED. Its sealing key is derived
 * from a host file (mode 0600) and the measurement: anyone with root on the host can read it, which
 * is why every status line of a simulated runtime says SIMULATED.
 */
public final class SimulationBackend implements TeeBackend {
  /** MRSIGNER of simulated runtimes: SHA-256 of "mse simulated runtime signer". */
  public static final ByteString MRSIGNER =
      ByteString.of("mse simulated runtime signer".getBytes(StandardCharsets.US_ASCII)).sha256();

  private final ByteString measurement;
  private final Path hostKeyFile;
  private final SimulatedTee tee;

  /**
   * @param measurement the runtime's measurement (32 bytes), reported as MRENCLAVE
   * @param hostKeyFile where the host's simulation sealing secret lives (created if absent)
   */
  public SimulationBackend(ByteString measurement, Path hostKeyFile, Clock clock) {
    if (measurement.size() != 32) {
      throw new IllegalArgumentException("a measurement is 32 bytes");
    }
    this.measurement = measurement;
    this.hostKeyFile = hostKeyFile;
    this.tee = SimulatedTee.create(clock);
  }

  @Override
  public String name() {
    return "simulation";
  }

  @Override
  public boolean simulated() {
    return true;
  }

  public ByteString measurement() {
    return measurement;
  }

  @Override
  public byte[] quote(ByteString reportData) {
    return tee.quote(new SimulatedEnclave(measurement, MRSIGNER, 1, 1, false), reportData);
  }

  @Override
  public Optional<SecretKey> sealingKey() throws TeeException {
    return Optional.of(SealingKeys.derive(hostSecret(), "simulation " + measurement.hex()));
  }

  @Override
  public Optional<Collateral> collateral() {
    return Optional.of(tee.collateral());
  }

  private byte[] hostSecret() throws TeeException {
    try {
      if (!Files.exists(hostKeyFile)) {
        Files.createDirectories(hostKeyFile.toAbsolutePath().getParent());
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        try {
          Files.createFile(
              hostKeyFile,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
          Files.write(hostKeyFile, secret);
        } catch (FileAlreadyExistsException raced) {
          // Another runtime made it first; use theirs.
        }
      }
      byte[] secret = Files.readAllBytes(hostKeyFile);
      if (secret.length != 32) {
        throw new TeeException(
            "the simulation key file " + hostKeyFile + " is damaged (" + secret.length + " bytes)");
      }
      return secret;
    } catch (IOException e) {
      throw new TeeException(
          "cannot use the simulation key file " + hostKeyFile + ": " + e.getMessage(), e);
    }
  }
}
