package com.example.javalin;

import dev.mse.app.MseTls;
import io.javalin.Javalin;
import java.io.IOException;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A Javalin web app that serves its own HTTPS (HTTP/2 and HTTP/1.1) with the TLS identity mse
 * gives it: {@link MseTls} reads the enclave's certificate and key, the port and the bind address
 * that the runtime set.
 */
public final class App {
  private App() {}

  public static void main(String[] args) throws IOException, GeneralSecurityException {
    // Read before Javalin starts, so a missing or bad identity stops the app with its reason.
    SSLContext tls = MseTls.enabled() ? MseTls.sslContext() : null;
    Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.routes.get("/", ctx -> ctx.result("Hello from Javalin, running in a TEE!\n"));
              config.routes.get("/health", ctx -> ctx.result("OK\n"));
              if (tls == null) {
                // tls = "runtime" in mse.toml: plain HTTP on a loopback port inside the TEE.
                config.jetty.host = MseTls.host();
                config.jetty.port = MseTls.port();
              } else {
                // With a connector of its own, Javalin opens no plain HTTP one.
                config.jetty.addConnector(
                    (server, http) -> {
                      // No SNI host check: a client that reaches the app by a name its
                      // certificate lacks (an address, the enclave's name) has already decided
                      // to trust that certificate; Jetty would answer it 400.
                      http.addCustomizer(new SecureRequestCustomizer(false));
                      SslContextFactory.Server ssl = new SslContextFactory.Server();
                      ssl.setSslContext(tls);
                      HttpConnectionFactory http1 = new HttpConnectionFactory(http);
                      HTTP2ServerConnectionFactory http2 = new HTTP2ServerConnectionFactory(http);
                      ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
                      alpn.setDefaultProtocol(http1.getProtocol());
                      ServerConnector connector =
                          new ServerConnector(
                              server,
                              new SslConnectionFactory(ssl, alpn.getProtocol()),
                              alpn,
                              http2,
                              http1);
                      connector.setHost(MseTls.host());
                      connector.setPort(MseTls.port());
                      return connector;
                    });
              }
            })
        .start();
  }
}
