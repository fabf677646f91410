package dev.mse.operator.testing;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.HexFormat;

/**
 * Writes a SIGSTRUCT as {@code gramine-sgx-sign} does, in Intel's layout and signed with an
 * RSA-3072 key of exponent 3, independently of the parser under test (its own offsets, from the SDM
 * table): the stand-in signer of the tests, so that the parser reads a real structure (the
 * operator's Gramine launch, {@code mse runtime measurement}).
 */
public final class SigstructWriter {
  private SigstructWriter() {}

  public static KeyPair newSignerKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(new RSAKeyGenParameterSpec(3072, BigInteger.valueOf(3)));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] write(KeyPair key, byte[] mrEnclave, int isvProdId, int isvSvn) {
    ByteBuffer b = ByteBuffer.allocate(1808).order(ByteOrder.LITTLE_ENDIAN);
    b.put(0, HexFormat.of().parseHex("06000000E10000000000010000000000"));
    b.putInt(16, 0); // module vendor
    b.putInt(20, 0x20261206); // date, BCD
    b.put(24, HexFormat.of().parseHex("01010000600000006000000001000000"));
    BigInteger n = ((RSAPublicKey) key.getPublic()).getModulus();
    b.put(128, le(n));
    b.putInt(512, 3);
    b.putInt(900, 0); // MISCSELECT
    b.putInt(904, 0xffffffff); // MISCMASK
    b.putLong(928, 0x04); // ATTRIBUTES.FLAGS: MODE64BIT, not DEBUG
    b.putLong(936, 0x03); // ATTRIBUTES.XFRM
    b.putLong(944, 0xfffffffffffffffbL); // ATTRIBUTEMASK
    b.putLong(952, 0xfffffffffff9ff1bL);
    b.put(960, mrEnclave);
    b.putShort(1024, (short) isvProdId);
    b.putShort(1026, (short) isvSvn);
    byte[] s = b.array();
    try {
      Signature sig = Signature.getInstance("SHA256withRSA");
      sig.initSign(key.getPrivate());
      sig.update(s, 0, 128);
      sig.update(s, 900, 128);
      BigInteger signature = new BigInteger(1, sig.sign());
      BigInteger q1 = signature.multiply(signature).divide(n);
      BigInteger q2 = signature.pow(3).subtract(q1.multiply(signature).multiply(n)).divide(n);
      System.arraycopy(le(signature), 0, s, 516, 384);
      System.arraycopy(le(q1), 0, s, 1040, 384);
      System.arraycopy(le(q2), 0, s, 1424, 384);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    return s;
  }

  /** {@code v} as 384 little-endian bytes. */
  private static byte[] le(BigInteger v) {
    byte[] be = v.toByteArray();
    byte[] out = new byte[384];
    for (int i = 0; i < Math.min(be.length, 384); i++) {
      out[i] = be[be.length - 1 - i];
    }
    return out;
  }
}
