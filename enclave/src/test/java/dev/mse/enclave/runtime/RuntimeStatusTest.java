package dev.mse.enclave.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.ratls.AttestationClaims.State;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Racing moves of the runtime's status: exactly one wins, and the state says which. */
class RuntimeStatusTest {
  private static final int ROUNDS = 20_000;
  private static final ByteString CODE = ByteString.fromHex("cd".repeat(32));
  private static final ExecutorService THREADS = Executors.newFixedThreadPool(2);

  @AfterAll
  static void stop() {
    THREADS.shutdownNow();
  }

  /** Runs {@code a} and {@code b} on two threads released together; their results. */
  private static boolean[] race(BooleanSupplier a, BooleanSupplier b) throws Exception {
    CyclicBarrier start = new CyclicBarrier(2);
    Function<BooleanSupplier, java.util.concurrent.Callable<Boolean>> released =
        move ->
            () -> {
              start.await();
              return move.getAsBoolean();
            };
    Future<Boolean> first = THREADS.submit(released.apply(a));
    Future<Boolean> second = THREADS.submit(released.apply(b));
    return new boolean[] {first.get(), second.get()};
  }

  @Test
  void theProvisioningDeadlineAndAProvisioningNeverBothWin() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      RuntimeStatus status = new RuntimeStatus(State.WAITING);

      boolean[] won = race(status::provisioned, () -> status.expire("no provisioning"));

      assertThat(won[0] ^ won[1]).as("round %d: exactly one move wins", round).isTrue();
      assertThat(status.get().state())
          .as("round %d", round)
          .isEqualTo(won[0] ? State.INITIALIZING : State.FAILED);
    }
  }

  @Test
  void anAppThatFailedIsNeverRunningAfterwards() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      RuntimeStatus status = new RuntimeStatus(State.INITIALIZING);

      boolean[] won = race(() -> status.running(CODE), () -> status.fail("the app's main failed"));

      // Running then failing is allowed (an app may fail after it served); failing then running
      // is not: a failure always ends in failed, and running says it lost.
      assertThat(won[1]).as("round %d: a failure always takes effect", round).isTrue();
      assertThat(status.get().state()).as("round %d", round).isEqualTo(State.FAILED);
      assertThat(status.get().failure()).contains("the app's main failed");
      if (won[0]) {
        assertThat(status.get().codeSha256()).contains(CODE);
      }
    }
  }

  @Test
  void theFirstFailureIsTheOneKept() {
    RuntimeStatus status = new RuntimeStatus(State.WAITING);
    assertThat(status.expire("no provisioning")).isTrue();
    assertThat(status.fail("later")).isFalse();
    assertThat(status.provisioned()).isFalse();
    assertThat(status.get().failure()).contains("no provisioning");
  }
}
