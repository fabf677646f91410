package dev.mse.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One external command run to its end: exit code and output (stdout and stderr together). */
record Command(int exitCode, String output) {
  private static final long TIMEOUT_MINUTES = 5;

  /** Runs {@code command} in {@code dir} with exactly {@code env} as its environment. */
  static Command run(Path dir, Map<String, String> env, List<String> command)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    Path log = Files.createTempFile(dir, "command", ".log");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    Process p = builder.start();
    if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError(
          command + " did not end in " + TIMEOUT_MINUTES + " min:\n" + Files.readString(log));
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    Files.delete(log);
    return new Command(p.exitValue(), output);
  }

  /** This, after checking that it exited 0. */
  Command succeeded() {
    if (exitCode != 0) {
      throw new AssertionError("exit code " + exitCode + ", output:\n" + output);
    }
    return this;
  }
}
