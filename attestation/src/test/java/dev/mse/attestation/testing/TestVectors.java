package dev.mse.attestation.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real attestation vectors in {@code ../shared/testvectors} (beside the clone). The build
 * passes the location as the system property {@code mse.testvectors}.
 */
public final class TestVectors {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private TestVectors() {}

  public static Path root() {
    String configured = System.getProperty("mse.testvectors");
    Path root =
        configured != null ? Path.of(configured) : Path.of("..", "..", "shared", "testvectors");
    if (!Files.isDirectory(root)) {
      throw new IllegalStateException("test vectors not found at " + root.toAbsolutePath());
    }
    return root;
  }

  public static Path path(String relative) {
    return root().resolve(relative);
  }

  public static byte[] bytes(String relative) {
    try {
      return Files.readAllBytes(path(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String text(String relative) {
    return new String(bytes(relative), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** {@code EXPECTED.json}. */
  public static JsonNode expected() {
    return JSON.readTree(bytes("EXPECTED.json"));
  }

  /** {@code NEGATIVE_CASES.json}. */
  public static JsonNode negativeCases() {
    return JSON.readTree(bytes("NEGATIVE_CASES.json"));
  }
}
