package dev.mse.protocol.pkg;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.KDF;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.HKDFParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM over one segment, with Tink's streaming-AEAD nonce: a 7-byte prefix, the 4-byte
 * big-endian segment index and a last-segment flag byte. The segment key and the prefix come from
 * HKDF-SHA256(ikm = package key, salt = header salt, info = "mse package v1" ‖ associated data), so
 * one package key can encrypt many packages (each has a fresh salt) and the caller's associated
 * data is bound to every segment. The header is each segment's GCM associated data.
 */
final class SegmentCipher {
  static final int TAG_LENGTH = 16;
  static final int NONCE_PREFIX_LENGTH = 7;
  static final long MAX_SEGMENTS = 1L << 32;
  private static final byte[] INFO_LABEL = "mse package v1".getBytes(StandardCharsets.US_ASCII);

  private final SecretKey key;
  private final byte[] noncePrefix;
  private final byte[] header;
  private final Cipher cipher;

  private SegmentCipher(SecretKey key, byte[] noncePrefix, byte[] header) {
    this.key = key;
    this.noncePrefix = noncePrefix;
    this.header = header;
    try {
      this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is always present in the JDK", e);
    }
  }

  static SegmentCipher derive(PackageKey packageKey, PackageHeader header, byte[] associatedData) {
    byte[] info = new byte[INFO_LABEL.length + associatedData.length];
    System.arraycopy(INFO_LABEL, 0, info, 0, INFO_LABEL.length);
    System.arraycopy(associatedData, 0, info, INFO_LABEL.length, associatedData.length);
    byte[] ikm = packageKey.toByteArray();
    byte[] okm;
    try {
      KDF hkdf = KDF.getInstance("HKDF-SHA256");
      okm =
          hkdf.deriveData(
              HKDFParameterSpec.ofExtract()
                  .addIKM(ikm)
                  .addSalt(header.salt().toByteArray())
                  .thenExpand(info, PackageKey.LENGTH + NONCE_PREFIX_LENGTH));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HKDF-SHA256 is always present in the JDK", e);
    } finally {
      Arrays.fill(ikm, (byte) 0);
    }
    SecretKey key = new SecretKeySpec(okm, 0, PackageKey.LENGTH, "AES");
    byte[] prefix = Arrays.copyOfRange(okm, PackageKey.LENGTH, okm.length);
    Arrays.fill(okm, (byte) 0);
    return new SegmentCipher(key, prefix, header.encode());
  }

  byte[] header() {
    return header.clone();
  }

  byte[] seal(long index, boolean last, byte[] plaintext, int length) {
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key, nonce(index, last));
      cipher.updateAAD(header);
      return cipher.doFinal(plaintext, 0, length);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  byte[] open(long index, boolean last, byte[] ciphertext, int length)
      throws PackageIntegrityException {
    try {
      cipher.init(Cipher.DECRYPT_MODE, key, nonce(index, last));
      cipher.updateAAD(header);
      return cipher.doFinal(ciphertext, 0, length);
    } catch (AEADBadTagException e) {
      throw new PackageIntegrityException(
          "segment "
              + index
              + " does not authenticate: wrong key or associated data, or the package was altered,"
              + " reordered or truncated",
          e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM decryption failed", e);
    }
  }

  private GCMParameterSpec nonce(long index, boolean last) {
    if (index < 0 || index >= MAX_SEGMENTS) {
      throw new IllegalStateException("segment index out of range: " + index);
    }
    ByteBuffer nonce = ByteBuffer.allocate(NONCE_PREFIX_LENGTH + 5);
    nonce.put(noncePrefix).putInt((int) index).put((byte) (last ? 1 : 0));
    return new GCMParameterSpec(TAG_LENGTH * 8, nonce.array());
  }
}
