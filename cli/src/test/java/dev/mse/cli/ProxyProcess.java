package dev.mse.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code mse proxy …} in a JVM of its own (the test's class path), as a user runs it: its output
 * (stdout and stderr together) collected as it comes.
 */
public final class ProxyProcess implements AutoCloseable {
  private final Process process;
  private final StringBuffer output = new StringBuffer();

  private ProxyProcess(Process process) {
    this.process = process;
    Thread.ofVirtual()
        .start(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  output.append(line).append('\n');
                }
              } catch (java.io.IOException e) {
                output.append("(output lost: ").append(e).append(")\n");
              }
            });
  }

  public static ProxyProcess start(Path conf, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-D" + ConfigDirectory.PROPERTY + "=" + conf,
                "-cp",
                System.getProperty("java.class.path"),
                "dev.mse.cli.Main",
                "proxy"));
    command.addAll(List.of(args));
    return new ProxyProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
  }

  /** Waits until the proxy serves (true) or exits (false). */
  public boolean awaitServing() throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
    while (Instant.now().isBefore(deadline)) {
      if (output.indexOf("serving http://") >= 0) {
        return true;
      }
      if (!process.isAlive()) {
        process.waitFor();
        Thread.sleep(200); // the rest of its output
        return false;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("mse proxy neither served nor exited:\n" + output);
  }

  /** Its exit code, once it exited. */
  public int exitCode() throws Exception {
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new AssertionError("mse proxy did not exit:\n" + output);
    }
    return process.exitValue();
  }

  public String output() {
    return output.toString();
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
