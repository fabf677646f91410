package dev.mse.attestation.crypto;

import dev.mse.attestation.codec.ByteString;
import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
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
 * ECDSA over P-384 with SHA-384 (COSE ES384 of AWS Nitro documents and their certificate chain, AMD
 * SEV-SNP reports). Signatures of documents and reports are raw r||s, 48 bytes each, big-endian;
 * certificates carry DER.
 *
 * <p>Verification goes through BouncyCastle's lightweight ECDSA on its optimized secp384r1 curve:
 * the JDK's provider takes about 2.2 ms per P-384 verification on this machine, BouncyCastle about
 * 0.65 ms with a point decoded afresh and about 0.25 ms with a decoded point it has seen before
 * (see {@link EcdsaP256} for why decoded points are kept). The message digest is the JDK's (SHA
 * intrinsics). Anything malformed (a point off the curve, r or s out of range, bad DER) verifies as
 * false.
 */
public final class EcdsaP384 {
  public static final int COMPONENT = 48;

  private static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp384r1");
  private static final ECDomainParameters DOMAIN =
      new ECDomainParameters(CURVE.getCurve(), CURVE.getG(), CURVE.getN(), CURVE.getH());
  private static final String ECDSA_WITH_SHA384 = X9ObjectIdentifiers.ecdsa_with_SHA384.getId();

  /**
   * Decoded keys by their SubjectPublicKeyInfo encoding. Only the decoding (and the multiplication
   * tables BouncyCastle builds on the point) is reused: every signature is still checked.
   */
  private static final Map<ByteString, Optional<ECPublicKeyParameters>> DECODED =
      new ConcurrentHashMap<>();

  private static final int MAX_DECODED = 1024;

  private EcdsaP384() {}

  /** Whether {@code key} is an EC key on P-384. */
  public static boolean isP384(PublicKey key) {
    return key instanceof ECPublicKey ec
        && ec.getParams().getCurve().getField().getFieldSize() == 384;
  }

  /** Verifies a raw r||s signature (96 bytes) by {@code key} over {@code data}. */
  public static boolean verifyRaw(PublicKey key, byte[] data, ByteString rs) {
    if (!isP384(key) || rs.size() != 2 * COMPONENT) {
      return false;
    }
    Optional<ECPublicKeyParameters> decoded = publicKey(key);
    if (decoded.isEmpty()) {
      return false;
    }
    byte[] sig = rs.toByteArray();
    return verify(
        decoded.get(),
        data,
        new BigInteger(1, Arrays.copyOfRange(sig, 0, COMPONENT)),
        new BigInteger(1, Arrays.copyOfRange(sig, COMPONENT, 2 * COMPONENT)));
  }

  /**
   * Whether {@code certificate} is signed with ECDSA-SHA384 by the P-384 key of {@code issuerKey};
   * empty when either is not of that kind (the caller then uses the JDK's generic verifier).
   */
  public static Optional<Boolean> verifyCertificate(
      X509Certificate certificate, PublicKey issuerKey) {
    if (!ECDSA_WITH_SHA384.equals(certificate.getSigAlgOID()) || !isP384(issuerKey)) {
      return Optional.empty();
    }
    Optional<ECPublicKeyParameters> decoded = publicKey(issuerKey);
    if (decoded.isEmpty()) {
      return Optional.of(false);
    }
    try {
      return Optional.of(
          verifyDer(decoded.get(), certificate.getTBSCertificate(), certificate.getSignature()));
    } catch (CertificateEncodingException e) {
      return Optional.of(false);
    }
  }

  private static Optional<ECPublicKeyParameters> publicKey(PublicKey key) {
    byte[] encoded = key.getEncoded();
    if (encoded == null) {
      return Optional.empty();
    }
    ByteString spki = ByteString.of(encoded);
    Optional<ECPublicKeyParameters> cached = DECODED.get(spki);
    if (cached != null) {
      return cached;
    }
    Optional<ECPublicKeyParameters> decoded = decode(encoded);
    if (DECODED.size() >= MAX_DECODED) {
      DECODED.clear();
    }
    DECODED.put(spki, decoded);
    return decoded;
  }

  private static Optional<ECPublicKeyParameters> decode(byte[] spkiBytes) {
    try {
      SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(spkiBytes);
      var algorithm = spki.getAlgorithm();
      if (!X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm.getAlgorithm())
          || !SECObjectIdentifiers.secp384r1.equals(algorithm.getParameters())) {
        return Optional.empty();
      }
      ECPoint point = CURVE.getCurve().decodePoint(spki.getPublicKeyData().getBytes());
      if (point.isInfinity() || !point.isValid()) {
        return Optional.empty();
      }
      return Optional.of(new ECPublicKeyParameters(point, DOMAIN));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static boolean verifyDer(ECPublicKeyParameters key, byte[] message, byte[] derSignature) {
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

  private static boolean verify(
      ECPublicKeyParameters key, byte[] message, BigInteger r, BigInteger s) {
    byte[] hash;
    try {
      hash = MessageDigest.getInstance("SHA-384").digest(message);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-384 is missing from the JDK", e);
    }
    ECDSASigner signer = new ECDSASigner();
    signer.init(false, key);
    return signer.verifySignature(hash, r, s);
  }
}
