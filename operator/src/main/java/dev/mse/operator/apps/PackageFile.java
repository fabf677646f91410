package dev.mse.operator.apps;

import dev.mse.attestation.codec.ByteString;
import dev.mse.operator.OperatorException;
import dev.mse.protocol.pkg.AppPackage;
import dev.mse.protocol.pkg.AppPackageException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Checks an uploaded package file on disk without holding it in memory: its SHA-256 and the shape
 * {@link AppPackage#read} accepts (manifest, then the encrypted code whose header salt is the
 * manifest's). The operator cannot decrypt it and does not try.
 */
final class PackageFile {
  private PackageFile() {}

  /** SHA-256 of the file, read once in a stream. */
  static ByteString sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return ByteString.of(digest.digest());
  }

  /**
   * Checks the package's structure; a wrong one is a 400 that says what is wrong, without more of
   * the upload than a short escaped excerpt. Reads headers before entries: a pax header or a long
   * name costs one 512-byte block, whatever size it claims.
   */
  static void checkStructure(Path file, long maxCodeSize) throws OperatorException, IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
      AppPackage.check(in, maxCodeSize);
    } catch (AppPackageException e) {
      throw invalid(e.getMessage());
    }
  }

  private static OperatorException invalid(String why) {
    return OperatorException.badRequest(
        "invalid_package", "The package is not an mse app package: " + why + ".");
  }
}
