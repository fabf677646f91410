package dev.mse.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.local.LocalOperator;
import dev.mse.operator.node.runtime.LoopbackPorts;
import dev.mse.operator.testing.Chromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mse cloud login} with a real browser: Debian's Chromium (through Playwright) opens the
 * operator's login page, types as a person would, sends the form, and follows the redirect to the
 * CLI's loopback listener. CI installs Chromium; {@code MSE_SKIP_BROWSER=1} skips this test on a
 * machine without it.
 */
class BrowserLoginTest {
  @TempDir Path work;

  @Test
  void chromiumLogsTheCliIn() throws Exception {
    OperatorConfig config =
        OperatorConfig.defaults(work.resolve("operator"))
            .withApi("127.0.0.1", LoopbackPorts.free())
            .withProxy("127.0.0.1", LoopbackPorts.free());
    try (Chromium chromium = Chromium.start();
        LocalOperator operator =
            LocalOperator.start(
                new LocalOperator.Settings(config, CloudFixture.RUNTIME, "simulation"))) {
      operator.operator().accounts().createAccount("person@example.test", "a long passphrase");
      String base = "http://127.0.0.1:" + config.apiPort();
      Path conf = work.resolve("conf");
      PendingLogin login = PendingLogin.start(base, conf);
      Page page = chromium.newPage();
      page.navigate(login.url());
      // typed as a person would, and sent with Enter
      page.locator("input[name=email]").pressSequentially("person@example.test");
      page.locator("input[name=password]").pressSequentially("a long passphrase");
      Chromium.screenshot(page, "cli-login-form");
      page.locator("input[name=password]").press("Enter");
      assertThat(login.exitCode().get(60, TimeUnit.SECONDS)).isZero();
      PlaywrightAssertions.assertThat(page.locator("body")).containsText("logged in");
      Chromium.screenshot(page, "cli-login-done");
      assertThat(login.out().toString()).contains("as person@example.test");
      assertThat(Files.readString(conf.resolve("login.toml"))).contains("token = \"mse_");
    }
  }
}
