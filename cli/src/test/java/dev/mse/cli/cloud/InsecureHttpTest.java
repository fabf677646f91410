package dev.mse.cli.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.cli.ConfigDirectory;
import dev.mse.cli.MseCli;
import dev.mse.cli.UserError;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An API token is a bearer secret: the CLI sends it over plain http:// only to this machine, unless
 * the person accepts otherwise with {@code --insecure-http}. The operator here is a listener that
 * records what reaches it, the way anyone on the path would read it; its URL names a host off this
 * machine ({@link RemoteNamesResolver} leads that name to loopback, so nothing leaves the machine).
 */
class InsecureHttpTest {
  private static final String TOKEN = "mse_the-owners-secret-token";

  @TempDir Path work;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.1:8080",
        "http://127.3.2.1:8080/",
        "http://[::1]:8080",
        "http://localhost:8080",
        "http://LocalHost",
        "https://operator.example.com",
        "https://192.0.2.7:8443"
      })
  void tokensGoToLoopbackOrHttps(String url) {
    assertThatCode(() -> OperatorUrl.parse(url).requireSafeForToken(false))
        .doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://192.0.2.7:8080",
        "http://10.0.0.1",
        "http://operator.example.com",
        "http://localhost.example.com:8080",
        "http://127.0.0.1.nip.io",
        "http://[2001:db8::1]:8080",
        "HTTP://0.0.0.0:8080"
      })
  void tokensDoNotGoInClearOffThisMachine(String url) {
    OperatorUrl parsed = OperatorUrl.parse(url);
    assertThatThrownBy(() -> parsed.requireSafeForToken(false))
        .isInstanceOf(UserError.class)
        .hasMessageStartingWith("refusing to send the API token over plain http://");
    assertThatCode(() -> parsed.requireSafeForToken(true)).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://operator.example.com", "operator.example.com", "http://", "x y"})
  void somethingElseIsNotAnOperatorUrl(String url) {
    assertThatThrownBy(() -> OperatorUrl.parse(url)).isInstanceOf(UserError.class);
  }

  @Test
  void loginRefusesToSendTheTokenInClearOffThisMachine() throws Exception {
    try (Listener operator = new Listener()) {
      MseCli.Run refused = cli("cloud", "login", "--url", operator.url(), "--token", TOKEN);
      refused.failed();
      assertThat(refused.err().lines())
          .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
          .contains("refusing to send the API token over plain http://")
          .contains("--insecure-http");
      // A browser login would bring a token back over the same clear channel: refused first.
      MseCli.Run browser =
          cli("cloud", "login", "--url", operator.url(), "--no-browser", "--timeout", "1");
      browser.failed();
      assertThat(browser.err()).contains("refusing to send the API token over plain http://");
      assertThat(browser.out()).doesNotContain("/login/authorize");
      assertThat(operator.requests()).isEmpty();
      assertThat(work.resolve("conf/login.toml")).doesNotExist();

      // Asked for, it goes (and the listener, which is no operator, gives no answer).
      cli("cloud", "login", "--url", operator.url(), "--token", TOKEN, "--insecure-http");
      assertThat(operator.requests()).anyMatch(r -> r.contains("Bearer " + TOKEN));
    }
  }

  @Test
  void aSavedLoginForAPlainHttpOperatorOffThisMachineIsRefusedAtUse() throws Exception {
    try (Listener operator = new Listener()) {
      Path login = Files.createDirectories(work.resolve("conf")).resolve("login.toml");
      String saved =
          "base_url = \""
              + operator.url()
              + "\"\nemail = \"o@example.test\"\ntoken = \""
              + TOKEN
              + "\"\n";
      Files.writeString(login, saved);
      for (List<String> command :
          List.of(
              List.of("cloud", "list"),
              List.of("cloud", "status", "00000000-0000-0000-0000-000000000001"),
              List.of("cloud", "login", "--whoami"))) {
        MseCli.Run refused = cli(command.toArray(String[]::new));
        refused.failed();
        assertThat(refused.err()).as("%s", command).contains("refusing to send the API token");
      }
      // Logging out forgets it locally without sending it.
      assertThat(cli("cloud", "logout").succeeded().out()).contains("could not revoke");
      assertThat(operator.requests()).isEmpty();

      // The consent given at login is saved with it, and honoured.
      Files.writeString(login, saved + "insecure_http = true\n");
      cli("cloud", "list");
      assertThat(operator.requests()).anyMatch(r -> r.contains("Bearer " + TOKEN));
    }
  }

  @Test
  void theSavedLoginKeepsTheConsentAndTheTokenExpiryAndNeverPrintsTheToken() {
    System.setProperty(ConfigDirectory.PROPERTY, work.resolve("conf").toString());
    try {
      CloudLogin login =
          new CloudLogin(
              "http://192.0.2.7:8080",
              "o@example.test",
              TOKEN,
              true,
              Optional.of(Instant.parse("2027-03-06T16:00:00Z")));
      login.save();
      assertThat(CloudLogin.load()).contains(login);
      assertThat(login.toString()).doesNotContain(TOKEN);
    } finally {
      System.clearProperty(ConfigDirectory.PROPERTY);
    }
  }

  private MseCli.Run cli(String... args) {
    return MseCli.run(work.resolve("conf"), args);
  }

  /** Accepts connections, records each request's head, and closes them unanswered. */
  private static final class Listener implements AutoCloseable {
    private final ServerSocket socket;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    Listener() throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread.ofVirtual().start(this::serve);
    }

    String url() {
      return "http://operator" + RemoteNamesResolver.SUFFIX + ":" + socket.getLocalPort();
    }

    List<String> requests() {
      return requests;
    }

    private void serve() {
      while (!socket.isClosed()) {
        try (Socket s = socket.accept()) {
          s.setSoTimeout(10_000);
          BufferedReader r =
              new BufferedReader(
                  new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
          StringBuilder head = new StringBuilder();
          for (String line = r.readLine(); line != null && !line.isEmpty(); line = r.readLine()) {
            head.append(line).append('\n');
          }
          requests.add(head.toString());
        } catch (IOException e) {
          // Closed, or a client that went away: nothing to record.
        }
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
