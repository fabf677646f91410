package dev.mse.attestation.ratls;

import java.net.InetAddress;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.util.IPAddress;

/**
 * Does a certificate name a host? Exact match against the subjectAltName entries (DNS names
 * case-insensitively, IP addresses by value), no wildcards and no CN fallback: mse certificates
 * always carry exactly their app's name in the SAN (RFC 6125 §6.4).
 */
public final class HostnameCheck {
  private static final int DNS_NAME = 2;
  private static final int IP_ADDRESS = 7;

  private HostnameCheck() {}

  public static boolean matches(X509Certificate certificate, String host) {
    String wanted = normalize(host);
    if (wanted.isEmpty()) {
      return false;
    }
    Collection<List<?>> names;
    try {
      names = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException | RuntimeException e) {
      return false;
    }
    if (names == null) {
      return false;
    }
    boolean ip = IPAddress.isValid(wanted);
    for (List<?> entry : names) {
      if (entry.size() < 2 || !(entry.get(0) instanceof Integer type)) {
        continue;
      }
      if (!(entry.get(1) instanceof String value)) {
        continue;
      }
      if (ip && type == IP_ADDRESS && sameAddress(wanted, value)) {
        return true;
      }
      if (!ip && type == DNS_NAME && normalize(value).equals(wanted)) {
        return true;
      }
    }
    return false;
  }

  /** Lower case, without a trailing dot or IPv6 brackets. */
  static String normalize(String host) {
    String h = host.strip();
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return h.toLowerCase(Locale.ROOT);
  }

  private static boolean sameAddress(String a, String b) {
    if (!IPAddress.isValid(b)) {
      return false;
    }
    try {
      // Literals only: IPAddress.isValid has vetted both, so no name resolution happens here.
      return Arrays.equals(
          InetAddress.ofLiteral(a).getAddress(), InetAddress.ofLiteral(b).getAddress());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
