package dev.mse.operator;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Another JVM on the tests' class path, for tests that need a second process (to kill, say). */
public final class ChildJvm {
  private ChildJvm() {}

  /** Starts {@code main} with {@code args}; its stdout and stderr together on its input stream. */
  public static Process start(Class<?> main, String... args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }
}
