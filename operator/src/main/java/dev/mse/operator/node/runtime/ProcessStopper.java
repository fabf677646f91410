package dev.mse.operator.node.runtime;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stops a runtime process: SIGTERM (the runtime stops its app and its front gracefully), then
 * SIGKILL after a grace period.
 */
public final class ProcessStopper {
  /** How long a runtime gets between SIGTERM and SIGKILL. */
  public static final Duration GRACE = Duration.ofSeconds(5);

  private ProcessStopper() {}

  /**
   * @return true when the process is gone
   */
  public static boolean stop(ProcessHandle h) throws InterruptedException {
    h.destroy();
    if (awaitExit(h, GRACE)) {
      return true;
    }
    h.destroyForcibly();
    return awaitExit(h, GRACE);
  }

  private static boolean awaitExit(ProcessHandle h, Duration d) throws InterruptedException {
    try {
      h.onExit().get(d.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return !h.isAlive();
    }
  }
}
