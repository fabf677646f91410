package dev.mse.attestation.quote;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.X509Codec;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Decodes the PCK certificate chain a quote carries. This is separate from {@link QuoteParser}
 * because the parser only cuts bytes apart; X.509 decoding belongs to the step that then verifies
 * the chain.
 */
public final class QuoteCertificates {
  private static final String PEM_BEGIN = "-----BEGIN CERTIFICATE-----";
  private static final String PEM_END = "-----END CERTIFICATE-----";

  private QuoteCertificates() {}

  /** The certificates of the quote's innermost certification data, leaf first as Intel sends it. */
  public static List<X509Certificate> pckChain(Quote quote) throws QuoteFormatException {
    return pckChain(quote.signatureData().certification());
  }

  /**
   * The certificates in certification data of type 5. Real Quoting Enclaves end the PEM text with a
   * NUL terminator or a newline, so trailing NULs and whitespace are dropped before decoding.
   *
   * @throws QuoteFormatException if the type is not 5 or the data holds no readable certificate
   */
  public static List<X509Certificate> pckChain(CertificationData certification)
      throws QuoteFormatException {
    if (certification.type() != CertificationData.PCK_CERT_CHAIN) {
      throw new QuoteFormatException(
          "certification data type "
              + certification.type()
              + " carries no PCK certificate chain; expected type 5");
    }
    byte[] pem = withoutTrailingPadding(certification.data());
    if (pem.length == 0) {
      throw new QuoteFormatException("certification data type 5 is empty");
    }
    try {
      return X509Codec.certificates(pem);
    } catch (CertificateException e) {
      throw new QuoteFormatException(
          "certification data type 5 holds no readable PCK certificate chain: " + e.getMessage(),
          e);
    }
  }

  /**
   * Each certificate of PEM certification data read on its own, in order, empty where a block
   * cannot be read: the verifier names exactly which certificate of a chain is damaged.
   */
  public static List<Optional<X509Certificate>> eachCertificate(ByteString pemText) {
    return eachCertificate(pemText, List.of());
  }

  /**
   * As {@link #eachCertificate(ByteString)}; a block whose DER is byte for byte one of {@code
   * pinned} (the chain's root, as a rule) gives that pinned object instead of a second parse of the
   * same bytes.
   */
  public static List<Optional<X509Certificate>> eachCertificate(
      ByteString pemText, List<X509Certificate> pinned) {
    String text = new String(withoutTrailingPadding(pemText), StandardCharsets.US_ASCII);
    List<Optional<X509Certificate>> out = new ArrayList<>();
    int start = text.indexOf(PEM_BEGIN);
    while (start >= 0) {
      int next = text.indexOf(PEM_BEGIN, start + PEM_BEGIN.length());
      String block = next < 0 ? text.substring(start) : text.substring(start, next);
      out.add(certificate(block.strip().replace("\0", ""), pinned));
      start = next;
    }
    return List.copyOf(out);
  }

  /**
   * One PEM block. The usual form (header, base64 lines, footer) is decoded here and its DER parsed
   * or matched against the pinned certificates; anything else goes to the JDK's PEM reader, which
   * then decides, so the accepted inputs are the JDK's either way.
   */
  private static Optional<X509Certificate> certificate(String block, List<X509Certificate> pinned) {
    Optional<byte[]> der = plainPemBody(block);
    try {
      if (der.isEmpty()) {
        return Optional.of(X509Codec.certificate(block.getBytes(StandardCharsets.US_ASCII)));
      }
      for (X509Certificate p : pinned) {
        if (Arrays.equals(p.getEncoded(), der.get())) {
          return Optional.of(p);
        }
      }
      return Optional.of(X509Codec.certificate(der.get()));
    } catch (CertificateException e) {
      return Optional.empty();
    }
  }

  private static Optional<byte[]> plainPemBody(String block) {
    if (!block.startsWith(PEM_BEGIN) || !block.endsWith(PEM_END)) {
      return Optional.empty();
    }
    String body = block.substring(PEM_BEGIN.length(), block.length() - PEM_END.length());
    StringBuilder base64 = new StringBuilder(body.length());
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '\n' || c == '\r' || c == ' ' || c == '\t') {
        continue;
      }
      base64.append(c);
    }
    try {
      byte[] der = Base64.getDecoder().decode(base64.toString());
      return der.length > 0 && der[0] == 0x30 ? Optional.of(der) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static byte[] withoutTrailingPadding(ByteString data) {
    byte[] bytes = data.toByteArray();
    int end = bytes.length;
    while (end > 0 && isPadding(bytes[end - 1])) {
      end--;
    }
    return Arrays.copyOf(bytes, end);
  }

  private static boolean isPadding(byte b) {
    return b == 0 || b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }
}
