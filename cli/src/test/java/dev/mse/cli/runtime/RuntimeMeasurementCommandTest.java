package dev.mse.cli.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mse.cli.Main;
import dev.mse.protocol.runtime.RuntimeMeasurement;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeMeasurementCommandTest {
  private static String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new String[] {Integer.toString(code), out.toString(), err.toString()};
  }

  @Test
  void printsTheMeasurementOfTheGivenDistribution(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("mse-enclave.jar"), "runtime");
    Files.createDirectories(dir.resolve("lib"));
    Files.writeString(dir.resolve("lib/a.jar"), "library");

    String[] r = run("runtime", "measurement", "--runtime", dir.toString());

    assertThat(r[0]).isEqualTo("0");
    assertThat(r[1].strip()).isEqualTo(RuntimeMeasurement.of(dir).hex());
  }

  @Test
  void findsTheRuntimeBuiltBesideTheCli() throws Exception {
    Path built = Path.of("..", "enclave", "target", "runtime").toAbsolutePath().normalize();
    assumeTrue(Files.isRegularFile(built.resolve("mse-enclave.jar")));
    assertThat(RuntimeDistribution.besideCli()).contains(built);
    assumeTrue(System.getenv(RuntimeDistribution.ENV) == null);

    String[] r = run("runtime", "measurement");

    assertThat(r[0]).isEqualTo("0");
    assertThat(r[1].strip()).isEqualTo(RuntimeMeasurement.of(built).hex());
  }

  @Test
  void aDirectoryWithoutTheRuntimeIsOneClearLine(@TempDir Path dir) {
    String[] r = run("runtime", "measurement", "--runtime", dir.toString());

    assertThat(r[0]).isEqualTo("1");
    assertThat(r[2].lines()).hasSize(1);
    assertThat(r[2]).contains("has no mse-enclave.jar");
  }
}
