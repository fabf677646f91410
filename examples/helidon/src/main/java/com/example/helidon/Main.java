package com.example.helidon;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;

/**
 * A Helidon SE web app with no TLS code: its server comes from the "server" config node, which
 * holds the system properties the mse runtime sets (port, host and the TLS key and certificate
 * chain as PEM files), so Helidon serves HTTPS with the enclave's certificate.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    LogConfig.configureRuntime();
    // Environment, system properties, then application.* files on the class path.
    Config config = Config.create();
    Config.global(config);
    WebServer server =
        WebServer.builder()
            .config(config.get("server"))
            .routing(
                routing ->
                    routing
                        .get("/", (req, res) -> res.send("Hello from Helidon, running in a TEE!\n"))
                        .get("/health", (req, res) -> res.send("OK\n")))
            .build()
            .start();
    System.out.println(
        "hello-helidon listening on "
            + (server.hasTls() ? "https" : "http")
            + "://"
            + config.get("server.host").asString().orElse("0.0.0.0")
            + ":"
            + server.port());
  }
}
