package dev.mse.cli.cloud;

import dev.mse.cli.UserError;
import dev.mse.cli.WaitProgress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** Polls an app at the operator until it reaches one of the wanted statuses. */
final class AppStatusWait {
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Set<String> FINAL = Set.of("on_error", "stopped");

  private AppStatusWait() {}

  static JsonNode until(ApiClient api, UUID id, Set<String> wanted, Duration timeout) {
    return until(api, id, wanted, timeout, Optional.empty());
  }

  /**
   * As {@link #until(ApiClient, UUID, Set, Duration)}, reporting each state change and the time
   * waited every ten seconds to {@code progress}; a failed app ends the wait at once with its
   * reason.
   */
  static JsonNode until(
      ApiClient api,
      UUID id,
      Set<String> wanted,
      Duration timeout,
      Optional<WaitProgress> progress) {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      JsonNode app = api.app(id);
      String last = app.path("status").asString("unknown");
      progress.ifPresent(p -> p.observe(last));
      if (wanted.contains(last)) {
        return app;
      }
      if (FINAL.contains(last)) {
        String failure = app.path("failure").asString("");
        throw new UserError(
            "the app "
                + id
                + " is "
                + last
                + (failure.isEmpty() ? "" : ": " + failure)
                + " (see 'mse cloud logs "
                + id
                + "')");
      }
      if (Instant.now().isAfter(deadline)) {
        throw new UserError(
            "the app "
                + id
                + " is still "
                + last
                + " after "
                + timeout.toMinutes()
                + " min (see 'mse cloud status "
                + id
                + "')");
      }
      try {
        Thread.sleep(POLL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UserError("interrupted", e);
      }
    }
  }
}
