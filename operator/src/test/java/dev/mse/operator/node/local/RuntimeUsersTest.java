package dev.mse.operator.node.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Runtime user ids: never one the host knows or one in use, handed out in turn. */
class RuntimeUsersTest {
  @Test
  void neverGivesAnIdThatTheHostsUsersOrGroupsHave() throws Exception {
    // 0, 1 and 2 are root, daemon and bin on every Linux
    RuntimeUsers users = new RuntimeUsers(0, 3);
    assertThatThrownBy(users::allocate)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("in use");
  }

  @Test
  void idsComeInTurnAndAFreedOneOnlyAfterTheOthers() throws Exception {
    RuntimeUsers users = new RuntimeUsers(250_000, 3);
    assertThat(users.allocate()).isEqualTo(250_000);
    assertThat(users.allocate()).isEqualTo(250_001);
    users.release(250_000);
    assertThat(users.allocate()).isEqualTo(250_002);
    assertThat(users.allocate()).isEqualTo(250_000);
    assertThatThrownBy(users::allocate).isInstanceOf(IOException.class);
  }

  @Test
  void anIdReservedForANodeFoundAgainIsNotGivenTwice() throws Exception {
    RuntimeUsers users = new RuntimeUsers(250_000, 2);
    users.reserve(250_000);
    assertThat(users.allocate()).isEqualTo(250_001);
    assertThatThrownBy(users::allocate).isInstanceOf(IOException.class);
  }
}
