package dev.mse.attestation.sim;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.trust.TrustAnchors;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certificate hierarchy of the simulated TEE, shaped like Intel's: the mse simulation root (its
 * key ships in the jar, so anyone can sign with it: that is why a verifier only ever classifies
 * such evidence as SIMULATED), a PCK CA, a PCK leaf with Intel's SGX extensions, and a TCB signing
 * certificate. Each instance makes fresh CA, PCK and signing keys.
 */
final class SimulationPki {
  static final String SGX_EXTENSION_OID = "1.2.840.113741.1.13.1";
  private static final String ROOT_KEY_RESOURCE = "mse_simulation_root_ca.key";
  private static final SecureRandom RANDOM = new SecureRandom();

  final X509Certificate root;
  final PrivateKey rootKey;
  final X509Certificate pckCa;
  final KeyPair pckCaKeys;
  final X509Certificate pckLeaf;
  final KeyPair pckKeys;
  final X509Certificate tcbSigner;
  final KeyPair tcbSignerKeys;
  final X509CRL rootCrl;
  final X509CRL pckCrl;

  SimulationPki(SimulatedPlatform platform, Instant now) {
    try {
      root = TrustAnchors.standard().simulation().certificate();
      rootKey = loadRootKey();
      Instant from = now.minusSeconds(3600);
      Instant to = now.plusSeconds(10L * 365 * 24 * 3600);
      if (to.isAfter(root.getNotAfter().toInstant())) {
        to = root.getNotAfter().toInstant();
      }
      X500Name rootName = X500Name.getInstance(root.getSubjectX500Principal().getEncoded());
      X500Name caName =
          new X500Name("O=mse,OU=SIMULATION ONLY - NOT A TEE,CN=mse Simulated PCK CA");
      pckCaKeys = newKeyPair();
      pckCa = certificate(rootName, rootKey, caName, pckCaKeys, true, from, to, null);
      pckKeys = newKeyPair();
      pckLeaf =
          certificate(
              caName,
              pckCaKeys.getPrivate(),
              new X500Name("O=mse,OU=SIMULATION ONLY - NOT A TEE,CN=mse Simulated PCK Certificate"),
              pckKeys,
              false,
              from,
              to,
              sgxExtensions(platform));
      tcbSignerKeys = newKeyPair();
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
      Instant crlUntil = now.plusSeconds(SimulatedTee.COLLATERAL_LIFETIME.toSeconds());
      rootCrl = crl(rootName, rootKey, now.minusSeconds(60), crlUntil);
      pckCrl = crl(caName, pckCaKeys.getPrivate(), now.minusSeconds(60), crlUntil);
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot build the simulation PKI", e);
    }
  }

  private static PrivateKey loadRootKey() throws GeneralSecurityException {
    try (InputStream in = SimulationPki.class.getResourceAsStream(ROOT_KEY_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing " + ROOT_KEY_RESOURCE);
      }
      String pem = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
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

  static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return g.generateKeyPair();
  }

  private static ContentSigner signer(PrivateKey key) throws OperatorCreationException {
    return new JcaContentSignerBuilder("SHA256withECDSA").build(key);
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
    var builder =
        new JcaX509v3CertificateBuilder(
            issuer,
            new BigInteger(128, RANDOM),
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
      X500Name issuer, PrivateKey key, Instant thisUpdate, Instant nextUpdate)
      throws GeneralSecurityException, OperatorCreationException {
    var builder = new X509v2CRLBuilder(issuer, Date.from(thisUpdate));
    builder.setNextUpdate(Date.from(nextUpdate));
    X509CRL crl = new JcaX509CRLConverter().getCRL(builder.build(signer(key)));
    return X509Codec.crl(crl.getEncoded());
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
