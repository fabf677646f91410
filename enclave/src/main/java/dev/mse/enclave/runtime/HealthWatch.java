package dev.mse.enclave.runtime;

import dev.mse.enclave.appnet.AppPorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Waits until the app answers its healthcheck with a 2xx: in memory once the app took its port
 * through NIO (no plaintext on a loopback socket, which under SGX is the host's), else on loopback.
 */
final class HealthWatch {
  private static final Duration ANSWER = Duration.ofSeconds(5);

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
        int status =
            AppPorts.taken(appPort)
                ? inMemoryStatus(appPort, path)
                : client
                    .send(
                        HttpRequest.newBuilder(uri).timeout(ANSWER).build(),
                        HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        if (status / 100 == 2) {
          return true;
        }
      } catch (IOException notYet) {
        // The app is not listening yet, or did not answer.
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

  /** One GET over an in-memory connection; the status code, within {@link #ANSWER}. */
  private static int inMemoryStatus(int appPort, String path)
      throws IOException, InterruptedException {
    SocketChannel channel =
        AppPorts.open(appPort).orElseThrow(() -> new IOException("port not taken"));
    try (channel) {
      CompletableFuture<Integer> status = new CompletableFuture<>();
      Thread.ofVirtual()
          .name("mse-health")
          .start(
              () -> {
                try {
                  channel.write(
                      ByteBuffer.wrap(
                          ("GET "
                                  + path
                                  + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                              .getBytes(StandardCharsets.ISO_8859_1)));
                  status.complete(statusOf(statusLine(channel)));
                } catch (IOException | RuntimeException e) {
                  status.completeExceptionally(e);
                }
              });
      try {
        return status.get(ANSWER.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        throw new IOException("no answer to " + path, e);
      }
    }
  }

  private static String statusLine(SocketChannel channel) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    ByteBuffer one = ByteBuffer.allocate(1);
    while (line.size() < 1024) {
      one.clear();
      if (channel.read(one) < 0) {
        break;
      }
      if (one.get(0) == '\n') {
        return line.toString(StandardCharsets.ISO_8859_1).strip();
      }
      line.write(one.get(0));
    }
    throw new IOException("no status line");
  }

  private static int statusOf(String line) throws IOException {
    String[] parts = line.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || parts[1].length() != 3) {
      throw new IOException("not an HTTP status line");
    }
    try {
      return Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IOException("not an HTTP status line", e);
    }
  }
}
