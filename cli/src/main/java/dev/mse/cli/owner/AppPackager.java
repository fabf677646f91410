package dev.mse.cli.owner;

import dev.mse.attestation.codec.ByteString;
import dev.mse.cli.PrivateFiles;
import dev.mse.cli.UserError;
import dev.mse.protocol.config.MseToml;
import dev.mse.protocol.pkg.AppPackage;
import dev.mse.protocol.pkg.CodeArchive;
import dev.mse.protocol.pkg.CodeArchiveException;
import dev.mse.protocol.pkg.MseIgnore;
import dev.mse.protocol.pkg.PackageCipher;
import dev.mse.protocol.pkg.PackageKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * Encrypts a staged code directory into {@code package_<name>_<unix ns>.tar} with a fresh code key,
 * written beside it as {@code package_<name>_<unix ns>.key} (32 raw bytes, mode 0600) and kept in
 * the owner's context ({@link CodeKeys}).
 */
public final class AppPackager {
  /** The jar the runtime starts for a plain, Spring Boot or shaded jar: the build puts it there. */
  public static final String MAIN_JAR = "app.jar";

  /** What was written. */
  public record Result(
      Path packageFile, Path keyFile, ByteString packageSha256, ByteString codeSha256) {}

  private AppPackager() {}

  public static Result create(
      MseToml toml, AppBuilder.Staged staged, MseIgnore ignore, Path output) {
    Path code = staged.code();
    byte[] archive;
    try {
      archive = CodeArchive.create(code, ignore);
    } catch (CodeArchiveException e) {
      throw new UserError("cannot archive the code: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UserError("cannot read the code in " + code + ": " + e.getMessage(), e);
    }
    PackageKey key = PackageKey.generate();
    AppPackage pkg;
    try {
      pkg =
          AppPackage.create(
              toml.name(),
              staged.mainClass(),
              Optional.of(staged.mainJar()),
              toml.healthcheckEndpoint(),
              toml.tls(),
              archive,
              key,
              PackageCipher.newSalt());
    } finally {
      Arrays.fill(archive, (byte) 0);
    }
    Instant now = Instant.now();
    long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    String base = "package_" + toml.name().replaceAll("[^A-Za-z0-9._-]", "_") + "_" + nanos;
    PrivateFiles.directory(output);
    Path packageFile = output.resolve(base + ".tar");
    Path keyFile = output.resolve(base + ".key");
    try {
      Files.write(packageFile, pkg.toBytes());
    } catch (IOException e) {
      throw new UserError("cannot write " + packageFile + ": " + e.getMessage(), e);
    }
    PrivateFiles.write(keyFile, key.toByteArray());
    CodeKeys.remember(pkg.packageSha256(), key);
    return new Result(packageFile, keyFile, pkg.packageSha256(), pkg.manifest().codeSha256());
  }
}
