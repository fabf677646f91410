package dev.mse.cli.proxy;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The page a browser gets instead of the app when the proxy does not trust it (or cannot reach it):
 * the status and the reason, as plain, escaped HTML, never cached, with no script.
 */
final class ErrorPage {
  private ErrorPage() {}

  static void write(Response response, int status, String title, String reason, Callback callback) {
    String html =
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<meta name=\"viewport\" content=\"width=device-width\">"
            + "<title>"
            + escape(title)
            + "</title></head><body>\n<h1>"
            + escape(title)
            + "</h1>\n<p>mse proxy did not forward this request.</p>\n<pre id=\"reason\">"
            + escape(reason)
            + "</pre>\n</body></html>\n";
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put("Content-Security-Policy", "default-src 'none'");
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    Content.Sink.write(response, true, html, callback);
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
