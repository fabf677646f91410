package dev.mse.attestation.collateral;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.X509Codec;
import java.nio.charset.StandardCharsets;
import java.security.cert.CRLException;
import java.security.cert.X509CRL;

/**
 * Reads the CRLs that come with collateral in the encodings they are served in: DER (PCS with
 * {@code encoding=der}, Intel's root CRL URL), PEM (PCS by default, files) and hex of DER (a PCCS's
 * {@code /rootcacrl}, dcap-qvl's JSON). Hex is unambiguous: a DER CRL starts with {@code 0x30 0x82}
 * and {@code 0x82} is not a hex digit.
 */
public final class CrlReader {
  private CrlReader() {}

  /**
   * One CRL in PEM, DER or hex-of-DER (surrounding whitespace allowed for the text forms).
   *
   * @param what names the CRL in error messages, e.g. {@code pck_crl}
   */
  public static X509CRL read(ByteString data, String what) throws CollateralFormatException {
    String text = hexCandidate(data);
    if (!text.isEmpty() && isHex(text)) {
      return der(ByteString.of(JsonFields.parseHexDigits(text, what)), what);
    }
    return der(data, what);
  }

  /** One CRL given as hex of its DER (dcap-qvl's form), nothing else. */
  static X509CRL hex(String text, String what) throws CollateralFormatException {
    return der(ByteString.of(JsonFields.parseHexDigits(text, what)), what);
  }

  /** One CRL, DER or PEM. */
  static X509CRL der(ByteString data, String what) throws CollateralFormatException {
    if (data.size() == 0) {
      throw new CollateralFormatException(what + ": empty");
    }
    try {
      return X509Codec.crl(data.toByteArray());
    } catch (CRLException e) {
      throw new CollateralFormatException(what + ": " + e.getMessage(), e);
    }
  }

  /** The data as trimmed ASCII text when it could be hex, else the empty string. */
  private static String hexCandidate(ByteString data) {
    for (int i = 0; i < data.size(); i++) {
      if (data.unsignedAt(i) > 0x7f) {
        return "";
      }
    }
    return new String(data.toByteArray(), StandardCharsets.US_ASCII).strip();
  }

  private static boolean isHex(String text) {
    if (text.length() % 2 != 0) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
        return false;
      }
    }
    return true;
  }
}
