package dev.mse.enclave.front;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * One request relayed to the app whose response has not yet passed back: what the response's
 * framing depends on (HEAD, CONNECT), when the request arrived, and, for a request that asks to
 * leave HTTP (Upgrade, CONNECT), whether the app agreed.
 */
final class Exchange {
  final long startNanos;
  final boolean head;
  final boolean connect;
  private final CompletableFuture<Boolean> leavesHttp;

  Exchange(long startNanos, String method, boolean upgrade) {
    this.startNanos = startNanos;
    this.head = method.equals("HEAD");
    this.connect = method.equals("CONNECT");
    this.leavesHttp = upgrade || connect ? new CompletableFuture<>() : null;
  }

  /** Whether the stream's framing depends on the app's answer to this request. */
  boolean asksToLeaveHttp() {
    return leavesHttp != null;
  }

  void decided(boolean left) {
    if (leavesHttp != null) {
      leavesHttp.complete(left);
    }
  }

  /**
   * Waits for the app's answer while {@code appAlive} says it can still come: true when the
   * connection became an opaque tunnel.
   */
  boolean leftHttp(BooleanSupplier appAlive) throws InterruptedException {
    while (true) {
      try {
        return leavesHttp.get(100, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        return false;
      } catch (TimeoutException e) {
        if (!appAlive.getAsBoolean()) {
          return false;
        }
      }
    }
  }

  /** The app will never answer (its connection ended). */
  void abandon() {
    decided(false);
  }
}
