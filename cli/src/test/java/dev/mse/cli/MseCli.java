package dev.mse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** Runs {@code mse} in-process against a configuration directory, capturing its output. */
public final class MseCli {
  private MseCli() {}

  /** What one command printed. */
  public record Run(int exitCode, String out, String err) {
    public Run succeeded() {
      assertThat(exitCode).as("exit code; stdout:%n%s%nstderr:%n%s", out, err).isZero();
      return this;
    }

    public Run failed() {
      assertThat(exitCode).as("exit code; stdout:%n%s%nstderr:%n%s", out, err).isEqualTo(1);
      return this;
    }
  }

  public static Run run(Path conf, String... args) {
    String previous = System.getProperty(ConfigDirectory.PROPERTY);
    System.setProperty(ConfigDirectory.PROPERTY, conf.toString());
    try {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
      return new Run(code, out.toString(), err.toString());
    } finally {
      if (previous == null) {
        System.clearProperty(ConfigDirectory.PROPERTY);
      } else {
        System.setProperty(ConfigDirectory.PROPERTY, previous);
      }
    }
  }
}
