package dev.mse.attestation.quote;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.codec.X509Codec;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Decodes the PCK certificate chain a quote carries. This is separate from {@link QuoteParser}
 * because the parser only cuts bytes apart; X.509 decoding belongs to the step that then verifies
 * the chain.
 */
public final class QuoteCertificates {
  private static final String PEM_BEGIN = "-----BEGIN CERTIFICATE-----";

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
    String text = new String(withoutTrailingPadding(pemText), StandardCharsets.US_ASCII);
    List<Optional<X509Certificate>> out = new ArrayList<>();
    int start = text.indexOf(PEM_BEGIN);
    while (start >= 0) {
      int next = text.indexOf(PEM_BEGIN, start + PEM_BEGIN.length());
      String block = next < 0 ? text.substring(start) : text.substring(start, next);
      Optional<X509Certificate> parsed;
      try {
        parsed =
            Optional.of(
                X509Codec.certificate(
                    block.strip().replace("\0", "").getBytes(StandardCharsets.US_ASCII)));
      } catch (CertificateException e) {
        parsed = Optional.empty();
      }
      out.add(parsed);
      start = next;
    }
    return List.copyOf(out);
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
