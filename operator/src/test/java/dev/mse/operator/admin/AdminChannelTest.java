package dev.mse.operator.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mse.operator.Operator;
import dev.mse.operator.testing.OperatorFixture;
import dev.mse.operator.testing.RecordingNodeProvider;
import dev.mse.operator.testing.TestDatabase;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Accounts and tokens are created through the running operator, which holds its H2 database. */
class AdminChannelTest {
  @TempDir Path dir;
  OperatorFixture fx;

  @BeforeEach
  void start() throws Exception {
    fx = OperatorFixture.start(TestDatabase.Kind.H2, dir);
  }

  @AfterEach
  void stop() throws Exception {
    fx.close();
  }

  @Test
  void createsAnAccountAndATokenWhileTheOperatorServes() throws Exception {
    AdminReply reply =
        AdminClient.send(
                fx.config.dataDir(),
                new AdminRequest.CreateAccount(
                    "Admin@Example.test", "a long enough password", true, OptionalInt.empty()))
            .orElseThrow();

    AdminReply.AccountCreated created = (AdminReply.AccountCreated) reply;
    assertThat(created.email()).isEqualTo("admin@example.test");
    assertThat(fx.operator.accounts().authenticateToken(created.token().orElseThrow()).id())
        .isEqualTo(created.accountId());
    assertThat(created.toString()).doesNotContain(created.token().get());
  }

  @Test
  void theTokenLivesAsLongAsAskedAndSaysUntilWhen() throws Exception {
    AdminReply.AccountCreated created =
        (AdminReply.AccountCreated)
            AdminClient.send(
                    fx.config.dataDir(),
                    new AdminRequest.CreateAccount(
                        "short@example.test", "a long enough password", true, OptionalInt.of(7)))
                .orElseThrow();
    assertThat(created.tokenExpires().orElseThrow())
        .isCloseTo(fx.clock.instant().plus(Duration.ofDays(7)), within(1, ChronoUnit.SECONDS));
    assertThat(
            AdminClient.send(
                    fx.config.dataDir(),
                    new AdminRequest.CreateAccount(
                        "long@example.test", "a long enough password", true, OptionalInt.of(366)))
                .orElseThrow())
        .isInstanceOf(AdminReply.Refused.class);
  }

  @Test
  void refusesAsTheApiWould() throws Exception {
    AdminRequest weak =
        new AdminRequest.CreateAccount("a@example.test", "short", false, OptionalInt.empty());
    assertThat(AdminClient.send(fx.config.dataDir(), weak).orElseThrow())
        .isEqualTo(
            new AdminReply.Refused(
                "weak_password", "The password must have at least 12 characters."));
  }

  @Test
  void onlyTheOperatorsUserReachesTheSocket() throws Exception {
    Path socket = AdminProtocol.socket(fx.config.dataDir());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)))
        .isEqualTo("rw-------");
  }

  @Test
  void answersAMalformedOrOversizedRequestWithARefusal() throws Exception {
    Path socket = AdminProtocol.socket(fx.config.dataDir());
    assertThat(exchange(socket, "{\"request\":\"drop_database\"}\n")).contains("invalid_request");
    assertThat(exchange(socket, "[1,2]\n")).contains("invalid_request");
  }

  @Test
  void anOversizedRequestIsCutOffAndTheChannelKeepsServing() throws Exception {
    Path socket = AdminProtocol.socket(fx.config.dataDir());
    String huge = "{\"request\":\"create_account\",\"email\":\"" + "x".repeat(1 << 20) + "\"}\n";
    try {
      // the operator answers after MAX_LINE bytes and closes; the rest may reset the connection
      assertThat(exchange(socket, huge)).contains("invalid_request");
    } catch (java.net.SocketException e) {
      assertThat(e).hasMessageContaining("reset");
    }
    assertThat(
            AdminClient.send(
                    fx.config.dataDir(),
                    new AdminRequest.CreateAccount(
                        "b@example.test", "a long enough password", false, OptionalInt.empty()))
                .orElseThrow())
        .isInstanceOf(AdminReply.AccountCreated.class);
  }

  @Test
  void aSecondOperatorOnTheSameDataDirectoryRefusesToStart() {
    assertThatThrownBy(() -> Operator.start(fx.config, RecordingNodeProvider::new))
        .isInstanceOf(AdminChannel.AnotherOperatorException.class)
        .hasMessageContaining("another operator serves");
  }

  @Test
  void noOperatorNoAnswer() throws Exception {
    fx.stopOperator();
    assertThat(
            AdminClient.send(
                fx.config.dataDir(),
                new AdminRequest.CreateAccount(
                    "a@example.test", "a long enough password", false, OptionalInt.empty())))
        .isEmpty();
    fx = OperatorFixture.start(fx.database, fx.config, fx.clock);
  }

  private static String exchange(Path socket, String line) throws Exception {
    try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      c.connect(UnixDomainSocketAddress.of(socket));
      ByteBuffer b = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
      try {
        while (b.hasRemaining()) {
          c.write(b);
        }
      } catch (java.io.IOException e) {
        // the operator stopped reading an oversized request: its answer is waiting
      }
      return new String(
          Channels.newInputStream(c).readNBytes(AdminProtocol.MAX_LINE), StandardCharsets.UTF_8);
    }
  }
}
