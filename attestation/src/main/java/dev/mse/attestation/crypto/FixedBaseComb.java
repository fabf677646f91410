package dev.mse.attestation.crypto;

import java.math.BigInteger;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;

/**
 * The multiples of one point that a fixed-base comb of width {@link #WIDTH} needs (Lim-Lee): entry
 * {@code i} is {@code sum of 2^(j*spacing) * P over the bits j of i}, affine. {@link #sumOfTwo}
 * then computes {@code k*P + l*Q} with one doubling and at most two mixed additions per column,
 * {@code spacing} columns in all: on P-384 39 doublings and 78 additions against the 64 and 128 of
 * BouncyCastle's own comb (width 6), and the 384 doublings of its sliding window. Only for
 * verification: public scalars, variable time.
 */
final class FixedBaseComb {
  /** 1024 affine points per table (about 200 KiB on P-384); a column covers 10 bits of a scalar. */
  static final int WIDTH = 10;

  private final ECPoint[] multiples;
  private final int spacing;

  /**
   * @param point a valid point of prime order
   * @param bits the bit length of the scalars (the curve order's)
   */
  FixedBaseComb(ECPoint point, int bits) {
    this.spacing = (bits + WIDTH - 1) / WIDTH;
    ECCurve curve = point.getCurve();
    ECPoint[] teeth = new ECPoint[WIDTH];
    teeth[0] = point.normalize();
    for (int j = 1; j < WIDTH; j++) {
      teeth[j] = teeth[j - 1].timesPow2(spacing).normalize();
    }
    ECPoint[] table = new ECPoint[1 << WIDTH];
    table[0] = curve.getInfinity();
    for (int j = 0; j < WIDTH; j++) {
      int high = 1 << j;
      for (int i = 0; i < high; i++) {
        table[high + i] = table[i].add(teeth[j]);
      }
    }
    curve.normalizeAll(table);
    this.multiples = table;
  }

  /**
   * {@code k*p + l*q} for {@code 0 <= k, l < 2^(WIDTH*spacing)}; both tables on one curve and for
   * one scalar length.
   */
  static ECPoint sumOfTwo(FixedBaseComb p, BigInteger k, FixedBaseComb q, BigInteger l) {
    if (p.spacing != q.spacing
        || k.signum() < 0
        || l.signum() < 0
        || k.bitLength() > WIDTH * p.spacing
        || l.bitLength() > WIDTH * p.spacing) {
      throw new IllegalArgumentException("scalars out of the comb's range");
    }
    int spacing = p.spacing;
    ECPoint r = p.multiples[0];
    for (int column = spacing - 1; column >= 0; column--) {
      r = r.twice();
      int i = 0;
      int j = 0;
      for (int tooth = WIDTH - 1; tooth >= 0; tooth--) {
        int bit = tooth * spacing + column;
        i = (i << 1) | (k.testBit(bit) ? 1 : 0);
        j = (j << 1) | (l.testBit(bit) ? 1 : 0);
      }
      if (i != 0) {
        r = r.add(p.multiples[i]);
      }
      if (j != 0) {
        r = r.add(q.multiples[j]);
      }
    }
    return r;
  }
}
