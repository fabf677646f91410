package dev.mse.cli.cloud;

import dev.mse.cli.UserError;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The operator's API address, as given to {@code --url}, {@code MSE_BASE_URL} or saved at login:
 * {@code http://} or {@code https://}, a host, an optional port, no query.
 *
 * <p>An API token is a bearer secret: whoever reads it acts as its owner. Plain {@code http://}
 * sends it readable to every network hop, so the CLI sends it only to a loopback address
 * (127.0.0.0/8, ::1, {@code localhost}), where it never leaves this machine, unless the person asks
 * with {@code --insecure-http}. Host names other than {@code localhost} are not resolved to decide:
 * a name's address can change between this check and the request.
 *
 * @param base the URL without a trailing slash
 * @param host its host, lower case, without IPv6 brackets
 * @param plainHttp whether it is {@code http://}
 */
record OperatorUrl(String base, String host, boolean plainHttp) {

  static OperatorUrl parse(String text) {
    String base = text.strip();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    URI uri;
    try {
      uri = new URI(base);
    } catch (URISyntaxException e) {
      throw new UserError(shown(text) + " is not a URL (e.g. https://mse.example.com)", e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new UserError(
          "the operator's URL must start with https:// (or http://): " + shown(text));
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw new UserError("the operator's URL has no host (or holds a user name): " + shown(text));
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new UserError("the operator's URL must not have a query or fragment: " + shown(text));
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new OperatorUrl(base, host, scheme.equals("http"));
  }

  /** Whether the host is this machine without a lookup: localhost or a loopback address. */
  boolean loopback() {
    if (host.equals("localhost")) {
      return true;
    }
    try {
      return InetAddress.ofLiteral(host).isLoopbackAddress();
    } catch (IllegalArgumentException e) {
      return false; // a name, not an address
    }
  }

  /**
   * Refuses a URL that would carry a token in clear off this machine.
   *
   * @param insecureHttp the person accepted that ({@code --insecure-http})
   */
  void requireSafeForToken(boolean insecureHttp) {
    if (plainHttp && !loopback() && !insecureHttp) {
      throw new UserError(
          "refusing to send the API token over plain http:// to "
              + shown(host)
              + " (not this machine): use https://, or log in with --insecure-http if you"
              + " accept that anyone on the network can read and reuse the token");
    }
  }

  /** At most 100 characters of what the person typed, for an error line. */
  private static String shown(String s) {
    String clean = s.replaceAll("\\p{Cntrl}", "?");
    return clean.length() <= 100 ? clean : clean.substring(0, 100) + "...";
  }
}
