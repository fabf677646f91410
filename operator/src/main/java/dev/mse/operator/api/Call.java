package dev.mse.operator.api;

import dev.mse.operator.OperatorException;
import dev.mse.operator.store.Account;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** One request as an endpoint sees it: path parameters, query, bounded bodies, the caller. */
final class Call {
  private static final Logger LOG = LoggerFactory.getLogger(Call.class);

  /** Largest JSON or form body: API bodies are small; uploads use multipart. */
  static final int MAX_BODY = 64 * 1024;

  private final Request request;
  private final Map<String, String> pathParameters;
  private final Optional<Account> account;
  private Fields query;

  Call(Request request, Map<String, String> pathParameters, Optional<Account> account) {
    this.request = request;
    this.pathParameters = pathParameters;
    this.account = account;
  }

  Request request() {
    return request;
  }

  /** The signed-in account (endpoints marked authenticated always have one). */
  Account account() {
    return account.orElseThrow(() -> new IllegalStateException("endpoint is not authenticated"));
  }

  String path(String name) {
    return pathParameters.get(name);
  }

  /** A path parameter that must be a UUID; anything else cannot name a resource: 404. */
  UUID pathId(String name, OperatorException notFound) throws OperatorException {
    String v = path(name);
    if (v == null || v.length() != 36) {
      throw notFound;
    }
    try {
      return UUID.fromString(v);
    } catch (IllegalArgumentException e) {
      throw notFound;
    }
  }

  /** A query parameter; a query that is not valid percent-encoded UTF-8 is a 400. */
  Optional<String> query(String name) throws OperatorException {
    if (query == null) {
      try {
        query = Request.extractQueryParameters(request);
      } catch (RuntimeException e) {
        // the client's mistake, not ours: no stack trace, no log line above debug
        LOG.debug("invalid query on {}: {}", request.getHttpURI().getPath(), e.toString());
        throw OperatorException.badRequest(
            "invalid_query", "The query string is not valid percent-encoded UTF-8.");
      }
    }
    return Optional.ofNullable(query.getValue(name)).filter(v -> !v.isEmpty());
  }

  /** The address the request comes from (the per-source limits count by it). */
  String source() {
    String address = Request.getRemoteAddr(request);
    return address == null ? "" : address;
  }

  Optional<String> header(HttpHeader header) {
    return Optional.ofNullable(request.getHeaders().get(header));
  }

  Optional<String> cookie(String name) {
    for (HttpCookie c : Request.getCookies(request)) {
      if (c.getName().equals(name)) {
        return Optional.of(c.getValue());
      }
    }
    return Optional.empty();
  }

  /** The body as a JSON object, at most {@link #MAX_BODY} bytes. */
  JsonNode jsonBody() throws OperatorException {
    String type = header(HttpHeader.CONTENT_TYPE).orElse("");
    if (!type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new OperatorException(
          OperatorException.Kind.UNSUPPORTED_MEDIA_TYPE,
          "unsupported_media_type",
          "The request body must be application/json.");
    }
    byte[] body = boundedBody();
    try {
      JsonNode node = Json.MAPPER.readTree(body);
      if (node == null || !node.isObject()) {
        throw OperatorException.badRequest("invalid_json", "The body must be a JSON object.");
      }
      return node;
    } catch (JacksonException e) {
      throw OperatorException.badRequest("invalid_json", "The body is not valid JSON.");
    }
  }

  /** A form body (application/x-www-form-urlencoded), bounded. */
  Fields form() throws OperatorException {
    String type = header(HttpHeader.CONTENT_TYPE).orElse("");
    if (!type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      throw new OperatorException(
          OperatorException.Kind.UNSUPPORTED_MEDIA_TYPE,
          "unsupported_media_type",
          "The request body must be application/x-www-form-urlencoded.");
    }
    try {
      return FormFields.getFields(request, 32, MAX_BODY);
    } catch (RuntimeException e) {
      throw OperatorException.badRequest("invalid_form", "The form is malformed or too large.");
    }
  }

  private byte[] boundedBody() throws OperatorException {
    long declared = request.getLength();
    if (declared > MAX_BODY) {
      throw tooLarge();
    }
    try (InputStream in = Content.Source.asInputStream(request)) {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      if (body.length > MAX_BODY) {
        throw tooLarge();
      }
      return body;
    } catch (IOException e) {
      throw OperatorException.badRequest("invalid_body", "The request body could not be read.");
    }
  }

  /** A required string field of a JSON body. */
  static String text(JsonNode body, String field) throws OperatorException {
    JsonNode v = body.get(field);
    if (v == null || !v.isString()) {
      throw OperatorException.badRequest(
          "invalid_request", "The field '" + field + "' is required and must be a string.");
    }
    return v.asString();
  }

  static Optional<String> optionalText(JsonNode body, String field) throws OperatorException {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isString()) {
      throw OperatorException.badRequest(
          "invalid_request", "The field '" + field + "' must be a string.");
    }
    return Optional.of(v.asString());
  }

  private static OperatorException tooLarge() {
    return new OperatorException(
        OperatorException.Kind.TOO_LARGE,
        "body_too_large",
        "The request body is larger than the " + MAX_BODY + " bytes allowed.");
  }
}
