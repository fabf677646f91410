package dev.mse.protocol.provisioning;

import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;

/**
 * An X25519 key pair for HPKE: the owner's (sender, kept in the owner's context) or the enclave's
 * (recipient, made inside the TEE and sealed there). The private key never appears in {@link
 * #toString()}.
 */
public final class X25519KeyPair {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] privateKey;
  private final X25519PublicKey publicKey;

  private X25519KeyPair(byte[] privateKey) {
    this.privateKey = privateKey;
    byte[] pub = new X25519PrivateKeyParameters(privateKey, 0).generatePublicKey().getEncoded();
    this.publicKey = X25519PublicKey.of(pub);
  }

  public static X25519KeyPair generate() {
    byte[] key = new byte[32];
    RANDOM.nextBytes(key);
    return new X25519KeyPair(key);
  }

  /** The pair of a 32-byte private key (as kept in the owner's context or sealed state). */
  public static X25519KeyPair fromPrivateKey(byte[] privateKey) {
    if (privateKey.length != 32) {
      throw new IllegalArgumentException("an X25519 private key is 32 bytes");
    }
    return new X25519KeyPair(privateKey.clone());
  }

  public X25519PublicKey publicKey() {
    return publicKey;
  }

  public byte[] privateKey() {
    return privateKey.clone();
  }

  @Override
  public String toString() {
    return "X25519KeyPair[public=" + publicKey.bytes().hex() + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof X25519KeyPair other
        && java.security.MessageDigest.isEqual(privateKey, other.privateKey);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(publicKey.toByteArray());
  }
}
