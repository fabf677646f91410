package dev.mse.enclave.tee;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.Collateral;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.crypto.SecretKey;

/**
 * SGX through Gramine's pseudo-files under {@code /dev/attestation}: write the report data to
 * {@code user_report_data}, read the DCAP quote from {@code quote}; the sealing key comes from
 * {@code keys/_sgx_mrenclave}, so only the same enclave measurement can unseal.
 */
public final class GramineSgxBackend implements TeeBackend {
  private static final int MAX_QUOTE = 64 * 1024;

  private final Path root;

  /**
   * @param root {@code /dev/attestation}, or a directory that imitates it in tests
   */
  public GramineSgxBackend(Path root) throws TeeException {
    this.root = root;
    String type = read(root.resolve("attestation_type"), "attestation type").strip();
    if (!type.equals("dcap")) {
      throw new TeeException(
          "Gramine reports attestation type '"
              + type
              + "'; mse needs 'dcap' (sgx.remote_attestation = \"dcap\")");
    }
  }

  @Override
  public String name() {
    return "gramine-sgx";
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
    try {
      Files.write(root.resolve("user_report_data"), reportData.toByteArray());
      byte[] quote = Files.readAllBytes(root.resolve("quote"));
      if (quote.length == 0 || quote.length > MAX_QUOTE) {
        throw new TeeException("Gramine returned a quote of " + quote.length + " bytes");
      }
      return quote;
    } catch (IOException e) {
      throw new TeeException("cannot get a quote from " + root + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<SecretKey> sealingKey() throws TeeException {
    try {
      byte[] key = Files.readAllBytes(root.resolve("keys").resolve("_sgx_mrenclave"));
      if (key.length != 16) {
        throw new TeeException("the SGX sealing key has " + key.length + " bytes, expected 16");
      }
      return Optional.of(SealingKeys.derive(key, "gramine-sgx _sgx_mrenclave"));
    } catch (IOException e) {
      throw new TeeException("cannot read the SGX sealing key: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<Collateral> collateral() {
    return Optional.empty();
  }

  private static String read(Path file, String what) throws TeeException {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new TeeException(
          "cannot read the Gramine " + what + " at " + file + ": " + e.getMessage(), e);
    }
  }
}
