package dev.mse.operator.api;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What an endpoint answers: a status, a content type, a body and extra headers. Built by the
 * factories; written by {@link ApiHandler}.
 */
record Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
  static Reply json(int status, Object body) {
    return new Reply(status, "application/json", Json.MAPPER.writeValueAsBytes(body), Map.of());
  }

  static Reply ok(Object body) {
    return json(200, body);
  }

  static Reply noContent() {
    return new Reply(204, "", new byte[0], Map.of());
  }

  static Reply html(int status, String html, Map<String, String> headers) {
    return new Reply(
        status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), headers);
  }

  static Reply redirect(String location, Map<String, String> headers) {
    java.util.HashMap<String, String> all = new java.util.HashMap<>(headers);
    all.put("Location", location);
    return new Reply(302, "", new byte[0], Map.copyOf(all));
  }

  static Reply raw(int status, String contentType, byte[] body) {
    return new Reply(status, contentType, body, Map.of());
  }
}
