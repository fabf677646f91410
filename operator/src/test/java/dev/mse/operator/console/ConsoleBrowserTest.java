package dev.mse.operator.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import dev.mse.attestation.ratls.AppTls;
import dev.mse.operator.Operator;
import dev.mse.operator.OperatorConfig;
import dev.mse.operator.node.local.LocalNodeProvider;
import dev.mse.operator.store.Account;
import dev.mse.operator.testing.ApiClient;
import dev.mse.operator.testing.Chromium;
import dev.mse.operator.testing.Deployments;
import dev.mse.operator.testing.OperatorFixture;
import dev.mse.operator.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console in Debian's Chromium (Playwright, no browser download) against a real operator whose
 * local provider runs the real runtime in the simulated TEE, with an app deployed through the API:
 * sign in, the app in the list, its page (evidence the operator verified, live logs, charts drawn
 * by the console's script), tokens created (used on the API) and revoked, a project created, the
 * app stopped after confirmation. No page may log a CSP violation or any other console error.
 * Screenshots of every page go to {@code target/console-screenshots/} (not committed).
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
  private static final Path RUNTIME =
      Path.of("..", "enclave", "target", "runtime").toAbsolutePath();
  private static final Path SHOTS = Path.of("target", "console-screenshots");
  private static final String EMAIL = "alice@example.com";

  @TempDir static Path dir;

  private static TestDatabase db;
  private static Operator operator;
  private static Account alice;
  private static ApiClient api;
  private static UUID appId;
  private static Chromium chromium;
  private static BrowserContext context;
  private static Page page;
  private static final List<String> consoleErrors = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    // first: skipped (MSE_SKIP_BROWSER=1) or failed before an operator starts, without Chromium
    chromium = Chromium.start();
    assertThat(RUNTIME.resolve("mse-enclave.jar"))
        .as("the runtime distribution (./mvnw -pl enclave -am package -DskipTests)")
        .exists();
    Files.createDirectories(SHOTS);
    db = TestDatabase.create(TestDatabase.Kind.H2, dir.resolve("h2"));
    OperatorConfig config =
        OperatorConfig.defaults(dir.resolve("data"))
            .withDatabaseUrl(db.url())
            .withApi("127.0.0.1", 0);
    LocalNodeProvider.Settings settings =
        new LocalNodeProvider.Settings(
            dir.resolve("nodes"), RUNTIME, "simulation", Duration.ofMinutes(5), 0);
    operator =
        Operator.start(
            config,
            listener -> {
              try {
                return new LocalNodeProvider(settings, listener);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    alice = operator.accounts().createAccount(EMAIL, OperatorFixture.PASSWORD);
    api =
        new ApiClient(operator.apiUri(), Optional.empty())
            .withToken(operator.accounts().createToken(alice.id(), "setup").secret());
    Deployments.Deployment d =
        Deployments.selfMode(config.appsDomain(), AppTls.APP, Deployments.packageBytes("hello"));
    ApiClient.Res deployed =
        api.deploy("default", config.defaultHardware(), d.configBytes(), d.packageBytes());
    assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);
    appId = d.appId();
    // the runtime starts and waits for its owner's key: the app is initializing
    for (int i = 0; i < 900 && !status().equals("initializing"); i++) {
      Thread.sleep(100);
    }
    assertThat(status())
        .as(api.get("/api/v1/apps/" + appId + "/logs").body())
        .isEqualTo("initializing");

    context = chromium.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900));
    page = context.newPage();
    page.setDefaultTimeout(30_000);
    page.onConsoleMessage(
        m -> {
          if (m.type().equals("error")) {
            consoleErrors.add(m.text() + " (" + m.location() + ", on " + m.page().url() + ")");
          }
        });
  }

  private static String status() throws Exception {
    return api.get("/api/v1/apps/" + appId).json().get("status").asString();
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (chromium != null) {
        chromium.close();
      }
    } finally {
      try {
        if (operator != null) {
          if (appId != null) {
            operator.apps().stop(alice.id(), appId);
          }
          operator.close();
        }
      } finally {
        if (db != null) {
          db.close();
        }
      }
    }
  }

  private static String url(String path) {
    return operator.apiUri().resolve(path).toString();
  }

  private static void shot(String name) {
    page.screenshot(
        new Page.ScreenshotOptions().setPath(SHOTS.resolve(name + ".png")).setFullPage(true));
  }

  private static Locator button(String name) {
    return page.getByRole(
        AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
  }

  @Test
  @Order(1)
  void signsInAndSeesTheDeployedApp() {
    page.navigate(url("/"));
    page.waitForURL("**/console/login");
    shot("login");
    page.getByLabel("Email").fill(EMAIL);
    page.getByLabel("Password").fill(OperatorFixture.PASSWORD);
    button("Sign in").click();
    page.waitForURL("**/console/apps");
    Locator row =
        page.locator("table.apps tbody tr").filter(new Locator.FilterOptions().setHasText("hello"));
    assertThat(row).hasCount(1);
    assertThat(row).containsText("initializing");
    assertThat(row).containsText(appId.toString());
    assertThat(row).containsText("zero trust");
    assertThat(row).containsText("simulation");
    assertThat(row).containsText("default");
    shot("apps");

    // the filters: another status hides it, the app's own shows it
    page.getByLabel("Status").selectOption("stopped");
    button("Filter").click();
    assertThat(page.locator("table.apps")).hasCount(0);
    page.getByLabel("Status").selectOption("initializing");
    page.getByLabel("Project")
        .selectOption(new com.microsoft.playwright.options.SelectOption().setLabel("default"));
    button("Filter").click();
    assertThat(page.locator("table.apps tbody tr")).hasCount(1);
  }

  @Test
  @Order(2)
  void readsTheAppsEvidenceLogsAndCharts() {
    page.navigate(url("/console/apps"));
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("hello")).click();
    page.waitForURL("**/console/apps/" + appId);
    Locator evidence = page.locator("#evidence");
    assertThat(evidence).containsText("accepted");
    assertThat(evidence).containsText("SIMULATED");
    assertThat(evidence).containsText("waiting");
    assertThat(evidence).containsText("not provisioned yet");
    assertThat(page.locator(".warning")).containsText("Simulated TEE");
    // the runtime's own output, read live by the page's script
    assertThat(page.locator("#logs")).not().hasText("loading…");
    assertThat(page.locator("#logs")).not().isEmpty();
    assertThat(page.locator("#logs-state")).containsText("live");
    // six charts, each an SVG drawn from the operator's samples (at least the current one)
    Locator charts = page.locator("figure.chart svg[data-points]");
    assertThat(charts).hasCount(6, new LocatorAssertions.HasCountOptions().setTimeout(30_000));
    assertThat(page.locator("figure.chart[data-series=cpuPercent] svg polyline")).hasCount(1);
    assertThat(page.locator("figure.chart[data-series=cpuPercent] svg"))
        .hasAttribute("aria-label", java.util.regex.Pattern.compile("CPU .*samples, latest"));
    assertThat(page.locator("#verify-h ~ p")).containsText("code key");
    shot("app");

    // the live-logs switch works from the keyboard
    page.locator("#logs-toggle").focus();
    page.keyboard().press("Enter");
    assertThat(page.locator("#logs-toggle")).hasAttribute("aria-pressed", "false");
    assertThat(page.locator("#logs-state")).hasText("paused");

    // a phone-sized screen: the same page, no horizontal scrolling of the whole page
    BrowserContext phone =
        chromium.newContext(
            new Browser.NewContextOptions()
                .setViewportSize(390, 844)
                .setDeviceScaleFactor(2)
                .setIsMobile(true)
                .setHasTouch(true));
    try {
      phone.addCookies(context.cookies());
      Page p = phone.newPage();
      p.navigate(url("/console/apps/" + appId));
      assertThat(p.locator("figure.chart svg[data-points]")).hasCount(6);
      Object overflow = p.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1");
      assertThat(overflow).isEqualTo(true);
      p.screenshot(
          new Page.ScreenshotOptions().setPath(SHOTS.resolve("app-phone.png")).setFullPage(true));
      p.navigate(url("/console/apps"));
      assertThat(p.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))
          .isEqualTo(true);
      p.screenshot(
          new Page.ScreenshotOptions().setPath(SHOTS.resolve("apps-phone.png")).setFullPage(true));
    } finally {
      phone.close();
    }
  }

  @Test
  @Order(3)
  void createsATokenShownOnceThatWorksAndRevokesIt() throws Exception {
    page.navigate(url("/console/tokens"));
    page.getByLabel("Name").fill("ci");
    page.getByLabel("Expires after (days, 1 to 365)").fill("7");
    button("Create token").click();
    String secret = page.locator("#new-token").textContent().strip();
    assertThat(secret).startsWith("mse_");
    assertThat(page.locator("table")).containsText("ci");
    shot("tokens");
    ApiClient withIt = new ApiClient(operator.apiUri(), Optional.empty()).withToken(secret);
    assertThat(withIt.get("/api/v1/apps").status()).isEqualTo(200);

    // shown once: the page, read again, does not have it
    page.navigate(url("/console/tokens"));
    assertThat(page.locator("#new-token")).hasCount(0);
    assertThat(page.content()).doesNotContain(secret);

    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Revoke ci").setExact(true))
        .click();
    page.waitForURL("**/console/tokens");
    assertThat(
            page.getByRole(
                AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Revoke ci").setExact(true)))
        .hasCount(0);
    assertThat(withIt.get("/api/v1/apps").status()).isEqualTo(401);
  }

  @Test
  @Order(4)
  void createsAProjectAndShowsQuotasHardwareAndAccount() {
    page.navigate(url("/console/projects"));
    page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill("research");
    page.getByLabel("Description (optional)").fill("the lab's apps");
    button("Create project").click();
    page.waitForURL("**/console/projects");
    Locator research =
        page.locator("section.card").filter(new Locator.FilterOptions().setHasText("research"));
    assertThat(research).containsText("the lab's apps");
    assertThat(research.locator("tbody tr")).not().hasCount(0);
    // the default project's quota shows the deployed app in use
    Locator def =
        page.locator("section.card")
            .filter(
                new Locator.FilterOptions()
                    .setHas(
                        page.getByRole(
                            AriaRole.HEADING, new Page.GetByRoleOptions().setName("default"))));
    Locator offer =
        def.locator("tbody tr")
            .filter(
                new Locator.FilterOptions()
                    .setHas(
                        page.getByRole(
                            AriaRole.CELL,
                            new Page.GetByRoleOptions()
                                .setName(operator.config().defaultHardware())
                                .setExact(true))));
    assertThat(offer.locator("td").nth(1)).hasText("1");
    shot("projects");

    page.navigate(url("/console/hardware"));
    assertThat(page.locator("table")).containsText(operator.config().defaultHardware());
    shot("hardware");

    page.navigate(url("/console/account"));
    assertThat(page.locator(".facts")).containsText(EMAIL);
    shot("account");
  }

  @Test
  @Order(5)
  void stopsTheAppAfterConfirmation() throws Exception {
    page.navigate(url("/console/apps/" + appId));
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Stop this app…")).click();
    page.waitForURL("**/console/apps/" + appId + "/stop");
    assertThat(page.locator("main")).containsText("cannot be started again");
    shot("stop");
    assertThat(status()).isEqualTo("initializing"); // asking is not stopping
    button("Yes, stop hello").click();
    page.waitForURL("**/console/apps/" + appId);
    assertThat(page.locator("h1 .status")).hasText("stopped");
    assertThat(page.locator(".history")).containsText("stopped");
    assertThat(page.locator("#verify-h ~ p")).containsText("no longer runs");
    assertThat(page.locator("#evidence-h ~ p")).containsText("its enclave is gone");
    assertThat(status()).isEqualTo("stopped");
    shot("app-stopped");
  }

  @Test
  @Order(6)
  void noPageLoggedAnError() {
    assertThat(consoleErrors).isEmpty();
  }
}
