package dev.mse.operator.apps;

import dev.mse.attestation.codec.ByteString;
import dev.mse.operator.OperatorException;
import dev.mse.protocol.pkg.AppPackage;
import dev.mse.protocol.pkg.AppPackageException;
import dev.mse.protocol.pkg.PackageCipher;
import dev.mse.protocol.pkg.PackageIntegrityException;
import dev.mse.protocol.pkg.PackageManifest;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Checks an uploaded package file on disk without holding it in memory: its SHA-256 and the shape
 * {@link AppPackage#read} accepts (manifest, then the encrypted code whose header salt is the
 * manifest's). The operator cannot decrypt it and does not try.
 */
final class PackageFile {
  /** "MSEP", a version byte and the salt: the encrypted code's header. */
  private static final int HEADER_LENGTH = 4 + 1 + PackageCipher.SALT_LENGTH;

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

  /** Checks the package's structure; a wrong one is a 400 that says what is wrong. */
  static void checkStructure(Path file) throws OperatorException, IOException {
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(
            new BufferedInputStream(Files.newInputStream(file), 64 * 1024), "UTF-8")) {
      TarArchiveEntry manifestEntry = next(tar, AppPackage.MANIFEST_ENTRY);
      if (manifestEntry.getSize() > PackageManifest.MAX_LENGTH) {
        throw invalid("its manifest is too large");
      }
      PackageManifest manifest =
          PackageManifest.parse(tar.readNBytes((int) manifestEntry.getSize()));
      TarArchiveEntry codeEntry = next(tar, AppPackage.CODE_ENTRY);
      if (codeEntry.getSize() < HEADER_LENGTH) {
        throw invalid("its encrypted code is too short");
      }
      ByteString salt = PackageCipher.salt(tar.readNBytes(HEADER_LENGTH));
      if (!salt.equals(manifest.salt())) {
        throw invalid("the manifest salt does not match the encrypted code's header");
      }
      if (tar.getNextEntry() != null) {
        throw invalid(
            "it holds more than " + AppPackage.MANIFEST_ENTRY + " and " + AppPackage.CODE_ENTRY);
      }
    } catch (AppPackageException | PackageIntegrityException e) {
      throw invalid(e.getMessage());
    } catch (IOException | RuntimeException e) {
      // commons-compress reports a malformed header as IOException or IllegalArgumentException
      throw invalid("it is not a valid tar file");
    }
  }

  private static TarArchiveEntry next(TarArchiveInputStream tar, String name)
      throws IOException, OperatorException {
    TarArchiveEntry entry = tar.getNextEntry();
    if (entry == null) {
      throw invalid("it has no " + name);
    }
    byte type = entry.getLinkFlag();
    boolean regular =
        (type == TarConstants.LF_NORMAL || type == TarConstants.LF_OLDNORM)
            && !entry.getName().endsWith("/");
    if (!regular || !entry.getName().equals(name) || entry.getSize() < 0) {
      throw invalid("expected the file " + name + ", found " + entry.getName());
    }
    return entry;
  }

  private static OperatorException invalid(String why) {
    return OperatorException.badRequest(
        "invalid_package", "The package is not an mse app package: " + why + ".");
  }
}
