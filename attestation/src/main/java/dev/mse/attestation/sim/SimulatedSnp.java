package dev.mse.attestation.sim;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.snp.SnpReportParser;
import dev.mse.attestation.snp.SnpTcb;
import dev.mse.attestation.trust.SimulatedAmdRoots;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A simulated AMD SEV-SNP chip: a random chip id, a VCEK for it at a fixed reported TCB, issued by
 * the simulated ASK ({@link SimulatedAmdRoots}, whose key ships in the jar), and version 3
 * attestation reports in AMD's exact layout, signed with the VCEK over the report data asked for.
 * Verifiers classify its reports as SIMULATED by the ASK that issued the VCEK and reject them
 * unless a policy allows simulation. Its CPUID says Genoa, so a verifier asks a KDS for a Genoa
 * VCEK; the simulated KDS answers with this one, and with a CRL of the simulated ASK ({@link
 * #crl}). Thread-safe.
 */
public final class SimulatedSnp {
  /** The TCB the simulated chip reports and its VCEK certifies (Genoa layout). */
  public static final SnpTcb TCB = new SnpTcb(9, 0, 23, 72, 0);

  private static final String ASK_KEY_RESOURCE = "mse_simulation_amd_ask.key";
  private static final String AMD_ARC = "1.3.6.1.4.1.3704.1.";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long POLICY = 0x30000L; // SMT allowed, reserved bit 17; no debug, no MA

  private final ByteString chipId;
  private final ByteString measurement;
  private final KeyPair vcekKeys;
  private final X509Certificate vcek;

  private SimulatedSnp(ByteString measurement, Instant now) {
    if (measurement.size() != 48) {
      throw new IllegalArgumentException("an SEV-SNP measurement is 48 bytes");
    }
    this.measurement = measurement;
    byte[] id = new byte[64];
    RANDOM.nextBytes(id);
    this.chipId = ByteString.of(id);
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp384r1"), RANDOM);
      this.vcekKeys = g.generateKeyPair();
      this.vcek = issueVcek(now);
    } catch (GeneralSecurityException
        | IOException
        | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException("cannot make the simulated VCEK", e);
    }
  }

  /** A new simulated chip whose guests all have launch digest {@code measurement} (48 bytes). */
  public static SimulatedSnp create(ByteString measurement, Clock clock) {
    return new SimulatedSnp(measurement, clock.instant().truncatedTo(ChronoUnit.SECONDS));
  }

  public ByteString chipId() {
    return chipId;
  }

  /** This chip's VCEK at {@link #TCB}, as a KDS would serve it. */
  public X509Certificate vcek() {
    return vcek;
  }

  /**
   * The CRL the simulated KDS serves for this chip's product ({@code /vcek/v1/Genoa/crl}): issued
   * and signed by the simulated ASK, valid for a day from {@code now}, listing this chip's VCEK
   * when {@code vcekRevoked}. AMD's CRL is signed by the ARK; the simulated ARK's private key does
   * not exist, so the simulated ASK, which issues the VCEKs, signs this one.
   */
  public X509CRL crl(Instant now, boolean vcekRevoked) {
    Instant thisUpdate = now.truncatedTo(ChronoUnit.SECONDS);
    X509Certificate ask = SimulatedAmdRoots.ask();
    var builder =
        new X509v2CRLBuilder(
            X500Name.getInstance(ask.getSubjectX500Principal().getEncoded()),
            Date.from(thisUpdate));
    builder.setNextUpdate(Date.from(thisUpdate.plus(1, ChronoUnit.DAYS)));
    if (vcekRevoked) {
      builder.addCRLEntry(vcek.getSerialNumber(), Date.from(thisUpdate), CRLReason.keyCompromise);
    }
    try {
      return new JcaX509CRLConverter()
          .getCRL(builder.build(new JcaContentSignerBuilder("SHA384withECDSA").build(askKey())));
    } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException("cannot sign the simulated CRL", e);
    }
  }

  /** A version 3 report binding {@code reportData} (64 bytes), signed by the VCEK. */
  public byte[] report(ByteString reportData) {
    if (reportData.size() != 64) {
      throw new IllegalArgumentException("report data is 64 bytes");
    }
    ByteBuffer b = ByteBuffer.allocate(SnpReportParser.REPORT_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    long tcb = encode(TCB);
    b.putInt(0x00, 3); // version
    b.putInt(0x04, 1); // guest SVN
    b.putLong(0x08, POLICY);
    b.putInt(0x30, 0); // VMPL
    b.putInt(0x34, 1); // ECDSA P-384 with SHA-384
    b.putLong(0x38, tcb); // current TCB
    b.putLong(0x40, 0x1); // platform info: SMT enabled
    b.putInt(0x48, 0); // signed by the VCEK
    b.put(0x50, reportData.toByteArray());
    b.put(0x90, measurement.toByteArray());
    byte[] reportId = new byte[32];
    RANDOM.nextBytes(reportId);
    b.put(0x140, reportId);
    b.putLong(0x180, tcb); // reported TCB
    b.put(0x188, (byte) 0x19).put(0x189, (byte) 0x11).put(0x18A, (byte) 0x01); // Genoa
    b.put(0x1A0, chipId.toByteArray());
    b.putLong(0x1E0, tcb); // committed TCB
    b.put(0x1E8, (byte) 21).put(0x1E9, (byte) 55).put(0x1EA, (byte) 1); // firmware 1.55 build 21
    b.put(0x1EC, (byte) 21).put(0x1ED, (byte) 55).put(0x1EE, (byte) 1);
    b.putLong(0x1F0, tcb); // launch TCB
    byte[] report = b.array();
    byte[] rs = sign(report);
    // r and s, each little-endian in a 72-byte field of which P-384 uses 48.
    for (int part = 0; part < 2; part++) {
      int base = SnpReportParser.SIGNED_SIZE + part * 72;
      for (int i = 0; i < 48; i++) {
        report[base + i] = rs[part * 48 + 47 - i];
      }
    }
    return report;
  }

  private byte[] sign(byte[] report) {
    try {
      Signature s = Signature.getInstance("SHA384withECDSAinP1363Format");
      s.initSign(vcekKeys.getPrivate(), RANDOM);
      s.update(report, 0, SnpReportParser.SIGNED_SIZE);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Milan and Genoa layout: byte 0 bootloader, 1 TEE, 6 SNP, 7 microcode. */
  private static long encode(SnpTcb t) {
    return (long) t.bootloader()
        | (long) t.tee() << 8
        | (long) t.snp() << 48
        | (long) t.microcode() << 56;
  }

  private X509Certificate issueVcek(Instant now)
      throws GeneralSecurityException,
          IOException,
          org.bouncycastle.operator.OperatorCreationException {
    X509Certificate ask = SimulatedAmdRoots.ask();
    Instant to = now.plus(7 * 365, ChronoUnit.DAYS);
    if (to.isAfter(ask.getNotAfter().toInstant())) {
      to = ask.getNotAfter().toInstant();
    }
    var builder =
        new JcaX509v3CertificateBuilder(
            X500Name.getInstance(ask.getSubjectX500Principal().getEncoded()),
            new BigInteger(128, RANDOM),
            Date.from(now.minusSeconds(3600)),
            Date.from(to),
            new X500Name("O=mse,OU=SIMULATION ONLY - NOT AMD,CN=SEV-VCEK"),
            vcekKeys.getPublic());
    extension(builder, "1", new ASN1Integer(1)); // structure version
    extension(builder, "2", new DERIA5String("Genoa"));
    extension(builder, "3.1", new ASN1Integer(TCB.bootloader()));
    extension(builder, "3.2", new ASN1Integer(TCB.tee()));
    extension(builder, "3.3", new ASN1Integer(TCB.snp()));
    extension(builder, "3.8", new ASN1Integer(TCB.microcode()));
    builder.addExtension(new ASN1ObjectIdentifier(AMD_ARC + "4"), false, chipId.toByteArray());
    var holder = builder.build(new JcaContentSignerBuilder("SHA384withECDSA").build(askKey()));
    return X509Codec.certificate(holder.getEncoded());
  }

  private static void extension(JcaX509v3CertificateBuilder builder, String suffix, ASN1Encodable v)
      throws IOException {
    builder.addExtension(new ASN1ObjectIdentifier(AMD_ARC + suffix), false, v);
  }

  private static PrivateKey askKey() throws GeneralSecurityException {
    try (InputStream in = SimulatedSnp.class.getResourceAsStream(ASK_KEY_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing " + ASK_KEY_RESOURCE);
      }
      String base64 =
          new String(in.readAllBytes(), StandardCharsets.US_ASCII)
              .replace("-----BEGIN PRIVATE KEY-----", "")
              .replace("-----END PRIVATE KEY-----", "")
              .replaceAll("\\s", "");
      return KeyFactory.getInstance("EC")
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
