package dev.mse.protocol.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mse.attestation.codec.ByteString;
import dev.mse.protocol.config.ConfigException;
import dev.mse.protocol.config.MseToml;
import dev.mse.protocol.deploy.DeploymentConfig;
import dev.mse.protocol.deploy.DeploymentConfigException;
import dev.mse.protocol.pkg.AppPackage;
import dev.mse.protocol.pkg.AppPackageException;
import dev.mse.protocol.pkg.ArchiveLimits;
import dev.mse.protocol.pkg.CodeArchiveException;
import dev.mse.protocol.pkg.CodeArchiveReader;
import dev.mse.protocol.pkg.PackageCipher;
import dev.mse.protocol.pkg.PackageIntegrityException;
import dev.mse.protocol.pkg.PackageKey;
import dev.mse.protocol.pkg.PackageManifest;
import dev.mse.protocol.provisioning.FileSeal;
import dev.mse.protocol.provisioning.ProvisioningException;
import dev.mse.protocol.provisioning.ProvisioningSeal;
import dev.mse.protocol.provisioning.X25519KeyPair;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Every reader of untrusted protocol bytes, fed arbitrary input: only the documented checked
 * exceptions may come out; anything else (a runtime exception, an error, a hang) is a finding.
 * Without {@code JAZZER_FUZZ} this replays the seeds and past findings in {@code
 * ProtocolFuzzTestInputs/<method>/}.
 *
 * <p>To fuzz one target (Jazzer fuzzes one method per run), from the repository root: {@code
 * JAZZER_FUZZ=1 JAZZER_MAX_DURATION=1m ./mvnw -pl protocol test
 * -Dtest='ProtocolFuzzTest#codeArchive'}. Keep a crash file in the inputs directory once fixed, as
 * a regression input.
 */
class ProtocolFuzzTest {
  private static final X25519KeyPair ENCLAVE =
      X25519KeyPair.fromPrivateKey(ByteString.fromHex("11".repeat(32)).toByteArray());
  private static final X25519KeyPair OWNER =
      X25519KeyPair.fromPrivateKey(ByteString.fromHex("22".repeat(32)).toByteArray());
  private static final UUID APP = UUID.fromString("d17a9cbd-e2ff-4f77-ba03-e9d8ea58ca2e");
  private static final ByteString CONFIG = ByteString.fromHex("ab".repeat(32));
  private static final ArchiveLimits LIMITS = new ArchiveLimits(1000, 1 << 20, 1024);

  /** A Gramine .sig file, as {@code mse runtime measurement --tee gramine-sgx} reads it. */
  @FuzzTest
  void sigstruct(byte[] data) {
    try {
      dev.mse.protocol.runtime.Sigstruct.parse(data);
    } catch (dev.mse.protocol.runtime.Sigstruct.SigstructException expected) {
      requireShort(expected);
    }
  }

  @FuzzTest
  void codeArchive(byte[] data) {
    try {
      CodeArchiveReader.read(data, LIMITS);
    } catch (CodeArchiveException expected) {
      // the documented outcome for malformed input
    }
  }

  /**
   * The package file read whole (enclave, CLI) and checked as a stream (operator upload): they
   * agree on what is a package, and a refusal's message stays short whatever the input holds.
   */
  @FuzzTest
  void appPackage(byte[] data) throws IOException {
    PackageManifest read = null;
    try {
      read = AppPackage.read(data, 1 << 20).manifest();
    } catch (AppPackageException expected) {
      requireShort(expected);
    }
    PackageManifest streamed = null;
    try {
      streamed = AppPackage.check(new ByteArrayInputStream(data), 1 << 20);
    } catch (AppPackageException expected) {
      requireShort(expected);
    }
    if (!java.util.Objects.equals(read, streamed)) {
      throw new IllegalStateException("read and check disagree: " + read + " / " + streamed);
    }
  }

  private static void requireShort(Exception refusal) {
    if (refusal.getMessage().length() > 400) {
      throw new IllegalStateException("a refusal of " + refusal.getMessage().length() + " chars");
    }
  }

  @FuzzTest
  void deploymentConfig(byte[] data) {
    try {
      DeploymentConfig config = DeploymentConfig.parse(data);
      if (!java.util.Arrays.equals(config.toCanonicalJson(), data)) {
        throw new IllegalStateException("accepted a non-canonical config");
      }
    } catch (DeploymentConfigException expected) {
      // the documented outcome for malformed input
    }
  }

  @FuzzTest
  void provisioningOpen(byte[] data) {
    try {
      // opens only for the seed sealed by OWNER; anything else must be refused
      ProvisioningSeal.open(data, ENCLAVE, OWNER.publicKey(), APP, CONFIG);
    } catch (ProvisioningException expected) {
      // the documented outcome for anything not sealed by OWNER
    }
  }

  @FuzzTest
  void fileSealOpen(byte[] data) {
    try {
      // 'mse home unseal': a sealed file from anyone but OWNER must be refused
      FileSeal.open(data, ENCLAVE, OWNER.publicKey());
    } catch (ProvisioningException expected) {
      // the documented outcome for anything not sealed by OWNER to ENCLAVE
    }
  }

  @FuzzTest
  void packageDecrypt(byte[] data) {
    try {
      PackageCipher.decrypt(data, PackageKey.of(new byte[32]), new byte[0]);
    } catch (PackageIntegrityException expected) {
      // the documented outcome for anything not encrypted under this key
    }
  }

  @FuzzTest
  void mseToml(String toml) {
    if (toml == null) {
      return; // Jazzer's way of saying "no input"
    }
    try {
      MseToml parsed = MseToml.parse(toml, Path.of("/srv/app"));
      MseToml again = MseToml.parse(parsed.toToml(), Path.of("/srv/app"));
      if (!again.equals(parsed)) {
        throw new IllegalStateException("toToml does not round-trip: " + parsed);
      }
    } catch (ConfigException expected) {
      // the documented outcome for malformed input
    }
  }
}
