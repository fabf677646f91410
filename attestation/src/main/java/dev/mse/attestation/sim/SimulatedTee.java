package dev.mse.attestation.sim;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.collateral.Collateral;
import dev.mse.attestation.collateral.TcbStatus;
import dev.mse.attestation.crypto.EcdsaP256;
import dev.mse.attestation.quote.CertificationData;
import dev.mse.attestation.quote.QuoteHeader;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;

/**
 * A simulated SGX TEE: it makes DCAP v3 quotes in Intel's exact layout, signed through a PCK chain
 * rooted at the mse simulation root, and the collateral (TCB Info, QE Identity, CRLs) to verify
 * them. Verifiers classify its evidence as SIMULATED by that root and reject it unless a policy
 * allows simulation, so it serves tests and local development, never trust.
 */
public final class SimulatedTee {
  /** How long the collateral it issues stays valid. */
  public static final Duration COLLATERAL_LIFETIME = Duration.ofDays(30);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final SimulatedPlatform platform;
  private final SimulationPki pki;
  private final KeyPair attestationKeys;
  private final Collateral collateral;

  private SimulatedTee(SimulatedPlatform platform, Clock clock) {
    this.platform = platform;
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    this.pki = new SimulationPki(platform);
    try {
      this.attestationKeys = SimulationPki.newKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    this.collateral =
        SimulatedCollateral.issue(
            pki, platform, now, COLLATERAL_LIFETIME, TcbStatus.UP_TO_DATE, Set.of());
  }

  public static SimulatedTee create(Clock clock) {
    return new SimulatedTee(SimulatedPlatform.standard(), clock);
  }

  public static SimulatedTee create(SimulatedPlatform platform, Clock clock) {
    return new SimulatedTee(platform, clock);
  }

  /**
   * Collateral for this TEE's quotes, valid for {@link #COLLATERAL_LIFETIME} from creation, as a
   * PCCS that revokes nothing would serve it. Runtimes get theirs from a {@link SimulatedPccs}, as
   * hardware does; this one is for tests and for runs without a PCCS.
   */
  public Collateral collateral() {
    return collateral;
  }

  /** A DCAP v3 quote of {@code enclave} binding {@code reportData} (64 bytes). */
  public byte[] quote(SimulatedEnclave enclave, ByteString reportData) {
    if (reportData.size() != 64) {
      throw new IllegalArgumentException("report data is 64 bytes");
    }
    byte[] header = header();
    byte[] body =
        enclaveReport(
            platform.tcbComponents(),
            enclave.debug() ? 0x07 : 0x05,
            enclave.mrEnclave(),
            enclave.mrSigner(),
            enclave.isvProdId(),
            enclave.isvSvn(),
            reportData);
    byte[] signedRegion = concat(header, body);
    byte[] attestationKey = rawPoint((ECPublicKey) attestationKeys.getPublic());
    byte[] authData = new byte[32];
    RANDOM.nextBytes(authData);
    byte[] qeReportData = Arrays.copyOf(sha256(attestationKey, authData), 64);
    byte[] qeReport =
        enclaveReport(
            platform.tcbComponents(),
            0x15,
            ByteString.fromHex("5e".repeat(32)),
            platform.qeMrSigner(),
            platform.qeIsvProdId(),
            platform.qeIsvSvn(),
            ByteString.of(qeReportData));
    byte[] chain = pemChain(List.of(pki.pckLeaf, pki.pckCa, pki.root));

    ByteArrayOutputStream sig = new ByteArrayOutputStream();
    sig.writeBytes(sign((ECPrivateKey) attestationKeys.getPrivate(), signedRegion));
    sig.writeBytes(attestationKey);
    sig.writeBytes(qeReport);
    sig.writeBytes(sign((ECPrivateKey) pki.pckKeys.getPrivate(), qeReport));
    sig.writeBytes(le16(authData.length));
    sig.writeBytes(authData);
    sig.writeBytes(le16(CertificationData.PCK_CERT_CHAIN));
    sig.writeBytes(le32(chain.length));
    sig.writeBytes(chain);
    byte[] signatureData = sig.toByteArray();
    return concat(signedRegion, le32(signatureData.length), signatureData);
  }

  private byte[] header() {
    ByteBuffer b = ByteBuffer.allocate(QuoteHeader.SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort((short) 3);
    b.putShort((short) QuoteHeader.ATTESTATION_KEY_ECDSA_P256);
    b.putInt(0);
    b.putShort((short) platform.qeIsvSvn());
    b.putShort((short) platform.pceSvn());
    b.put(QuoteHeader.INTEL_QE_VENDOR_ID.toByteArray());
    b.put("mse-simulated-tee\0\0\0".getBytes(StandardCharsets.US_ASCII));
    return b.array();
  }

  /** An SGX REPORTBODY: 384 bytes, fields at Intel's offsets, reserved bytes zero. */
  private static byte[] enclaveReport(
      List<Integer> cpuSvn,
      int attributeFlags,
      ByteString mrEnclave,
      ByteString mrSigner,
      int isvProdId,
      int isvSvn,
      ByteString reportData) {
    ByteBuffer b = ByteBuffer.allocate(384).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 16; i++) {
      b.put(i, (byte) (int) cpuSvn.get(i));
    }
    b.put(48, (byte) attributeFlags);
    b.put(56, (byte) 0xe7); // XFRM: x87, SSE, AVX, AVX-512 state, as on real enclaves
    b.put(64, mrEnclave.toByteArray());
    b.put(128, mrSigner.toByteArray());
    b.putShort(256, (short) isvProdId);
    b.putShort(258, (short) isvSvn);
    b.put(320, reportData.toByteArray());
    return b.array();
  }

  /** ECDSA-P256-SHA256 with deterministic nonces (RFC 6979), raw r||s. */
  static byte[] sign(ECPrivateKey key, byte[] message) {
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    signer.init(
        true,
        new ParametersWithRandom(new ECPrivateKeyParameters(key.getS(), EcdsaP256.DOMAIN), RANDOM));
    BigInteger[] rs = signer.generateSignature(sha256(message));
    return concat(unsigned32(rs[0]), unsigned32(rs[1]));
  }

  private static byte[] rawPoint(ECPublicKey key) {
    return concat(unsigned32(key.getW().getAffineX()), unsigned32(key.getW().getAffineY()));
  }

  private static byte[] unsigned32(BigInteger v) {
    byte[] b = v.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(b.length, 32);
    System.arraycopy(b, b.length - n, out, 32 - n, n);
    return out;
  }

  static byte[] pemChain(List<X509Certificate> certs) {
    StringBuilder sb = new StringBuilder();
    Base64.Encoder enc = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
    for (X509Certificate c : certs) {
      sb.append("-----BEGIN CERTIFICATE-----\n")
          .append(enc.encodeToString(SimulationPki.der(c).toByteArray()))
          .append("\n-----END CERTIFICATE-----\n");
    }
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] sha256(byte[]... parts) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      for (byte[] p : parts) {
        d.update(p);
      }
      return d.digest();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] le16(int v) {
    return new byte[] {(byte) v, (byte) (v >>> 8)};
  }

  private static byte[] le32(int v) {
    return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
