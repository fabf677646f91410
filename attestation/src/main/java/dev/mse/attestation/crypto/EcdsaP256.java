package dev.mse.attestation.crypto;

import dev.mse.attestation.codec.ByteString;
import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.math.ec.ECPoint;

/**
 * ECDSA over P-256 with SHA-256, the only signature scheme of Intel DCAP: quotes and QE reports
 * (raw r||s), and the certificates and CRLs of the PCK and TCB signing chains (DER).
 *
 * <p>Verification goes through BouncyCastle's lightweight ECDSA on its optimized secp256r1 curve:
 * about five times faster than the JDK's provider here, and a DCAP verification makes up to ten of
 * these checks. Anything malformed (a point off the curve, r or s out of range, bad DER) verifies
 * as false.
 */
public final class EcdsaP256 {
  private static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256r1");
  public static final ECDomainParameters DOMAIN =
      new ECDomainParameters(CURVE.getCurve(), CURVE.getG(), CURVE.getN(), CURVE.getH());
  private static final String ECDSA_WITH_SHA256 = X9ObjectIdentifiers.ecdsa_with_SHA256.getId();

  private EcdsaP256() {}

  /** A public key from the 64-byte raw point x||y of a quote; empty if not on the curve. */
  public static Optional<ECPublicKeyParameters> publicKeyFromRaw(ByteString xy) {
    if (xy.size() != 64) {
      return Optional.empty();
    }
    byte[] encoded = new byte[65];
    encoded[0] = 0x04;
    System.arraycopy(xy.toByteArray(), 0, encoded, 1, 64);
    return decodePoint(encoded);
  }

  /** The P-256 public key of a certificate; empty if the key is not a P-256 EC key. */
  public static Optional<ECPublicKeyParameters> publicKey(X509Certificate certificate) {
    try {
      SubjectPublicKeyInfo spki =
          SubjectPublicKeyInfo.getInstance(certificate.getPublicKey().getEncoded());
      var algorithm = spki.getAlgorithm();
      if (!X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm.getAlgorithm())
          || algorithm.getParameters() == null
          || !(X9ObjectIdentifiers.prime256v1.equals(algorithm.getParameters())
              || SECObjectIdentifiers.secp256r1.equals(algorithm.getParameters()))) {
        return Optional.empty();
      }
      return decodePoint(spki.getPublicKeyData().getBytes());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Decoded keys by their encoding. BouncyCastle keeps its multiplication tables on the point
   * object; a point decoded afresh for every signature costs about 100 µs of table building, more
   * than the verification itself. Only the decoding is reused: every signature is still checked.
   */
  private static final Map<ByteString, Optional<ECPublicKeyParameters>> DECODED =
      new ConcurrentHashMap<>();

  private static final int MAX_DECODED = 4096;

  private static Optional<ECPublicKeyParameters> decodePoint(byte[] encoded) {
    ByteString key = ByteString.of(encoded);
    Optional<ECPublicKeyParameters> cached = DECODED.get(key);
    if (cached != null) {
      return cached;
    }
    Optional<ECPublicKeyParameters> decoded = decodeFresh(encoded);
    if (DECODED.size() >= MAX_DECODED) {
      DECODED.clear();
    }
    DECODED.put(key, decoded);
    return decoded;
  }

  private static Optional<ECPublicKeyParameters> decodeFresh(byte[] encoded) {
    try {
      ECPoint point = CURVE.getCurve().decodePoint(encoded);
      if (point.isInfinity() || !point.isValid()) {
        return Optional.empty();
      }
      return Optional.of(new ECPublicKeyParameters(point, DOMAIN));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Verifies a raw r||s signature (64 bytes) over {@code message}. */
  public static boolean verifyRaw(
      ECPublicKeyParameters key, byte[] message, ByteString rawSignature) {
    if (rawSignature.size() != 64) {
      return false;
    }
    byte[] sig = rawSignature.toByteArray();
    BigInteger r = new BigInteger(1, java.util.Arrays.copyOfRange(sig, 0, 32));
    BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(sig, 32, 64));
    return verify(key, message, r, s);
  }

  /** Verifies that {@code issuerKey} signed {@code certificate} with ECDSA-SHA256. */
  public static boolean verifyCertificate(
      X509Certificate certificate, ECPublicKeyParameters issuerKey) {
    try {
      return ECDSA_WITH_SHA256.equals(certificate.getSigAlgOID())
          && verifyDer(issuerKey, certificate.getTBSCertificate(), certificate.getSignature());
    } catch (CertificateEncodingException e) {
      return false;
    }
  }

  /** Verifies that {@code issuerKey} signed {@code crl} with ECDSA-SHA256. */
  public static boolean verifyCrl(X509CRL crl, ECPublicKeyParameters issuerKey) {
    try {
      return ECDSA_WITH_SHA256.equals(crl.getSigAlgOID())
          && verifyDer(issuerKey, crl.getTBSCertList(), crl.getSignature());
    } catch (java.security.cert.CRLException e) {
      return false;
    }
  }

  private static boolean verifyDer(ECPublicKeyParameters key, byte[] message, byte[] derSignature) {
    try {
      ASN1Sequence seq = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(derSignature));
      if (seq.size() != 2) {
        return false;
      }
      BigInteger r = ASN1Integer.getInstance(seq.getObjectAt(0)).getValue();
      BigInteger s = ASN1Integer.getInstance(seq.getObjectAt(1)).getValue();
      return verify(key, message, r, s);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static boolean verify(
      ECPublicKeyParameters key, byte[] message, BigInteger r, BigInteger s) {
    // The JDK's SHA-256 uses the CPU's SHA instructions; BouncyCastle's is plain Java and cost
    // about a tenth of a full verification (TCB Info, CRLs and certificates are hashed).
    byte[] hash;
    try {
      hash = MessageDigest.getInstance("SHA-256").digest(message);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
    ECDSASigner signer = new ECDSASigner();
    signer.init(false, key);
    return signer.verifySignature(hash, r, s);
  }
}
