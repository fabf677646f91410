package dev.mse.protocol.runtime;

import dev.mse.attestation.codec.ByteString;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;

/**
 * An SGX SIGSTRUCT (the {@code .sig} file {@code gramine-sgx-sign} writes): 1808 bytes at the
 * offsets of Intel's SDM (vol. 3D, "Enclave Signature Structure"): header at 0, modulus at 128,
 * exponent at 512, signature at 516, MISCSELECT at 900, attributes at 928, ENCLAVEHASH (MRENCLAVE)
 * at 960, ISVPRODID at 1024, ISVSVN at 1026, Q1 at 1040, Q2 at 1424. The RSA-3072 numbers are
 * little-endian; the signature (exponent 3, PKCS#1 v1.5, SHA-256) covers bytes [0, 128) and [900,
 * 1028). MRSIGNER is the SHA-256 of the little-endian modulus. {@link #parse} checks the headers,
 * the exponent, the signature and Q1/Q2 (what EINIT checks), so a .sig that parses is one the CPU
 * would take.
 */
public record Sigstruct(
    ByteString mrEnclave, ByteString mrSigner, int isvProdId, int isvSvn, RSAPublicKey signer) {
  public static final int SIZE = 1808;
  private static final byte[] HEADER = hex("06000000E10000000000010000000000");
  private static final byte[] HEADER2 = hex("01010000600000006000000001000000");
  private static final int KEY_BYTES = 384;

  /** Thrown for a file that is not a valid SIGSTRUCT; the message says what is wrong. */
  public static final class SigstructException extends Exception {
    public SigstructException(String message) {
      super(message);
    }
  }

  public static Sigstruct parse(byte[] data) throws SigstructException {
    if (data.length != SIZE) {
      throw new SigstructException(
          "a SIGSTRUCT is " + SIZE + " bytes, this file is " + data.length);
    }
    if (!Arrays.equals(data, 0, 16, HEADER, 0, 16)
        || !Arrays.equals(data, 24, 40, HEADER2, 0, 16)) {
      throw new SigstructException("the SIGSTRUCT headers are not SGX's");
    }
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    if (b.getInt(512) != 3) {
      throw new SigstructException(
          "the signer key's exponent is "
              + Integer.toUnsignedString(b.getInt(512))
              + ", SGX's is 3");
    }
    BigInteger modulus = littleEndian(data, 128);
    BigInteger signature = littleEndian(data, 516);
    if (modulus.bitLength() != 3072) {
      throw new SigstructException("the signer key is not RSA-3072");
    }
    RSAPublicKey key = publicKey(modulus);
    byte[] signed = new byte[128 + 128];
    System.arraycopy(data, 0, signed, 0, 128);
    System.arraycopy(data, 900, signed, 128, 128);
    if (!verifies(key, signed, bigEndian(signature))) {
      throw new SigstructException("the SIGSTRUCT's signature does not verify under its key");
    }
    BigInteger q1 = signature.multiply(signature).divide(modulus);
    BigInteger q2 =
        signature.pow(3).subtract(q1.multiply(signature).multiply(modulus)).divide(modulus);
    if (!q1.equals(littleEndian(data, 1040)) || !q2.equals(littleEndian(data, 1424))) {
      throw new SigstructException("the SIGSTRUCT's Q1 or Q2 is wrong: EINIT would refuse it");
    }
    return new Sigstruct(
        ByteString.copyOf(data, 960, 32),
        mrSignerOf(key),
        Short.toUnsignedInt(b.getShort(1024)),
        Short.toUnsignedInt(b.getShort(1026)),
        key);
  }

  /** MRSIGNER: the SHA-256 of the key's modulus as 384 little-endian bytes. */
  public static ByteString mrSignerOf(RSAPublicKey key) {
    try {
      byte[] be = bigEndian(key.getModulus());
      byte[] le = new byte[KEY_BYTES];
      for (int i = 0; i < KEY_BYTES; i++) {
        le[i] = be[KEY_BYTES - 1 - i];
      }
      return ByteString.of(MessageDigest.getInstance("SHA-256").digest(le));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean verifies(PublicKey key, byte[] data, byte[] signature) {
    try {
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initVerify(key);
      s.update(data);
      return s.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static RSAPublicKey publicKey(BigInteger modulus) throws SigstructException {
    try {
      return (RSAPublicKey)
          KeyFactory.getInstance("RSA")
              .generatePublic(new RSAPublicKeySpec(modulus, BigInteger.valueOf(3)));
    } catch (GeneralSecurityException e) {
      throw new SigstructException("the signer key is not an RSA key: " + e.getMessage());
    }
  }

  /** A 384-byte little-endian unsigned number at {@code offset}. */
  static BigInteger littleEndian(byte[] data, int offset) {
    byte[] be = new byte[KEY_BYTES];
    for (int i = 0; i < KEY_BYTES; i++) {
      be[i] = data[offset + KEY_BYTES - 1 - i];
    }
    return new BigInteger(1, be);
  }

  /** {@code v} as 384 big-endian bytes. */
  static byte[] bigEndian(BigInteger v) {
    byte[] raw = v.toByteArray();
    byte[] out = new byte[KEY_BYTES];
    int n = Math.min(raw.length, KEY_BYTES);
    System.arraycopy(raw, raw.length - n, out, KEY_BYTES - n, n);
    return out;
  }

  private static byte[] hex(String s) {
    return java.util.HexFormat.of().parseHex(s);
  }
}
