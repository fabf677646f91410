package dev.mse.protocol.pkg;

import dev.mse.attestation.codec.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The 37-byte header of an encrypted package: {@code "MSEP"}, version {@code 0x01}, 32-byte salt.
 * It is the associated data of every segment, so a changed header fails every segment.
 */
record PackageHeader(ByteString salt) {
  static final byte[] MAGIC = "MSEP".getBytes(StandardCharsets.US_ASCII);
  static final byte VERSION = 1;
  static final int SALT_LENGTH = 32;
  static final int LENGTH = MAGIC.length + 1 + SALT_LENGTH;

  PackageHeader {
    if (salt.size() != SALT_LENGTH) {
      throw new IllegalArgumentException(
          "the salt is " + SALT_LENGTH + " bytes, got " + salt.size());
    }
  }

  byte[] encode() {
    byte[] out = new byte[LENGTH];
    System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
    out[MAGIC.length] = VERSION;
    System.arraycopy(salt.toByteArray(), 0, out, MAGIC.length + 1, SALT_LENGTH);
    return out;
  }

  static PackageHeader decode(byte[] header) throws PackageIntegrityException {
    if (header.length < LENGTH) {
      throw new PackageIntegrityException("too short to be an encrypted mse package");
    }
    if (!Arrays.equals(header, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new PackageIntegrityException("not an encrypted mse package (no MSEP header)");
    }
    if (header[MAGIC.length] != VERSION) {
      throw new PackageIntegrityException(
          "unsupported encrypted package version " + (header[MAGIC.length] & 0xff));
    }
    return new PackageHeader(ByteString.copyOf(header, MAGIC.length + 1, SALT_LENGTH));
  }
}
