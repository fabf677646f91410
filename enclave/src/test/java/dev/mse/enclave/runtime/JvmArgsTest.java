package dev.mse.enclave.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The runtime's own JVM options ({@code src/dist/jvm.args}, part of the measured distribution). */
class JvmArgsTest {
  private static final Path JVM_ARGS = Path.of("src/dist/jvm.args");

  @Test
  void theJitDoesNotTreatAppMethodsAsTrainedWhenTheCacheIsUsed() throws Exception {
    // With any AOT cache, JDK 25 keeps the C2-queue feedback on for every method (JDK-8386852):
    // a Spring Boot app served 0.55-0.71 of what the same runtime without a cache serves, on 2
    // cores (docs/benchmarks.md, session 15). The option comes after the unlock it needs.
    assertThat(Files.readAllLines(JVM_ARGS))
        .containsSubsequence("-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTReplayTraining");
  }
}
