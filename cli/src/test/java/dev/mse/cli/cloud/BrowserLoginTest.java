package dev.mse.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.mse.operator.OperatorConfig;
import dev.mse.operator.local.LocalOperator;
import dev.mse.operator.node.runtime.LoopbackPorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mse cloud login} with a real browser: Debian's Chromium opens the operator's login page, a
 * person's typing is played by JavaScript, the form posts, and Chromium follows the redirect to the
 * CLI's loopback listener. CI installs Chromium; {@code MSE_SKIP_BROWSER=1} skips this test on a
 * machine without it.
 */
class BrowserLoginTest {
  @TempDir Path work;

  @Test
  void chromiumLogsTheCliIn() throws Exception {
    if (!Files.isExecutable(Chromium.BINARY)) {
      assumeFalse("1".equals(System.getenv("MSE_SKIP_BROWSER")), "MSE_SKIP_BROWSER=1");
      fail(
          "no Chromium at "
              + Chromium.BINARY
              + ": apt-get install chromium (or MSE_SKIP_BROWSER=1)");
    }
    OperatorConfig config =
        OperatorConfig.defaults(work.resolve("operator"))
            .withApi("127.0.0.1", LoopbackPorts.free())
            .withProxy("127.0.0.1", LoopbackPorts.free());
    try (LocalOperator operator =
            LocalOperator.start(
                new LocalOperator.Settings(config, CloudFixture.RUNTIME, "simulation"));
        Chromium chromium = Chromium.start(Files.createDirectories(work.resolve("profile")))) {
      operator.operator().accounts().createAccount("person@example.test", "a long passphrase");
      String base = "http://127.0.0.1:" + config.apiPort();
      Path conf = work.resolve("conf");
      PendingLogin login = PendingLogin.start(base, conf);
      chromium.navigate(login.url());
      chromium.await("!!document.querySelector('input[name=email]')", Duration.ofSeconds(20));
      chromium.evaluate(
          "document.querySelector('input[name=email]').value = 'person@example.test';"
              + "document.querySelector('input[name=password]').value = 'a long passphrase';"
              + "document.querySelector('form').submit(); true");
      assertThat(login.exitCode().get(60, TimeUnit.SECONDS)).isZero();
      chromium.await(
          "!!document.body && document.body.innerText.includes('logged in')",
          Duration.ofSeconds(20));
      assertThat(login.out().toString()).contains("as person@example.test");
      assertThat(Files.readString(conf.resolve("login.toml"))).contains("token = \"mse_");
    }
  }
}
