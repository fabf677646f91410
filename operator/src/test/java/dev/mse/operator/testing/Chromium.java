package dev.mse.operator.testing;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Debian's headless Chromium driven by Playwright for Java: no browser download (Playwright's
 * driver only, from its jar), the executable at {@link #BINARY}. CI installs Chromium; {@code
 * MSE_SKIP_BROWSER=1} skips browser tests on a machine without it. Screenshots go to {@code
 * target/screenshots/} (test artifacts, not committed).
 */
public final class Chromium implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/bin/chromium");
  public static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private final Playwright playwright;
  private final Browser browser;

  private Chromium(Playwright playwright, Browser browser) {
    this.playwright = playwright;
    this.browser = browser;
  }

  /** Starts Chromium, or skips/fails the test as documented when it is not installed. */
  public static Chromium start() {
    if (!Files.isExecutable(BINARY)) {
      assumeFalse("1".equals(System.getenv("MSE_SKIP_BROWSER")), "MSE_SKIP_BROWSER=1");
      fail("no Chromium at " + BINARY + ": apt-get install chromium (or MSE_SKIP_BROWSER=1)");
    }
    Playwright playwright =
        Playwright.create(
            new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    try {
      Browser browser =
          playwright
              .chromium()
              .launch(
                  new BrowserType.LaunchOptions()
                      .setExecutablePath(BINARY)
                      .setHeadless(true)
                      .setArgs(
                          List.of(
                              "--headless",
                              "--no-sandbox",
                              "--disable-gpu",
                              "--disable-background-networking",
                              "--disable-component-update",
                              "--disable-sync",
                              "--no-first-run",
                              "--disable-quic")));
      return new Chromium(playwright, browser);
    } catch (RuntimeException e) {
      playwright.close();
      throw e;
    }
  }

  /** A new page in a fresh context (no cookies shared with other pages). */
  public Page newPage() {
    return browser.newContext().newPage();
  }

  /** A fresh context with {@code options} (a viewport, a device's settings). */
  public BrowserContext newContext(Browser.NewContextOptions options) {
    return browser.newContext(options);
  }

  /** Saves a full-page screenshot as {@code target/screenshots/NAME.png}. */
  public static Path screenshot(Page page, String name) throws Exception {
    Files.createDirectories(SCREENSHOTS);
    Path file = SCREENSHOTS.resolve(name + ".png");
    page.screenshot(new Page.ScreenshotOptions().setPath(file).setFullPage(true));
    return file;
  }

  @Override
  public void close() {
    try {
      browser.close();
    } finally {
      playwright.close();
    }
  }
}
