package dev.mse.enclave.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Waits until the app answers its healthcheck with a 2xx, over HTTPS to its port, trusting exactly
 * the certificate the app must serve (the served leaf is compared byte for byte with it; names are
 * not checked, the pin is stronger). It gives up at once, with the reason, when the port answers
 * but not as it must: plain HTTP, or TLS with another certificate.
 */
final class HealthWatch {
  private static final int CONNECT_MS = 2_000;
  private static final int ANSWER_MS = 5_000;

  /** What the watch found. */
  sealed interface Outcome {
    /** The app answered its healthcheck with a 2xx. */
    record Healthy() implements Outcome {}

    /** The app will not become healthy: why. */
    record Broken(String why) implements Outcome {}

    /** No 2xx in time (or the watch was aborted); the last thing seen. */
    record TimedOut(String last) implements Outcome {}
  }

  /** Where and how to reach the app. */
  record Target(String host, int port, String serverName, X509Certificate expected, String path) {}

  private HealthWatch() {}

  /**
   * @param abort stops waiting early (the app already failed)
   */
  static Outcome await(Target target, Duration timeout, BooleanSupplier abort) {
    Instant deadline = Instant.now().plus(timeout);
    String last = "its port " + target.port() + " did not accept connections";
    long pause = 20;
    while (Instant.now().isBefore(deadline) && !abort.getAsBoolean()) {
      try {
        int status = get(target);
        if (status / 100 == 2) {
          return new Outcome.Healthy();
        }
        last = "it answered " + status;
      } catch (Broken e) {
        return new Outcome.Broken(e.getMessage());
      } catch (ConnectException notListening) {
        // Not listening yet.
      } catch (IOException notYet) {
        last = "its port " + target.port() + " answered, but not over TLS in time: " + notYet;
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      pause = Math.min(pause * 2, 500);
    }
    return new Outcome.TimedOut(last);
  }

  /** One GET of the healthcheck; its status code. */
  private static int get(Target target) throws IOException {
    Pin pin = new Pin(target.expected());
    IOException handshake;
    try (Socket plain = connect(target);
        SSLSocket tls =
            (SSLSocket)
                context(pin)
                    .getSocketFactory()
                    .createSocket(plain, target.serverName(), target.port(), true)) {
      SSLParameters parameters = tls.getSSLParameters();
      serverName(target.serverName()).ifPresent(n -> parameters.setServerNames(List.of(n)));
      parameters.setApplicationProtocols(new String[] {"http/1.1"});
      tls.setSSLParameters(parameters);
      try {
        tls.startHandshake();
        return statusOf(request(tls, target));
      } catch (IOException e) {
        handshake = e;
      }
    }
    if (pin.served != null) {
      throw new Broken(
          "the app serves a certificate other than the enclave's on its port "
              + target.port()
              + " ("
              + pin.served.getSubjectX500Principal()
              + "): it must serve the one in MSE_TLS_CERTIFICATE (mse.tls.certificate)");
    }
    // A plain HTTP server answers a TLS hello with an error, closes, or waits for a line end; it
    // is asked again in plain HTTP once that connection is closed (some serve one at a time).
    if (speaksPlainHttp(target)) {
      throw new Broken(
          "the app serves plain HTTP on its port "
              + target.port()
              + ": it must serve TLS with the enclave's certificate (MSE_TLS_CERTIFICATE and"
              + " MSE_TLS_KEY, or the dev.mse.app.MseTls helper), or set tls = \"runtime\" in"
              + " mse.toml");
    }
    throw handshake;
  }

  private static Socket connect(Target target) throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(target.host(), target.port()), CONNECT_MS);
      socket.setSoTimeout(ANSWER_MS);
      return socket;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /** Whether the port answers a plain HTTP request with an HTTP response. */
  private static boolean speaksPlainHttp(Target target) {
    try (Socket socket = connect(target)) {
      return request(socket, target).startsWith("HTTP/");
    } catch (IOException e) {
      return false;
    }
  }

  /** Sends the GET and reads the response's status line. */
  private static String request(Socket socket, Target target) throws IOException {
    socket
        .getOutputStream()
        .write(
            ("GET "
                    + target.path()
                    + " HTTP/1.1\r\nHost: "
                    + target.serverName()
                    + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b >= 0 && b != '\n' && line.size() < 1024; b = in.read()) {
      line.write(b);
    }
    return line.toString(StandardCharsets.ISO_8859_1).strip();
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

  private static Optional<SNIHostName> serverName(String name) {
    try {
      return Optional.of(new SNIHostName(name));
    } catch (IllegalArgumentException notAHostName) {
      return Optional.empty();
    }
  }

  private static SSLContext context(Pin pin) throws IOException {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {pin}, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException("no TLS client: " + e.getMessage(), e);
    }
  }

  /** The app's port answered, but not as it must: waiting longer will not help. */
  private static final class Broken extends IOException {
    private static final long serialVersionUID = 1L;

    Broken(String message) {
      super(message);
    }
  }

  /** Trusts exactly one leaf certificate; remembers another one served. */
  private static final class Pin implements X509TrustManager {
    private final byte[] expected;
    private X509Certificate served;

    Pin(X509Certificate expected) {
      try {
        this.expected = expected.getEncoded();
      } catch (java.security.cert.CertificateEncodingException e) {
        throw new IllegalArgumentException("cannot encode the expected certificate", e);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      if (chain == null || chain.length == 0 || !Arrays.equals(chain[0].getEncoded(), expected)) {
        served = chain == null || chain.length == 0 ? null : chain[0];
        throw new CertificateException("not the enclave's certificate");
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("a health check trusts no client");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
