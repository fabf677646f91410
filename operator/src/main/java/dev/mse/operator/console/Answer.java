package dev.mse.operator.console;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the console answers: a status, a content type, a body and headers (a list, as a sign-in sets
 * two cookies).
 */
record Answer(
    int status, String contentType, byte[] body, List<Map.Entry<String, String>> headers) {
  Answer {
    headers = List.copyOf(headers);
  }

  static Answer html(int status, String html) {
    return new Answer(
        status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), List.of());
  }

  static Answer text(String text) {
    return new Answer(
        200, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), List.of());
  }

  /** A 303: after a form, the browser asks for the page with GET. */
  static Answer seeOther(String location) {
    return new Answer(303, "", new byte[0], List.of(Map.entry("Location", location)));
  }

  Answer with(String header, String value) {
    List<Map.Entry<String, String>> all = new ArrayList<>(headers);
    all.add(Map.entry(header, value));
    return new Answer(status, contentType, body, all);
  }
}
