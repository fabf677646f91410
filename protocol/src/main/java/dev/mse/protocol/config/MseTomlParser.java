package dev.mse.protocol.config;

import dev.mse.attestation.ratls.AppTls;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.POJONode;
import tools.jackson.dataformat.toml.TomlMapper;
import tools.jackson.dataformat.toml.TomlReadFeature;

/**
 * Strict reader for {@code mse.toml}. An unknown key is an error naming it, so that a typo ({@code
 * helthcheck_endpoint}) cannot silently fall back to a default; a value of the wrong type names the
 * key and the expected type.
 */
final class MseTomlParser {
  private static final TomlMapper TOML =
      TomlMapper.builder().enable(TomlReadFeature.PARSE_JAVA_TIME).build();

  private static final Set<String> TOP_KEYS =
      Set.of(
          "name",
          "java_application",
          "main_jar",
          "healthcheck_endpoint",
          "tests_cmd",
          "tls",
          "cloud");
  private static final Set<String> CLOUD_KEYS =
      Set.of("code", "tests", "project", "hardware", "expiration_date", "secrets", "ssl");
  private static final Set<String> SSL_KEYS = Set.of("domain_name", "private_key", "certificate");

  private MseTomlParser() {}

  static MseToml parse(String toml, Path directory) throws ConfigException {
    JsonNode root;
    try {
      root = TOML.readTree(toml);
    } catch (JacksonException e) {
      throw new ConfigException("mse.toml is not valid TOML: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException("mse.toml is not a TOML document");
    }
    checkKeys(root, "", TOP_KEYS);
    String name = requiredString(root, "", "name");
    checkLength("name", name, 255);
    Optional<String> javaApplication = optionalString(root, "", "java_application");
    if (javaApplication.isPresent()) {
      checkJavaClassName(javaApplication.get());
    }
    Optional<String> mainJar = optionalString(root, "", "main_jar");
    if (mainJar.isPresent()) {
      checkMainJar(mainJar.get());
    }
    String healthcheck =
        optionalString(root, "", "healthcheck_endpoint").orElse(MseToml.DEFAULT_HEALTHCHECK);
    if (!AppFields.isHealthcheckEndpoint(healthcheck)) {
      throw new ConfigException(
          "healthcheck_endpoint must be a path starting with '/' (printable, no spaces), got '"
              + healthcheck
              + "'");
    }
    Optional<String> testsCmd = optionalString(root, "", "tests_cmd");
    Optional<String> tlsText = optionalString(root, "", "tls");
    AppTls tls = AppTls.APP;
    if (tlsText.isPresent()) {
      tls =
          AppTls.fromWireName(tlsText.get())
              .orElseThrow(
                  () ->
                      new ConfigException(
                          "tls must be \"app\" (the app serves TLS itself) or \"runtime\" (the"
                              + " runtime terminates TLS for a plain-HTTP app), got '"
                              + tlsText.get()
                              + "'"));
    }
    Optional<MseToml.Cloud> cloud = Optional.empty();
    JsonNode cloudNode = root.get("cloud");
    if (cloudNode != null) {
      cloud = Optional.of(cloud(table(cloudNode, "cloud"), directory));
    }
    return new MseToml(
        directory, name, javaApplication, mainJar, healthcheck, testsCmd, tls, cloud);
  }

  private static MseToml.Cloud cloud(JsonNode node, Path directory) throws ConfigException {
    checkKeys(node, "cloud.", CLOUD_KEYS);
    Path code = optionalPath(node, "code", directory).orElse(directory);
    Optional<Path> tests = optionalPath(node, "tests", directory);
    String project =
        optionalString(node, "cloud.", "project").orElse(MseToml.Cloud.DEFAULT_PROJECT);
    checkLength("cloud.project", project, 255);
    Optional<String> hardware = optionalString(node, "cloud.", "hardware");
    if (hardware.isPresent()) {
      checkLength("cloud.hardware", hardware.get(), 16);
    }
    Optional<ExpirationDate> expiration = expiration(node.get("expiration_date"));
    Optional<Path> secrets = optionalPath(node, "secrets", directory);
    Optional<MseToml.Ssl> ssl = Optional.empty();
    JsonNode sslNode = node.get("ssl");
    if (sslNode != null) {
      ssl = Optional.of(ssl(table(sslNode, "cloud.ssl"), directory));
    }
    return new MseToml.Cloud(code, tests, project, hardware, expiration, secrets, ssl);
  }

  private static MseToml.Ssl ssl(JsonNode node, Path directory) throws ConfigException {
    checkKeys(node, "cloud.ssl.", SSL_KEYS);
    String domain = requiredString(node, "cloud.ssl.", "domain_name");
    if (!AppFields.isDomainName(domain)) {
      throw new ConfigException(
          "cloud.ssl.domain_name must be a DNS name such as app.example.com, got '" + domain + "'");
    }
    Path key =
        resolve(
            "cloud.ssl.private_key", requiredString(node, "cloud.ssl.", "private_key"), directory);
    Path cert =
        resolve(
            "cloud.ssl.certificate", requiredString(node, "cloud.ssl.", "certificate"), directory);
    return new MseToml.Ssl(domain, key, cert);
  }

  private static Optional<ExpirationDate> expiration(JsonNode node) throws ConfigException {
    if (node == null) {
      return Optional.empty();
    }
    if (node.isString()) {
      return Optional.of(ExpirationDate.parse(node.asString()));
    }
    if (node instanceof POJONode pojo) {
      switch (pojo.getPojo()) {
        case LocalDate day -> {
          return Optional.of(new ExpirationDate.OnDay(day));
        }
        case LocalDateTime time -> {
          return Optional.of(new ExpirationDate.AtLocalTime(time));
        }
        case OffsetDateTime time -> {
          return Optional.of(new ExpirationDate.AtOffsetTime(time));
        }
        default -> {
          // a local time without a date: reported below
        }
      }
    }
    throw wrongType("cloud.expiration_date", "a date or date-time", node);
  }

  private static JsonNode table(JsonNode node, String name) throws ConfigException {
    if (!node.isObject()) {
      throw wrongType(name, "a table", node);
    }
    return node;
  }

  private static void checkKeys(JsonNode table, String prefix, Set<String> allowed)
      throws ConfigException {
    for (String key : table.propertyNames()) {
      if (!allowed.contains(key)) {
        String where =
            prefix.isEmpty()
                ? "at the top level"
                : "in [" + prefix.substring(0, prefix.length() - 1) + "]";
        throw new ConfigException(
            "unknown key '"
                + prefix
                + key
                + "' "
                + where
                + " of mse.toml (known: "
                + String.join(", ", new TreeSet<>(allowed))
                + ")");
      }
    }
  }

  private static String requiredString(JsonNode table, String prefix, String key)
      throws ConfigException {
    return optionalString(table, prefix, key)
        .orElseThrow(() -> new ConfigException("missing key '" + prefix + key + "' in mse.toml"));
  }

  private static Optional<String> optionalString(JsonNode table, String prefix, String key)
      throws ConfigException {
    JsonNode node = table.get(key);
    if (node == null) {
      return Optional.empty();
    }
    if (!node.isString()) {
      throw wrongType(prefix + key, "a string", node);
    }
    String value = node.asString();
    if (value.isEmpty()) {
      throw new ConfigException("'" + prefix + key + "' must not be empty");
    }
    return Optional.of(value);
  }

  private static Optional<Path> optionalPath(JsonNode table, String key, Path directory)
      throws ConfigException {
    Optional<String> text = optionalString(table, "cloud.", key);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(resolve("cloud." + key, text.get(), directory));
  }

  private static Path resolve(String key, String text, Path directory) throws ConfigException {
    if (text.indexOf('\0') >= 0) {
      throw new ConfigException("'" + key + "' is not a valid path");
    }
    try {
      return directory.resolve(text).normalize();
    } catch (InvalidPathException e) {
      throw new ConfigException("'" + key + "' is not a valid path: " + e.getReason(), e);
    }
  }

  private static ConfigException wrongType(String key, String expected, JsonNode node) {
    return new ConfigException("'" + key + "' must be " + expected + ", got " + describe(node));
  }

  private static String describe(JsonNode node) {
    if (node.isString()) {
      return "a string";
    }
    if (node.isIntegralNumber()) {
      return "an integer";
    }
    if (node.isNumber()) {
      return "a float";
    }
    if (node.isBoolean()) {
      return "a boolean";
    }
    if (node.isArray()) {
      return "an array";
    }
    if (node.isObject()) {
      return "a table";
    }
    if (node instanceof POJONode) {
      return "a date or time";
    }
    return node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }

  private static void checkLength(String key, String value, int max) throws ConfigException {
    if (value.length() > max) {
      throw new ConfigException(
          "'" + key + "' is too long: " + value.length() + " characters (at most " + max + ")");
    }
    if (value.chars().anyMatch(Character::isISOControl)) {
      throw new ConfigException("'" + key + "' must not contain control characters");
    }
  }

  private static void checkJavaClassName(String value) throws ConfigException {
    if (!AppFields.isJavaClassName(value)) {
      throw new ConfigException(
          "java_application must be a fully qualified class name such as com.example.Main, got '"
              + value
              + "'");
    }
  }

  private static void checkMainJar(String value) throws ConfigException {
    if (!AppFields.isMainJar(value)) {
      throw new ConfigException(
          "main_jar must be a relative path to a .jar inside the code directory (such as"
              + " app.jar or lib/app.jar), got '"
              + value
              + "'");
    }
  }
}
