package dev.mse.attestation.crypto;

import dev.mse.attestation.codec.ByteString;
import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECFieldElement;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.BigIntegers;

/**
 * ECDSA verification on one NIST prime curve with its SHA-2 digest, through BouncyCastle's
 * lightweight ECDSA on its optimized curve implementation. {@link EcdsaP256} and {@link EcdsaP384}
 * are the two instances the verifiers use. Anything malformed (a point off the curve, r or s out of
 * range, bad DER) verifies as false.
 */
final class EcdsaCurve {
  private final ECDomainParameters domain;
  private final Set<ASN1ObjectIdentifier> curveOids;
  private final String digest;
  private final String signatureOid;
  private final int component;
  private final int maxDecoded;

  /**
   * Decoded points by their encoding. BouncyCastle keeps its multiplication tables on the point
   * object; a point decoded afresh for every signature costs more table building (about 100 µs on
   * P-256, 400 µs on P-384) than the verification itself. Only the decoding is reused: every
   * signature is still checked.
   */
  private final Map<ByteString, Optional<ECPublicKeyParameters>> decoded =
      new ConcurrentHashMap<>();

  /**
   * Whether keys seen often get a wider comb ({@link FixedBaseComb}) than BouncyCastle's own, and
   * the generator's, made on first need. Like the decoded points, these are tables of multiples of
   * a public point, a pure function of its bytes: every signature is still checked in full.
   */
  private final boolean combs;

  /**
   * The DER of a SubjectPublicKeyInfo of this curve (named curve, uncompressed point) up to the
   * point, so that the point of such an encoding is read without an ASN.1 parse; any other form is
   * parsed.
   */
  private final byte[] spkiPrefix;

  private final Map<ECPublicKeyParameters, AtomicInteger> uses = new ConcurrentHashMap<>();
  private final Map<ECPublicKeyParameters, FixedBaseComb> tables = new ConcurrentHashMap<>();
  private final Map<ECDomainParameters, FixedBaseComb> generator = new ConcurrentHashMap<>(1);

  /**
   * A key's table is built on its eighth verification: building it costs about as much as ten
   * verifications on it, so only keys in use (a chain's CAs, a host's leaf) get one.
   */
  private static final int COMB_AFTER_USES = 8;

  /** At most this many tables of keys (about 200 KiB each on P-384) are kept. */
  private static final int MAX_COMBS = 32;

  EcdsaCurve(
      String curveName,
      Set<ASN1ObjectIdentifier> curveOids,
      String digest,
      ASN1ObjectIdentifier signatureOid,
      int component,
      int maxDecoded,
      boolean combs) {
    X9ECParameters curve = CustomNamedCurves.getByName(curveName);
    this.domain =
        new ECDomainParameters(curve.getCurve(), curve.getG(), curve.getN(), curve.getH());
    this.curveOids = curveOids;
    this.digest = digest;
    this.signatureOid = signatureOid.getId();
    this.component = component;
    this.maxDecoded = maxDecoded;
    this.combs = combs;
    try {
      byte[] encodedG =
          new SubjectPublicKeyInfo(
                  new AlgorithmIdentifier(
                      X9ObjectIdentifiers.id_ecPublicKey, curveOids.iterator().next()),
                  domain.getG().getEncoded(false))
              .getEncoded(ASN1Encoding.DER);
      this.spkiPrefix = Arrays.copyOf(encodedG, encodedG.length - (2 * component + 1));
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a " + curveName + " key", e);
    }
  }

  ECDomainParameters domain() {
    return domain;
  }

  /** The OID of ECDSA with this curve's digest, as certificates and CRLs name it. */
  String signatureOid() {
    return signatureOid;
  }

  /** A key from an uncompressed point (0x04 || x || y); empty if it is not on the curve. */
  Optional<ECPublicKeyParameters> decodePoint(byte[] encoded) {
    ByteString key = ByteString.of(encoded);
    Optional<ECPublicKeyParameters> cached = decoded.get(key);
    if (cached != null) {
      return cached;
    }
    Optional<ECPublicKeyParameters> fresh = decodeFresh(encoded);
    if (decoded.size() >= maxDecoded) {
      decoded.clear();
    }
    decoded.put(key, fresh);
    return fresh;
  }

  /** A key from a SubjectPublicKeyInfo; empty unless it is an EC key on this curve. */
  Optional<ECPublicKeyParameters> fromSubjectPublicKeyInfo(byte[] encoded) {
    int point = 2 * component + 1;
    if (encoded.length == spkiPrefix.length + point
        && Arrays.equals(encoded, 0, spkiPrefix.length, spkiPrefix, 0, spkiPrefix.length)) {
      // The DER every certificate of this curve carries, byte for byte: the point is the rest.
      return decodePoint(Arrays.copyOfRange(encoded, spkiPrefix.length, encoded.length));
    }
    try {
      SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(encoded);
      var algorithm = spki.getAlgorithm();
      if (!X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm.getAlgorithm())
          || algorithm.getParameters() == null
          || !curveOids.contains(algorithm.getParameters())) {
        return Optional.empty();
      }
      return decodePoint(spki.getPublicKeyData().getBytes());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private Optional<ECPublicKeyParameters> decodeFresh(byte[] encoded) {
    try {
      ECPoint point = domain.getCurve().decodePoint(encoded);
      if (point.isInfinity() || !point.isValid()) {
        return Optional.empty();
      }
      return Optional.of(new ECPublicKeyParameters(point, domain));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Verifies a raw big-endian r||s signature over {@code message}. */
  boolean verifyRaw(ECPublicKeyParameters key, byte[] message, ByteString rawSignature) {
    if (rawSignature.size() != 2 * component) {
      return false;
    }
    byte[] sig = rawSignature.toByteArray();
    return verify(
        key,
        message,
        new BigInteger(1, Arrays.copyOfRange(sig, 0, component)),
        new BigInteger(1, Arrays.copyOfRange(sig, component, 2 * component)));
  }

  /** Verifies a DER SEQUENCE { r, s } signature over {@code message}. */
  boolean verifyDer(ECPublicKeyParameters key, byte[] message, byte[] derSignature) {
    try {
      ASN1Sequence seq = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(derSignature));
      if (seq.size() != 2) {
        return false;
      }
      return verify(
          key,
          message,
          ASN1Integer.getInstance(seq.getObjectAt(0)).getValue(),
          ASN1Integer.getInstance(seq.getObjectAt(1)).getValue());
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private boolean verify(ECPublicKeyParameters key, byte[] message, BigInteger r, BigInteger s) {
    // The JDK's SHA-2 uses the CPU's SHA instructions; BouncyCastle's is plain Java and cost about
    // a tenth of a full DCAP verification (TCB Info, CRLs and certificates are hashed).
    byte[] hash;
    try {
      hash = MessageDigest.getInstance(digest).digest(message);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(digest + " is missing from the JDK", e);
    }
    Optional<FixedBaseComb> keyComb = comb(key);
    if (keyComb.isEmpty()) {
      ECDSASigner signer = new ECDSASigner();
      signer.init(false, key);
      return signer.verifySignature(hash, r, s);
    }
    // ECDSA verification as SEC 1 4.1.4 (and BouncyCastle's ECDSASigner) states it, with u1*G +
    // u2*Q on the two combs.
    BigInteger n = domain.getN();
    if (r.signum() <= 0 || r.compareTo(n) >= 0 || s.signum() <= 0 || s.compareTo(n) >= 0) {
      return false;
    }
    BigInteger e = new BigInteger(1, hash);
    int excess = hash.length * 8 - n.bitLength();
    if (excess > 0) {
      e = e.shiftRight(excess);
    }
    BigInteger c = BigIntegers.modOddInverseVar(n, s);
    BigInteger u1 = e.multiply(c).mod(n);
    BigInteger u2 = r.multiply(c).mod(n);
    ECPoint point = FixedBaseComb.sumOfTwo(generatorComb(), u1, keyComb.get(), u2);
    return !point.isInfinity() && xModNIs(point, r);
  }

  /**
   * Whether the affine x of {@code point}, reduced mod n, is {@code r}. On Jacobian coordinates (x
   * = X/Z^2) without inverting Z, as BouncyCastle's ECDSASigner does: x in [0, p) with x mod n = r
   * means x = r + i*n for the i with r + i*n < p, so X = (r + i*n) Z^2 is tested for those.
   */
  private boolean xModNIs(ECPoint point, BigInteger r) {
    ECCurve curve = point.getCurve();
    BigInteger n = domain.getN();
    if (curve.getCoordinateSystem() != ECCurve.COORD_JACOBIAN) {
      return point.normalize().getAffineXCoord().toBigInteger().mod(n).equals(r);
    }
    ECFieldElement zSquared = point.getZCoord(0).square();
    ECFieldElement x = point.getXCoord();
    BigInteger p = curve.getField().getCharacteristic();
    for (BigInteger candidate = r; candidate.compareTo(p) < 0; candidate = candidate.add(n)) {
      if (curve.fromBigInteger(candidate).multiply(zSquared).equals(x)) {
        return true;
      }
    }
    return false;
  }

  /** The key's comb once it has been used {@link #COMB_AFTER_USES} times; empty before. */
  private Optional<FixedBaseComb> comb(ECPublicKeyParameters key) {
    if (!combs) {
      return Optional.empty();
    }
    FixedBaseComb table = tables.get(key);
    if (table != null) {
      return Optional.of(table);
    }
    if (uses.size() >= maxDecoded) {
      uses.clear();
    }
    if (uses.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() < COMB_AFTER_USES) {
      return Optional.empty();
    }
    uses.remove(key);
    if (tables.size() >= MAX_COMBS) {
      tables.clear();
    }
    return Optional.of(
        tables.computeIfAbsent(key, k -> new FixedBaseComb(key.getQ(), domain.getN().bitLength())));
  }

  private FixedBaseComb generatorComb() {
    return generator.computeIfAbsent(
        domain, d -> new FixedBaseComb(d.getG(), d.getN().bitLength()));
  }
}
