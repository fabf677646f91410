package dev.mse.attestation.snp;

import dev.mse.attestation.codec.ByteString;
import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;

/**
 * Reads the AMD extensions (arc 1.3.6.1.4.1.3704.1) of a VCEK or VLEK: {@code .2} product name
 * (IA5String), {@code .3.1} bootloader, {@code .3.2} TEE, {@code .3.3} SNP, {@code .3.8} microcode
 * and {@code .3.9} FMC (Turin) SPLs (INTEGER 0-255), {@code .4} hwID (raw bytes, VCEK only) and
 * {@code .5} CSP id (VLEK only). A missing or malformed SPL is an error.
 */
public final class VekExtensionParser {
  private static final String ARC = "1.3.6.1.4.1.3704.1.";
  private static final int MAX_EXTENSION = 256;

  private VekExtensionParser() {}

  public static VekExtensions parse(X509Certificate vek) throws SnpFormatException {
    try {
      return new VekExtensions(
          string(vek, "2").orElseThrow(() -> missing("2 (product name)")),
          spl(vek, "3.1", "bootloader"),
          spl(vek, "3.2", "TEE"),
          spl(vek, "3.3", "SNP"),
          spl(vek, "3.8", "microcode"),
          optionalSpl(vek, "3.9", "FMC"),
          hwId(vek),
          string(vek, "5"));
    } catch (RuntimeException e) {
      // The JDK's certificate classes throw unchecked exceptions on some hostile encodings.
      throw new SnpFormatException("the certificate's AMD extensions cannot be read");
    }
  }

  private static SnpFormatException missing(String what) {
    return new SnpFormatException("the certificate has no AMD extension " + ARC + what);
  }

  /** The content of the extension's OCTET STRING, if present. */
  private static Optional<byte[]> value(X509Certificate cert, String suffix)
      throws SnpFormatException {
    byte[] wrapped = cert.getExtensionValue(ARC + suffix);
    if (wrapped == null) {
      return Optional.empty();
    }
    if (wrapped.length > MAX_EXTENSION) {
      throw new SnpFormatException("the AMD extension " + ARC + suffix + " is too long");
    }
    try {
      return Optional.of(ASN1OctetString.getInstance(wrapped).getOctets());
    } catch (IllegalArgumentException e) {
      throw new SnpFormatException("the AMD extension " + ARC + suffix + " is not an OCTET STRING");
    }
  }

  private static ASN1Primitive asn1(byte[] content, String suffix) throws SnpFormatException {
    try {
      ASN1Primitive p = ASN1Primitive.fromByteArray(content);
      if (p == null) {
        throw new SnpFormatException("the AMD extension " + ARC + suffix + " is empty");
      }
      return p;
    } catch (IOException | IllegalArgumentException e) {
      throw new SnpFormatException("the AMD extension " + ARC + suffix + " is not DER");
    }
  }

  private static int spl(X509Certificate cert, String suffix, String what)
      throws SnpFormatException {
    return optionalSpl(cert, suffix, what)
        .orElseThrow(() -> missing(suffix + " (" + what + " SPL)"));
  }

  private static Optional<Integer> optionalSpl(X509Certificate cert, String suffix, String what)
      throws SnpFormatException {
    Optional<byte[]> content = value(cert, suffix);
    if (content.isEmpty()) {
      return Optional.empty();
    }
    if (!(asn1(content.get(), suffix) instanceof ASN1Integer integer)) {
      throw new SnpFormatException("the " + what + " SPL (" + ARC + suffix + ") is not an INTEGER");
    }
    BigInteger v = integer.getValue();
    if (v.signum() < 0 || v.bitLength() > 8) {
      throw new SnpFormatException("the " + what + " SPL is " + v + ", not 0 to 255");
    }
    return Optional.of(v.intValue());
  }

  private static Optional<String> string(X509Certificate cert, String suffix)
      throws SnpFormatException {
    Optional<byte[]> content = value(cert, suffix);
    if (content.isEmpty()) {
      return Optional.empty();
    }
    if (!(asn1(content.get(), suffix) instanceof ASN1String s) || !(s instanceof ASN1IA5String)) {
      throw new SnpFormatException("the AMD extension " + ARC + suffix + " is not an IA5String");
    }
    return Optional.of(s.getString());
  }

  /**
   * hwID is the chip id: 64 bytes, or 8 on Turin. AMD's KDS stores it raw; some certificates wrap
   * it in a DER OCTET STRING ({@code 04 40 …}), which a raw id can never be mistaken for because
   * the lengths differ.
   */
  private static Optional<ByteString> hwId(X509Certificate cert) throws SnpFormatException {
    Optional<byte[]> content = value(cert, "4");
    if (content.isEmpty()) {
      return Optional.empty();
    }
    byte[] id = content.get();
    if (id.length == 66 || id.length == 10) {
      if (!(asn1(id, "4") instanceof ASN1OctetString wrapped)) {
        throw new SnpFormatException("the hwID extension is neither raw nor an OCTET STRING");
      }
      id = wrapped.getOctets();
    }
    if (id.length != 64 && id.length != 8) {
      throw new SnpFormatException(
          "the hwID extension is " + id.length + " bytes, not 64 (or 8 on Turin)");
    }
    return Optional.of(ByteString.of(id));
  }
}
