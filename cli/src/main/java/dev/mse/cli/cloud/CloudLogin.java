package dev.mse.cli.cloud;

import dev.mse.cli.ConfigDirectory;
import dev.mse.cli.PrivateFiles;
import dev.mse.cli.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.toml.TomlMapper;

/**
 * The saved login ({@code $MSE_CONF_PATH/login.toml}, mode 0600): which operator, as whom, with
 * which API token. The token is the only secret; the operator keeps only its hash.
 *
 * @param baseUrl the operator's API, e.g. {@code http://127.0.0.1:8080}
 * @param email who logged in
 * @param token the API token
 * @param insecureHttp the person accepted, at login ({@code --insecure-http}), that the token goes
 *     in clear to a plain {@code http://} operator off this machine
 * @param tokenExpiresAt when the token expires, if the operator said at login
 */
public record CloudLogin(
    String baseUrl,
    String email,
    String token,
    boolean insecureHttp,
    Optional<Instant> tokenExpiresAt) {
  static final String FILE = "login.toml";

  /** The operator API used when nothing else says: the one {@code mse operator serve} starts. */
  static final String DEFAULT_BASE_URL = "http://127.0.0.1:8080";

  private static final TomlMapper TOML = TomlMapper.builder().build();

  /** A login to a loopback or https operator, with no known token expiry. */
  public CloudLogin(String baseUrl, String email, String token) {
    this(baseUrl, email, token, false, Optional.empty());
  }

  /** The token stays out of logs and stack traces. */
  @Override
  public String toString() {
    return "CloudLogin[baseUrl="
        + baseUrl
        + ", email="
        + email
        + ", token=(redacted), insecureHttp="
        + insecureHttp
        + ", tokenExpiresAt="
        + tokenExpiresAt
        + "]";
  }

  /**
   * The client of this login. A login file that sends its token over plain http:// off this machine
   * without the consent recorded at login (say, written by an older mse or by hand) is refused
   * here, at use.
   */
  ApiClient client() {
    return new ApiClient(OperatorUrl.parse(baseUrl), Optional.of(token), insecureHttp);
  }

  static Path file() {
    return ConfigDirectory.path().resolve(FILE);
  }

  static Optional<CloudLogin> load() {
    Path file = file();
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      JsonNode n = TOML.readTree(Files.readString(file, StandardCharsets.UTF_8));
      String url = n.path("base_url").asString("");
      String token = n.path("token").asString("");
      if (url.isEmpty() || token.isEmpty()) {
        throw new UserError(file + " is incomplete: run 'mse cloud login' again");
      }
      return Optional.of(
          new CloudLogin(
              url,
              n.path("email").asString(""),
              token,
              n.path("insecure_http").asBoolean(false),
              TokenExpiry.of(n, "token_expires_at")));
    } catch (IOException | JacksonException e) {
      throw new UserError(
          "cannot read " + file + ": " + e.getMessage() + " (run 'mse cloud login' again)", e);
    }
  }

  /** The saved login, or the error every command that needs one gives. */
  static CloudLogin required() {
    return load()
        .orElseThrow(
            () -> new UserError("not logged in: run 'mse cloud login' (or 'login --token')"));
  }

  public void save() {
    String toml =
        "base_url = "
            + quote(baseUrl)
            + "\nemail = "
            + quote(email)
            + "\ntoken = "
            + quote(token)
            + "\n"
            + (insecureHttp ? "insecure_http = true\n" : "")
            + tokenExpiresAt
                .map(t -> "token_expires_at = " + quote(t.toString()) + "\n")
                .orElse("");
    PrivateFiles.directory(ConfigDirectory.path());
    PrivateFiles.write(file(), toml.getBytes(StandardCharsets.UTF_8));
  }

  static boolean remove() {
    try {
      return Files.deleteIfExists(file());
    } catch (IOException e) {
      throw new UserError("cannot remove " + file() + ": " + e.getMessage(), e);
    }
  }

  /** The API base URL: {@code --url}, else {@code MSE_BASE_URL}, else the saved one, else local. */
  static OperatorUrl baseUrl(Optional<String> option) {
    if (option.isPresent()) {
      return OperatorUrl.parse(option.get());
    }
    String env = System.getenv("MSE_BASE_URL");
    if (env != null && !env.isBlank()) {
      return OperatorUrl.parse(env);
    }
    return OperatorUrl.parse(load().map(CloudLogin::baseUrl).orElse(DEFAULT_BASE_URL));
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\');
      }
      if (c < 0x20) {
        throw new UserError("a login value holds a control character");
      }
      b.append(c);
    }
    return b.append('"').toString();
  }
}
