package dev.mse.cli.cloud;

import dev.mse.cli.ConfigDirectory;
import dev.mse.cli.Json;
import dev.mse.cli.PrivateFiles;
import dev.mse.cli.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the owner's CLI remembers of a deployed app ({@code
 * $MSE_CONF_PATH/context/<id>/context.json} and {@code code.key}, mode 0600): enough to test it,
 * share what users should expect ({@code context --export}, without the key) and verify it again
 * later.
 *
 * @param appId the app
 * @param name its name
 * @param domain where users reach it
 * @param enclaveDomain the name that always reaches the enclave itself
 * @param proxyHost the operator's proxy
 * @param proxyPort its port
 * @param sslOrigin self, owner or operator
 * @param deploymentConfig the canonical config the enclave hashes
 * @param packageSha256 hex
 * @param codeSha256 hex: what {@code verify --fingerprint} expects
 * @param runtimeMeasurement hex: the expected MRENCLAVE
 * @param expires when the app stops
 * @param testsDir the app's tests, on this machine
 * @param testsCmd how to run them
 */
record AppContext(
    UUID appId,
    String name,
    String domain,
    String enclaveDomain,
    String proxyHost,
    int proxyPort,
    String sslOrigin,
    String deploymentConfig,
    String packageSha256,
    String codeSha256,
    String runtimeMeasurement,
    Instant expires,
    Optional<String> testsDir,
    Optional<String> testsCmd) {

  static Path root() {
    return ConfigDirectory.path().resolve("context");
  }

  static Path dir(UUID id) {
    return root().resolve(id.toString());
  }

  ObjectNode toJson() {
    ObjectNode n = Json.object();
    n.put("version", 1);
    n.put("app_id", appId.toString());
    n.put("name", name);
    n.put("domain", domain);
    n.put("enclave_domain", enclaveDomain);
    n.put("proxy_host", proxyHost);
    n.put("proxy_port", proxyPort);
    n.put("ssl_origin", sslOrigin);
    n.put("deployment_config", deploymentConfig);
    n.put("package_sha256", packageSha256);
    n.put("code_sha256", codeSha256);
    n.put("runtime_measurement", runtimeMeasurement);
    n.put("expires", expires.toString());
    testsDir.ifPresent(t -> n.put("tests_dir", t));
    testsCmd.ifPresent(t -> n.put("tests_cmd", t));
    return n;
  }

  static AppContext fromJson(JsonNode n, Path source) {
    try {
      return new AppContext(
          UUID.fromString(n.path("app_id").asString()),
          n.path("name").asString(),
          n.path("domain").asString(),
          n.path("enclave_domain").asString(),
          n.path("proxy_host").asString(),
          n.path("proxy_port").asInt(),
          n.path("ssl_origin").asString(),
          n.path("deployment_config").asString(),
          n.path("package_sha256").asString(),
          n.path("code_sha256").asString(),
          n.path("runtime_measurement").asString(),
          Instant.parse(n.path("expires").asString()),
          n.path("tests_dir").isString()
              ? Optional.of(n.path("tests_dir").asString())
              : Optional.empty(),
          n.path("tests_cmd").isString()
              ? Optional.of(n.path("tests_cmd").asString())
              : Optional.empty());
    } catch (RuntimeException e) {
      throw new UserError(source + " is not an mse app context: " + e.getMessage(), e);
    }
  }

  void save(byte[] codeKey) {
    Path dir = dir(appId);
    PrivateFiles.directory(dir);
    PrivateFiles.write(
        dir.resolve("context.json"), Json.write(toJson()).getBytes(StandardCharsets.UTF_8));
    PrivateFiles.write(dir.resolve("code.key"), codeKey);
  }

  static AppContext read(Path file) {
    try {
      return fromJson(Json.MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8)), file);
    } catch (IOException e) {
      throw new UserError("cannot read " + file + ": " + e.getMessage(), e);
    } catch (JacksonException e) {
      throw new UserError(file + " is not JSON: " + e.getOriginalMessage(), e);
    }
  }

  static Optional<AppContext> find(UUID id) {
    Path file = dir(id).resolve("context.json");
    return Files.isRegularFile(file) ? Optional.of(read(file)) : Optional.empty();
  }

  static List<AppContext> all() {
    List<AppContext> list = new ArrayList<>();
    if (!Files.isDirectory(root())) {
      return list;
    }
    try (Stream<Path> dirs = Files.list(root())) {
      for (Path d : dirs.sorted().toList()) {
        Path file = d.resolve("context.json");
        if (Files.isRegularFile(file)) {
          list.add(read(file));
        }
      }
    } catch (IOException e) {
      throw new UserError("cannot list " + root() + ": " + e.getMessage(), e);
    }
    return list;
  }

  static void remove(UUID id) {
    Path dir = dir(id);
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UserError("cannot remove " + dir + ": " + e.getMessage(), e);
    }
  }
}
