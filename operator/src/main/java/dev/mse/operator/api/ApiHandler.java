package dev.mse.operator.api;

import dev.mse.operator.OperatorException;
import dev.mse.operator.account.AccountService;
import dev.mse.operator.store.Account;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router: finds the endpoint for a method and path, checks the bearer token when the endpoint
 * needs one, runs it on the request's (virtual) thread and writes its reply. Refusals become {@code
 * {"error": {"code", "message"}}}; anything unexpected is logged here and answered with a plain
 * 500, never a stack trace. What Jetty refuses before a handler runs goes to {@link
 * JsonErrorHandler}.
 */
final class ApiHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

  private final List<Endpoint> endpoints;
  private final AccountService accounts;

  ApiHandler(List<Endpoint> endpoints, AccountService accounts) {
    this.endpoints = List.copyOf(endpoints);
    this.accounts = accounts;
  }

  List<Endpoint> endpoints() {
    return endpoints;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Reply reply;
    try {
      reply = dispatch(request);
    } catch (OperatorException e) {
      reply = problem(e.kind().status(), e.code(), e.getMessage());
    } catch (Exception | Error e) {
      // Errors too (OutOfMemoryError, StackOverflowError): the client gets the API's JSON, and
      // Jetty, which would answer with its HTML page, never sees them
      LOG.error("{} {} failed", request.getMethod(), Request.getPathInContext(request), e);
      reply =
          problem(
              500,
              "internal_error",
              "The operator could not handle this request; try again or tell its administrator.");
    }
    write(reply, response, callback);
    return true;
  }

  private Reply dispatch(Request request) throws Exception {
    String path = Request.getPathInContext(request);
    String method = request.getMethod();
    List<String> segments = List.of(path.substring(path.startsWith("/") ? 1 : 0).split("/", -1));
    List<String> allowed = new ArrayList<>();
    for (Endpoint e : endpoints) {
      Optional<Map<String, String>> params = match(e.segments(), segments);
      if (params.isEmpty()) {
        continue;
      }
      if (!e.method().equals(method)) {
        allowed.add(e.method());
        continue;
      }
      Optional<Account> account =
          e.authenticated() ? Optional.of(authenticate(request)) : Optional.empty();
      return e.action().handle(new Call(request, params.get(), account));
    }
    if (!allowed.isEmpty()) {
      Reply r = problem(405, "method_not_allowed", "This path does not accept " + method + ".");
      return new Reply(
          r.status(), r.contentType(), r.body(), Map.of("Allow", String.join(", ", allowed)));
    }
    return problem(404, "not_found", "There is nothing at " + path + ".");
  }

  private Account authenticate(Request request) throws OperatorException {
    String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (header == null || header.isBlank()) {
      throw OperatorException.unauthorized(
          "This request needs an API token (Authorization: Bearer mse_…); run 'mse cloud login'.");
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw OperatorException.unauthorized(
          "The Authorization header must be 'Bearer' followed by an API token.");
    }
    return accounts.authenticateToken(header.substring(7).strip());
  }

  private static Optional<Map<String, String>> match(List<String> template, List<String> path) {
    if (template.size() != path.size()) {
      return Optional.empty();
    }
    Map<String, String> params = new HashMap<>();
    for (int i = 0; i < template.size(); i++) {
      String t = template.get(i);
      String p = path.get(i);
      if (t.startsWith("{") && t.endsWith("}")) {
        if (p.isEmpty()) {
          return Optional.empty();
        }
        params.put(t.substring(1, t.length() - 1), p);
      } else if (!t.equals(p)) {
        return Optional.empty();
      }
    }
    return Optional.of(params);
  }

  static Reply problem(int status, String code, String message) {
    Reply r = Reply.json(status, new Views.Problem(new Views.ProblemBody(code, message)));
    if (status == 401) {
      return new Reply(r.status(), r.contentType(), r.body(), Map.of("WWW-Authenticate", "Bearer"));
    }
    if (status == 429 || status == 503) {
      return new Reply(r.status(), r.contentType(), r.body(), Map.of("Retry-After", "60"));
    }
    return r;
  }

  private static void write(Reply reply, Response response, Callback callback) {
    response.setStatus(reply.status());
    if (!reply.contentType().isEmpty()) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
    }
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    reply.headers().forEach((k, v) -> response.getHeaders().add(k, v));
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, reply.body().length);
    response.write(true, ByteBuffer.wrap(reply.body()), callback);
  }
}
