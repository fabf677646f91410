package dev.mse.attestation.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.ByteString;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * P-384 verification agrees with the JDK's provider on every signature, valid or not, before and
 * after a key is seen often enough to get its own comb ({@link FixedBaseComb}), so the faster path
 * accepts exactly what BouncyCastle's ECDSA and the JDK accept.
 */
class EcdsaP384Test {
  private static final BigInteger N =
      new BigInteger(
          "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973",
          16);
  private final SecureRandom random = new SecureRandom();
  private final SplittableRandom seeded = new SplittableRandom(384);

  @Test
  void agreesWithTheJdkOnValidAndTamperedSignaturesForNewAndOftenSeenKeys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp384r1"), random);
    for (int k = 0; k < 6; k++) {
      KeyPair keys = g.generateKeyPair();
      KeyPair other = g.generateKeyPair();
      // Enough uses of the key that the later ones run on its comb.
      for (int use = 0; use < 8; use++) {
        byte[] message = new byte[1 + seeded.nextInt(600)];
        seeded.nextBytes(message);
        byte[] rs = sign(keys, message);
        assertAgree(keys.getPublic(), message, rs, true);

        byte[] otherMessage = message.clone();
        otherMessage[seeded.nextInt(otherMessage.length)] ^= (byte) (1 + seeded.nextInt(255));
        assertAgree(keys.getPublic(), otherMessage, rs, false);

        byte[] flipped = rs.clone();
        flipped[seeded.nextInt(flipped.length)] ^= (byte) (1 << seeded.nextInt(8));
        assertAgree(keys.getPublic(), message, flipped, false);

        assertAgree(other.getPublic(), message, rs, false);

        // (r, n - s) is the same signature to ECDSA: both accept it, as before.
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(rs, 48, 96));
        assertAgree(keys.getPublic(), message, withS(rs, N.subtract(s)), true);
        // r or s out of [1, n-1] is refused.
        assertAgree(keys.getPublic(), message, withS(rs, BigInteger.ZERO), false);
        assertAgree(keys.getPublic(), message, withS(rs, N), false);
      }
    }
  }

  private void assertAgree(PublicKey key, byte[] message, byte[] rs, boolean expected)
      throws Exception {
    Signature jdk = Signature.getInstance("SHA384withECDSAinP1363Format");
    jdk.initVerify(key);
    jdk.update(message);
    boolean jdkSays;
    try {
      jdkSays = jdk.verify(rs);
    } catch (java.security.SignatureException e) {
      jdkSays = false;
    }
    assertThat(jdkSays).as("the JDK's verdict").isEqualTo(expected);
    assertThat(EcdsaP384.verifyRaw(key, message, ByteString.of(rs))).isEqualTo(expected);
  }

  private byte[] sign(KeyPair keys, byte[] message) throws Exception {
    Signature s = Signature.getInstance("SHA384withECDSAinP1363Format");
    s.initSign(keys.getPrivate(), random);
    s.update(message);
    return s.sign();
  }

  /** The signature with its s replaced by {@code s} (below 2^384), big-endian in 48 bytes. */
  private static byte[] withS(byte[] rs, BigInteger s) {
    byte[] value = s.toByteArray();
    int from = value.length > 48 ? value.length - 48 : 0;
    byte[] out = Arrays.copyOf(rs, 96);
    Arrays.fill(out, 48, 96, (byte) 0);
    System.arraycopy(value, from, out, 96 - (value.length - from), value.length - from);
    return out;
  }
}
