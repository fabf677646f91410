package dev.mse.operator.api;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers what Jetty refuses on its own (a malformed URI, headers too large, an error escaping a
 * handler) with the API's JSON error instead of Jetty's HTML page: a client of the API gets one
 * format whatever failed. Never a message from the exception: it may echo the request.
 */
final class JsonErrorHandler extends ErrorHandler {
  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus() < 400 ? 500 : response.getStatus();
    byte[] body = body(status);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
    return true;
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
    return ByteBuffer.wrap(body(status));
  }

  static byte[] body(int status) {
    String code =
        switch (status) {
          case 400 -> "bad_request";
          case 404 -> "not_found";
          case 405 -> "method_not_allowed";
          case 408 -> "request_timeout";
          case 413 -> "body_too_large";
          case 414 -> "uri_too_long";
          case 431 -> "headers_too_large";
          case 503 -> "unavailable";
          default -> status >= 500 ? "internal_error" : "bad_request";
        };
    String message =
        status >= 500
            ? "The operator could not handle this request; try again or tell its administrator."
            : "The request was refused before it reached the API: "
                + HttpStatus.getMessage(status)
                + ".";
    return Json.MAPPER.writeValueAsBytes(new Views.Problem(new Views.ProblemBody(code, message)));
  }
}
