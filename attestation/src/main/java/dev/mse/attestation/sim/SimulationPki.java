package dev.mse.attestation.sim;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.crypto.EcdsaP256;
import dev.mse.attestation.trust.TrustAnchors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * The certificate hierarchy of the simulated TEE, shaped like Intel's: the mse simulation root (its
 * key ships in the jar, so anyone can sign with it: that is why a verifier only ever classifies
 * such evidence as SIMULATED), a PCK CA, a PCK leaf per platform with Intel's SGX extensions, and a
 * TCB signing certificate.
 *
 * <p>Every key and certificate here is derived from the root key (keys by HMAC of a label, ECDSA
 * signatures by RFC 6979, validity the root's), so every process builds byte-identical
 * certificates: a simulated PCCS in one process signs CRLs and TCB Info that chain exactly like the
 * PCK chain a simulated runtime in another process puts in its quotes, as Intel's CAs do for real
 * platforms. Only the quoting enclave's attestation key is fresh per {@link SimulatedTee}.
 */
final class SimulationPki {
  static final String SGX_EXTENSION_OID = "1.2.840.113741.1.13.1";
  private static final String ROOT_KEY_RESOURCE = "mse_simulation_root_ca.key";
  private static final X500Name PCK_CA_NAME =
      new X500Name("O=mse,OU=SIMULATION ONLY - NOT A TEE,CN=mse Simulated PCK Platform CA");

  final X509Certificate root;
  final PrivateKey rootKey;
  final X509Certificate pckCa;
  final KeyPair pckCaKeys;
  final X509Certificate pckLeaf;
  final KeyPair pckKeys;
  final X509Certificate tcbSigner;
  final KeyPair tcbSignerKeys;

  SimulationPki(SimulatedPlatform platform) {
    try {
      root = TrustAnchors.standard().simulation().certificate();
      rootKey = loadRootKey();
      Instant from = root.getNotBefore().toInstant();
      Instant to = root.getNotAfter().toInstant();
      X500Name rootName = X500Name.getInstance(root.getSubjectX500Principal().getEncoded());
      pckCaKeys = derivedKeyPair(rootKey, "pck ca");
      pckCa = certificate(rootName, rootKey, PCK_CA_NAME, pckCaKeys, true, from, to, null);
      pckKeys = derivedKeyPair(rootKey, "pck " + platformLabel(platform));
      pckLeaf =
          certificate(
              PCK_CA_NAME,
              pckCaKeys.getPrivate(),
              new X500Name("O=mse,OU=SIMULATION ONLY - NOT A TEE,CN=mse Simulated PCK Certificate"),
              pckKeys,
              false,
              from,
              to,
              sgxExtensions(platform));
      tcbSignerKeys = derivedKeyPair(rootKey, "tcb signing");
      tcbSigner =
          certificate(
              rootName,
              rootKey,
              new X500Name("O=mse,OU=SIMULATION ONLY - NOT A TEE,CN=mse Simulated TCB Signing"),
              tcbSignerKeys,
              false,
              from,
              to,
              null);
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot build the simulation PKI", e);
    }
  }

  /** The root CA's CRL, valid from {@code thisUpdate} to {@code nextUpdate}; it revokes nothing. */
  X509CRL rootCrl(Instant thisUpdate, Instant nextUpdate) {
    X500Name rootName = X500Name.getInstance(root.getSubjectX500Principal().getEncoded());
    return crl(rootName, rootKey, thisUpdate, nextUpdate, Set.of());
  }

  /** The PCK CA's CRL, listing {@code revoked} serial numbers. */
  X509CRL pckCrl(Instant thisUpdate, Instant nextUpdate, Set<BigInteger> revoked) {
    return crl(PCK_CA_NAME, pckCaKeys.getPrivate(), thisUpdate, nextUpdate, revoked);
  }

  private static String platformLabel(SimulatedPlatform p) {
    return p.ppid().hex()
        + " "
        + p.fmspc().hex()
        + " "
        + p.pceId().hex()
        + " "
        + p.tcbComponents()
        + " "
        + p.pceSvn();
  }

  private static PrivateKey loadRootKey() throws GeneralSecurityException {
    try (InputStream in = SimulationPki.class.getResourceAsStream(ROOT_KEY_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing " + ROOT_KEY_RESOURCE);
      }
      String pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      String base64 =
          pem.replace("-----BEGIN PRIVATE KEY-----", "")
              .replace("-----END PRIVATE KEY-----", "")
              .replaceAll("\\s", "");
      return KeyFactory.getInstance("EC")
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh P-256 key pair (for the quoting enclave's attestation key). */
  static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    return g.generateKeyPair();
  }

  /** The P-256 key pair whose scalar is HMAC-SHA256(root key, label), reduced into [1, n). */
  private static KeyPair derivedKeyPair(PrivateKey rootKey, String label)
      throws GeneralSecurityException {
    Mac hmac = Mac.getInstance("HmacSHA256");
    hmac.init(new SecretKeySpec(rootKey.getEncoded(), "HmacSHA256"));
    byte[] seed = hmac.doFinal(("mse simulation " + label).getBytes(StandardCharsets.UTF_8));
    BigInteger n = EcdsaP256.DOMAIN.getN();
    BigInteger d = new BigInteger(1, seed).mod(n.subtract(BigInteger.ONE)).add(BigInteger.ONE);
    ECPoint q = EcdsaP256.DOMAIN.getG().multiply(d).normalize();
    ECParameterSpec spec = ((ECPrivateKey) rootKey).getParams();
    KeyFactory kf = KeyFactory.getInstance("EC");
    return new KeyPair(
        kf.generatePublic(
            new ECPublicKeySpec(
                new java.security.spec.ECPoint(
                    q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()),
                spec)),
        kf.generatePrivate(new ECPrivateKeySpec(d, spec)));
  }

  /** SHA256withECDSA with RFC 6979 nonces, so the same input gives the same certificate bytes. */
  private static ContentSigner signer(PrivateKey key) {
    ByteArrayOutputStream tbs = new ByteArrayOutputStream();
    AlgorithmIdentifier algorithm =
        new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withECDSA");
    return new ContentSigner() {
      @Override
      public AlgorithmIdentifier getAlgorithmIdentifier() {
        return algorithm;
      }

      @Override
      public OutputStream getOutputStream() {
        return tbs;
      }

      @Override
      public byte[] getSignature() {
        ECDSASigner ecdsa = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        ecdsa.init(true, new ECPrivateKeyParameters(((ECPrivateKey) key).getS(), EcdsaP256.DOMAIN));
        SHA256Digest digest = new SHA256Digest();
        byte[] message = tbs.toByteArray();
        digest.update(message, 0, message.length);
        byte[] hash = new byte[32];
        digest.doFinal(hash, 0);
        BigInteger[] rs = ecdsa.generateSignature(hash);
        try {
          return new DERSequence(
                  new ASN1Encodable[] {new ASN1Integer(rs[0]), new ASN1Integer(rs[1])})
              .getEncoded();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }

  private static X509Certificate certificate(
      X500Name issuer,
      PrivateKey issuerKey,
      X500Name subject,
      KeyPair subjectKeys,
      boolean ca,
      Instant from,
      Instant to,
      ASN1Encodable sgxExtensions)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    // The serial is derived from the subject's key, so it is stable like everything else here.
    byte[] keyHash =
        MessageDigest.getInstance("SHA-256").digest(subjectKeys.getPublic().getEncoded());
    var builder =
        new JcaX509v3CertificateBuilder(
            issuer,
            new BigInteger(1, Arrays.copyOf(keyHash, 16)),
            Date.from(from),
            Date.from(to),
            subject,
            subjectKeys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    builder.addExtension(
        Extension.keyUsage,
        true,
        new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
    if (sgxExtensions != null) {
      builder.addExtension(new ASN1ObjectIdentifier(SGX_EXTENSION_OID), false, sgxExtensions);
    }
    var holder = builder.build(signer(issuerKey));
    X509Certificate cert = new JcaX509CertificateConverter().getCertificate(holder);
    // Round-trip through the codec so the certificate is the JDK's own type, as parsed ones are.
    return X509Codec.certificate(cert.getEncoded());
  }

  private static X509CRL crl(
      X500Name issuer,
      PrivateKey key,
      Instant thisUpdate,
      Instant nextUpdate,
      Set<BigInteger> revoked) {
    var builder = new X509v2CRLBuilder(issuer, Date.from(thisUpdate));
    builder.setNextUpdate(Date.from(nextUpdate));
    for (BigInteger serial : revoked) {
      builder.addCRLEntry(serial, Date.from(thisUpdate), CRLReason.keyCompromise);
    }
    try {
      X509CRL crl = new JcaX509CRLConverter().getCRL(builder.build(signer(key)));
      return X509Codec.crl(crl.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot issue a simulation CRL", e);
    }
  }

  /** Intel's SGX extension (OID 1.2.840.113741.1.13.1) with the simulated platform's values. */
  private static ASN1Encodable sgxExtensions(SimulatedPlatform platform) {
    String base = SGX_EXTENSION_OID;
    ASN1Encodable[] tcb = new ASN1Encodable[18];
    for (int i = 0; i < 16; i++) {
      tcb[i] = entry(base + ".2." + (i + 1), new ASN1Integer(platform.tcbComponents().get(i)));
    }
    tcb[16] = entry(base + ".2.17", new ASN1Integer(platform.pceSvn()));
    byte[] cpuSvn = new byte[16];
    for (int i = 0; i < 16; i++) {
      cpuSvn[i] = (byte) (int) platform.tcbComponents().get(i);
    }
    tcb[17] = entry(base + ".2.18", new DEROctetString(cpuSvn));
    return new DERSequence(
        new ASN1Encodable[] {
          entry(base + ".1", new DEROctetString(platform.ppid().toByteArray())),
          entry(base + ".2", new DERSequence(tcb)),
          entry(base + ".3", new DEROctetString(platform.pceId().toByteArray())),
          entry(base + ".4", new DEROctetString(platform.fmspc().toByteArray())),
          entry(base + ".5", new ASN1Enumerated(0))
        });
  }

  private static DERSequence entry(String oid, ASN1Encodable value) {
    return new DERSequence(new ASN1Encodable[] {new ASN1ObjectIdentifier(oid), value});
  }

  static ByteString der(X509Certificate cert) {
    try {
      return ByteString.of(cert.getEncoded());
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }
}
