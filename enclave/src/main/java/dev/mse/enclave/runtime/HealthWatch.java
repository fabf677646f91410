package dev.mse.enclave.runtime;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/** Waits until the app answers its healthcheck on loopback with a 2xx. */
final class HealthWatch {
  private HealthWatch() {}

  /**
   * @param abort stops waiting early (the app already failed)
   * @return whether the app became healthy in time
   */
  static boolean await(int appPort, String path, Duration timeout, BooleanSupplier abort) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI uri = URI.create("http://127.0.0.1:" + appPort + path);
    Instant deadline = Instant.now().plus(timeout);
    long pause = 20;
    while (Instant.now().isBefore(deadline) && !abort.getAsBoolean()) {
      try {
        HttpResponse<Void> r =
            client.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() / 100 == 2) {
          return true;
        }
      } catch (IOException notYet) {
        // The app is not listening yet.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      pause = Math.min(pause * 2, 500);
    }
    return false;
  }
}
