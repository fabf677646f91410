package dev.mse.cli.cloud;

import dev.mse.cli.ConfigDirectory;
import dev.mse.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * {@code mse cloud login --no-browser} running on another thread, as a person's terminal would show
 * it, waiting for a browser to come back to its loopback listener.
 *
 * @param out what the command prints
 * @param exitCode completes with the command's exit code
 * @param url the login page it asks the person to open
 */
record PendingLogin(StringWriter out, CompletableFuture<Integer> exitCode, String url) {

  static PendingLogin start(String baseUrl, Path conf) throws InterruptedException {
    StringWriter out = new StringWriter();
    CompletableFuture<Integer> exitCode =
        CompletableFuture.supplyAsync(
            () -> {
              System.setProperty(ConfigDirectory.PROPERTY, conf.toString());
              try {
                return Main.run(
                    new String[] {"cloud", "login", "--url", baseUrl, "--no-browser"},
                    new PrintWriter(out, true),
                    new PrintWriter(new StringWriter(), true));
              } finally {
                System.clearProperty(ConfigDirectory.PROPERTY);
              }
            });
    return new PendingLogin(out, exitCode, awaitUrl(out));
  }

  private static String awaitUrl(StringWriter out) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (Instant.now().isBefore(deadline)) {
      for (String line : out.toString().split("\n")) {
        if (line.strip().startsWith("http") && line.contains("/login/authorize")) {
          return line.strip();
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the CLI printed no login page: " + out);
  }
}
