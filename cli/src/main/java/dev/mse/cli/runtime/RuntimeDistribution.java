package dev.mse.cli.runtime;

import dev.mse.attestation.codec.ByteString;
import dev.mse.cli.UserError;
import dev.mse.operator.node.runtime.RuntimeLaunch;
import dev.mse.protocol.runtime.RuntimeMeasurement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The mse runtime distribution on this machine: {@code mse-enclave.jar} and {@code lib/*.jar}, as
 * built in {@code enclave/target/runtime}. Found, in this order, from {@code --runtime}, the
 * environment variable {@value #ENV}, or beside the CLI jar when it runs from a source tree ({@code
 * <repo>/cli/target/…} → {@code <repo>/enclave/target/runtime}).
 */
public final class RuntimeDistribution {
  /**
   * The environment variable naming the distribution directory (the {@code ./mse} launcher sets
   * it).
   */
  public static final String ENV = "MSE_RUNTIME_DIR";

  /** The runtime jar, at the top of the distribution. */
  public static final String RUNTIME_JAR = RuntimeLaunch.RUNTIME_JAR;

  /** Measurements already computed in this process, by distribution directory. */
  private static final Map<Path, ByteString> MEASURED = new ConcurrentHashMap<>();

  private final Path directory;

  private RuntimeDistribution(Path directory) {
    this.directory = directory;
  }

  /** The distribution named by {@code option}, else by {@value #ENV}, else beside the CLI. */
  public static RuntimeDistribution locate(Optional<Path> option) {
    if (option.isPresent()) {
      return at(option.get(), "--runtime");
    }
    String env = System.getenv(ENV);
    if (env != null && !env.isBlank()) {
      return at(Path.of(env), ENV);
    }
    Optional<Path> besideCli = besideCli();
    if (besideCli.isPresent() && Files.isRegularFile(besideCli.get().resolve(RUNTIME_JAR))) {
      return new RuntimeDistribution(besideCli.get());
    }
    throw new UserError(
        "no mse runtime distribution found: give --runtime DIR or set "
            + ENV
            + " (in a source tree, './mvnw install -pl enclave -am' builds enclave/target/runtime)");
  }

  /** The distribution in {@code directory}, which must hold {@value #RUNTIME_JAR}. */
  public static RuntimeDistribution at(Path directory, String source) {
    Path dir = directory.toAbsolutePath().normalize();
    if (!Files.isRegularFile(dir.resolve(RUNTIME_JAR))) {
      throw new UserError(
          "the runtime distribution " + dir + " (from " + source + ") has no " + RUNTIME_JAR);
    }
    return new RuntimeDistribution(dir);
  }

  /**
   * {@code <repo>/enclave/target/runtime} when this class was loaded from {@code
   * <repo>/cli/target}.
   */
  static Optional<Path> besideCli() {
    Path location;
    try {
      location =
          Path.of(
                  RuntimeDistribution.class
                      .getProtectionDomain()
                      .getCodeSource()
                      .getLocation()
                      .toURI())
              .toAbsolutePath()
              .normalize();
    } catch (URISyntaxException | RuntimeException e) {
      return Optional.empty();
    }
    for (Path p = location; p != null && p.getParent() != null; p = p.getParent()) {
      Path parent = p.getParent();
      if (p.getFileName().toString().equals("target")
          && parent.getFileName() != null
          && parent.getFileName().toString().equals("cli")
          && parent.getParent() != null) {
        return Optional.of(
            parent.getParent().resolve("enclave").resolve("target").resolve("runtime"));
      }
    }
    return Optional.empty();
  }

  public Path directory() {
    return directory;
  }

  /** The simulated TEE's MRENCLAVE for this distribution ({@link RuntimeMeasurement}). */
  public ByteString measurement() {
    try {
      // Hashing the distribution takes a while and one command may ask more than once.
      return MEASURED.computeIfAbsent(directory, RuntimeDistribution::measure);
    } catch (UncheckedIOException e) {
      throw new UserError(
          "cannot measure the runtime distribution " + directory + ": " + e.getCause().getMessage(),
          e);
    }
  }

  private static ByteString measure(Path directory) {
    try {
      return RuntimeMeasurement.of(directory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
