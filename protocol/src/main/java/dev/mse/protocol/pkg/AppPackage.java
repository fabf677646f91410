package dev.mse.protocol.pkg;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.ratls.AppTls;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The package file the owner produces ({@code package_<name>_<time>.tar}) and the node is given: a
 * deterministic tar (see {@link DeterministicTar}) of exactly two files, in this order,
 *
 * <ol>
 *   <li>{@value #MANIFEST_ENTRY}: the canonical {@link PackageManifest};
 *   <li>{@value #CODE_ENTRY}: the code archive encrypted with {@link PackageCipher}, with the
 *       manifest bytes as associated data.
 * </ol>
 *
 * A POSIX ustar file so that {@code tar tf} shows what is inside; readers accept nothing more than
 * these two plain entries ({@link PackageTarReader}: no pax or GNU headers, links or devices).
 * {@code package-sha256} is the SHA-256 of the whole file. {@link #read} only splits and checks the
 * format; decryption is a separate, explicit step ({@link #decryptCode}) that needs the key.
 */
public final class AppPackage {
  public static final String MANIFEST_ENTRY = "manifest.json";
  public static final String CODE_ENTRY = "code.enc";

  /** Largest package file read by default: 1 GiB. */
  public static final long DEFAULT_MAX_SIZE = 1L << 30;

  private final PackageManifest manifest;
  private final byte[] manifestBytes;
  private final byte[] encryptedCode;
  private final ByteString packageSha256;
  private final byte[] fileBytes;

  private AppPackage(PackageManifest manifest, byte[] encryptedCode, byte[] fileBytes) {
    this.manifest = manifest;
    this.manifestBytes = manifest.toCanonicalJson();
    this.encryptedCode = encryptedCode;
    this.fileBytes = fileBytes;
    this.packageSha256 = ByteString.of(fileBytes).sha256();
  }

  /**
   * Builds a package from a code archive with a fresh salt. {@code codeArchive} is the plaintext
   * archive ({@link CodeArchive}); the manifest's {@code code_sha256} is computed here.
   */
  public static AppPackage create(
      String name,
      String javaApplication,
      Optional<String> mainJar,
      String healthcheckEndpoint,
      byte[] codeArchive,
      PackageKey key) {
    return create(
        name,
        javaApplication,
        mainJar,
        healthcheckEndpoint,
        codeArchive,
        key,
        PackageCipher.newSalt());
  }

  /**
   * As {@link #create(String, String, Optional, String, byte[], PackageKey)} with a given salt:
   * reproducible.
   */
  public static AppPackage create(
      String name,
      String javaApplication,
      Optional<String> mainJar,
      String healthcheckEndpoint,
      byte[] codeArchive,
      PackageKey key,
      ByteString salt) {
    return create(
        name, javaApplication, mainJar, healthcheckEndpoint, AppTls.APP, codeArchive, key, salt);
  }

  /**
   * As {@link #create(String, String, Optional, String, byte[], PackageKey, ByteString)} for an app
   * whose TLS is terminated by {@code tls}.
   */
  public static AppPackage create(
      String name,
      String javaApplication,
      Optional<String> mainJar,
      String healthcheckEndpoint,
      AppTls tls,
      byte[] codeArchive,
      PackageKey key,
      ByteString salt) {
    PackageManifest manifest =
        new PackageManifest(
            name,
            javaApplication,
            mainJar,
            healthcheckEndpoint,
            CodeArchive.sha256(codeArchive),
            salt,
            tls);
    byte[] manifestBytes = manifest.toCanonicalJson();
    byte[] encrypted = PackageCipher.encrypt(codeArchive, key, manifestBytes, salt);
    ByteArrayOutputStream file = new ByteArrayOutputStream(encrypted.length + 4096);
    try (TarArchiveOutputStream tar = DeterministicTar.open(file)) {
      DeterministicTar.writeFile(tar, MANIFEST_ENTRY, manifestBytes);
      DeterministicTar.writeFile(tar, CODE_ENTRY, encrypted);
      tar.finish();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return new AppPackage(manifest, encrypted, file.toByteArray());
  }

  /** Splits a package file of at most {@link #DEFAULT_MAX_SIZE} bytes. */
  public static AppPackage read(byte[] file) throws AppPackageException {
    return read(file, DEFAULT_MAX_SIZE);
  }

  /**
   * Splits a package file: exactly {@value #MANIFEST_ENTRY} then {@value #CODE_ENTRY}, regular
   * files, a valid manifest, an encrypted-code header whose salt equals the manifest's. Does not
   * decrypt.
   */
  public static AppPackage read(byte[] file, long maxSize) throws AppPackageException {
    if (file.length > maxSize) {
      throw new AppPackageException(
          "the package is " + file.length + " bytes, more than the " + maxSize + " allowed");
    }
    try {
      PackageTarReader tar = new PackageTarReader(new ByteArrayInputStream(file));
      PackageManifest manifest = manifest(tar);
      long size = tar.nextFile(CODE_ENTRY, Math.min(maxSize, Integer.MAX_VALUE - 8));
      byte[] code = tar.read((int) size);
      checkSalt(manifest, code);
      tar.end();
      return new AppPackage(manifest, code, file.clone());
    } catch (IOException e) {
      throw new UncheckedIOException("reading memory cannot fail", e);
    }
  }

  /**
   * Checks a package file as a stream, without holding its encrypted code (the operator's check of
   * an upload): the layout and manifest {@link #read} accepts and the code header's salt. Each
   * header is checked before its entry is read, so memory stays within the manifest's 64 KiB
   * whatever the stream holds.
   *
   * @param maxCodeSize the largest encrypted code accepted
   * @return the manifest
   * @throws AppPackageException the stream is not a package file; the message names what is wrong
   *     and shows at most a short, escaped excerpt of the input
   * @throws IOException reading the stream failed
   */
  public static PackageManifest check(InputStream file, long maxCodeSize)
      throws AppPackageException, IOException {
    PackageTarReader tar = new PackageTarReader(file);
    PackageManifest manifest = manifest(tar);
    long size = tar.nextFile(CODE_ENTRY, maxCodeSize);
    checkSalt(manifest, tar.read((int) Math.min(size, PackageHeader.LENGTH)));
    tar.end();
    return manifest;
  }

  private static PackageManifest manifest(PackageTarReader tar)
      throws IOException, AppPackageException {
    long size = tar.nextFile(MANIFEST_ENTRY, PackageManifest.MAX_LENGTH);
    return PackageManifest.parse(tar.read((int) size));
  }

  private static void checkSalt(PackageManifest manifest, byte[] codeStart)
      throws AppPackageException {
    ByteString salt;
    try {
      salt = PackageCipher.salt(codeStart);
    } catch (PackageIntegrityException e) {
      throw new AppPackageException(
          "the encrypted code is not an mse package: " + e.getMessage(), e);
    }
    if (!salt.equals(manifest.salt())) {
      throw new AppPackageException("the manifest salt does not match the encrypted code's header");
    }
  }

  public PackageManifest manifest() {
    return manifest;
  }

  /** {@code package-sha256}: SHA-256 of the package file. */
  public ByteString packageSha256() {
    return packageSha256;
  }

  /** The package file. */
  public byte[] toBytes() {
    return fileBytes.clone();
  }

  /** The encrypted code, as stored. */
  public InputStream encryptedCode() {
    return new ByteArrayInputStream(encryptedCode);
  }

  /**
   * Decrypts the code archive and checks it against the manifest's {@code code_sha256}. Returns
   * nothing unless both the whole ciphertext authenticates and the digest matches.
   */
  public byte[] decryptCode(PackageKey key) throws PackageIntegrityException {
    byte[] archive = PackageCipher.decrypt(encryptedCode, key, manifestBytes);
    if (!CodeArchive.sha256(archive).equals(manifest.codeSha256())) {
      Arrays.fill(archive, (byte) 0);
      throw new PackageIntegrityException("the decrypted code does not match code_sha256");
    }
    return archive;
  }
}
