package dev.mse.cli.home;

import dev.mse.attestation.codec.ByteString;
import dev.mse.attestation.policy.AppraisalPolicy;
import dev.mse.attestation.ratls.RaTlsCertificate;
import dev.mse.attestation.ratls.RaTlsOptions;
import dev.mse.attestation.ratls.RaTlsSslContexts;
import dev.mse.attestation.ratls.RaTlsTrustManager;
import dev.mse.cli.Json;
import dev.mse.cli.UserError;
import dev.mse.protocol.deploy.DeploymentConfig;
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
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * HTTPS to a local runtime's {@code /.well-known/mse/} endpoints. TLS is always verified: the
 * runtime's RA-TLS certificate must carry the app id, package and deployment config this machine
 * started it with (simulated evidence accepted only for a simulated app), and, when pinned, be
 * exactly the given certificate. MSE's home commands turned verification off here.
 */
final class NodeClient {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final HomeApp app;
  private final HttpClient http;

  private NodeClient(HomeApp app, RaTlsTrustManager trust) {
    this.app = app;
    this.http =
        HttpClient.newBuilder()
            .sslContext(RaTlsSslContexts.client(trust))
            .connectTimeout(CONNECT_TIMEOUT)
            .build();
  }

  /** Trusts the runtime whose evidence matches {@code app} and {@code config}. */
  static NodeClient verifying(HomeApp app, DeploymentConfig config) {
    return new NodeClient(app, trust(app, config).build());
  }

  /** As {@link #verifying}, and only the certificate {@code pinned}. */
  static NodeClient pinned(HomeApp app, DeploymentConfig config, X509Certificate pinned) {
    return new NodeClient(
        app, trust(app, config).pin(RaTlsCertificate.fingerprint(pinned)).build());
  }

  private static RaTlsTrustManager.Builder trust(HomeApp app, DeploymentConfig config) {
    return RaTlsTrustManager.builder(
            AppraisalPolicy.defaults().withAllowSimulation(app.simulated()))
        .options(
            RaTlsOptions.none()
                .withAppId(app.appId())
                .withPackageSha256(app.packageSha256())
                .withConfigSha256(config.sha256()))
        .serverName(app.san());
  }

  /** An answer and the certificate the runtime served on that connection. */
  record Reply(int status, String body, X509Certificate peer) {
    JsonNode json() {
      try {
        return Json.MAPPER.readTree(body);
      } catch (JacksonException e) {
        throw new UserError("the runtime answered something that is not JSON: " + body, e);
      }
    }
  }

  /** The runtime cannot be reached (yet): not listening, or no answer in time. */
  static final class Unreachable extends Exception {
    private static final long serialVersionUID = 1L;

    Unreachable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  Reply status() throws Unreachable {
    return send(request("/.well-known/mse/status").GET().timeout(Duration.ofSeconds(10)).build());
  }

  Reply evidence(ByteString nonce) throws Unreachable {
    return send(
        request("/.well-known/mse/evidence?nonce=" + nonce.hex())
            .GET()
            .timeout(Duration.ofSeconds(30))
            .build());
  }

  Reply provision(String body) throws Unreachable {
    return send(
        request("/.well-known/mse/provision")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .timeout(Duration.ofSeconds(60))
            .build());
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(
        URI.create("https://" + hostForUri(app.connectHost()) + ":" + app.port() + path));
  }

  private static String hostForUri(String host) {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  private Reply send(HttpRequest request) throws Unreachable {
    HttpResponse<String> r;
    try {
      r = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException | HttpTimeoutException e) {
      throw new Unreachable(
          "the runtime of '" + app.name() + "' does not answer on port " + app.port(), e);
    } catch (SSLException e) {
      throw new UserError(
          "the runtime of '" + app.name() + "' failed TLS verification: " + rootMessage(e), e);
    } catch (IOException e) {
      throw new Unreachable(
          "the runtime of '" + app.name() + "' cannot be reached: " + rootMessage(e), e);
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
      throw new UserError("the runtime's TLS session has no verified certificate", e);
    }
    throw new UserError("the runtime's TLS session has no certificate");
  }

  static String rootMessage(Throwable e) {
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
