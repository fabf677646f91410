package dev.mse.attestation.pck;

import dev.mse.attestation.codec.X509Codec;
import dev.mse.attestation.testing.TestVectors;
import java.security.cert.CertificateException;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.bouncycastle.asn1.ASN1OctetString;

/** Damaged extension values are rejected with a checked exception, never an unchecked one. */
class PckExtensionParserPropertyTest {
  private static final byte[] REAL = realValue();

  @Property
  void randomBytesParseOrAreRejected(@ForAll @Size(max = 1000) byte[] bytes) {
    parseOrReject(bytes);
  }

  @Property
  void singleByteMutationsParseOrAreRejected(
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int position, @ForAll byte value) {
    byte[] bytes = REAL.clone();
    bytes[position % bytes.length] = value;
    parseOrReject(bytes);
  }

  @Property
  void truncationsAreRejected(@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int cut) {
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
