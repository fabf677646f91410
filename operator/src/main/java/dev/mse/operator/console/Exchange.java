package dev.mse.operator.console;

import dev.mse.operator.OperatorException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/**
 * One console request: its path under {@code /console/} split, its method, the session its cookie
 * names; and how its form, query and cookies are read (bad input as a typed 4xx).
 */
record Exchange(Request request, String method, List<String> path, Optional<String> cookie) {
  private static final int MAX_FORM_BYTES = 64 * 1024;

  String segment(int i) {
    return i < path.size() ? path.get(i) : "";
  }

  static Fields form(Request request) throws OperatorException {
    String type = Optional.ofNullable(request.getHeaders().get(HttpHeader.CONTENT_TYPE)).orElse("");
    if (!type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      throw new OperatorException(
          OperatorException.Kind.UNSUPPORTED_MEDIA_TYPE,
          "unsupported_media_type",
          "The form must be sent as application/x-www-form-urlencoded.");
    }
    try {
      return FormFields.getFields(request, 32, MAX_FORM_BYTES);
    } catch (RuntimeException e) {
      throw OperatorException.badRequest("invalid_form", "The form is malformed or too large.");
    }
  }

  /** A form's field, or "" when it is missing. */
  static String field(Fields form, String name) {
    return Optional.ofNullable(form.getValue(name)).orElse("");
  }

  Fields query() throws OperatorException {
    try {
      return Request.extractQueryParameters(request);
    } catch (RuntimeException e) {
      throw OperatorException.badRequest(
          "invalid_query", "The query string is not valid percent-encoded UTF-8.");
    }
  }

  static Optional<String> cookie(Request request, String name) {
    for (HttpCookie c : Request.getCookies(request)) {
      if (c.getName().equals(name)) {
        return Optional.of(c.getValue());
      }
    }
    return Optional.empty();
  }

  /** The client's address (sign-in throttling), or "". */
  String source() {
    String address = Request.getRemoteAddr(request);
    return address == null ? "" : address;
  }
}
