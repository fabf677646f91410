package dev.mse.protocol.pkg;

import dev.mse.attestation.codec.ByteString;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.SecureRandom;

/**
 * Streaming authenticated encryption of an app package (DESIGN §5), built like Tink's AES-GCM-HKDF
 * streaming AEAD from JDK primitives.
 *
 * <pre>
 * package   = header ‖ segment_0 ‖ … ‖ segment_n
 * header    = "MSEP" ‖ 0x01 ‖ salt (32 bytes)                        37 bytes
 * segment_i = AES-256-GCM(segment key, nonce_i, aad = header, plaintext_i) ‖ tag (16)
 * nonce_i   = prefix (7) ‖ i (4, big-endian) ‖ (0x01 if last else 0x00)
 * segment key ‖ prefix = HKDF-SHA256(ikm = package key, salt, info = "mse package v1" ‖ ad, 39)
 * </pre>
 *
 * <p>Every plaintext segment is {@value #SEGMENT_SIZE} bytes except the last, which holds 1 to
 * {@value #SEGMENT_SIZE} bytes (0 only for an empty plaintext). The index in the nonce detects
 * reordered and swapped segments, the last flag detects truncation at a segment boundary, the
 * header as associated data detects a changed salt or version.
 *
 * <p>Encryption is deterministic given the salt: {@link #encrypt(byte[], PackageKey, byte[],
 * ByteString)} with the salt of an existing package reproduces it byte for byte, so an auditor with
 * the plaintext archive and the key can recompute {@code package-sha256}.
 *
 * <p>Streaming guarantee: {@link #decrypt(InputStream, PackageKey, byte[])} returns only
 * authenticated plaintext, segment by segment, and reports the end of the stream only after the
 * last segment has authenticated as last. A reader that stops early, or sees a {@link
 * PackageIntegrityException}, has read a prefix that may belong to a truncated or forged package
 * and must discard it; the byte-array methods return nothing unless the whole package
 * authenticates.
 */
public final class PackageCipher {
  /** Plaintext bytes per segment: 1 MiB. */
  public static final int SEGMENT_SIZE = 1 << 20;

  /** Salt length in bytes. */
  public static final int SALT_LENGTH = PackageHeader.SALT_LENGTH;

  private static final SecureRandom RANDOM = new SecureRandom();

  private PackageCipher() {}

  /** A fresh random salt. */
  public static ByteString newSalt() {
    byte[] salt = new byte[SALT_LENGTH];
    RANDOM.nextBytes(salt);
    return ByteString.of(salt);
  }

  /** Encrypts what is written to the returned stream, with a fresh salt, into {@code out}. */
  public static OutputStream encrypt(OutputStream out, PackageKey key, byte[] associatedData)
      throws IOException {
    return encrypt(out, key, associatedData, newSalt());
  }

  /**
   * Encrypts with the given 32-byte salt (reproducible output). Closing the returned stream writes
   * the last segment and closes {@code out}.
   */
  public static OutputStream encrypt(
      OutputStream out, PackageKey key, byte[] associatedData, ByteString salt) throws IOException {
    return new EncryptingOutputStream(
        out, SegmentCipher.derive(key, new PackageHeader(salt), associatedData.clone()));
  }

  /** A stream of the authenticated plaintext of {@code in}; see the class comment. */
  public static InputStream decrypt(InputStream in, PackageKey key, byte[] associatedData) {
    return new DecryptingInputStream(in, key, associatedData);
  }

  public static byte[] encrypt(byte[] plaintext, PackageKey key, byte[] associatedData) {
    return encrypt(plaintext, key, associatedData, newSalt());
  }

  public static byte[] encrypt(
      byte[] plaintext, PackageKey key, byte[] associatedData, ByteString salt) {
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(
            PackageHeader.LENGTH + plaintext.length + 16 * (plaintext.length / SEGMENT_SIZE + 1));
    try (OutputStream enc = encrypt(out, key, associatedData, salt)) {
      enc.write(plaintext);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return out.toByteArray();
  }

  /**
   * The whole plaintext, or an exception: nothing is returned unless every segment authenticates.
   */
  public static byte[] decrypt(byte[] ciphertext, PackageKey key, byte[] associatedData)
      throws PackageIntegrityException {
    try (InputStream in = decrypt(new ByteArrayInputStream(ciphertext), key, associatedData)) {
      return in.readAllBytes();
    } catch (PackageIntegrityException e) {
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException("reading from memory cannot fail", e);
    }
  }

  /** The salt in the header of {@code ciphertext}, read without decrypting. */
  public static ByteString salt(byte[] ciphertext) throws PackageIntegrityException {
    return PackageHeader.decode(ciphertext).salt();
  }
}
