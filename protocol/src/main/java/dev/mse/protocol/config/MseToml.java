package dev.mse.protocol.config;

import dev.mse.attestation.ratls.AppTls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The app configuration file {@code mse.toml}, the file an app owner edits. Its keys mirror MSE's
 * so that MSE users feel at home, with {@code java_application} (a main class) in place of {@code
 * python_application}.
 *
 * <p>Paths are stored resolved against {@link #directory()}, the directory of the file, because a
 * relative path in {@code mse.toml} means "relative to this file" whatever the working directory of
 * the command; {@link #toToml()} writes them back relative to it.
 *
 * @param directory the absolute, normalized directory of the file
 * @param name the app name, 1 to 255 characters
 * @param javaApplication the fully qualified main class, for example {@code com.example.Main}; when
 *     absent the CLI takes the main jar's {@code Main-Class} when it packages (an executable jar, a
 *     Quarkus {@code quarkus-run.jar}), so the package and the deployment config always name a
 *     class
 * @param mainJar the jar holding the main class, relative to the code directory, when the app has
 *     several jars and the main class would otherwise be ambiguous
 * @param healthcheckEndpoint the path the platform polls for readiness; starts with {@code /}
 * @param testsCmd the command that runs the app's tests
 * @param tls who terminates the app's TLS inside the TEE ({@code tls = "app" | "runtime"}, default
 *     app)
 * @param cloud the {@code [cloud]} table, used by {@code mse cloud} only
 */
public record MseToml(
    Path directory,
    String name,
    Optional<String> javaApplication,
    Optional<String> mainJar,
    String healthcheckEndpoint,
    Optional<String> testsCmd,
    AppTls tls,
    Optional<Cloud> cloud) {

  /** The default {@code healthcheck_endpoint}. */
  public static final String DEFAULT_HEALTHCHECK = "/health";

  /** The file name the CLI looks for. */
  public static final String FILE_NAME = "mse.toml";

  public MseToml {
    if (!directory.isAbsolute()) {
      throw new IllegalArgumentException("directory must be absolute: " + directory);
    }
    directory = directory.normalize();
    if (tls == null) {
      throw new IllegalArgumentException("tls must be app or runtime");
    }
  }

  /** An app that names its main class and serves its own TLS (the common case). */
  public MseToml(
      Path directory,
      String name,
      String javaApplication,
      Optional<String> mainJar,
      String healthcheckEndpoint,
      Optional<String> testsCmd,
      Optional<Cloud> cloud) {
    this(
        directory,
        name,
        Optional.of(javaApplication),
        mainJar,
        healthcheckEndpoint,
        testsCmd,
        AppTls.APP,
        cloud);
  }

  /**
   * The {@code [cloud]} table.
   *
   * @param code the directory whose content is packaged (default: the file's directory)
   * @param tests the tests directory, which stays on the owner's machine
   * @param project the project (billing group), default {@code default}
   * @param hardware the hardware offer, for example {@code 4g-eu-001}
   * @param expirationDate when the app stops
   * @param secrets a JSON file given to the enclave at provisioning
   * @param ssl the owner's certificate ({@code [cloud.ssl]}), for the "fully encrypted SaaS" mode
   */
  public record Cloud(
      Path code,
      Optional<Path> tests,
      String project,
      Optional<String> hardware,
      Optional<ExpirationDate> expirationDate,
      Optional<Path> secrets,
      Optional<Ssl> ssl) {

    /** The default {@code project}. */
    public static final String DEFAULT_PROJECT = "default";
  }

  /**
   * The {@code [cloud.ssl]} table: the owner's CA-issued certificate for a custom domain. The
   * private key is only ever sent to a verified enclave, never to the operator.
   *
   * @param domainName the custom domain
   * @param privateKey the PEM private key file
   * @param certificate the PEM full-chain file
   */
  public record Ssl(String domainName, Path privateKey, Path certificate) {}

  /** Reads and validates the file at {@code file}; relative paths resolve against its directory. */
  public static MseToml read(Path file) throws IOException, ConfigException {
    Path absolute = file.toAbsolutePath().normalize();
    String text = Files.readString(absolute, StandardCharsets.UTF_8);
    Path parent = absolute.getParent();
    return parse(text, parent == null ? absolute.getRoot() : parent);
  }

  /** Parses {@code toml}; relative paths resolve against {@code directory}. */
  public static MseToml parse(String toml, Path directory) throws ConfigException {
    return MseTomlParser.parse(toml, directory.toAbsolutePath().normalize());
  }

  /**
   * Writes this configuration as TOML (used by {@code scaffold}); paths are written relative to
   * {@link #directory()} so the file can move with its app. {@code parse(toToml(), directory())}
   * gives back an equal value.
   */
  public String toToml() {
    return MseTomlWriter.write(this);
  }
}
