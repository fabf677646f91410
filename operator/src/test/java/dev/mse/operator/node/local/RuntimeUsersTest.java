package dev.mse.operator.node.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mse.operator.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runtime user ids: never one the host knows, one in use, or one another operator of the host
 * claims; handed out in turn.
 */
class RuntimeUsersTest {
  @TempDir Path claims;

  @Test
  void neverGivesAnIdThatTheHostsUsersOrGroupsHave() throws Exception {
    // 0, 1 and 2 are root, daemon and bin on every Linux
    RuntimeUsers users = new RuntimeUsers(0, 3, claims);
    assertThatThrownBy(users::allocate)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("in use");
  }

  @Test
  void idsComeInTurnAndAFreedOneOnlyAfterTheOthers() throws Exception {
    RuntimeUsers users = new RuntimeUsers(250_000, 3, claims);
    assertThat(users.allocate()).isEqualTo(250_000);
    assertThat(users.allocate()).isEqualTo(250_001);
    users.release(250_000);
    assertThat(users.allocate()).isEqualTo(250_002);
    assertThat(users.allocate()).isEqualTo(250_000);
    assertThatThrownBy(users::allocate).isInstanceOf(IOException.class);
  }

  @Test
  void anIdReservedForANodeFoundAgainIsNotGivenTwice() throws Exception {
    RuntimeUsers users = new RuntimeUsers(250_000, 2, claims);
    assertThat(users.reserve(250_000)).isTrue();
    assertThat(users.allocate()).isEqualTo(250_001);
    assertThatThrownBy(users::allocate).isInstanceOf(IOException.class);
  }

  @Test
  void twoOperatorsWithOverlappingRangesNeverShareAnId() throws Exception {
    RuntimeUsers a = new RuntimeUsers(250_000, 2, claims);
    RuntimeUsers b = new RuntimeUsers(250_000, 2, claims);
    // both see 250000 free (no process runs as it): only the claim tells b that a has it
    assertThat(a.allocate()).isEqualTo(250_000);
    assertThat(b.allocate()).isEqualTo(250_001);
    assertThatThrownBy(a::allocate).isInstanceOf(IOException.class);
    assertThat(b.reserve(250_000)).as("a node b finds again under a's id").isFalse();
    a.release(250_000);
    assertThat(b.reserve(250_000)).isTrue();
  }

  @Test
  void anIdAnotherProcessClaimsIsSkippedUntilThatProcessIsKilled() throws Exception {
    Process holder = ChildJvm.start(Holder.class, claims.toString());
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).isEqualTo("holding 250000");
      RuntimeUsers users = new RuntimeUsers(250_000, 2, claims);
      assertThat(users.allocate()).isEqualTo(250_001);
      assertThatThrownBy(users::allocate).isInstanceOf(IOException.class);

      holder.destroyForcibly(); // kill -9: the kernel drops its lock
      assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(users.allocate()).isEqualTo(250_000);
    } finally {
      holder.destroyForcibly();
    }
  }

  /** Another operator's process: claims the first id of the range and holds it until killed. */
  public static final class Holder {
    public static void main(String[] args) throws Exception {
      RuntimeUsers users = new RuntimeUsers(250_000, 1, Path.of(args[0]));
      System.out.println("holding " + users.allocate());
      System.out.flush();
      Thread.sleep(60_000);
    }
  }
}
