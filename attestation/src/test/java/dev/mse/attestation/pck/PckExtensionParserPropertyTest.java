package dev.mse.attestation.pck;

import static dev.mse.attestation.testing.PropertyCases.edge;

import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.testing.PropertyCases;
import dev.mse.attestation.testing.TestVectors;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1OctetString;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Damaged extension values are rejected with a checked exception, never an unchecked one. */
class PckExtensionParserPropertyTest {
  private static final byte[] REAL = realValue();

  /** One byte of the real value set to {@code value}, at {@code position} modulo its length. */
  record Mutation(int position, byte value) {}

  static Stream<Named<byte[]>> randomBytes() {
    return PropertyCases.of(
        0x7c4e_2b91_d3a0_5f11L,
        1000,
        PropertyCases.edgeByteArrays(1000),
        random -> PropertyCases.bytes(random, 1000));
  }

  @ParameterizedTest
  @MethodSource("randomBytes")
  void randomBytesParseOrAreRejected(byte[] bytes) {
    parseOrReject(bytes);
  }

  static Stream<Named<Mutation>> mutations() {
    List<Named<Mutation>> edges = new ArrayList<>();
    for (int position : PropertyCases.edgeInts(0, Integer.MAX_VALUE)) {
      for (byte value : PropertyCases.edgeBytes()) {
        edges.add(edge(position + " := " + value, new Mutation(position, value)));
      }
    }
    return PropertyCases.of(
        0x1d5a_88e2_47c0_b3a9L,
        1000,
        edges,
        random ->
            new Mutation(random.nextInt(0, Integer.MAX_VALUE), (byte) random.nextInt(-128, 128)));
  }

  @ParameterizedTest
  @MethodSource("mutations")
  void singleByteMutationsParseOrAreRejected(Mutation m) {
    byte[] bytes = REAL.clone();
    bytes[m.position() % bytes.length] = m.value();
    parseOrReject(bytes);
  }

  static Stream<Named<Integer>> cuts() {
    List<Named<Integer>> edges = new ArrayList<>();
    for (int cut : PropertyCases.edgeInts(0, Integer.MAX_VALUE)) {
      edges.add(edge("cut " + cut, cut));
    }
    edges.add(edge("one byte short", REAL.length - 1));
    return PropertyCases.of(
        0x4f02_6ad1_95b7_e3c8L, 1000, edges, random -> random.nextInt(0, Integer.MAX_VALUE));
  }

  @ParameterizedTest
  @MethodSource("cuts")
  void truncationsAreRejected(int cut) {
    int length = cut % REAL.length;
    try {
      PckExtensionParser.parse(Arrays.copyOf(REAL, length));
      throw new AssertionError("a truncation to " + length + " bytes parsed");
    } catch (PckExtensionException expected) {
      // the only acceptable outcome
    }
  }

  private static void parseOrReject(byte[] bytes) {
    try {
      PckExtensionParser.parse(bytes);
    } catch (PckExtensionException rejected) {
      // acceptable: anything unchecked propagates and fails the property
    }
  }

  private static byte[] realValue() {
    try {
      byte[] wrapped =
          X509Codec.certificate(TestVectors.bytes("sgx/mobilecoin/leaf_cert.der"))
              .getExtensionValue(PckExtensionParser.SGX_EXTENSION_OID);
      return ASN1OctetString.getInstance(wrapped).getOctets();
    } catch (CertificateException e) {
      throw new AssertionError(e);
    }
  }
}
