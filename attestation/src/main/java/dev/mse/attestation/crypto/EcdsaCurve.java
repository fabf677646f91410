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
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.math.ec.ECPoint;

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

  EcdsaCurve(
      String curveName,
      Set<ASN1ObjectIdentifier> curveOids,
      String digest,
      ASN1ObjectIdentifier signatureOid,
      int component,
      int maxDecoded) {
    X9ECParameters curve = CustomNamedCurves.getByName(curveName);
    this.domain =
        new ECDomainParameters(curve.getCurve(), curve.getG(), curve.getN(), curve.getH());
    this.curveOids = curveOids;
    this.digest = digest;
    this.signatureOid = signatureOid.getId();
    this.component = component;
    this.maxDecoded = maxDecoded;
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
    ECDSASigner signer = new ECDSASigner();
    signer.init(false, key);
    return signer.verifySignature(hash, r, s);
  }
}
