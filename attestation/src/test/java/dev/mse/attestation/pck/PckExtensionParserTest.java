package dev.mse.attestation.pck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.quote.DcapVector;
import dev.mse.attestation.quote.QuoteCertificates;
import dev.mse.attestation.testing.TestVectors;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.assertj.core.api.AbstractThrowableAssert;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERUTF8String;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

class PckExtensionParserTest {
  private static final String SGX = PckExtensionParser.SGX_EXTENSION_OID;

  static List<DcapVector> vectors() {
    return DcapVector.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void readsTheSgxExtensionOfEveryRealPckLeaf(DcapVector v) throws Exception {
    X509Certificate leaf = QuoteCertificates.pckChain(v.quote()).getFirst();

    assertMatches(PckExtensionParser.parse(leaf), v.pckExpectations());
  }

  @Test
  void readsStandalonePckCertificates() throws Exception {
    JsonNode mobilecoin =
        DcapVector.all().stream()
            .filter(v -> v.id().equals("sgx/mobilecoin/hw_quote.dat"))
            .findFirst()
            .orElseThrow()
            .pckExpectations();

    assertMatches(
        PckExtensionParser.parse(certificate("sgx/mobilecoin/leaf_cert.der")), mobilecoin);
    assertThat(PckExtensionParser.parse(certificate("sgx/cosmian/pck_cert.pem")).tcbComponents())
        .hasSize(16);
  }

  @Test
  void ignoresEntriesItDoesNotNeed() throws Exception {
    PckExtensions original = PckExtensionParser.parse(realValue());

    byte[] extended =
        encode(
            top -> {
              top.add(entry(SGX + ".99", new DERUTF8String("a later addition")));
              return top;
            });

    assertThat(PckExtensionParser.parse(extended)).isEqualTo(original);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "2", "3", "4", "5"})
  void rejectsAMissingRequiredEntry(String arc) {
    assertRejected(encode(top -> without(top, SGX + "." + arc)))
        .hasMessageStartingWith("missing ")
        .hasMessageContaining("(" + SGX + "." + arc + ")");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "9", "16", "17", "18"})
  void rejectsAMissingTcbEntry(String arc) {
    assertRejected(encode(top -> withTcb(top, tcb -> without(tcb, SGX + ".2." + arc))))
        .hasMessageContaining("(" + SGX + ".2." + arc + ")");
  }

  @Test
  void rejectsARepeatedEntryRatherThanPickingOne() {
    assertRejected(
            encode(
                top -> {
                  top.add(entry(SGX + ".4", new DEROctetString(new byte[6])));
                  return top;
                }))
        .hasMessage("SGX extensions holds entry " + SGX + ".4 more than once");
    assertRejected(
            encode(
                top ->
                    withTcb(
                        top,
                        tcb -> {
                          tcb.add(entry(SGX + ".2.17", new ASN1Integer(0)));
                          return tcb;
                        })))
        .hasMessage("TCB holds entry " + SGX + ".2.17 more than once");
  }

  @Test
  void rejectsEntriesOfTheWrongType() {
    assertRejected(encode(top -> replaced(top, SGX + ".1", new ASN1Integer(1))))
        .hasMessage("PPID is not an OCTET STRING");
    assertRejected(encode(top -> replaced(top, SGX + ".4", new DERUTF8String("00906ed50000"))))
        .hasMessage("FMSPC is not an OCTET STRING");
    assertRejected(encode(top -> replaced(top, SGX + ".2", new DEROctetString(new byte[18]))))
        .hasMessage("TCB is not a SEQUENCE");
    assertRejected(
            encode(top -> withTcb(top, tcb -> replaced(tcb, SGX + ".2.3", new ASN1Enumerated(1)))))
        .hasMessage("TCB component 3 is not an INTEGER");
    assertRejected(encode(top -> replaced(top, SGX + ".5", new ASN1Integer(0))))
        .hasMessage("SGX Type is not an ENUMERATED");
  }

  @Test
  void rejectsOctetStringsOfTheWrongSize() {
    assertRejected(encode(top -> replaced(top, SGX + ".1", new DEROctetString(new byte[17]))))
        .hasMessage("PPID has 17 bytes, expected 16");
    assertRejected(encode(top -> replaced(top, SGX + ".3", new DEROctetString(new byte[3]))))
        .hasMessage("PCE-ID has 3 bytes, expected 2");
    assertRejected(encode(top -> replaced(top, SGX + ".4", new DEROctetString(new byte[5]))))
        .hasMessage("FMSPC has 5 bytes, expected 6");
    assertRejected(
            encode(
                top ->
                    withTcb(
                        top,
                        tcb -> replaced(tcb, SGX + ".2.18", new DEROctetString(new byte[15])))))
        .hasMessage("CPUSVN has 15 bytes, expected 16");
  }

  @Test
  void rejectsValuesOutOfRange() {
    assertRejected(
            encode(top -> withTcb(top, tcb -> replaced(tcb, SGX + ".2.1", new ASN1Integer(256)))))
        .hasMessage("TCB component 1 is 256, outside 0 to 255");
    assertRejected(
            encode(top -> withTcb(top, tcb -> replaced(tcb, SGX + ".2.16", new ASN1Integer(-1)))))
        .hasMessage("TCB component 16 is -1, outside 0 to 255");
    assertRejected(
            encode(
                top -> withTcb(top, tcb -> replaced(tcb, SGX + ".2.17", new ASN1Integer(65536)))))
        .hasMessage("PCESVN is 65536, outside 0 to 65535");
    assertRejected(encode(top -> replaced(top, SGX + ".5", new ASN1Enumerated(3))))
        .hasMessage("SGX Type is 3, outside 0 to 2");
    assertRejected(
            encode(
                top ->
                    withTcb(
                        top,
                        tcb ->
                            replaced(
                                tcb,
                                SGX + ".2.2",
                                new ASN1Integer(BigInteger.ONE.shiftLeft(4000))))))
        .hasMessage("TCB component 2 is 4001-bit value, outside 0 to 255");
  }

  @Test
  void rejectsBytesThatAreNotTheExpectedDer() throws Exception {
    byte[] real = realValue();
    byte[] trailing = Arrays.copyOf(real, real.length + 1);

    assertRejected(new byte[0]).hasMessageContaining("SGX extensions");
    assertRejected(new byte[] {0x30}).hasMessageContaining("not valid DER");
    assertRejected(trailing).hasMessageContaining("not valid DER");
    assertRejected(new ASN1Integer(5).getEncoded()).hasMessage("SGX extensions is not a SEQUENCE");
    assertRejected(new DERSequence(new ASN1Integer(5)).getEncoded())
        .hasMessage("SGX extensions holds an entry that is not SEQUENCE { OID, value }");
    assertRejected(
            new DERSequence(
                    new DERSequence(new ASN1Encodable[] {new ASN1Integer(1), new ASN1Integer(2)}))
                .getEncoded())
        .hasMessage("SGX extensions holds an entry that is not SEQUENCE { OID, value }");
  }

  @Test
  void rejectsCertificatesWithoutTheSgxExtension() {
    assertThatThrownBy(
            () -> PckExtensionParser.parse(certificate("roots/intel/Intel_SGX_Root_CA.der")))
        .isInstanceOf(PckExtensionException.class)
        .hasMessage("certificate has no SGX extension " + SGX);
  }

  private static void assertMatches(PckExtensions actual, JsonNode expected) {
    assertThat(actual.fmspc().hex()).isEqualTo(expected.get("fmspc").asString());
    assertThat(actual.pceId().hex()).isEqualTo(expected.get("pceid").asString());
    assertThat(actual.pceSvn()).isEqualTo(expected.get("pcesvn").asInt());
    assertThat(actual.cpuSvn().hex()).isEqualTo(expected.get("cpusvn").asString());
    assertThat(actual.sgxType()).isEqualTo(expected.get("sgx_type").asInt());
    assertThat(actual.ppid().hex()).isEqualTo(expected.get("ppid").asString());
    JsonNode comps =
        expected.has("sgx_tcb_comps") ? expected.get("sgx_tcb_comps") : expected.get("tcb_comps");
    List<Integer> expectedComps = new ArrayList<>();
    comps.forEach(c -> expectedComps.add(c.asInt()));
    assertThat(actual.tcbComponents()).isEqualTo(expectedComps);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(byte[] value) {
    return assertThatThrownBy(() -> PckExtensionParser.parse(value))
        .isInstanceOf(PckExtensionException.class);
  }

  private static X509Certificate certificate(String file) throws Exception {
    return X509Codec.certificate(TestVectors.bytes(file));
  }

  /** The extension value (OCTET STRING content) of the mobilecoin PCK leaf. */
  private static byte[] realValue() throws Exception {
    byte[] wrapped = certificate("sgx/mobilecoin/leaf_cert.der").getExtensionValue(SGX);
    return ASN1OctetString.getInstance(wrapped).getOctets();
  }

  /** The real extension with its top-level entries edited. */
  private static byte[] encode(UnaryOperator<List<ASN1Encodable>> edit) {
    try {
      List<ASN1Encodable> top = new ArrayList<>();
      ASN1Sequence.getInstance(realValue()).forEach(top::add);
      return new DERSequence(edit.apply(top).toArray(ASN1Encodable[]::new)).getEncoded();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static List<ASN1Encodable> withTcb(
      List<ASN1Encodable> top, UnaryOperator<List<ASN1Encodable>> edit) {
    ASN1Encodable tcb = valueOf(top, SGX + ".2");
    List<ASN1Encodable> entries = new ArrayList<>();
    ASN1Sequence.getInstance(tcb).forEach(entries::add);
    return replaced(
        top, SGX + ".2", new DERSequence(edit.apply(entries).toArray(ASN1Encodable[]::new)));
  }

  private static ASN1Encodable valueOf(List<ASN1Encodable> entries, String oid) {
    return entries.stream()
        .map(ASN1Sequence::getInstance)
        .filter(e -> e.getObjectAt(0).equals(new ASN1ObjectIdentifier(oid)))
        .findFirst()
        .orElseThrow()
        .getObjectAt(1);
  }

  private static List<ASN1Encodable> without(List<ASN1Encodable> entries, String oid) {
    List<ASN1Encodable> out = new ArrayList<>(entries);
    out.removeIf(
        e -> ASN1Sequence.getInstance(e).getObjectAt(0).equals(new ASN1ObjectIdentifier(oid)));
    return out;
  }

  private static List<ASN1Encodable> replaced(
      List<ASN1Encodable> entries, String oid, ASN1Encodable value) {
    List<ASN1Encodable> out = new ArrayList<>();
    for (ASN1Encodable e : entries) {
      boolean match =
          ASN1Sequence.getInstance(e).getObjectAt(0).equals(new ASN1ObjectIdentifier(oid));
      out.add(match ? entry(oid, value) : e);
    }
    return out;
  }

  private static ASN1Sequence entry(String oid, ASN1Encodable value) {
    return new DERSequence(new ASN1Encodable[] {new ASN1ObjectIdentifier(oid), value});
  }
}
