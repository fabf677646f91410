package dev.mse.attestation.quote;

import dev.mse.attestation.codec.ByteReader;
import dev.mse.attestation.codec.ByteString;

/**
 * Splits an Intel DCAP quote (version 3 for SGX, 4 and 5 for TDX) into its parts. It judges only
 * the structure: keys, signatures and certificates are extracted as bytes and left to the verifier,
 * so that one place decides what is trusted.
 *
 * <p>Every length field is compared with what remains of its enclosing structure before anything is
 * read or allocated, and nested structures must end exactly where their enclosing length says.
 * Lengths that disagree never come out of a real Quoting Enclave, and tolerating them would let two
 * parsers see different certification data in the same bytes. Bytes after the whole structure are
 * allowed, because several real quotes carry padding there; {@link Quote#length()} says where the
 * structure ends.
 */
public final class QuoteParser {
  private static final int VERSION_SGX = 3;
  private static final int VERSION_TDX_1_0 = 4;
  private static final int VERSION_TDX_BODY_DESCRIPTOR = 5;
  private static final int BODY_TYPE_TD_1_0 = 2;
  private static final int BODY_TYPE_TD_1_5 = 3;
  private static final int ECDSA_P256_SIGNATURE_SIZE = 64;
  private static final int ECDSA_P256_KEY_SIZE = 64;
  private static final int FIRST_CERTIFICATION_TYPE = 1;
  private static final String INPUT = "input";
  private static final String SIGNATURE_DATA = "signature data";
  private static final String QE_CERTIFICATION = "QE report certification data";

  private QuoteParser() {}

  /**
   * Parses the quote at the start of {@code bytes}.
   *
   * @throws QuoteFormatException for anything but a well-formed v3, v4 or v5 quote with an ECDSA
   *     P-256 attestation key; the message names the offending field and its offset
   */
  public static Quote parse(byte[] bytes) throws QuoteFormatException {
    ByteReader r = new ByteReader(bytes);
    try {
      QuoteHeader header = header(r);
      ReportBody body =
          switch (header.version()) {
            case VERSION_SGX ->
                ReportBodies.enclaveReport(r.bytes("enclave report", EnclaveReport.SIZE));
            case VERSION_TDX_1_0 -> tdReport(r, TdReport.Version.TD_1_0);
            default -> describedTdReport(r);
          };
      ByteString signedRegion = ByteString.copyOf(bytes, 0, r.position());
      int lengthOffset = r.position();
      long length = r.u32("signature data length");
      ByteReader sig = region(bytes, r, SIGNATURE_DATA, length, lengthOffset, INPUT);
      QuoteSignatureData signatureData =
          header.version() == VERSION_SGX
              ? sgxSignatureData(sig)
              : tdxSignatureData(bytes, sig, header.version());
      requireConsumed(sig, SIGNATURE_DATA, lengthOffset);
      return new Quote(header, body, signatureData, signedRegion, r.position());
    } catch (ByteReader.TruncatedException e) {
      throw new QuoteFormatException("malformed quote: " + e.getMessage(), e);
    }
  }

  private static QuoteHeader header(ByteReader r)
      throws ByteReader.TruncatedException, QuoteFormatException {
    int version = r.u16("version");
    if (version < VERSION_SGX || version > VERSION_TDX_BODY_DESCRIPTOR) {
      throw new QuoteFormatException(
          "unsupported quote version " + version + " (u16 at offset 0); supported: 3, 4, 5");
    }
    int keyType = r.u16("attestation key type");
    if (keyType != QuoteHeader.ATTESTATION_KEY_ECDSA_P256) {
      throw new QuoteFormatException(
          "unsupported attestation key type "
              + keyType
              + " (u16 at offset 2); only 2 (ECDSA P-256) is supported");
    }
    long teeType = r.u32("TEE type");
    long expected = version == VERSION_SGX ? QuoteHeader.TEE_TYPE_SGX : QuoteHeader.TEE_TYPE_TDX;
    if (teeType != expected) {
      throw new QuoteFormatException(
          String.format(
              "unsupported TEE type 0x%x (u32 at offset 4) for quote version %d; expected 0x%x",
              teeType, version, expected));
    }
    int qeSvn = r.u16("QE SVN");
    int pceSvn = r.u16("PCE SVN");
    ByteString qeVendorId = r.bytes("QE vendor ID", 16);
    ByteString userData = r.bytes("user data", 20);
    return new QuoteHeader(version, keyType, teeType, qeSvn, pceSvn, qeVendorId, userData);
  }

  /** Version 5 puts a type and size before the body, so that the body format can evolve. */
  private static TdReport describedTdReport(ByteReader r)
      throws ByteReader.TruncatedException, QuoteFormatException {
    int typeOffset = r.position();
    int type = r.u16("body type");
    TdReport.Version version =
        switch (type) {
          case BODY_TYPE_TD_1_0 -> TdReport.Version.TD_1_0;
          case BODY_TYPE_TD_1_5 -> TdReport.Version.TD_1_5;
          default ->
              throw new QuoteFormatException(
                  "unsupported body type "
                      + type
                      + " (u16 at offset "
                      + typeOffset
                      + "); supported: 2 (TD report 1.0), 3 (TD report 1.5)");
        };
    int sizeOffset = r.position();
    long size = r.u32("body size");
    int expected = ReportBodies.size(version);
    if (size != expected) {
      throw new QuoteFormatException(
          String.format(
              "body size %d (u32 at offset %d) does not match body type %d, which is %d bytes",
              size, sizeOffset, type, expected));
    }
    return tdReport(r, version);
  }

  private static TdReport tdReport(ByteReader r, TdReport.Version version)
      throws ByteReader.TruncatedException {
    return ReportBodies.tdReport(r.bytes("TD report", ReportBodies.size(version)), version);
  }

  private static QuoteSignatureData sgxSignatureData(ByteReader sig)
      throws ByteReader.TruncatedException, QuoteFormatException {
    ByteString signature = sig.bytes("quote signature", ECDSA_P256_SIGNATURE_SIZE);
    ByteString attestationKey = sig.bytes("attestation key", ECDSA_P256_KEY_SIZE);
    QeCertification qe = qeCertification(sig, SIGNATURE_DATA);
    return qe.signatureData(signature, attestationKey, qe.certification().type());
  }

  /** From version 4 on, the QE report travels inside certification data of type 6. */
  private static QuoteSignatureData tdxSignatureData(byte[] bytes, ByteReader sig, int version)
      throws ByteReader.TruncatedException, QuoteFormatException {
    ByteString signature = sig.bytes("quote signature", ECDSA_P256_SIGNATURE_SIZE);
    ByteString attestationKey = sig.bytes("attestation key", ECDSA_P256_KEY_SIZE);
    int typeOffset = sig.position();
    int type = sig.u16("certification data type");
    if (type != CertificationData.QE_REPORT_CERTIFICATION) {
      throw new QuoteFormatException(
          "unsupported certification data type "
              + type
              + " (u16 at offset "
              + typeOffset
              + ") in a version "
              + version
              + " quote; expected 6 (QE report certification data)");
    }
    int sizeOffset = sig.position();
    long size = sig.u32("QE report certification data size");
    ByteReader inner = region(bytes, sig, QE_CERTIFICATION, size, sizeOffset, SIGNATURE_DATA);
    QeCertification qe = qeCertification(inner, QE_CERTIFICATION);
    requireConsumed(inner, QE_CERTIFICATION, sizeOffset);
    return qe.signatureData(signature, attestationKey, type);
  }

  /** QE report, its signature, the QE authentication data and the PCK certification data. */
  private static QeCertification qeCertification(ByteReader r, String within)
      throws ByteReader.TruncatedException, QuoteFormatException {
    EnclaveReport qeReport = ReportBodies.enclaveReport(r.bytes("QE report", EnclaveReport.SIZE));
    ByteString qeReportSignature = r.bytes("QE report signature", ECDSA_P256_SIGNATURE_SIZE);
    int authLengthOffset = r.position();
    int authLength = r.u16("QE authentication data length");
    requireFits(r, "QE authentication data", authLength, authLengthOffset, within);
    ByteString qeAuthData = r.bytes("QE authentication data", authLength);
    int typeOffset = r.position();
    int type = r.u16("certification data type");
    if (type < FIRST_CERTIFICATION_TYPE || type > CertificationData.PCK_CERT_CHAIN) {
      throw new QuoteFormatException(
          "unsupported certification data type "
              + type
              + " (u16 at offset "
              + typeOffset
              + "); expected 1 to 5");
    }
    int sizeOffset = r.position();
    long size = r.u32("certification data size");
    requireFits(r, "certification data", size, sizeOffset, within);
    CertificationData certification =
        new CertificationData(type, r.bytes("certification data", size));
    return new QeCertification(qeReport, qeReportSignature, qeAuthData, certification);
  }

  /**
   * Cuts the next {@code length} bytes out of {@code r} as a reader of their own, so that nothing
   * inside can reach beyond them.
   */
  private static ByteReader region(
      byte[] bytes, ByteReader r, String field, long length, int lengthOffset, String within)
      throws ByteReader.TruncatedException, QuoteFormatException {
    requireFits(r, field, length, lengthOffset, within);
    int start = r.position();
    r.skip(field, length);
    return new ByteReader(bytes, start, (int) length);
  }

  private static void requireFits(
      ByteReader r, String field, long length, int lengthOffset, String within)
      throws QuoteFormatException {
    if (length > r.remaining()) {
      // Past the end of the input the file was probably cut short; inside the quote, two length
      // fields contradict each other.
      String problem = within.equals(INPUT) ? "truncated quote" : "inconsistent size";
      throw new QuoteFormatException(
          String.format(
              "%s: %s length %d (at offset %d) exceeds the %d bytes left in the %s",
              problem, field, length, lengthOffset, r.remaining(), within));
    }
  }

  private static void requireConsumed(ByteReader region, String field, int lengthOffset)
      throws QuoteFormatException {
    if (region.remaining() != 0) {
      throw new QuoteFormatException(
          String.format(
              "inconsistent size: %s (length at offset %d) has %d unused bytes at offset %d",
              field, lengthOffset, region.remaining(), region.position()));
    }
  }

  private record QeCertification(
      EnclaveReport qeReport,
      ByteString qeReportSignature,
      ByteString qeAuthData,
      CertificationData certification) {

    QuoteSignatureData signatureData(
        ByteString signature, ByteString attestationKey, int outerCertificationType) {
      return new QuoteSignatureData(
          signature,
          attestationKey,
          qeReport,
          qeReportSignature,
          qeAuthData,
          certification,
          outerCertificationType);
    }
  }
}
