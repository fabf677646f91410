package dev.mse.operator.testing;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The JDK HttpClient against the real API server, with JSON and multipart helpers. */
public final class ApiClient {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final HttpClient http;
  private final URI base;
  private final Optional<String> token;
  private final Optional<InetAddress> source;

  public ApiClient(URI base, Optional<String> token) {
    this(base, token, Optional.empty());
  }

  private ApiClient(URI base, Optional<String> token, Optional<InetAddress> source) {
    this.base = base;
    this.token = token;
    this.source = source;
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER);
    source.ifPresent(b::localAddress);
    this.http = b.build();
  }

  public ApiClient withToken(String t) {
    return new ApiClient(base, Optional.of(t), source);
  }

  /**
   * The same client connecting from another local address (127.0.0.2, …: all of 127/8 is loopback),
   * which the operator sees as another source.
   */
  public ApiClient from(String localAddress) throws Exception {
    return new ApiClient(base, token, Optional.of(InetAddress.getByName(localAddress)));
  }

  public URI base() {
    return base;
  }

  /** A response, with the body as text. */
  public record Res(int status, String body, HttpResponse<String> raw) {
    public JsonNode json() {
      return JSON.readTree(body);
    }

    public String errorCode() {
      return json().path("error").path("code").asString();
    }

    public String errorMessage() {
      return json().path("error").path("message").asString();
    }
  }

  public Res get(String path) throws Exception {
    return send(request(path).GET());
  }

  public Res delete(String path) throws Exception {
    return send(request(path).DELETE());
  }

  public Res post(String path, Object json) throws Exception {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(json))));
  }

  public Res postEmpty(String path) throws Exception {
    return send(request(path).POST(HttpRequest.BodyPublishers.noBody()));
  }

  public Res postForm(String path, Map<String, String> form, Map<String, String> headers)
      throws Exception {
    String body =
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    HttpRequest.Builder b =
        request(path)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return send(b);
  }

  /** A deploy upload with the four parts. */
  public Res deploy(String project, String hardware, byte[] config, byte[] pkg) throws Exception {
    Map<String, Part> parts = new LinkedHashMap<>();
    parts.put("project", new Part("text/plain", null, project.getBytes(StandardCharsets.UTF_8)));
    parts.put("hardware", new Part("text/plain", null, hardware.getBytes(StandardCharsets.UTF_8)));
    parts.put("deployment", new Part("application/json", "deployment.json", config));
    parts.put("package", new Part("application/x-tar", "package.tar", pkg));
    return multipart("/api/v1/apps", parts);
  }

  /** One part of a multipart upload. */
  public record Part(String contentType, String fileName, byte[] content) {}

  public Res multipart(String path, Map<String, Part> parts) throws Exception {
    String boundary = "----mse" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (var e : parts.entrySet()) {
      Part p = e.getValue();
      body.write(("--" + boundary + "\r\n").getBytes(StandardCharsets.UTF_8));
      String disposition = "Content-Disposition: form-data; name=\"" + e.getKey() + "\"";
      if (p.fileName() != null) {
        disposition += "; filename=\"" + p.fileName() + "\"";
      }
      body.write((disposition + "\r\n").getBytes(StandardCharsets.UTF_8));
      body.write(
          ("Content-Type: " + p.contentType() + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      body.write(p.content());
      body.write("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return send(
        request(path)
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
  }

  public HttpRequest.Builder request(String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
    token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
    return b;
  }

  public Res send(HttpRequest.Builder b) throws Exception {
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Res(r.statusCode(), r.body(), r);
  }
}
