package com.example.owner;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.mse.app.MseTls;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.concurrent.Executors;

/**
 * The app of the owner's certificate example: a JDK HTTPS server that serves whatever TLS identity
 * mse hands it ({@link MseTls}: certificate, key, port and address set by the runtime). Deployed
 * with {@code [cloud.ssl]}, that identity is the owner's CA-issued certificate and the key released
 * to the verified enclave; under {@code localtest}, a throwaway self-signed one. The app cannot
 * tell them apart and needs no code for either.
 */
public final class App {
  private App() {}

  public static void main(String[] args) throws IOException, GeneralSecurityException {
    HttpsServer server =
        HttpsServer.create(new InetSocketAddress(MseTls.host(), MseTls.port()), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(MseTls.sslContext()));
    server.createContext("/health", e -> reply(e, 200, "OK\n"));
    server.createContext(
        "/",
        e -> {
          if (e.getRequestURI().getPath().equals("/")) {
            reply(e, 200, "Hello from the owner's certificate example, running in a TEE!\n");
          } else {
            reply(e, 404, "not found\n");
          }
        });
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
    System.out.println("hello-owner listening on https://" + MseTls.host() + ":" + MseTls.port());
  }

  private static void reply(HttpExchange e, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    e.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    e.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = e.getResponseBody()) {
      out.write(bytes);
    }
  }
}
