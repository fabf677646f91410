package dev.mse.protocol.pkg;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The 256-bit key that encrypts one app package. A type of its own rather than a {@code byte[]} so
 * that it cannot be confused with a salt or a digest, is never printed ({@link #toString()} is
 * redacted) and compares in constant time. The owner keeps it in the local context and sends it
 * only inside a provisioning message sealed to a verified enclave.
 */
public final class PackageKey {
  /** Key length in bytes. */
  public static final int LENGTH = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] bytes;

  private PackageKey(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A fresh random key. */
  public static PackageKey generate() {
    byte[] key = new byte[LENGTH];
    RANDOM.nextBytes(key);
    return new PackageKey(key);
  }

  /** Copies {@code key}, which must be {@value #LENGTH} bytes. */
  public static PackageKey of(byte[] key) {
    if (key.length != LENGTH) {
      throw new IllegalArgumentException(
          "a package key is " + LENGTH + " bytes, got " + key.length);
    }
    return new PackageKey(key.clone());
  }

  /** Parses 64 hex digits (the form kept in the owner's context). */
  public static PackageKey fromHex(String hex) {
    return of(HexFormat.of().parseHex(hex));
  }

  public byte[] toByteArray() {
    return bytes.clone();
  }

  public String toHex() {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PackageKey other && MessageDigest.isEqual(bytes, other.bytes);
  }

  /** Constant: a hash derived from the key would leak bits of it into hash tables and logs. */
  @Override
  public int hashCode() {
    return 0x5eed;
  }

  @Override
  public String toString() {
    return "PackageKey[redacted]";
  }
}
