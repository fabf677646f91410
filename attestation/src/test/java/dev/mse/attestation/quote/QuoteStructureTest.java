package dev.mse.attestation.quote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.testing.TestVectors;
import java.util.Arrays;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Edits of single fields of real quotes, one structural rule per test. */
class QuoteStructureTest {
  // v3 (sgx/dcap-qvl/sgx_quote): header 48 | body 384 | u32 length | sig 64 | key 64 | QE report
  // 384 | QE sig 64 | u16 auth length | auth 32 | u16 type | u32 size | PEM
  private static final int V3_SIG_LENGTH = 432;
  private static final int V3_AUTH_LENGTH = 1012;
  private static final int V3_CERT_TYPE = 1046;
  private static final int V3_CERT_SIZE = 1048;
  // v4 (tdx/dcap-qvl/tdx_quote): header 48 | body 584 | u32 length | sig 64 | key 64 | u16 type 6
  // | u32 size | { QE report 384 | QE sig 64 | u16 auth length | auth 32 | u16 type | u32 size |
  // PEM }
  private static final int V4_SIG_LENGTH = 632;
  private static final int V4_OUTER_TYPE = 764;
  private static final int V4_OUTER_SIZE = 766;
  private static final int V4_AUTH_LENGTH = 1218;
  private static final int V4_CERT_TYPE = 1252;
  private static final int V4_CERT_SIZE = 1254;
  private static final int V4_LENGTH = 4936;
  private static final int V5_BODY_TYPE = 48;
  private static final int V5_BODY_SIZE = 50;

  private static byte[] v3() {
    return TestVectors.bytes("sgx/dcap-qvl/sgx_quote");
  }

  private static byte[] v4() {
    return Arrays.copyOf(TestVectors.bytes("tdx/dcap-qvl/tdx_quote"), V4_LENGTH);
  }

  private static byte[] v5() {
    return TestVectors.bytes("tdx/go-tdx-guest/quote_v5_sample.dat");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 6, 0xffff})
  void rejectsUnsupportedVersions(int version) {
    assertRejected(withU16(v4(), 0, version))
        .hasMessage(
            "unsupported quote version " + version + " (u16 at offset 0); supported: 3, 4, 5");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3, 4})
  void rejectsAttestationKeysOtherThanEcdsaP256(int keyType) {
    assertRejected(withU16(v3(), 2, keyType))
        .hasMessageContaining("attestation key type " + keyType + " (u16 at offset 2)");
  }

  @Test
  void rejectsTeeTypesThatDoNotMatchTheVersion() {
    assertRejected(withU32(v3(), 4, 0x81))
        .hasMessage(
            "unsupported TEE type 0x81 (u32 at offset 4) for quote version 3; expected 0x0");
    assertRejected(withU32(v4(), 4, 0))
        .hasMessage(
            "unsupported TEE type 0x0 (u32 at offset 4) for quote version 4; expected 0x81");
    assertRejected(withU32(v5(), 4, 0)).hasMessageContaining("TEE type 0x0 (u32 at offset 4)");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 4, 0xffff})
  void rejectsUnsupportedV5BodyTypes(int bodyType) {
    assertRejected(withU16(v5(), V5_BODY_TYPE, bodyType))
        .hasMessageContaining("unsupported body type " + bodyType + " (u16 at offset 48)");
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 584, 647, 649, 0xffffffffL})
  void rejectsV5BodySizesThatDoNotMatchTheBodyType(long size) {
    assertRejected(withU32(v5(), V5_BODY_SIZE, size))
        .hasMessage(
            "body size "
                + size
                + " (u32 at offset 50) does not match body type 3, which is 648 bytes");
  }

  @Test
  void acceptsV5QuotesWithTdReport10Bodies() throws Exception {
    byte[] v4 = v4();
    byte[] v5 = new byte[v4.length + 6];
    System.arraycopy(v4, 0, v5, 0, QuoteHeader.SIZE);
    System.arraycopy(v4, QuoteHeader.SIZE, v5, QuoteHeader.SIZE + 6, v4.length - QuoteHeader.SIZE);
    putU16(v5, 0, 5);
    putU16(v5, V5_BODY_TYPE, 2);
    putU32(v5, V5_BODY_SIZE, TdReport.SIZE_1_0);

    Quote parsed = QuoteParser.parse(v5);
    Quote original = QuoteParser.parse(v4);

    assertThat(parsed.body()).isEqualTo(original.body());
    assertThat(parsed.signatureData()).isEqualTo(original.signatureData());
    assertThat(parsed.signedRegion().size()).isEqualTo(QuoteHeader.SIZE + 6 + TdReport.SIZE_1_0);
    assertThat(parsed.length()).isEqualTo(v5.length);
  }

  @Test
  void rejectsSignatureDataLongerThanTheInputWithoutAllocatingIt() {
    assertRejected(withU32(v3(), V3_SIG_LENGTH, 0xffffffffL))
        .hasMessage(
            "truncated quote: signature data length 4294967295 (at offset 432)"
                + " exceeds the 4164 bytes left in the input");
  }

  @Test
  void rejectsUnusedBytesAtTheEndOfTheSignatureData() {
    byte[] longer = Arrays.copyOf(v3(), v3().length + 1);
    putU32(longer, V3_SIG_LENGTH, u32(longer, V3_SIG_LENGTH) + 1);

    assertRejected(longer)
        .hasMessage(
            "inconsistent size: signature data (length at offset 432) has 1 unused bytes"
                + " at offset 4600");
  }

  @Test
  void rejectsUnusedBytesAtTheEndOfTheQeReportCertificationData() {
    byte[] longer = Arrays.copyOf(v4(), V4_LENGTH + 1);
    putU32(longer, V4_SIG_LENGTH, u32(longer, V4_SIG_LENGTH) + 1);
    putU32(longer, V4_OUTER_SIZE, u32(longer, V4_OUTER_SIZE) + 1);

    assertRejected(longer)
        .hasMessage(
            "inconsistent size: QE report certification data (length at offset 766) has 1"
                + " unused bytes at offset 4936");
  }

  @Test
  void rejectsQeReportCertificationDataLongerThanTheSignatureData() {
    assertRejected(withU32(v4(), V4_OUTER_SIZE, u32(v4(), V4_OUTER_SIZE) + 1))
        .hasMessageContaining("QE report certification data length 4167 (at offset 766)")
        .hasMessageContaining("left in the signature data");
  }

  @Test
  void rejectsQeAuthenticationDataLongerThanItsEnclosingStructure() {
    assertRejected(withU16(v3(), V3_AUTH_LENGTH, 0xffff))
        .hasMessage(
            "inconsistent size: QE authentication data length 65535 (at offset 1012)"
                + " exceeds the 3586 bytes left in the signature data");
    assertRejected(withU16(v4(), V4_AUTH_LENGTH, 0xffff))
        .hasMessageContaining("QE authentication data length 65535 (at offset 1218)")
        .hasMessageContaining("left in the QE report certification data");
  }

  @Test
  void rejectsCertificationDataLongerThanItsEnclosingStructure() {
    assertRejected(withU32(v3(), V3_CERT_SIZE, 0xffffffffL))
        .hasMessageContaining("certification data length 4294967295 (at offset 1048)");
    assertRejected(withU32(v4(), V4_CERT_SIZE, u32(v4(), V4_CERT_SIZE) + 1))
        .hasMessageContaining("certification data length 3679 (at offset 1254)")
        .hasMessageContaining("left in the QE report certification data");
  }

  @Test
  void rejectsCertificationDataShorterThanItsEnclosingStructure() {
    assertRejected(withU32(v3(), V3_CERT_SIZE, u32(v3(), V3_CERT_SIZE) - 1))
        .hasMessageContaining("signature data (length at offset 432) has 1 unused bytes");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 7})
  void requiresQeReportCertificationDataAsTheOuterTypeOfTdxQuotes(int type) {
    assertRejected(withU16(v4(), V4_OUTER_TYPE, type))
        .hasMessage(
            "unsupported certification data type "
                + type
                + " (u16 at offset 764) in a version 4 quote;"
                + " expected 6 (QE report certification data)");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 6, 7, 0xffff})
  void rejectsCertificationDataTypesOutsideOneToFive(int type) {
    assertRejected(withU16(v3(), V3_CERT_TYPE, type))
        .hasMessage(
            "unsupported certification data type "
                + type
                + " (u16 at offset 1046); expected 1 to 5");
    assertRejected(withU16(v4(), V4_CERT_TYPE, type))
        .hasMessageContaining("certification data type " + type + " (u16 at offset 1252)");
  }

  @Test
  void extractsCertificationDataOfOtherTypesWithoutInterpretingIt() throws Exception {
    Quote quote = QuoteParser.parse(withU16(v3(), V3_CERT_TYPE, 3));

    assertThat(quote.signatureData().certification().type()).isEqualTo(3);
    assertThat(quote.signatureData().outerCertificationType()).isEqualTo(3);
  }

  @Test
  void namesTheFieldThatRunsPastTheEndOfATruncatedHeader() {
    assertRejected(new byte[] {3, 0})
        .hasMessage("malformed quote: attestation key type at offset 2 needs 2 bytes, only 0 left");
    assertRejected(new byte[0])
        .hasMessage("malformed quote: version at offset 0 needs 2 bytes, only 0 left");
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(byte[] bytes) {
    return assertThatThrownBy(() -> QuoteParser.parse(bytes))
        .isInstanceOf(QuoteFormatException.class);
  }

  private static byte[] withU16(byte[] bytes, int offset, int value) {
    putU16(bytes, offset, value);
    return bytes;
  }

  private static byte[] withU32(byte[] bytes, int offset, long value) {
    putU32(bytes, offset, value);
    return bytes;
  }

  private static void putU16(byte[] bytes, int offset, int value) {
    bytes[offset] = (byte) value;
    bytes[offset + 1] = (byte) (value >>> 8);
  }

  private static void putU32(byte[] bytes, int offset, long value) {
    for (int i = 0; i < 4; i++) {
      bytes[offset + i] = (byte) (value >>> (8 * i));
    }
  }

  private static long u32(byte[] bytes, int offset) {
    long v = 0;
    for (int i = 3; i >= 0; i--) {
      v = v << 8 | (bytes[offset + i] & 0xff);
    }
    return v;
  }
}
