package dev.mse.cli.enclave;

import dev.mse.attestation.codec.ByteString;
import dev.mse.cli.Json;
import dev.mse.cli.UserError;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * HTTPS to an enclave's {@code /.well-known/mse/} endpoints at an address, asking for a server name
 * by SNI (an operator's SNI proxy routes on it; a home runtime ignores it). Whoever builds the
 * client decides the trust: a verifying RA-TLS trust manager, a pinned certificate, or (for {@code
 * mse cloud verify}, which checks afterwards) none.
 */
public final class EnclaveClient {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final String what;
  private final String host;
  private final int port;
  private final HttpClient http;

  /**
   * @param what how messages name the enclave, e.g. "the runtime of 'app'"
   * @param host the address to connect to
   * @param port the TLS port
   * @param serverName the SNI name to ask for, if any (not sent for IP literals otherwise)
   * @param tls the trust to use
   */
  public EnclaveClient(
      String what, String host, int port, Optional<String> serverName, SSLContext tls) {
    this.what = what;
    this.host = host;
    this.port = port;
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .sslContext(tls)
            .connectTimeout(CONNECT_TIMEOUT)
            .version(HttpClient.Version.HTTP_1_1);
    if (serverName.isPresent()) {
      SSLParameters p = new SSLParameters();
      p.setServerNames(List.of(new SNIHostName(serverName.get())));
      b.sslParameters(p);
    }
    this.http = b.build();
  }

  /** An answer and the certificate the enclave served on that connection. */
  public record Reply(int status, String body, X509Certificate peer) {
    public JsonNode json() {
      try {
        return Json.MAPPER.readTree(body);
      } catch (JacksonException e) {
        throw new UserError("the enclave answered something that is not JSON: " + body, e);
      }
    }

    /** The {@code error} field of a JSON error answer, else the body. */
    public String reason() {
      try {
        JsonNode n = Json.MAPPER.readTree(body);
        return n.path("error").isString() ? n.path("error").asString() : body;
      } catch (JacksonException e) {
        return body;
      }
    }
  }

  /** The enclave cannot be reached (yet): not listening, or no answer in time. */
  public static final class Unreachable extends Exception {
    private static final long serialVersionUID = 1L;

    Unreachable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public Reply status() throws Unreachable {
    return send(request("/.well-known/mse/status").GET().timeout(Duration.ofSeconds(10)).build());
  }

  /** Evidence for the enclave's own RA-TLS key (the key it serves on this connection). */
  public Reply evidence(ByteString nonce) throws Unreachable {
    return evidence(nonce, Optional.empty());
  }

  /**
   * Evidence for the key whose SubjectPublicKeyInfo hashes to {@code spki} (a key the verifier was
   * served at the app's name); the enclave answers 404 for a key that is not its own.
   */
  public Reply evidence(ByteString nonce, Optional<ByteString> spki) throws Unreachable {
    return send(
        request(
                "/.well-known/mse/evidence?nonce="
                    + nonce.hex()
                    + spki.map(s -> "&spki=" + s.hex()).orElse(""))
            .GET()
            .timeout(Duration.ofSeconds(30))
            .build());
  }

  public Reply provision(String body) throws Unreachable {
    return send(
        request("/.well-known/mse/provision")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .timeout(Duration.ofSeconds(60))
            .build());
  }

  /** Any path, for readiness checks. */
  public Reply get(String path) throws Unreachable {
    return send(request(path).GET().timeout(Duration.ofSeconds(10)).build());
  }

  private HttpRequest.Builder request(String path) {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return HttpRequest.newBuilder(URI.create("https://" + h + ":" + port + path));
  }

  private Reply send(HttpRequest request) throws Unreachable {
    HttpResponse<String> r;
    try {
      r = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException | HttpTimeoutException e) {
      throw new Unreachable(what + " does not answer on port " + port, e);
    } catch (SSLException e) {
      throw new UserError(what + " failed TLS verification: " + rootMessage(e), e);
    } catch (IOException e) {
      throw new Unreachable(what + " cannot be reached: " + rootMessage(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted", e);
    }
    return new Reply(r.statusCode(), r.body(), peer(r));
  }

  private static X509Certificate peer(HttpResponse<String> r) {
    try {
      Optional<Certificate[]> chain =
          r.sslSession().isPresent()
              ? Optional.of(r.sslSession().get().getPeerCertificates())
              : Optional.empty();
      if (chain.isPresent()
          && chain.get().length > 0
          && chain.get()[0] instanceof X509Certificate x) {
        return x;
      }
    } catch (SSLPeerUnverifiedException e) {
      throw new UserError("the enclave's TLS session has no verified certificate", e);
    }
    throw new UserError("the enclave's TLS session has no certificate");
  }

  /** The innermost message of a chain of causes. */
  public static String rootMessage(Throwable e) {
    Throwable t = e;
    String message = e.getMessage();
    while (t != null) {
      if (t.getMessage() != null) {
        message = t.getMessage();
      }
      t = t.getCause();
    }
    return message == null ? e.getClass().getSimpleName() : message;
  }
}
