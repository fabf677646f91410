package dev.mse.cli.cloud;

import dev.mse.cli.Json;
import dev.mse.cli.UserError;
import dev.mse.cli.Version;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The operator's HTTP API ({@code /api/v1}) as the CLI uses it. Every failure becomes one line for
 * a person: the operator's own message for a refused request, what went wrong otherwise.
 */
final class ApiClient {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String baseUrl;
  private final Optional<String> token;
  private final HttpClient http;

  /**
   * @param insecureHttp the person accepted ({@code --insecure-http}) that a token goes in clear to
   *     a plain http:// operator off this machine; without it such a client is refused here
   */
  ApiClient(OperatorUrl url, Optional<String> token, boolean insecureHttp) {
    if (token.isPresent()) {
      url.requireSafeForToken(insecureHttp);
    }
    this.baseUrl = url.base();
    this.token = token;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** The client of the saved login. */
  static ApiClient loggedIn() {
    return CloudLogin.required().client();
  }

  String baseUrl() {
    return baseUrl;
  }

  JsonNode me() {
    return get("/users/me");
  }

  JsonNode defaults() {
    return get("/defaults");
  }

  JsonNode hardware(String name) {
    return get("/hardware/" + encode(name));
  }

  /** The project named (or with the id) {@code idOrName}, among the account's. */
  JsonNode project(String idOrName) {
    for (JsonNode p : get("/projects").path("items")) {
      if (p.path("id").asString().equals(idOrName) || p.path("name").asString().equals(idOrName)) {
        return p;
      }
    }
    throw new UserError("you have no project '" + idOrName + "'");
  }

  JsonNode app(UUID id) {
    return get("/apps/" + id);
  }

  /** Apps whose fields equal {@code filters} (name, status, project); follows every page. */
  JsonNode apps(Map<String, String> filters) {
    var items = Json.MAPPER.createArrayNode();
    Optional<String> cursor = Optional.empty();
    do {
      Map<String, String> q = new LinkedHashMap<>(filters);
      q.put("limit", "200");
      cursor.ifPresent(c -> q.put("cursor", c));
      JsonNode page = get("/apps" + query(q));
      page.path("items").forEach(items::add);
      cursor =
          page.path("next_cursor").isString()
              ? Optional.of(page.path("next_cursor").asString())
              : Optional.empty();
    } while (cursor.isPresent());
    return items;
  }

  /** Revokes the token this client uses (logout). */
  void revokeCurrentToken() {
    send(request("/tokens/current").DELETE());
  }

  JsonNode stop(UUID id) {
    return send(request("/apps/" + id + "/stop").POST(HttpRequest.BodyPublishers.noBody()));
  }

  JsonNode logs(UUID id) {
    return get("/apps/" + id + "/logs");
  }

  JsonNode metrics(UUID id) {
    return get("/apps/" + id + "/metrics");
  }

  /**
   * Creates an app: the deployment config exactly as the enclave will hash it, and the encrypted
   * package, streamed from its file.
   */
  JsonNode deploy(String project, String hardware, byte[] deploymentConfig, Path packageFile) {
    String boundary = "mse-" + HexFormat.of().formatHex(randomBytes(16));
    StringBuilder head = new StringBuilder();
    part(head, boundary, "project", "text/plain").append(project).append("\r\n");
    part(head, boundary, "hardware", "text/plain").append(hardware).append("\r\n");
    part(head, boundary, "deployment", "application/json");
    String packageHead =
        "\r\n--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"package\"; filename=\"package.tar\""
            + "\r\nContent-Type: application/x-tar\r\n\r\n";
    HttpRequest.BodyPublisher body;
    try {
      body =
          HttpRequest.BodyPublishers.concat(
              HttpRequest.BodyPublishers.ofString(head.toString()),
              HttpRequest.BodyPublishers.ofByteArray(deploymentConfig),
              HttpRequest.BodyPublishers.ofString(packageHead),
              HttpRequest.BodyPublishers.ofFile(packageFile),
              HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n"));
    } catch (FileNotFoundException e) {
      throw new UserError("cannot read the package " + packageFile, e);
    }
    return send(
        request("/apps")
            .timeout(Duration.ofMinutes(10))
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(body));
  }

  private static StringBuilder part(StringBuilder b, String boundary, String name, String type) {
    return b.append("--")
        .append(boundary)
        .append("\r\nContent-Disposition: form-data; name=\"")
        .append(name)
        .append("\"\r\nContent-Type: ")
        .append(type)
        .append("\r\n\r\n");
  }

  JsonNode get(String path) {
    return send(request(path).GET());
  }

  JsonNode post(String path, JsonNode body) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body))));
  }

  JsonNode delete(String path) {
    return send(request(path).DELETE());
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1" + path))
            .timeout(TIMEOUT)
            .header("Accept", "application/json")
            .header("User-Agent", "mse-cli/" + Version.VERSION);
    token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
    return b;
  }

  private JsonNode send(HttpRequest.Builder request) {
    HttpResponse<String> r;
    try {
      r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new UserError(
          "the operator at "
              + baseUrl
              + " does not answer (is it running? 'mse operator serve' starts one;"
              + " MSE_BASE_URL or 'mse cloud login --url' chooses another)",
          e);
    } catch (IOException e) {
      throw new UserError("cannot talk to the operator at " + baseUrl + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted", e);
    }
    JsonNode body;
    try {
      body = r.body().isEmpty() ? Json.object() : Json.MAPPER.readTree(r.body());
    } catch (JacksonException e) {
      throw new UserError(
          "the operator answered HTTP " + r.statusCode() + " with something that is not JSON", e);
    }
    if (r.statusCode() >= 400) {
      String message = body.path("error").path("message").asString("");
      if (r.statusCode() == 401) {
        throw new UserError(
            "the operator refused the login"
                + (message.isEmpty() ? "" : " (" + message + ")")
                + ": run 'mse cloud login' again");
      }
      throw new UserError(
          "the operator refused: "
              + (message.isEmpty() ? "HTTP " + r.statusCode() : message)
              + " (HTTP "
              + r.statusCode()
              + ")");
    }
    return body;
  }

  private static String query(Map<String, String> q) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, String> e : q.entrySet()) {
      b.append(b.isEmpty() ? '?' : '&').append(encode(e.getKey())).append('=');
      b.append(encode(e.getValue()));
    }
    return b.toString();
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }
}
