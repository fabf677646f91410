package dev.mse.protocol.provisioning;

import dev.mse.attestation.codec.ByteString;

/**
 * An X25519 public key, 32 raw bytes (RFC 7748): the owner's key named in the deployment config, or
 * the enclave's {@code hpke-pk} claim.
 *
 * @param bytes the 32-byte u-coordinate
 */
public record X25519PublicKey(ByteString bytes) {
  public static final int LENGTH = 32;

  public X25519PublicKey {
    if (bytes.size() != LENGTH) {
      throw new IllegalArgumentException(
          "an X25519 public key is " + LENGTH + " bytes, got " + bytes.size());
    }
  }

  public static X25519PublicKey of(byte[] bytes) {
    return new X25519PublicKey(ByteString.of(bytes));
  }

  public byte[] toByteArray() {
    return bytes.toByteArray();
  }
}
